"""Folding a routing-table line stream (IOS "show ip route", FortiOS "get router info
routing-table all") into route records: the two print the same shape of table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from egress.parse import normalise as n
from egress.parse.engine import Rows
from egress.parse.rows import group, text
from egress.parse.schema import NextHop, Route


def fold_route_lines(
    rows: Rows,
    *,
    interface: Callable[[str], str],
    vrf_of: Callable[[str | None], str | None],
) -> list[Route]:
    """A route line opens a prefix; continuation lines add equal-cost paths; an IOS
    "is subnetted" header supplies the mask its routes omit; a VRF line opens a table."""
    routes: list[dict[str, Any]] = []
    vrf: str | None = None
    classful_mask: str | None = None

    def hop(row: dict[str, Any]) -> NextHop:
        name = text(row, "interface")
        return NextHop(
            address=n.ip_or_none(text(row, "nh")), interface=interface(name) if name else None
        )

    for row in group(rows, "ev"):
        if "vrf" in row:
            vrf, classful_mask = vrf_of(text(row, "vrf")), None
        elif "subnetted" in row:
            classful_mask = (text(row, "subnetted") or "").partition("/")[2] or None
        elif "variably" in row:
            classful_mask = None
        elif "prefix" in row:
            prefix = text(row, "prefix") or ""
            if "/" not in prefix and classful_mask:
                prefix = f"{prefix}/{classful_mask}"
            routes.append(
                {
                    "prefix": n.prefix(prefix),
                    "vrf": vrf,
                    "protocol": n.route_code(text(row, "code") or ""),
                    "next_hops": [hop(row)] if ("nh" in row or "interface" in row) else [],
                }
            )
        elif routes and ("nh" in row or "interface" in row):
            routes[-1]["next_hops"].append(hop(row))
    # the hops were gathered in lists: a record's collections are tuples
    return [Route(**{**route, "next_hops": tuple(route["next_hops"])}) for route in routes]
