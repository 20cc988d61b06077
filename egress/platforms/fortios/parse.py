"""FortiOS rows (from templates/fortios/parse) to schema records."""

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
    Pbr,
    PbrEntry,
    Probe,
    Route,
    Vrrp,
)


def vrrp(rows: Rows) -> list[Vrrp]:
    records = []
    for iface in group(rows, "iface"):
        for vr in children(iface, "vr"):
            preempt = text(vr, "preempt")
            records.append(
                Vrrp(
                    interface=text(iface, "interface") or "",
                    group=integer(vr, "vrid") or 0,
                    state=n.vrrp_state(text(vr, "state") or ""),
                    priority=integer(vr, "priority"),
                    vip=n.ip_or_none(text(vr, "vip")),
                    preempt=n.yes_no(preempt) if preempt else None,
                )
            )
    return records


def bfd(rows: Rows) -> list[Bfd]:
    return [
        Bfd(
            peer=n.ip_or_none(text(row, "peer")) or "",
            interface=text(row, "interface"),
            state=n.bfd_state(text(row, "state") or ""),
        )
        for row in group(rows, "bfd")
    ]


def _strip_paren(value: str | None) -> str | None:
    """ "8.8.8.8(8.8.8.8)" -> "8.8.8.8"; "7(port2)" -> "7"."""
    return value.split("(", 1)[0] if value else value


def _paren(value: str | None) -> str | None:
    """ "7(port2)" -> "port2"; "36" -> "36" (6.x prints the index only)."""
    if not value:
        return None
    match = re.search(r"\(([^)]*)\)", value)
    return match.group(1) if match else value


def link_monitor(rows: Rows) -> list[Probe]:
    records = []
    for monitor in group(rows, "monitor"):
        name = text(monitor, "name") or ""
        peers = children(monitor, "peers")
        for peer in peers:
            protocol = text(peer, "protocol")
            state = text(peer, "state") or text(monitor, "status") or ""
            # the latest sample where printed (5.x/6.x), the window average otherwise (7.x)
            rtt = number(peer, "lat_recent")
            records.append(
                Probe(
                    name=name,
                    type=n.probe_type(protocol) if protocol else None,
                    target=n.ip_or_none(_strip_paren(text(peer, "peer"))),
                    state=n.probe_state(state),
                    rtt_ms=rtt if rtt is not None else number(peer, "lat_avg"),
                )
            )
        if not peers:
            records.append(Probe(name=name, state=n.probe_state(text(monitor, "status") or "")))
    return records


def route_table(rows: Rows) -> list[Route]:
    # VRF 0 is FortiOS's global table; interface names are used exactly as configured
    return fold_route_lines(
        rows, interface=lambda name: name, vrf_of=lambda vrf: None if vrf in (None, "0") else vrf
    )


def ha_status(rows: Rows) -> list[Ha]:
    summary = next(iter(group(rows, "ha")), None)
    if summary is None:
        return []
    mode = n.ha_mode(text(summary, "mode") or "")
    members = tuple(
        HaMember(name=text(row, "serial") or "", role=n.ha_role(text(row, "role") or ""))
        for row in group(rows, "members")
    )
    vcluster = text(summary, "vcluster_state")
    local_role: HaRole = n.ha_role(vcluster) if vcluster else "Unknown"
    config_rows = group(rows, "config")
    if mode == "active-active" and config_rows:
        # every a-a member "works": the role is the local unit's, listed first everywhere
        local = text(config_rows[0], "serial")
        local_role = next((m.role for m in members if m.name == local), local_role)
    peer_role = next(
        (m.role for m in members if local_role != "Unknown" and m.role != local_role), None
    )
    sync = [text(row, "sync") for row in config_rows]
    pickup = text(summary, "ses_pickup")
    return [
        Ha(
            group=integer(summary, "group"),
            mode=mode,
            local_role=local_role,
            peer_role=peer_role,
            in_sync=all(s == "in-sync" for s in sync) if len(sync) >= 2 else None,
            session_sync=n.yes_no(pickup) if pickup else None,
            members=members,
        )
    ]


def ha_checksum(rows: Rows) -> list[Ha]:
    blocks = group(rows, "member")
    if not blocks:
        return []
    sums = []
    for block in blocks:
        checksum = next(iter(children(block, "checksum")), {})
        sums.append(" ".join((text(checksum, "all") or "").split()))
    members = tuple(
        HaMember(
            name=text(block, "serial") or "",
            role="Primary" if text(block, "manage_primary") == "1" else "Secondary",
        )
        for block in blocks
    )
    return [
        Ha(
            in_sync=(len(set(sums)) == 1 and "" not in sums) if len(sums) >= 2 else None,
            members=members,
        )
    ]


def session_sync(rows: Rows) -> list[Ha]:
    """FGSP/FGCP session sync: running (sync_started=1) and what it carries."""
    summary = next(iter(group(rows, "sync")), None)
    if summary is None:
        return []
    tcp = text(summary, "sync_tcp")
    return [
        Ha(
            in_sync=text(summary, "sync_started") == "1",
            session_sync=tcp == "1" if tcp is not None else None,
        )
    ]


_FULL_PORT_RANGES = {"0-65535", "1-65535", "0:65535", "1:65535"}


def _selector(text_value: str) -> str:
    """ "10.1.100.0/255.255.255.0" -> "10.1.100.0/24"; ranges are kept as printed."""
    address, _, mask = text_value.partition("/")
    if mask and n.ip_or_none(mask) and n.ip_or_none(address):
        return n.prefix(f"{address}/{mask}")
    return text_value


def proute_match(attrs: dict[str, str], sources: str | None, destinations: str | None) -> list[str]:
    """The selectors of a policy route that narrow it (defaults left out).

    >>> proute_match({"protocol": "6", "dport": "443-443", "tos": "0xb8", "tos_mask": "0xfc"},
    ...              "10.1.0.0/255.255.0.0", "0.0.0.0/0.0.0.0")
    ['source 10.1.0.0/16', 'destination 0.0.0.0/0', 'protocol 6', 'dport 443-443', 'tos 0xb8/0xfc']
    """
    clauses = [f"source {_selector(s)}" for s in (sources or "").split()]
    clauses += [f"destination {_selector(d)}" for d in (destinations or "").split()]
    if attrs.get("protocol", "0") != "0":
        clauses.append(f"protocol {attrs['protocol']}")
    for port in ("sport", "dport"):
        if port in attrs and attrs[port] not in _FULL_PORT_RANGES:
            clauses.append(f"{port} {attrs[port]}")
    if attrs.get("tos_mask", "0x00") not in ("0x00", "0x0"):
        clauses.append(f"tos {attrs.get('tos', '0x00')}/{attrs['tos_mask']}")
    if "vwl_service" in attrs:
        clauses.append(f"sdwan-rule {attrs['vwl_service']}")
    return clauses


def proute(rows: Rows) -> list[Pbr]:
    records = []
    for row in group(rows, "proute"):
        attrs: dict[str, Any] = n.key_values(text(row, "attrs") or "")
        ident = _strip_paren(text(row, "id")) or "0"
        iif = _paren(attrs.get("iif"))
        gateway = n.ip_or_none(attrs.get("gwy"))
        records.append(
            Pbr(
                name=ident,
                interfaces=(iif,) if iif and iif != "0" else (),
                entries=(
                    PbrEntry(
                        seq=int(ident) if ident.isdigit() else 0,
                        match=tuple(
                            proute_match(attrs, text(row, "sources"), text(row, "destinations"))
                        ),
                        next_hop=gateway if gateway != "0.0.0.0" else None,
                    ),
                ),
            )
        )
    return records


def interfaces(rows: Rows) -> list[Interface]:
    records = []
    for row in group(rows, "interface"):
        attrs = text(row, "attrs") or ""
        # "management-ip: A M" precedes "ip:" on 5.6-7.0: only the bare key is the address
        ip = re.search(r"(?<![\w-])ip: (\S+) (\S+)", attrs)
        address, length = n.split_prefix(f"{ip.group(1)} {ip.group(2)}") if ip else (None, None)
        if address == "0.0.0.0":
            address, length = None, None
        status = re.search(r"\bstatus: (\S+)", attrs)
        records.append(
            Interface(
                name=text(row, "name") or "",
                address=address,
                prefix_length=length,
                # FortiOS prints the administrative status here, not the link state
                status=None,
                admin_status=n.link_status(status.group(1)) if status else None,
            )
        )
    return records
