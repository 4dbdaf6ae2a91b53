"""The `mobilize` command line: one module per command group, assembled in `main`."""

from mobilize.cli.main import main

__all__ = ["main"]
