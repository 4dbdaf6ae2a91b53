"""The `mobilize` command line: one module per command group, assembled in `mobilize.cli.main`."""
