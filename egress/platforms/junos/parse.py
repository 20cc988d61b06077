"""Junos rows (from templates/junos/parse, or from the XML readers) to schema records."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from egress.parse import normalise as n
from egress.parse.engine import Rows
from egress.parse.rows import children, group, integer, number, text
from egress.parse.schema import Bfd, Ha, HaMember, Interface, NextHop, Pbr, Probe, Route, Vrrp


def vrrp_summary(rows: Rows) -> list[Vrrp]:
    """Fold the "show vrrp summary" stream: a group line, then its vip/mas lines."""
    groups: list[dict[str, Any]] = []
    for row in group(rows, "ev"):
        if "interface" in row:
            groups.append(
                {
                    "interface": text(row, "interface") or "",
                    "group": integer(row, "group") or 0,
                    "state": n.vrrp_state(text(row, "state") or ""),
                    "vips": [],
                }
            )
        elif groups and text(row, "type") == "vip":
            groups[-1]["vips"].append(text(row, "address"))
    return [
        Vrrp(**{k: v for k, v in item.items() if k != "vips"}, vip=n.first_vip(item["vips"]))
        for item in groups
    ]


def vrrp_detail(rows: Rows) -> list[Vrrp]:
    records = []
    for row in group(rows, "vrrp"):
        vips = (text(row, "vips") or "").replace(",", " ").split()
        preempt = text(row, "preempt")
        records.append(
            Vrrp(
                interface=f"{text(row, 'interface')}.{text(row, 'unit') or 0}",
                group=integer(row, "group") or 0,
                state=n.vrrp_state(text(row, "state") or ""),
                priority=integer(row, "priority"),
                vip=n.first_vip(vips),
                preempt=n.yes_no(preempt) if preempt else None,
            )
        )
    return records


def bfd(rows: Rows) -> list[Bfd]:
    records = []
    for row in group(rows, "bfd"):
        # the client's configured interval is what the design asked for; the transmit
        # column is the negotiated one (slowed to 1 s or more while the session is down)
        interval = text(row, "client_tx") or text(row, "tx")
        records.append(
            Bfd(
                peer=n.ip_or_none(text(row, "peer")) or "",
                interface=text(row, "interface"),
                state=n.bfd_state(text(row, "state") or ""),
                interval_ms=n.seconds_to_ms(interval) if interval else None,
                multiplier=integer(row, "multiplier"),
            )
        )
    return records


def rpm(rows: Rows) -> list[Probe]:
    records = []
    for row in group(rows, "rpm"):
        kind = text(row, "type")
        rtt = number(row, "rtt_usec")
        target = text(row, "target")
        if target is None:
            raise ValueError(
                f"probe {text(row, 'owner')}/{text(row, 'test')}: no target line this parser reads"
            )
        if row.get("has_results") and not text(row, "result"):
            raise ValueError(
                f"probe {text(row, 'owner')}/{text(row, 'test')}: its 'Probe results:' block "
                "has no result line this parser reads"
            )
        records.append(
            Probe(
                name=f"{text(row, 'owner')}/{text(row, 'test')}",
                type=n.probe_type(kind) if kind else None,
                target=n.ip_or_none(target) or _url_host(target) or target,
                state=n.probe_state(text(row, "result") or ""),
                rtt_ms=rtt / 1000 if rtt is not None else None,
            )
        )
    return records


def _url_host(target: str | None) -> str | None:
    """An http-get test is aimed at a URL ("Target URL: http://192.0.2.20/health"); its
    host address is the target the design names (None when the host is a name)."""
    if not target or "://" not in target:
        return None
    return n.ip_or_none(urlsplit(target).hostname)


def _table_vrf(table: str) -> str | None:
    """The routing instance a table belongs to: inet.0 / inet6.0 -> None (the default),
    CUST.inet.0 -> "CUST"; any other table (inet.3, mpls.0, CUST.inet.3) is named whole, so
    its routes never pass for the default instance's forwarding routes."""
    match = re.fullmatch(r"(?:(.+)\.)?inet6?\.0", table)
    return match.group(1) if match else table


def route_table(rows: Rows) -> list[Route]:
    """Fold the "show route" stream; keep each destination's active route (a "*" or "+")
    with all its next hops. Routes of tables other than the unicast ones (inet.3, mpls.0)
    carry the table's name as their vrf; MPLS labels are kept as printed."""
    records: list[Route] = []
    vrf: str | None = None
    prefix: str | None = None
    route: dict[str, Any] | None = None

    def close() -> None:
        if route is not None and route["active"] and prefix is not None:
            records.append(
                Route(
                    prefix=n.prefix(prefix),
                    vrf=vrf,
                    protocol=route["protocol"],
                    next_hops=tuple(route["next_hops"]),
                )
            )

    for row in group(rows, "ev"):
        if "table" in row:
            close()
            route, prefix = None, None
            vrf = _table_vrf(text(row, "table") or "")
            continue
        if "prefix" in row:
            close()
            route, prefix = None, text(row, "prefix")
        if "protocol" in row:
            if "prefix" not in row:
                close()
            route = {
                "active": text(row, "active") in ("*", "+"),
                "protocol": n.route_source((text(row, "protocol") or "").split("/")[0]),
                "next_hops": [],
            }
        elif route is not None and ("nh" in row or "nh_if" in row):
            route["next_hops"].append(
                NextHop(
                    address=n.ip_or_none(text(row, "nh")),
                    interface=text(row, "nh_if"),
                    selected=text(row, "selected") == ">",
                )
            )
        elif route is not None and "local_if" in row:
            route["next_hops"].append(NextHop(interface=text(row, "local_if")))
    close()
    return records


def forwarding_table(rows: Rows) -> list[Route]:
    """Fold "show route forwarding-table": a destination line, then the members of its
    unilist; "default" is the address family's default route."""
    routes: list[dict[str, Any]] = []
    vrf: str | None = None
    family_default = "0.0.0.0/0"
    for row in group(rows, "ev"):
        if "table" in row:
            table = text(row, "table") or ""
            instance, _, family = table.rpartition(".")
            unicast = family in ("inet", "inet6")
            # named as show route names tables: the default instance's unicast tables are
            # the default (None), another instance's by the instance, others whole
            vrf = (None if instance in ("", "default") else instance) if unicast else table
            family_default = {"inet": "0.0.0.0/0", "inet6": "::/0"}.get(family, "default")
        elif "dest" in row:
            dest = text(row, "dest") or ""
            hops = []
            if "nh" in row or "netif" in row:
                hops.append(
                    NextHop(
                        address=n.ip_or_none(text(row, "nh")),
                        interface=text(row, "netif"),
                        selected=True,
                    )
                )
            routes.append(
                {
                    "prefix": family_default if dest == "default" else n.prefix(dest),
                    "vrf": vrf,
                    "protocol": text(row, "type"),
                    "next_hops": hops,
                }
            )
        elif "member" in row and routes:
            routes[-1]["next_hops"].append(
                NextHop(
                    address=n.ip_or_none(text(row, "member")),
                    interface=text(row, "netif"),
                    selected=True,
                )
            )
    # the hops were gathered in lists: a record's collections are tuples
    return [Route(**{**route, "next_hops": tuple(route["next_hops"])}) for route in routes]


_LOCAL_NODE = re.compile(r"\{[a-z\-]+:(node\d+)\}")


def cluster_status(rows: Rows) -> list[Ha]:
    banner = next((text(row, "banner") for row in group(rows, "cli") if "banner" in row), None)
    match = _LOCAL_NODE.search(banner or "")
    local_node = match.group(1) if match else None
    records = []
    for row in group(rows, "rg"):
        nodes = children(row, "nodes")
        members = tuple(
            HaMember(
                name=text(node, "node") or "",
                role=n.ha_role(text(node, "status") or ""),
                priority=integer(node, "priority"),
            )
            for node in nodes
        )
        local = next((m for m in members if m.name == local_node), None)
        peer = next((m for m in members if local is not None and m.name != local_node), None)
        # "CS" is cold-sync monitoring: the secondary has not finished copying state yet
        cold_sync = any("CS" in (text(node, "monitor_failures") or "").split() for node in nodes)
        healthy = len(members) >= 2 and all(m.role in ("Primary", "Secondary") for m in members)
        records.append(
            Ha(
                group=integer(row, "group"),
                mode="active-passive",  # each SRX redundancy group is active on one node
                local_role=local.role if local else "Unknown",
                peer_role=peer.role if peer else None,
                in_sync=healthy and not cold_sync,
                members=members,
            )
        )
    return records


def _pick_address(addresses: dict[str, list[str]]) -> tuple[str | None, int | None]:
    """The first IPv4 address, else the first global IPv6 one."""
    candidates = addresses.get("inet", []) + [
        a for a in addresses.get("inet6", []) if not a.lower().startswith("fe80")
    ]
    for candidate in candidates:
        address, length = n.split_prefix(candidate)
        if address:
            return address, length
    return None, None


def interfaces_terse(rows: Rows) -> list[Interface]:
    """Fold the "show interfaces terse" stream: an interface line, then further families
    and addresses of that interface on the lines below it."""
    found: list[dict[str, Any]] = []
    family = ""
    for row in group(rows, "ev"):
        if "name" in row:
            found.append({"row": row, "addresses": {}})
            family = ""
        if not found:
            continue
        family = text(row, "proto") or family
        local = text(row, "local")
        if local:
            found[-1]["addresses"].setdefault(family, []).append(local)
    records = []
    for item in found:
        row = item["row"]
        address, length = _pick_address(item["addresses"])
        records.append(
            Interface(
                name=text(row, "name") or "",
                address=address,
                prefix_length=length,
                status=n.link_status(text(row, "link") or "down"),
                admin_status=n.link_status(text(row, "admin") or "down"),
            )
        )
    return records


# "show interfaces filters": where the output filter starts, counted from the family's
# first character (the Proto column is 6 wide, Input Filter 21); a lone name starting
# nearer than halfway there is the input filter
_OUTPUT_FILTER_AT = 27
_INPUT_FILTER_BEFORE = 17


def _input_filter(proto: str, filters: str) -> str | None:
    """The input filter of one family line, from the raw text after the family name."""
    names = filters.split()
    if not names:
        return None
    if len(names) > 1:
        return names[0]
    start = len(proto) + len(filters) - len(filters.lstrip())
    return names[0] if start < _INPUT_FILTER_BEFORE else None


def interface_filters(rows: Rows) -> list[Pbr]:
    """Fold the "show interfaces filters" stream: one policy per input filter, with the
    logical interfaces it is applied to (a family line belongs to the interface above)."""
    attached: dict[str, list[str]] = {}
    interface: str | None = None
    for row in group(rows, "ev"):
        if "name" in row:
            interface = text(row, "name")
        proto = text(row, "proto")
        if interface is None or proto is None:
            continue
        name = _input_filter(proto, str(row.get("filters") or ""))
        if name is not None and interface not in attached.setdefault(name, []):
            attached[name].append(interface)
    return [Pbr(name=name, interfaces=tuple(where)) for name, where in attached.items()]
