"""`python -m mobilize` is the `mobilize` command."""

from mobilize.cli import main

raise SystemExit(main())
