"""egress: one vendor-neutral design of the egress edge, rendered, linted, pushed and proven."""

from __future__ import annotations

__version__ = "0.1.0"
