"""Read models built from the event log (rosters, gaps, audit trail, readiness)."""
