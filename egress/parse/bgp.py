"""BGP (issue 19): each vendor's table of what is sent to one neighbor, folded into
`bgp_route` records, and its neighbor summary, folded into `bgp_session` records."""

from __future__ import annotations

import re
from ipaddress import IPv4Network

from egress.parse.engine import Rows
from egress.parse.rows import group, text
from egress.parse.schema import BgpRoute, BgpSession

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


# the prefix of a FortiOS route line whose status codes run into it ("*>i10.13.13.1/32")
_CODES = "*>sdhiSrmbfxcta "


def fortios_advertised(rows: Rows) -> list[BgpRoute]:
    """Rows "ev": a route line (prefix, next_hop), the codes glued to the network where the
    route is internal ("*>i10.13.13.1/32"); FortiOS prints a classful network without its
    mask ("8.0.0.0") as IOS does."""
    records = []
    for row in group(rows, "ev"):
        prefix, next_hop = text(row, "prefix"), text(row, "next_hop")
        if prefix is not None:
            records.append(_record(prefix.lstrip(_CODES), next_hop))
    return records


# the summaries print the state of a session that is not Established; an Established one
# shows its received-prefix count (IOS, FortiOS: "State/PfxRcd"), Junos "Establ" with the
# counts on the table lines below, or the counts in the column itself ("1/2/2/0")
_ESTABLISHED = re.compile(r"^(?:\d+|\d+/\d+/\d+/\d+|Establ)$")


def _session(neighbor: str | None, remote_as: str | None, state: str | None) -> BgpSession | None:
    if neighbor is None or state is None:
        return None
    word = state.split()[-1] if "(" not in state else state
    up = _ESTABLISHED.match(word) is not None
    received = int(word) if up and word.isdigit() else None
    asn: int | None = None
    if remote_as is not None:
        # asdot ("1.10") is high * 65536 + low (RFC 5396)
        high, _, low = remote_as.partition(".")
        asn = int(high) * 65536 + int(low) if low else int(high)
    return BgpSession(
        neighbor=neighbor,
        remote_as=asn,
        state="Established" if up else word,
        received=received,
    )


def summary(rows: Rows) -> list[BgpSession]:
    """Rows "peers": neighbor, remote_as, state (IOS/FortiOS "State/PfxRcd"; Junos the rest
    of the line after the flap count, its last word the state or the counts)."""
    records = []
    for row in group(rows, "peers"):
        record = _session(text(row, "neighbor"), text(row, "remote_as"), text(row, "state"))
        if record is not None:
            records.append(record)
    return records
