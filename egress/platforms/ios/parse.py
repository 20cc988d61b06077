"""IOS / IOS-XE rows (from templates/ios/parse) to schema records."""

from __future__ import annotations

import re
from typing import Any

from egress.parse import normalise as n
from egress.parse.engine import Rows
from egress.parse.fold import fold_route_lines
from egress.parse.rows import children, group, integer, number, text
from egress.parse.schema import (
    Bfd,
    Ha,
    HaMember,
    HaRole,
    Interface,
    NextHop,
    Pbr,
    PbrEntry,
    Probe,
    Route,
    Track,
    Vrrp,
)


def _interface(row: dict[str, Any], key: str = "interface") -> str | None:
    name = text(row, key)
    return n.ios_interface(name) if name else None


def vrrp(rows: Rows) -> list[Vrrp]:
    """show vrrp brief / show vrrp: both templates name their fields alike."""
    records = []
    for row in group(rows, "vrrp"):
        preempt = text(row, "preempt")
        records.append(
            Vrrp(
                interface=_interface(row) or "",
                group=integer(row, "group") or 0,
                state=n.vrrp_state(text(row, "state") or ""),
                priority=integer(row, "priority"),
                # an IPv6 group's "Virtual IP address" is its link-local one; the global
                # address hosts use is listed under "Virtual secondary IP addresses"
                vip=n.first_vip([text(row, "vip"), *(text(row, "secondary") or "").split()]),
                preempt=n.yes_no(preempt) if preempt else None,
            )
        )
    return records


def bfd(rows: Rows) -> list[Bfd]:
    records = []
    for row in group(rows, "bfd"):
        min_tx = text(row, "min_tx_us")
        records.append(
            Bfd(
                peer=n.ip_or_none(text(row, "peer")) or text(row, "peer") or "",
                interface=_interface(row),
                state=n.bfd_state(text(row, "state") or ""),
                interval_ms=n.microseconds_to_ms(min_tx) if min_tx else None,
                multiplier=integer(row, "multiplier"),
            )
        )
    return records


_RTT_UNIT_MS = {"milliseconds": 1.0, "ms": 1.0, "microseconds": 0.001, "usec": 0.001}


def sla_statistics(rows: Rows) -> list[Probe]:
    records = []
    for row in group(rows, "sla"):
        kind = text(row, "type")
        if kind is None and "http_rtt" in row:
            kind = "http"  # only HTTP operations print "Latest HTTP Transaction RTT"
        rtt = number(row, "rtt")
        unit = _RTT_UNIT_MS.get((text(row, "rtt_unit") or "").lower(), 1.0)
        records.append(
            Probe(
                name=text(row, "id") or "",
                type=n.probe_type(kind) if kind else None,
                state=n.probe_state(text(row, "return_code") or ""),
                rtt_ms=rtt * unit if rtt is not None else None,
            )
        )
    return records


def _summary_rtt(stats: str | None) -> float | None:
    """ "RTT=44" (or a bare "44" under the older "Stats(ms)" heading) is milliseconds,
    "RTT=44u" microseconds, "-" not measured."""
    match = re.fullmatch(r"(?:RTT=)?(\d+(?:\.\d+)?)(u?)", stats or "")
    if not match:
        return None
    value = float(match.group(1))
    return value / 1000 if match.group(2) else value


def sla_summary(rows: Rows) -> list[Probe]:
    return [
        Probe(
            name=text(row, "id") or "",
            type=n.probe_type(text(row, "type") or ""),
            target=n.ip_or_none(text(row, "destination")) or text(row, "destination"),
            state=n.probe_state(text(row, "return_code") or ""),
            rtt_ms=_summary_rtt(text(row, "stats")),
        )
        for row in group(rows, "sla")
    ]


def track(rows: Rows) -> list[Track]:
    records = []
    for row in group(rows, "track"):
        if "obj_interface" in row:
            obj = f"interface {_interface(row, 'obj_interface')} {text(row, 'obj_what')}"
        elif "obj_sla" in row:
            obj = f"ip sla {text(row, 'obj_sla')} {(text(row, 'obj_what') or '').lower()}"
        elif "obj_route" in row:
            obj = f"ip route {text(row, 'obj_route')}"
        elif "obj_list" in row:  # "List boolean and" / "List threshold weight"
            obj = f"list {(text(row, 'obj_list') or '').lower()}"
        else:
            raise ValueError(f"track {text(row, 'id')}: no tracked object this parser reads")
        state = text(row, "state")
        if state is None:  # a track object whose state line this template does not know
            raise ValueError(f"track {text(row, 'id')}: no state line this parser reads")
        records.append(Track(id=integer(row, "id") or 0, object=obj, state=n.track_state(state)))
    return records


def track_brief(rows: Rows) -> list[Track]:
    """ "show track brief": the same objects as "show track", one table row each."""
    records = []
    for row in group(rows, "track"):
        kind = (text(row, "type") or "").lower()
        instance = text(row, "instance") or ""
        if kind == "interface":
            instance = n.ios_interface(instance)
        # "list" / "stub-object" rows have no instance: the object is type and parameter
        records.append(
            Track(
                id=integer(row, "id") or 0,
                object=" ".join(w for w in (kind, instance, text(row, "parameter") or "") if w),
                state=n.track_state(text(row, "state") or ""),
            )
        )
    return records


def _next_hop(row: dict[str, Any]) -> NextHop:
    return NextHop(address=n.ip_or_none(text(row, "nh")), interface=_interface(row))


def route_table(rows: Rows) -> list[Route]:
    return fold_route_lines(rows, interface=n.ios_interface, vrf_of=lambda name: name)


def route_entry(rows: Rows) -> list[Route]:
    """ "show ip route A": one routing entry, every descriptor block a next hop."""
    records = []
    vrf: str | None = None
    for row in group(rows, "entry"):
        if "vrf" in row:
            vrf = text(row, "vrf")
        if "prefix" not in row:
            continue
        records.append(
            Route(
                prefix=n.prefix(text(row, "prefix") or ""),
                vrf=vrf,
                protocol=n.route_source(text(row, "protocol") or ""),
                next_hops=tuple(_next_hop(path) for path in children(row, "paths")),
            )
        )
    return records


def set_next_hops(clause: str) -> list[str]:
    """The addresses of an "ip next-hop [verify-availability] ..." set clause.

    >>> set_next_hops("ip next-hop 10.4.1.1 10.16.2.2")
    ['10.4.1.1', '10.16.2.2']
    >>> set_next_hops("ip next-hop verify-availability 192.0.2.1 10 track 1")
    ['192.0.2.1']
    >>> set_next_hops("ip next-hop self"), set_next_hops("ipv6 next-hop 2001:DB8::1")
    ([], [])
    """
    match = re.match(r"ip next-hop (?:verify-availability )?(.*)", clause)
    if not match:
        return []
    return [ip for token in match.group(1).split() if (ip := n.ip_or_none(token))]


def route_map(rows: Rows) -> list[Pbr]:
    """Fold the "show route-map" line stream into one record per route-map."""
    maps: dict[str, list[PbrEntry]] = {}
    entry: dict[str, Any] | None = None
    section = ""

    def close() -> None:
        if entry is not None:
            hops = entry.pop("hops")
            maps.setdefault(entry.pop("name"), []).append(
                PbrEntry(
                    **entry, next_hop=hops[0] if hops else None, next_hop_fallbacks=tuple(hops[1:])
                )
            )

    for row in group(rows, "ev"):
        if "name" in row:
            close()
            entry = {
                "name": text(row, "name"),
                "seq": integer(row, "seq") or 0,
                "action": "deny" if text(row, "action") == "deny" else "permit",
                "match": (),
                "hops": [],
            }
            section = ""
        elif "section" in row:
            section = text(row, "section") or ""
        elif "packets" in row:
            close()
            entry = None
        elif entry is not None and (clause := text(row, "clause")):
            clause = re.sub(r"\s+", " ", clause)
            if section == "Match":
                entry["match"] = (*entry["match"], clause)
            elif section == "Set":
                entry["hops"].extend(set_next_hops(clause))
    close()
    return [Pbr(name=name, entries=tuple(entries)) for name, entries in maps.items()]


def ip_policy(rows: Rows) -> list[Pbr]:
    maps: dict[str, list[str]] = {}
    for row in group(rows, "policy"):
        name, where = text(row, "route_map"), text(row, "interface")
        if name and where:
            maps.setdefault(name, []).append(where if where == "local" else n.ios_interface(where))
    return [Pbr(name=name, interfaces=tuple(where)) for name, where in maps.items()]


_SETTLED_RF = {"ACTIVE", "STANDBY HOT"}


def redundancy_groups(rows: Rows) -> list[Ha]:
    records = []
    for row in group(rows, "rg"):
        local_role = n.ha_role(text(row, "my_role") or "unknown")
        peer_word = text(row, "peer_role")
        peer_present = n.yes_no(text(row, "peer_presence") or "no")
        rf_states = {text(row, "rf_state"), text(row, "peer_rf_state")}
        members = [HaMember(name="local", role=local_role, priority=integer(row, "priority"))]
        sides: tuple[tuple[str, HaRole], ...] = (("active", "Primary"), ("standby", "Secondary"))
        for side, role in sides:
            address = text(row, f"{side}_peer")
            if address and address != "Local":
                members.append(
                    HaMember(
                        name=address, role=role, priority=integer(row, f"{side}_peer_priority")
                    )
                )
        records.append(
            Ha(
                group=integer(row, "group"),
                mode="active-passive",  # an IOS-XE redundancy group is always active/standby
                local_role=local_role,
                peer_role=n.ha_role(peer_word) if peer_word else None,
                in_sync=peer_present and rf_states <= _SETTLED_RF,
                session_sync=None,
                members=tuple(members),
            )
        )
    return records


def interface_brief(rows: Rows) -> list[Interface]:
    records = []
    for row in group(rows, "interface"):
        status = text(row, "status") or "down"
        records.append(
            Interface(
                name=_interface(row, "name") or "",
                address=n.ip_or_none(text(row, "address")),
                status=n.link_status(text(row, "protocol") or "down"),
                admin_status="down" if status in ("administratively down", "deleted") else "up",
            )
        )
    return records
