"""Reduce an IOS-XE running config to the lab's vendor-neutral facts (what is configured).

The lab's simulator (:mod:`egress.lab.world`) turns these into operational state. Only what
IOS itself says is reported, read the way IOS links its objects: a VRRP ``track N`` and a
static route's ``track N`` name a ``track N ip sla M`` object, whose ``ip sla M`` carries the
probe (its ``tag`` is the probe's name). Interfaces in a VRF (management) are not the
egress design's and are left out. IOS box-to-box redundancy is always a sync pair with no
peer address of its own: the peer is the other host of the control link's /30 (or /31).
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from urllib.parse import urlsplit

from egress.lab.ios.config import Node
from egress.lab.world import (
    BfdFacts,
    DeviceFacts,
    HaFacts,
    IfaceFacts,
    PbrFacts,
    ProbeFacts,
    RouteFacts,
    VrrpFacts,
    VrrpTrackFacts,
)

_ROUTE = re.compile(
    r"^ip route (?P<prefix>\d\S*) (?P<mask>\d\S*) (?:(?P<iface>[A-Za-z]\S*) )?"
    r"(?P<gateway>\d+\.\d+\.\d+\.\d+)(?: (?P<distance>\d+))?(?P<rest>.*)$"
)
_TRACK = re.compile(r"^track (\d+) ip sla (\d+)")
_TRACK_LINE = re.compile(r"^track (\d+) interface (\S+) line-protocol$")
_DEFAULT_VRRP_PRIORITY = 100
_DEFAULT_RG_PRIORITY = 100


def facts_from_config(name: str, root: Node) -> DeviceFacts:
    """What a router with this running config has configured."""
    interfaces = [c for c in root.children if c.text.startswith("interface ")]
    probes = _probes(root, interfaces)
    by_track = {p.track_id: p.name for p in probes if p.track_id is not None}
    return DeviceFacts(
        name=name,
        interfaces=tuple(_iface(i) for i in interfaces if i.top("vrf forwarding ") == []),
        vrrp=tuple(v for i in interfaces for v in _vrrp(i, by_track)),
        bfd=_bfd(root, interfaces),
        probes=probes,
        routes=_routes(root, by_track),
        pbr=_pbr(root, interfaces),
        ha=_ha(root, interfaces, by_track),
    )


def _words(node: Node, prefix: str) -> list[str] | None:
    """The words of the first child starting with ``prefix`` (None when there is none)."""
    found = node.top(prefix)
    return found[0].text.split() if found else None


def _address(iface: Node) -> IPv4Interface | None:
    for child in iface.children:
        words = child.text.split()
        if words[:2] == ["ip", "address"] and len(words) >= 4 and words[-1] != "secondary":
            return IPv4Interface(f"{words[2]}/{words[3]}")
    return None


def _iface(iface: Node) -> IfaceFacts:
    return IfaceFacts(
        iface.text.split()[1], _address(iface), enabled=iface.child("shutdown") is None
    )


def _vrrp(iface: Node, by_track: dict[int, str]) -> list[VrrpFacts]:
    groups = []
    for group in iface.top("vrrp "):
        words = group.text.split()
        if "ipv4" not in words:
            continue
        address = _words(group, "address ")
        priority = _words(group, "priority ")
        tracks = tuple(
            VrrpTrackFacts(int(w[3]), probe=by_track.get(int(w[1]), w[1]))
            for c in group.top("track ")
            if len(w := c.text.split()) >= 4 and w[2] == "decrement"
        )
        groups.append(
            VrrpFacts(
                interface=iface.text.split()[1],
                group=int(words[1]),
                vip=IPv4Address(address[1]) if address else IPv4Address("0.0.0.0"),
                priority=int(priority[1]) if priority else _DEFAULT_VRRP_PRIORITY,
                preempt=group.child("no preempt") is None,
                tracks=tracks,
            )
        )
    return groups


def _bfd(root: Node, interfaces: list[Node]) -> tuple[BfdFacts, ...]:
    timers: dict[str, tuple[int, int]] = {}
    for iface in interfaces:
        words = _words(iface, "bfd interval ")
        if words and "multiplier" in words:
            timers[iface.text.split()[1]] = (
                int(words[2]),
                int(words[words.index("multiplier") + 1]),
            )
    peers = []
    for child in root.top("ip route static bfd "):
        words = child.text.split()
        if len(words) >= 6 and words[4] in timers:
            interval, multiplier = timers[words[4]]
            peers.append(BfdFacts(IPv4Address(words[5]), words[4], interval, multiplier))
    return tuple(peers)


def _owner(interfaces: list[Node], address: IPv4Address) -> str | None:
    for iface in interfaces:
        own = _address(iface)
        if own is not None and own.ip == address:
            return iface.text.split()[1]
    return None


def _gateway_via(root: Node, interface: str | None) -> IPv4Address | None:
    """The next hop of the static route out of ``interface`` (where its probes are sent)."""
    for child in root.top("ip route "):
        match = _ROUTE.match(child.text)
        if match and interface is not None and match.group("iface") == interface:
            return IPv4Address(match.group("gateway"))
    return None


def _probes(root: Node, interfaces: list[Node]) -> tuple[ProbeFacts, ...]:
    tracks = {
        int(m.group(2)): int(m.group(1)) for c in root.top("track ") if (m := _TRACK.match(c.text))
    }
    probes = []
    for sla in root.top("ip sla "):
        words = sla.text.split()
        if len(words) != 3 or not words[2].isdigit():
            continue  # ip sla schedule / responder / …
        number = int(words[2])
        tag = _words(sla, "tag ")
        name = tag[1] if tag else str(number)
        probe = _probe_operation(sla, interfaces)
        if probe is None:
            continue
        kind, target, source, port = probe
        probes.append(
            ProbeFacts(
                name=name,
                type=kind,
                target=target,
                source_interface=source,
                gateway=_gateway_via(root, source),
                port=port,
                track_id=tracks.get(number),
                id=number,
                frequency_s=_frequency(sla),
            )
        )
    return tuple(probes)


def _frequency(sla: Node) -> int | None:
    """The operation's ``frequency N`` (seconds): under ``ip sla N`` (as running-config
    prints it) or under its operation line (as some configs nest it)."""
    for node in (sla, *sla.children):
        found = node.top("frequency ")
        if found and found[0].text.split()[1].isdigit():
            return int(found[0].text.split()[1])
    return None


def _probe_operation(
    sla: Node, interfaces: list[Node]
) -> tuple[str, IPv4Address, str | None, int | None] | None:
    for child in sla.children:
        words = child.text.split()
        source: str | None = None
        if "source-interface" in words:
            source = words[words.index("source-interface") + 1]
        elif "source-ip" in words:
            source = _owner(interfaces, IPv4Address(words[words.index("source-ip") + 1]))
        if words[0] == "icmp-echo":
            return "icmp", IPv4Address(words[1]), source, None
        if words[0] == "tcp-connect":
            return "tcp", IPv4Address(words[1]), source, int(words[2])
        if words[:2] == ["http", "get"]:
            url = urlsplit(words[2])
            port = url.port or (443 if url.scheme == "https" else 80)
            return "http", IPv4Address(url.hostname or "0.0.0.0"), source, port
    return None


def _routes(root: Node, by_track: dict[int, str]) -> tuple[RouteFacts, ...]:
    bfd = {tuple(c.text.split()[4:6]) for c in root.top("ip route static bfd ")}
    routes = []
    for child in root.top("ip route "):
        match = _ROUTE.match(child.text)
        if match is None:
            continue
        rest = match.group("rest").split()
        track = int(rest[rest.index("track") + 1]) if "track" in rest else None
        iface, gateway = match.group("iface"), match.group("gateway")
        routes.append(
            RouteFacts(
                prefix=IPv4Network(f"{match.group('prefix')}/{match.group('mask')}"),
                gateway=IPv4Address(gateway),
                interface=iface,
                distance=int(match.group("distance") or 1),
                bfd=(iface, gateway) in bfd,
                probe=by_track.get(track, str(track)) if track is not None else None,
            )
        )
    return tuple(routes)


def _acl_match(root: Node, acl: str) -> str:
    section = root.child(f"ip access-list extended {acl}")
    entry = (
        next((c.text.split() for c in section.children if "permit" in c.text), None)
        if section
        else None
    )
    if entry is None:
        return ""
    words = entry[entry.index("permit") + 2 :]  # after "permit ip"
    if "dscp" in words:
        return f"dscp {words[words.index('dscp') + 1]}"
    if words[0] == "host":
        return f"source {IPv4Network(words[1])}"
    if words[0] != "any":
        return f"source {IPv4Network(f'{words[0]}/{words[1]}')}"
    return "any"


def _pbr(root: Node, interfaces: list[Node]) -> tuple[PbrFacts, ...]:
    attached = {
        w[3]: iface.text.split()[1]
        for iface in interfaces
        if (w := _words(iface, "ip policy route-map ")) is not None
    }
    rules = []
    for entry in root.top("route-map "):
        words = entry.text.split()
        if len(words) < 4 or words[2] != "permit":
            continue
        acl = _words(entry, "match ip address ")
        hop = _words(entry, "set ip next-hop ")
        if acl is None or hop is None:
            continue
        next_hop = hop[4] if hop[3] == "verify-availability" else hop[3]
        name = acl[3].removeprefix("EGRESS-PBR-").lower()
        rules.append(
            PbrFacts(
                name,
                int(words[3]),
                attached.get(words[1]),
                _acl_match(root, acl[3]),
                IPv4Address(next_hop),
            )  # fmt: skip
        )
    return tuple(rules)


def _ha(root: Node, interfaces: list[Node], by_track: dict[int, str]) -> HaFacts | None:
    redundancy = root.child("redundancy")
    app = redundancy.child("application redundancy") if redundancy else None
    group = next(iter(app.top("group ")), None) if app else None
    if group is None:
        return None
    control = _words(group, "control ")
    priority = _words(group, "priority ")
    interface = control[1] if control else None
    peer = None
    own = next((_address(i) for i in interfaces if i.text == f"interface {interface}"), None)
    if own is not None and own.network.prefixlen in (30, 31):
        peer = next((h for h in own.network.hosts() if h != own.ip), None)
        if own.network.prefixlen == 31:
            peer = next((a for a in own.network if a != own.ip), None)
    return HaFacts(
        form="sync-pair",
        group_id=int(group.text.split()[1]),
        priority=int(priority[1]) if priority else _DEFAULT_RG_PRIORITY,
        interface=interface,
        peer=peer,
        session_sync=bool(group.top("data ")),
        mode="a-p",
        tracks=_rg_tracks(root, group, by_track),
    )


def _rg_tracks(root: Node, group: Node, by_track: dict[int, str]) -> tuple[VrrpTrackFacts, ...]:
    """The group's ``track N decrement V``: N follows an interface's line protocol or an ip sla.

    A track number no ``track`` object defines never goes down on IOS; it is left out.
    """
    lines = {
        int(m.group(1)): m.group(2) for c in root.top("track ") if (m := _TRACK_LINE.match(c.text))
    }
    tracks = []
    for child in group.top("track "):
        words = child.text.split()
        if len(words) < 4 or words[2] != "decrement" or not words[1].isdigit():
            continue
        number, decrement = int(words[1]), int(words[3])
        if number in lines:
            tracks.append(VrrpTrackFacts(decrement, interface=lines[number]))
        elif number in by_track:
            tracks.append(VrrpTrackFacts(decrement, probe=by_track[number]))
    return tuple(tracks)
