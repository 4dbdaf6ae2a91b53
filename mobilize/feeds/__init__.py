"""Live feeds on the log: the SSE tail and its bell, and the Kafka relay."""
