"""`python -m egress`: the same command line as the `egress` script."""

from __future__ import annotations

from egress.start import main

main(prog_name="egress")
