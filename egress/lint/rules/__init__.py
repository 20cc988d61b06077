"""The lint rules; importing this package registers every one of them (see registry)."""

from __future__ import annotations

from egress.lint.rules import (  # noqa: F401 - registration by import
    bfd,
    bgp,
    ecmp,
    ha,
    inventory,
    nat,
    pbr,
    probes,
    security,
    syntax,
    vrrp,
)
