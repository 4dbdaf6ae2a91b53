"""Where the application meets the event store: the aggregate cache, group commit, the PostgreSQL recorder."""
