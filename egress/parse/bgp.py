"""BGP advertised routes (issue 19): each vendor's table of what is sent to one neighbor,
folded into `bgp_route` records."""

from __future__ import annotations

from ipaddress import IPv4Network

from egress.parse.engine import Rows
from egress.parse.rows import group, text
from egress.parse.schema import BgpRoute

# what a device prints as the next hop of a route it originates itself
_SELF = frozenset({"0.0.0.0", "Self", "self"})


def _prefix(printed: str) -> str:
    """IOS prints a classful network without its mask ("10.0.0.0", "0.0.0.0"): the mask is
    the class's (RFC 791 class A/B/C) or /0 for the default."""
    if "/" in printed:
        return str(IPv4Network(printed, strict=False))
    if printed == "0.0.0.0":
        return "0.0.0.0/0"
    first = int(printed.split(".")[0])
    length = 8 if first < 128 else 16 if first < 192 else 24
    return str(IPv4Network(f"{printed}/{length}", strict=False))


def _record(prefix: str, next_hop: str | None) -> BgpRoute:
    return BgpRoute(prefix=_prefix(prefix), next_hop=None if next_hop in _SELF else next_hop)


def ios_advertised(rows: Rows) -> list[BgpRoute]:
    """Rows "ev" in document order: a route line (prefix, next_hop) or a prefix alone whose
    next hop is on the continuation line (IOS wraps a network longer than its column)."""
    records = []
    pending: str | None = None
    for row in group(rows, "ev"):
        prefix, next_hop = text(row, "prefix"), text(row, "next_hop")
        if prefix is not None and next_hop is None:
            pending = prefix
            continue
        if prefix is None and pending is not None:
            prefix, pending = pending, None
        if prefix is not None:
            # "a" (additional path) is printed against the network: "*b a10.69.9.9/32"
            records.append(_record(prefix.lstrip("abcdefghijklmnopqrstuvwxyz"), next_hop))
    return records


def junos_advertised(rows: Rows) -> list[BgpRoute]:
    """Rows "ev": a route line, or a destination alone whose route line follows (Junos wraps
    a destination longer than its column)."""
    records = []
    pending: str | None = None
    for row in group(rows, "ev"):
        prefix, next_hop = text(row, "prefix"), text(row, "next_hop")
        if prefix is not None and next_hop is None:
            pending = prefix
            continue
        if prefix is None:
            prefix, pending = pending, None
        if prefix is not None:
            records.append(_record(prefix, next_hop))
    return records
