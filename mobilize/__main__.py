"""`python -m mobilize` is the `mobilize` command."""

from mobilize.cli.main import main

raise SystemExit(main())
