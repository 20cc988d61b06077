"""Scorecard: every egress parser on every real capture of the public parser projects.

    .venv/bin/python -m bench.real_captures [--verbose] [--min 95]

Reads ``tests/fixtures/real-captures`` (written by ``bench/real_captures_collect.py``; each
capture's ``.json`` names its command, source and the source project's own parse) and, for
each capture, runs ``egress.parse.parse_output`` on it and scores it:

  right     the records agree with the source project's parse on what both read: the
            identity and state of each record (routes: prefix and next-hop addresses; VRRP:
            interface, group, state; BFD: peer, state; probes: id, state; HA: roles;
            interfaces: name and address; route-maps: name, sequence, action; tracks: state)
  wrong     they disagree (the missing and extra items are printed with --verbose)
  error     the parser refused the output (a parse error naming the command and line)
  unchecked the source has no parse of its own (napalm raw files, PyEZ replies, guides):
            counted right when the parse succeeds and yields records, and listed apart

The table gives each platform and command, and the share of captures fully right overall
and on the commands ``egress validate`` runs. Exit 1 when either share is below --min.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netutils.interface import canonical_interface_name

from egress.errors import InputError
from egress.parse import lookup, parse_output
from egress.parse.schema import BaseRecord

REPO = Path(__file__).resolve().parent.parent
CAPTURES = REPO / "tests" / "fixtures" / "real-captures"

Item = tuple[Any, ...]


def _ifname(name: str | None) -> str:
    # case-insensitive: genieparser capitalises names the device prints in lower case
    return canonical_interface_name(name).lower() if name else ""


def _addr(value: Any) -> str:
    text = str(value or "").strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        try:
            return str(ipaddress.ip_interface(text).ip)
        except ValueError:
            return text


def _prefix(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError:
        return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- egress records -> comparable items -----------------------------------------------------


def mine(kind: str, records: list[BaseRecord]) -> set[Item]:
    items: set[Item] = set()
    for rec in records:
        r = rec.model_dump()
        if kind == "route":
            hops = frozenset(_addr(h["address"]) for h in r["next_hops"] if h["address"])
            items.add((_prefix(r["prefix"]), hops))
        elif kind == "route_vrf":  # ntc-templates keeps each VRF's rows apart
            hops = frozenset(_addr(h["address"]) for h in r["next_hops"] if h["address"])
            items.add((r["vrf"] or "", _prefix(r["prefix"]), hops))
        elif kind == "vrrp":
            items.add((_ifname(r["interface"]), r["group"], r["state"].lower()))
        elif kind == "bfd":
            items.add((_addr(r["peer"]), r["state"].lower()))
        elif kind == "probe" or kind == "probe_rpm":
            items.add((r["name"], r["state"]))
        elif kind == "track":
            items.add((r["state"].lower(),))
        elif kind == "pbr_map":
            for entry in r["entries"]:
                items.add((r["name"], entry["seq"], entry["action"]))
        elif kind == "pbr_policy":
            for interface in r["interfaces"]:
                items.add((_ifname(interface), r["name"]))
        elif kind == "interface":
            items.add((_ifname(r["name"]), r["address"] or ""))
        elif kind == "ha":
            items.add((r["group"], r["local_role"], r["peer_role"]))
        elif kind == "ha_members":
            for member in r["members"]:
                items.add((member["name"], member["role"]))
    return items


# --- the source project's parse -> the same items -------------------------------------------

_ROLE = {
    "active": "Primary",
    "standby": "Secondary",
    "primary": "Primary",
    "secondary": "Secondary",
    "master": "Primary",
    "slave": "Secondary",
    "init": "Init",
    "lost": "Lost",
    "disabled": "Disabled",
}


def _genie_routes(exp: dict[str, Any]) -> set[Item]:
    items: set[Item] = set()
    for vrf in exp.get("vrf", {}).values():
        for af in vrf.get("address_family", {}).values():
            for prefix, route in af.get("routes", {}).items():
                hops = frozenset(
                    _addr(h["next_hop"])
                    for h in route.get("next_hop", {}).get("next_hop_list", {}).values()
                    if h.get("next_hop")
                )
                items.add((_prefix(prefix), hops))
    for prefix, entry in exp.get("entry", {}).items():
        hops = frozenset(
            _addr(p["nexthop"]) for p in entry.get("paths", {}).values() if p.get("nexthop")
        )
        items.add((_prefix(prefix), hops))
    return items


def _genie_junos_routes(exp: dict[str, Any]) -> set[Item]:
    items: set[Item] = set()
    for table in _as_list(exp.get("route-information", {}).get("route-table")):
        for rt in _as_list(table.get("rt")):
            entries = _as_list(rt.get("rt-entry"))
            # egress reads each destination's active route ("*" or "+")
            active = [e for e in entries if e.get("active-tag") in ("*", "+")]
            if not active or "rt-destination" not in rt:
                continue
            hops = frozenset(
                _addr(nh["to"]) for e in active for nh in _as_list(e.get("nh")) if nh.get("to")
            )
            items.add((_prefix(rt["rt-destination"]), hops))
    for table in exp.get("table_name", {}).values():
        for prefix, route in table.get("routes", {}).items():
            if route.get("active_tag") not in ("*", "+"):
                continue
            hops = frozenset(
                _addr(h["to"])
                for h in route.get("next_hop", {}).get("next_hop_list", {}).values()
                if h.get("to")
            )
            items.add((_prefix(prefix), hops))
    return items


def _genie_vrrp(exp: dict[str, Any]) -> set[Item]:
    items: set[Item] = set()
    for interface, body in exp.get("interface", {}).items():
        groups = body.get("group") or body.get("group_number") or {}
        for number, group in groups.items():
            state = str(group.get("state") or group.get("group_state") or "")
            items.add((_ifname(interface), int(number), state.lower().split()[0] if state else ""))
    return items


def _genie_bfd(exp: dict[str, Any]) -> set[Item]:
    items: set[Item] = set()
    for ours in exp.get("our_address", {}).values():
        for peer, body in ours.get("neighbor_address", {}).items():
            state = body.get("state") or body.get("rh_rs") or ""
            items.add((_addr(peer), state.lower()))
    for session in _as_list(exp.get("bfd-session-information", {}).get("bfd-session")):
        items.add((_addr(session["session-neighbor"]), session["session-state"].lower()))
    return items


def _genie_sla(exp: dict[str, Any]) -> set[Item]:
    items: set[Item] = set()
    for sla_id, body in exp.get("ids", {}).items():
        code = body.get("return_code") or ""
        items.add((str(sla_id), "ok" if code.upper() == "OK" else "fail"))
    return items


def _genie_track(exp: dict[str, Any]) -> set[Item]:
    if "type" in exp:  # one track object per output (genie's schema keeps no id)
        return {(body["state"].lower(),) for body in exp["type"].values() if "state" in body}
    return {
        (t["state"].lower(),)
        for t in exp.get("track", {}).values()
        if isinstance(t, dict) and "state" in t
    }


def _genie_route_map(exp: dict[str, Any]) -> set[Item]:
    return {
        (name, int(seq), body.get("actions", {}).get("route_disposition", "permit"))
        for name, rm in exp.items()
        for seq, body in rm.get("statements", {}).items()
    }


def _genie_policy(exp: dict[str, Any]) -> set[Item]:
    if "route_map" in exp:
        return {(_ifname(exp["interface"]), exp["route_map"])}
    return {(_ifname(name), body["route_map"]) for name, body in exp.get("interface", {}).items()}


def _genie_rg(exp: dict[str, Any]) -> set[Item]:
    return {
        (
            int(gid),
            _ROLE.get(str(g.get("my_role", "")).lower(), "Unknown"),
            _ROLE.get(str(g.get("peer_role", "")).lower()) if g.get("peer_role") else None,
        )
        for gid, g in exp.get("group_id", {}).items()
    }


def _genie_interfaces(exp: dict[str, Any]) -> set[Item]:
    items: set[Item] = set()
    rows = exp.get("interface", exp)
    for name, body in rows.items():
        address = body.get("ip_address", "")
        if isinstance(body.get("protocol"), dict):  # junos terse: the first inet address
            inet = list(body["protocol"].get("inet", {}))
            address = inet[0].split("/")[0] if inet else ""
        items.add((_ifname(name), "" if address in ("unassigned", None) else address))
    return items


def _ntc(kind: str, rows: list[dict[str, Any]]) -> set[Item]:
    items: set[Item] = set()
    if kind == "route":
        paths: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in rows:
            network = row.get("network") or row.get("destination", "")
            prefix = f"{network}/{row['prefix_length']}" if row.get("prefix_length") else network
            hop = _addr(row.get("nexthop_ip") or row.get("gateway") or "")
            key = (row.get("vrf") or "", _prefix(prefix))
            paths[key].update({hop} if hop[:1].isdigit() or ":" in hop else set())
        return {(v, p, frozenset(h)) for (v, p), h in paths.items()}
    for row in rows:
        if kind == "vrrp":
            items.add((_ifname(row["interface"]), int(row["group"]), row["state"].lower()))
        elif kind == "bfd":
            items.add(
                (_addr(row.get("neighbor_addr") or row.get("neighbor", "")), row["state"].lower())
            )
        elif kind == "interface":
            address = row.get("ip_address") or ""
            items.add(
                (
                    _ifname(row["interface"] if "interface" in row else row["name"]),
                    "" if address in ("unassigned", "0.0.0.0") else address,
                )
            )
        elif kind == "pbr_map":
            items.add((row["name"], int(row["seq"]), row["action"]))
        elif kind == "ha_members" and "node" in row:  # junos chassis cluster, per group
            for node, status in zip(row["node"], row["status"], strict=False):
                items.add((node, _ROLE.get(status.lower(), "Unknown")))
        elif kind == "ha_members":
            for role in ("master", "slave", "primary", "secondary"):
                name = row.get(f"ha_{role}_unit_serial")  # egress names a member by serial
                if name:
                    items.add((name, _ROLE[role]))
    return items


def _napalm(kind: str, exp: dict[str, Any]) -> set[Item] | None:
    if kind == "route":  # get_route_to joins "show ip bgp" paths: not this output's alone
        return None
    if kind == "probe":
        return {
            (f"{owner}/{test}", "ok" if body.get("last_test_loss", 100) < 100 else "fail")
            for owner, tests in exp.items()
            for test, body in tests.items()
        }
    if kind == "interface" and "interface_list" in exp:  # get_facts; other getters say less
        return {(_ifname(name), "") for name in exp["interface_list"]}
    return None


GENIE: dict[str, Callable[[dict[str, Any]], set[Item]]] = {
    "route": _genie_routes,
    "vrrp": _genie_vrrp,
    "bfd": _genie_bfd,
    "probe": _genie_sla,
    "track": _genie_track,
    "pbr_map": _genie_route_map,
    "pbr_policy": _genie_policy,
    "ha": _genie_rg,
    "interface": _genie_interfaces,
}


def theirs(kind: str, platform: str, fmt: str, exp: Any) -> set[Item] | None:
    if fmt == "ntc":
        return _ntc(kind, exp)
    if fmt == "genie":
        if kind == "route" and platform == "junos":
            return _genie_junos_routes(exp)
        return GENIE[kind](exp) if kind in GENIE else None
    if fmt == "napalm":
        return _napalm(kind, exp)
    return None


def compared_kind(platform: str, command: str, record_kind: str) -> str:
    """What of a record is compared: route-maps and policies, HA members or roles."""
    if record_kind == "pbr":
        return "pbr_policy" if "policy" in command else "pbr_map"
    if record_kind == "ha" and platform in ("fortios", "junos"):
        return "ha_members"
    return record_kind


def only_interfaces(items: set[Item]) -> set[Item]:
    return {(name, "") for name, *_ in items}


# --- scoring --------------------------------------------------------------------------------


# the commands `egress validate` runs (egress/tasks/validate.py COMMANDS), by platform
def validate_commands() -> dict[str, set[str]]:
    """The registered commands (aliases folded) whose output `egress validate` reads."""
    from egress.validate import COMMANDS, SUPPORTING

    wanted: dict[str, set[str]] = defaultdict(set)
    for platform, features in COMMANDS.items():
        for command in [
            *features.values(),
            *(c for cs in SUPPORTING.get(platform, {}).values() for c in cs),
        ]:
            if command:
                wanted[platform].add(lookup(platform=platform, command=command).command)
    return wanted


@dataclass
class Score:
    platform: str
    command: str
    case: str
    verdict: str  # right | wrong | error | unchecked
    detail: str = ""


def score_one(raw: Path) -> Score:
    meta = json.loads(raw.with_suffix(".json").read_text(encoding="utf-8"))
    platform, command = raw.parts[-3], meta["command"]
    case = f"{platform}/{raw.parent.name}/{raw.stem}"
    try:
        spec = lookup(platform=platform, command=command)
        records = parse_output(platform=platform, command=command, text=raw.read_text("utf-8"))
    except InputError as exc:
        return Score(platform, command, case, "error", str(exc).splitlines()[0])
    kind = compared_kind(platform, spec.command, spec.kind)
    try:
        expected = theirs(kind, platform, meta["expected_format"], meta["expected"])
    except (KeyError, TypeError, AttributeError, ValueError) as exc:  # the source's own shape
        return Score(platform, command, case, "wrong", f"cannot read the source's parse: {exc!r}")
    if expected is None:
        return Score(platform, command, case, "unchecked", f"{len(records)} records")
    got = mine(
        "route_vrf" if kind == "route" and meta["expected_format"] == "ntc" else kind, records
    )
    if kind == "vrrp":  # genieparser left some groups' state unread: compare the rest
        unread = {item[:2] for item in expected if item[2] == ""}
        got = {(*item[:2], "") if item[:2] in unread else item for item in got}
    if meta["expected_format"] == "napalm" and kind == "interface":
        got = only_interfaces(got)
    if got == expected:
        return Score(platform, command, case, "right")
    detail = (
        f"missing {sorted(expected - got, key=str)[:4]} extra {sorted(got - expected, key=str)[:4]}"
    )
    return Score(platform, command, case, "wrong", detail)


def family(platform: str, command: str) -> str:
    """The registered command a capture's command maps to (arguments folded)."""
    try:
        return lookup(platform=platform, command=command).command
    except InputError:
        return command


def run(root: Path = CAPTURES) -> list[Score]:
    return [score_one(raw) for raw in sorted(root.glob("*/*/*.raw"))]


def shares(scores: Iterable[Score], validate: dict[str, set[str]]) -> tuple[float, float]:
    scores = list(scores)
    ok = [s for s in scores if s.verdict in ("right", "unchecked")]
    checked = [
        s for s in scores if family(s.platform, s.command) in validate.get(s.platform, set())
    ]
    ok_checked = [s for s in checked if s.verdict in ("right", "unchecked")]
    return (
        100.0 * len(ok) / max(len(scores), 1),
        100.0 * len(ok_checked) / max(len(checked), 1),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--min", type=float, default=0.0)
    options = parser.parse_args()
    scores = run()
    validate = validate_commands()
    table: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for s in scores:
        table[(s.platform, family(s.platform, s.command))][s.verdict] += 1
        if options.verbose and s.verdict in ("wrong", "error"):
            print(f"{s.verdict:5} {s.case} [{s.command}] {s.detail}")
    print(f"{'platform':8} {'command':44} {'right':>5} {'unchk':>5} {'wrong':>5} {'error':>5}  v")
    for (platform, command), c in sorted(table.items()):
        mark = "*" if command in validate.get(platform, set()) else ""
        print(
            f"{platform:8} {command:44} {c['right']:5} {c['unchecked']:5} {c['wrong']:5} "
            f"{c['error']:5}  {mark}"
        )
    for platform in sorted({s.platform for s in scores}):
        mine_ = [s for s in scores if s.platform == platform]
        overall, checked = shares(mine_, validate)
        print(
            f"{platform:8} {len(mine_):4} captures: {overall:5.1f} % right, "
            f"validate's commands {checked:5.1f} %"
        )
    overall, checked = shares(scores, validate)
    print(
        f"all      {len(scores):4} captures: {overall:5.1f} % right, "
        f"validate's commands {checked:5.1f} %"
    )
    return 0 if min(overall, checked) >= options.min else 1


if __name__ == "__main__":
    sys.exit(main())
