"""``show route forwarding-table [destination P] [table default]``: what the PFE forwards with.

Layout from a real capture (genieparser ``ShowRouteForwardingTableLabel`` golden output, an MX):
a "Routing table: default.inet" / "Internet:" heading, the column header "Destination
Type RtRef Next hop Type Index NhRef Netif", one line per destination. A destination with
one next hop names it on its own line (``ucst``); one that load-shares is a ``ulst`` (unilist)
line followed by one indented line per member next hop (Juniper's "show route
forwarding-table" reference). Junos keeps every equal-cost next hop here only when the
forwarding table exports a ``load-balance per-packet`` policy; otherwise one, whatever
``show route`` lists. The permanent ``default perm 0 rjct`` entry is always there.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from egress.lab.junos.netstate import unit
from egress.lab.world import DeviceFacts, OpState

_HEADER = "Destination        Type RtRef Next hop           Type Index    NhRef Netif"
_DEFAULT = IPv4Network("0.0.0.0/0")


def _index(address: object) -> int:
    """A stable next-hop index per address (Junos numbers them from a few hundred up)."""
    return 500 + sum(int(o) for o in str(address).split(".")) % 500


def _line(
    dest: str,
    kind: str,
    refs: int,
    hop: str,
    nh_type: str,
    index: int,
    nh_refs: int,
    netif: str = "",
) -> str:
    text = f"{dest:<18} {kind:<4} {refs:>5} {hop:<18} {nh_type:<4} {index:>8} {nh_refs:>5}"
    return f"{text} {netif}" if netif else text


def show_forwarding_table(
    facts: DeviceFacts, op: OpState, *, prefix: IPv4Network | None, load_balance: bool
) -> str:
    lines = ["Routing table: default.inet", "Internet:", _HEADER]
    routes = [r for r in op.routes if prefix is None or r.prefix == prefix]
    for route in routes:
        dest = "default" if route.prefix == _DEFAULT else str(route.prefix)
        hops = list(route.next_hops) if load_balance else list(route.next_hops[:1])
        if len(hops) == 1:
            hop = hops[0]
            lines.append(
                _line(
                    dest,
                    "user",
                    0,
                    str(hop.address),
                    "ucst",
                    _index(hop.address),
                    4,
                    unit(hop.interface),
                )
            )
        elif hops:
            lines.append(_line(dest, "user", 1, "", "ulst", 1048574, 2))
            for hop in hops:  # a member starts under "Next hop" (column 30)
                index = _index(hop.address)
                lines.append(
                    f"{'':<30}{hop.address!s:<18} {'ucst':<4} {index:>8} {3:>5} "
                    f"{unit(hop.interface)}"
                )
    if prefix is None or prefix == _DEFAULT:
        lines.append(_line("default", "perm", 0, "", "rjct", 36, 1))
    return "\n".join(lines) + "\n"
