"""`python -m egress`: the same command line as the `egress` script."""

from __future__ import annotations

from egress.cli import app

app(prog_name="egress")
