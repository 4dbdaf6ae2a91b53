"""HTTP in: the FastAPI application (`create_app`), thin over the application service."""
