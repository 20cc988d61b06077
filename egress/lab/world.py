"""The lab's operational state: what the network does with the configs of all its devices.

Each platform emulator reduces its running config to vendor-neutral :class:`DeviceFacts`
(what is configured); :func:`simulate` combines the facts of every device with the lab
topology and the state of its links into :class:`OpState` per device (what is happening):
VRRP elections on each LAN, BFD sessions to the ISP gateways, probe results, the default
route's live next hops (ECMP), attached policy routes and HA sync. Show commands render
from (facts, op state), so a cut link changes every output that depends on it.

Pure and deterministic: no clocks, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network


# -- what a device has configured ----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class IfaceFacts:
    name: str
    address: IPv4Interface | None  # address with prefix length
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class VrrpTrackFacts:
    """A tracked object that lowers a VRRP (or HA group) priority by ``decrement`` when down."""

    decrement: int
    probe: str | None = None  # a probe/track object by name (IOS track -> ip sla tag)
    interface: str | None = None  # or an interface (Junos track interface)
    target: str | None = None  # or a destination (FortiOS vrdst)


@dataclass(frozen=True, slots=True)
class VrrpFacts:
    interface: str
    group: int
    vip: IPv4Address
    priority: int
    preempt: bool = True
    tracks: tuple[VrrpTrackFacts, ...] = ()
    failed_priority: int | None = None  # FortiOS vrdst-priority: used when a target fails
    # False: the device drops the peers' adverts (SRX: no host-inbound vrrp on the unit), so
    # it hears no master and claims the group itself; its own adverts still go out
    hears_peers: bool = True


@dataclass(frozen=True, slots=True)
class BfdFacts:
    peer: IPv4Address
    interface: str | None
    interval_ms: int
    multiplier: int
    # False: the device drops the peer's BFD packets (SRX: no host-inbound bfd on the unit),
    # so the session never comes up
    accepted: bool = True


@dataclass(frozen=True, slots=True)
class ProbeFacts:
    name: str
    type: str  # icmp | tcp | http
    target: IPv4Address
    source_interface: str | None = None
    gateway: IPv4Address | None = None
    port: int | None = None
    track_id: int | None = None  # IOS: the track object that follows this probe
    id: int | None = None  # IOS: the ip sla number
    frequency_s: int | None = None  # how often it probes (IOS ip sla "frequency")


@dataclass(frozen=True, slots=True)
class RouteFacts:
    prefix: IPv4Network
    gateway: IPv4Address
    interface: str | None = None
    distance: int = 1
    bfd: bool = False
    probe: str | None = None  # withdrawn while this probe fails


@dataclass(frozen=True, slots=True)
class PbrFacts:
    name: str
    seq: int
    in_interface: str | None
    match: str
    next_hop: IPv4Address


@dataclass(frozen=True, slots=True)
class HaFacts:
    form: str  # sync-pair | cluster
    group_id: int
    priority: int
    interface: str | None = None
    peer: IPv4Address | None = None
    session_sync: bool = True
    mode: str = "a-p"
    # what lowers the group's priority (IOS redundancy group `track N decrement`)
    tracks: tuple[VrrpTrackFacts, ...] = ()


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    name: str
    interfaces: tuple[IfaceFacts, ...] = ()
    vrrp: tuple[VrrpFacts, ...] = ()
    bfd: tuple[BfdFacts, ...] = ()
    probes: tuple[ProbeFacts, ...] = ()
    routes: tuple[RouteFacts, ...] = ()
    pbr: tuple[PbrFacts, ...] = ()
    ha: HaFacts | None = None

    def interface(self, name: str | None) -> IfaceFacts | None:
        return next((i for i in self.interfaces if i.name == name), None)

    def interface_towards(self, address: IPv4Address) -> IfaceFacts | None:
        return next(
            (i for i in self.interfaces if i.address is not None and address in i.address.network),
            None,
        )


# -- the lab's wiring -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Segment:
    """A broadcast domain: a site LAN, an ISP hand-off, or an HA link."""

    name: str
    kind: str  # lan | isp | ha
    members: tuple[tuple[str, str], ...]  # (device, interface)
    gateway: IPv4Address | None = None  # the simulated ISP router on an isp segment


@dataclass(frozen=True, slots=True)
class Topology:
    segments: tuple[Segment, ...]
    # destinations beyond the ISPs (probe targets): reachable through any live isp segment
    internet: tuple[IPv4Network, ...] = (IPv4Network("0.0.0.0/0"),)

    def segment_of(self, device: str, interface: str) -> Segment | None:
        return next((s for s in self.segments if (device, interface) in s.members), None)


# -- what is happening ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class VrrpState:
    interface: str
    group: int
    vip: IPv4Address
    state: str  # Master | Backup | Init
    priority: int  # configured
    effective_priority: int
    master_address: IPv4Address | None
    preempt: bool
    # the master's effective priority (its adverts carry it; IOS prints it on a backup)
    master_priority: int | None = None


@dataclass(frozen=True, slots=True)
class BfdState:
    peer: IPv4Address
    interface: str | None
    state: str  # Up | Down
    interval_ms: int
    multiplier: int


@dataclass(frozen=True, slots=True)
class ProbeState:
    name: str
    type: str
    target: IPv4Address
    ok: bool
    rtt_ms: int | None


@dataclass(frozen=True, slots=True)
class NextHop:
    address: IPv4Address
    interface: str | None


@dataclass(frozen=True, slots=True)
class RouteState:
    prefix: IPv4Network
    distance: int
    next_hops: tuple[NextHop, ...]


@dataclass(frozen=True, slots=True)
class HaState:
    form: str
    group_id: int
    local_role: str  # Primary | Secondary | Standalone
    peer_role: str | None
    peer: str | None  # the peer device's name
    in_sync: bool
    session_sync: bool
    mode: str
    # the peer's HA priority, lowered by its tracks, while it is in sync (its hellos carry it)
    peer_priority: int | None = None
    # this member's priority lowered by its down tracks (IOS: the runtime priority)
    effective_priority: int | None = None


@dataclass(frozen=True, slots=True)
class OpState:
    interfaces_up: frozenset[str] = frozenset()
    vrrp: tuple[VrrpState, ...] = ()
    bfd: tuple[BfdState, ...] = ()
    probes: tuple[ProbeState, ...] = ()
    routes: tuple[RouteState, ...] = ()
    pbr_active: tuple[PbrFacts, ...] = ()
    ha: HaState | None = None
    notes: tuple[str, ...] = field(default=())
    # the addresses at which the lab's ISP routers answer this device (their BGP sessions,
    # issue 19): each live isp segment's gateway; None when the device is simulated alone
    # (no wiring), where every configured neighbour answers
    isp_routers: frozenset[IPv4Address] | None = None


# Fixed, plausible round-trip times so outputs are stable across runs.
_RTT_MS = {"icmp": 4, "tcp": 6, "http": 18}


def simulate(
    facts: Mapping[str, DeviceFacts],
    topology: Topology,
    *,
    links_down: frozenset[tuple[str, str]] = frozenset(),
    upstreams_down: frozenset[tuple[str, str]] = frozenset(),
) -> dict[str, OpState]:
    """The operational state of every device, from configs, wiring and cut links.

    ``upstreams_down`` are ports in an ISP brownout: the port and the ISP router behind it
    stay up (ARP, BFD, a policy route's next hop), the internet beyond that router is gone,
    so probes sent through that port fail.
    """
    up = {name: _interfaces_up(f, links_down) for name, f in facts.items()}
    probes = {name: _probes(f, up[name], topology, upstreams_down) for name, f in facts.items()}
    bfd = {name: _bfd(f, up[name], topology) for name, f in facts.items()}
    vrrp = _vrrp(facts, up, probes, topology)
    ha = _ha(facts, links_down, topology, up, probes)
    states = {}
    for name, f in facts.items():
        routes = _routes(f, up[name], bfd[name], probes[name])
        # a policy route is applied while its next hop answers (verify-availability)
        pbr = tuple(p for p in f.pbr if _isp_alive(f, up[name], topology, p.next_hop))
        states[name] = OpState(
            interfaces_up=frozenset(up[name]),
            vrrp=vrrp.get(name, ()),
            bfd=tuple(bfd[name]),
            probes=tuple(probes[name]),
            routes=routes,
            pbr_active=pbr,
            ha=ha.get(name),
            isp_routers=_isp_routers(name, up[name], topology),
        )
    return states


def _isp_routers(name: str, up: set[str], topology: Topology) -> frozenset[IPv4Address] | None:
    if not topology.segments:
        return None
    return frozenset(
        s.gateway
        for s in topology.segments
        if s.kind == "isp"
        and s.gateway is not None
        and any(d == name and i in up for d, i in s.members)
    )


def _interfaces_up(f: DeviceFacts, links_down: frozenset[tuple[str, str]]) -> set[str]:
    return {i.name for i in f.interfaces if i.enabled and (f.name, i.name) not in links_down}


def _reachable(f: DeviceFacts, up: set[str], address: IPv4Address) -> bool:
    iface = f.interface_towards(address)
    return iface is not None and iface.name in up


def _isp_alive(f: DeviceFacts, up: set[str], topology: Topology, gateway: IPv4Address) -> bool:
    """The ISP router at ``gateway`` answers when our interface into its segment is up."""
    iface = f.interface_towards(gateway)
    if iface is None or iface.name not in up:
        return False
    segment = topology.segment_of(f.name, iface.name)
    return segment is None or segment.gateway is None or segment.gateway == gateway


def _probes(
    f: DeviceFacts,
    up: set[str],
    topology: Topology,
    upstreams_down: frozenset[tuple[str, str]] = frozenset(),
) -> list[ProbeState]:
    states = []
    for probe in f.probes:
        via = probe.gateway
        if via is None and probe.source_interface:
            iface = f.interface(probe.source_interface)
            segment = topology.segment_of(f.name, iface.name) if iface else None
            via = segment.gateway if segment else None
        out = f.interface_towards(via) if via is not None else None
        ok = (
            via is not None
            and _isp_alive(f, up, topology, via)
            and (out is None or (f.name, out.name) not in upstreams_down)
            and any(probe.target in net for net in topology.internet)
        )
        states.append(
            ProbeState(
                probe.name, probe.type, probe.target, ok, _RTT_MS.get(probe.type, 5) if ok else None
            )
        )
    return states


def _bfd(f: DeviceFacts, up: set[str], topology: Topology) -> list[BfdState]:
    return [
        BfdState(
            peer=b.peer,
            interface=b.interface or (i.name if (i := f.interface_towards(b.peer)) else None),
            state="Up" if b.accepted and _isp_alive(f, up, topology, b.peer) else "Down",
            interval_ms=b.interval_ms,
            multiplier=b.multiplier,
        )
        for b in f.bfd
    ]


def _routes(
    f: DeviceFacts, up: set[str], bfd: list[BfdState], probes: list[ProbeState]
) -> tuple[RouteState, ...]:
    bfd_up = {b.peer for b in bfd if b.state == "Up"}
    probe_ok = {p.name for p in probes if p.ok}
    by_prefix: dict[IPv4Network, list[RouteFacts]] = {}
    for route in f.routes:
        live = _reachable(f, up, route.gateway)
        if route.bfd and route.gateway not in bfd_up:
            live = False
        if route.probe is not None and route.probe not in probe_ok:
            live = False
        if live:
            by_prefix.setdefault(route.prefix, []).append(route)
    states = []
    for prefix, routes in by_prefix.items():
        best = min(r.distance for r in routes)
        hops = tuple(
            NextHop(
                r.gateway,
                r.interface or (i.name if (i := f.interface_towards(r.gateway)) else None),
            )
            for r in routes
            if r.distance == best
        )
        states.append(RouteState(prefix, best, hops))
    return tuple(states)


def _track_down(track: VrrpTrackFacts, up: set[str], probes: list[ProbeState]) -> bool:
    failed = {p.name for p in probes if not p.ok}
    failed_targets = {str(p.target) for p in probes if not p.ok}
    return (
        (track.probe is not None and track.probe in failed)
        or (track.interface is not None and track.interface not in up)
        or (track.target is not None and track.target in failed_targets)
    )


def _effective_priority(
    vrrp: VrrpFacts, f: DeviceFacts, up: set[str], probes: list[ProbeState]
) -> int:
    priority = vrrp.priority
    for track in vrrp.tracks:
        if _track_down(track, up, probes):
            if vrrp.failed_priority is not None:
                return vrrp.failed_priority
            priority -= track.decrement
    return max(priority, 1)


def _ha_priority(ha: HaFacts, up: set[str], probes: list[ProbeState]) -> int:
    down = sum(t.decrement for t in ha.tracks if _track_down(t, up, probes))
    return max(ha.priority - down, 1) if down else ha.priority


def _vrrp(
    facts: Mapping[str, DeviceFacts],
    up: Mapping[str, set[str]],
    probes: Mapping[str, list[ProbeState]],
    topology: Topology,
) -> dict[str, tuple[VrrpState, ...]]:
    # candidates per (segment, group): (effective priority, address) decides; highest wins
    contenders: dict[tuple[str, int], list[tuple[int, IPv4Address, str, VrrpFacts]]] = {}
    for name, f in facts.items():
        for group in f.vrrp:
            iface = f.interface(group.interface)
            if iface is None or iface.address is None or iface.name not in up[name]:
                continue
            segment = topology.segment_of(name, iface.name)
            key = (segment.name if segment else f"{name}:{iface.name}", group.group)
            prio = _effective_priority(group, f, up[name], probes[name])
            contenders.setdefault(key, []).append((prio, iface.address.ip, name, group))
    masters = {key: max(c, key=lambda c: (c[0], c[1])) for key, c in contenders.items() if c}

    result: dict[str, tuple[VrrpState, ...]] = {}
    for name, f in facts.items():
        states = []
        for group in f.vrrp:
            iface = f.interface(group.interface)
            live = iface is not None and iface.address is not None and iface.name in up[name]
            segment = topology.segment_of(name, group.interface) if iface else None
            key = (segment.name if segment else f"{name}:{group.interface}", group.group)
            master = masters.get(key) if live else None
            prio = _effective_priority(group, f, up[name], probes[name])
            if live and iface is not None and iface.address is not None and not group.hears_peers:
                master = (prio, iface.address.ip, name, group)  # deaf: it hears no better one
            state = "Init" if master is None else ("Master" if master[2] == name else "Backup")
            states.append(
                VrrpState(
                    group.interface,
                    group.group,
                    group.vip,
                    state,
                    group.priority,
                    prio,
                    master[1] if master else None,
                    group.preempt,
                    master[0] if master else None,
                )
            )
        result[name] = tuple(states)
    return result


def _ha(
    facts: Mapping[str, DeviceFacts],
    links_down: frozenset[tuple[str, str]],
    topology: Topology,
    up: Mapping[str, set[str]],
    probes: Mapping[str, list[ProbeState]],
) -> dict[str, HaState]:
    """Each HA member's role: the higher priority, lowered by its down tracks, is Primary.

    The lab keeps no history, so this is the state once preemption has run: a group that
    tracks the LAN moves to the peer while the LAN is down and back once it is up again.
    """
    result: dict[str, HaState] = {}
    for segment in topology.segments:
        if segment.kind != "ha" or len(segment.members) != 2:
            continue
        (a, a_if), (b, b_if) = segment.members
        fa, fb = facts.get(a), facts.get(b)
        if fa is None or fb is None:
            continue
        # the HA link is a cable between two ports, configured as L3 or not (fabric, hbdev)
        link_up = (a, a_if) not in links_down and (b, b_if) not in links_down
        for me, peer, f_me, f_peer in ((a, b, fa, fb), (b, a, fb, fa)):
            if f_me.ha is None:
                continue
            agree = f_peer.ha is not None and _ha_agrees(f_me, f_peer)
            in_sync = link_up and agree
            mine = _ha_priority(f_me.ha, up[me], probes[me])
            theirs = (
                _ha_priority(f_peer.ha, up[peer], probes[peer]) if f_peer.ha is not None else None
            )
            if in_sync and theirs is not None:
                primary = mine > theirs or (mine == theirs and me < peer)
                local = "Primary" if primary else "Secondary"
                remote: str | None = "Secondary" if primary else "Primary"
            else:
                local, remote = "Primary", None  # alone, it carries the traffic
            result[me] = HaState(
                f_me.ha.form,
                f_me.ha.group_id,
                local,
                remote,
                peer if in_sync else None,
                in_sync,
                f_me.ha.session_sync,
                f_me.ha.mode,
                theirs if in_sync else None,
                mine,
            )
    return result


def _ha_agrees(a: DeviceFacts, b: DeviceFacts) -> bool:
    ha_a, ha_b = a.ha, b.ha
    if ha_a is None or ha_b is None:
        return False
    if (ha_a.form, ha_a.group_id, ha_a.session_sync, ha_a.mode) != (
        ha_b.form,
        ha_b.group_id,
        ha_b.session_sync,
        ha_b.mode,
    ):
        return False
    if ha_a.form == "sync-pair":
        # each must point at the other's address on the sync link
        def points_at(src: DeviceFacts, dst: DeviceFacts) -> bool:
            assert src.ha is not None
            iface = dst.interface(dst.ha.interface if dst.ha else None)
            return (
                src.ha.peer is not None
                and iface is not None
                and iface.address is not None
                and iface.address.ip == src.ha.peer
            )

        return points_at(a, b) and points_at(b, a)
    return True
