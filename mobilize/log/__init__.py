"""Reading the stored log: rows in bulk, events decoded, wake-ups on new commits, and the one JSON shape of an event."""
