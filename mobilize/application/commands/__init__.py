"""Commands of the application, one module per area; `Mobilize` combines them."""
