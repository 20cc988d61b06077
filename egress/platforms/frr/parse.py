"""FRR on Linux: FRR's own JSON (``show ... json``), keepalived's data dump, conntrackd's
statistics and egress's prober status, read into the shared schema records.

FRR's JSON keys are FRR's API (``lib/``, ``bfdd/bfdd_vty.c``, ``zebra/zebra_vty.c``,
``pbrd/pbr_vty.c``), steadier than its column layouts, so the readers take the JSON apart
directly; keepalived (``--signum=DATA``, ``vrrp/vrrp_print.c``) and conntrackd (``-s``) print
``Key = value`` / counter lines, read with a regex each.
"""

from __future__ import annotations

import json
import re
from typing import Any

from egress.parse.engine import Rows
from egress.parse.schema import Bfd, Ha, Interface, NextHop, Pbr, PbrEntry, Probe, Route, Vrrp

_BFD_STATE = {"up": "Up", "down": "Down", "init": "Init", "shutdown": "AdminDown"}
_VRRP_STATE = {"MASTER": "Master", "BACKUP": "Backup", "FAULT": "Init", "INIT": "Init"}


def _json(text: str) -> Any:
    return json.loads(text) if text.strip() else []


def bfd_rows(text: str) -> Rows:
    return {"peers": list(_json(text))}


def bfd(rows: Rows) -> list[Bfd]:
    return [
        Bfd(
            peer=p["peer"],
            interface=p.get("interface"),
            state=_BFD_STATE[p["status"]],  # type: ignore[arg-type]
            interval_ms=p.get("transmit-interval"),
            multiplier=p.get("detect-multiplier"),
        )
        for p in rows["peers"]
    ]


def route_rows(text: str) -> Rows:
    data = _json(text) or {}
    return {"routes": [r for entries in data.values() for r in entries]}


def route(rows: Rows) -> list[Route]:
    return [
        Route(
            prefix=r["prefix"],
            vrf=None if r.get("vrfName", "default") == "default" else r["vrfName"],
            protocol=r.get("protocol"),
            next_hops=tuple(
                NextHop(address=h.get("ip"), interface=h.get("interfaceName"))
                for h in r.get("nexthops", [])
                if h.get("fib") or h.get("active")
            ),
        )
        for r in rows["routes"]
        if r.get("selected")
    ]


_PBR_MAP = re.compile(r"^\s*pbr-map (\S+) valid: (\w+)")
_PBR_SEQ = re.compile(r"^\s*Seq: (\d+) rule: (\d+)")
_PBR_MATCH = re.compile(r"^\s*(SRC IP|DST IP|MARK|DSCP) Match: (\S+)")
_PBR_NEXTHOP = re.compile(r"^\s*nexthop (\S+)")


def pbr_map_rows(text: str) -> Rows:
    """``show pbr map`` (pbrd/pbr_vty.c; its JSON names the nexthop group, not the hop)."""
    maps: list[dict[str, Any]] = []
    for line in text.splitlines():
        if m := _PBR_MAP.match(line):
            maps.append({"name": m[1], "valid": m[2] == "yes", "seqs": []})
        elif (m := _PBR_SEQ.match(line)) and maps:
            maps[-1]["seqs"].append({"seq": int(m[1]), "match": [], "next_hop": None})
        elif (m := _PBR_MATCH.match(line)) and maps and maps[-1]["seqs"]:
            maps[-1]["seqs"][-1]["match"].append(f"{m[1].lower()} {m[2]}")
        elif (m := _PBR_NEXTHOP.match(line)) and maps and maps[-1]["seqs"]:
            maps[-1]["seqs"][-1]["next_hop"] = m[1]
    return {"maps": maps}


def pbr_map(rows: Rows) -> list[Pbr]:
    return [
        Pbr(
            name=pmap["name"],
            entries=tuple(
                PbrEntry(seq=e["seq"], match=tuple(e["match"]), next_hop=e["next_hop"])
                for e in pmap["seqs"]
            ),
        )
        for pmap in rows["maps"]
    ]


def pbr_interface_rows(text: str) -> Rows:
    return {"interfaces": list(_json(text))}


def pbr_interface(rows: Rows) -> list[Pbr]:
    by_policy: dict[str, list[str]] = {}
    for iface in rows["interfaces"]:
        if iface.get("valid", True):
            by_policy.setdefault(iface["policy"], []).append(iface["name"])
    return [Pbr(name=name, interfaces=tuple(ifaces)) for name, ifaces in by_policy.items()]


_KEEPALIVED = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z _]*?) = (?P<value>.*)$")


def keepalived_rows(text: str) -> Rows:
    """One row per ``VRRP Instance`` of keepalived's data dump."""
    instances: list[dict[str, Any]] = []
    vip_next = False
    in_topology = False
    for line in text.splitlines():
        if line.startswith("------<"):  # a section head: only "VRRP Topology" is read
            in_topology = "VRRP Topology" in line
            continue
        if not in_topology:
            continue
        if line.startswith(" VRRP Instance = "):
            instances.append({"name": line.split("=", 1)[1].strip(), "vips": []})
            vip_next = False
            continue
        if not instances:
            continue
        if line.strip().startswith("Virtual IP ("):
            vip_next = True
            continue
        if vip_next:
            if line.startswith("     ") and "/" in line:
                instances[-1]["vips"].append(line.split()[0].split("/")[0])
                continue
            vip_next = False
        match = _KEEPALIVED.match(line)
        if match and match["key"] not in instances[-1]:
            instances[-1][match["key"]] = match["value"].strip()
    return {"instances": instances}


def keepalived(rows: Rows) -> list[Vrrp]:
    return [
        Vrrp(
            interface=i.get("Interface", ""),
            group=int(i["Virtual Router ID"]),
            state=_VRRP_STATE[i["State"]],  # type: ignore[arg-type]
            priority=int(i["Effective priority"]) if "Effective priority" in i else None,
            vip=i["vips"][0] if i["vips"] else None,
            preempt=i.get("Preempt") == "enabled" if "Preempt" in i else None,
        )
        for i in rows["instances"]
    ]


_UDP = re.compile(r"^\s*(\d+) Pckts sent\s+(\d+) Pckts recv", re.MULTILINE)
_ERR = re.compile(r"^\s*(\d+) Error send\s+(\d+) Error recv", re.MULTILINE)


def conntrackd_rows(text: str) -> Rows:
    sent = received = errors = None
    if match := _UDP.search(text):
        sent, received = int(match[1]), int(match[2])
    if match := _ERR.search(text):
        errors = int(match[1]) + int(match[2])
    return {"stats": [{"sent": sent, "received": received, "errors": errors}]}


def conntrackd(rows: Rows) -> list[Ha]:
    """conntrackd answers: sync runs; it has sent and received sync messages over the HA
    link: the pair is in sync (FTFW acknowledges every message and resends what is lost).
    The error counters are totals since start (a past HA link outage stays counted), so
    they do not decide the present state."""
    records = []
    for s in rows["stats"]:
        running = s["sent"] is not None
        records.append(
            Ha(
                mode="active-active",
                session_sync=running,
                in_sync=running and bool(s["sent"]) and bool(s["received"]),
            )
        )
    return records


def prober_rows(text: str) -> Rows:
    return {"probes": list(_json(text))}


def prober(rows: Rows) -> list[Probe]:
    return [
        Probe(
            name=p["name"],
            type=p["type"],
            target=p["target"],
            state=p["state"],
            rtt_ms=p.get("rtt_ms"),
        )
        for p in rows["probes"]
    ]


def interface_rows(text: str) -> Rows:
    data = _json(text) or {}
    return {"interfaces": [{"name": name, **fields} for name, fields in data.items()]}


def interface(rows: Rows) -> list[Interface]:
    """``show interface brief json``: one record per interface, its first IPv4 address."""
    records = []
    for iface in rows["interfaces"]:
        v4 = [a for a in iface.get("addresses", []) if ":" not in a]
        address, _, length = v4[0].partition("/") if v4 else ("", "", "")
        status = iface.get("status")
        records.append(
            Interface(
                name=iface["name"],
                address=address or None,
                prefix_length=int(length) if length else None,
                status=status if status in ("up", "down") else None,
            )
        )
    return records
