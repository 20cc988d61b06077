"""The validation show commands of a Junos SRX, as text, from (facts, op state).

Pure functions of what the device has configured (:class:`~egress.lab.world.DeviceFacts`,
plus the few configuration details the neutral facts do not carry: RPM owners, cluster
nodes) and what the lab's simulation says is happening (:class:`~egress.lab.world.OpState`).
Layouts follow real captures (``shared/real-outputs/juniper_junos``: genieparser,
ntc-templates, PyEZ, napalm fixtures) and Juniper's documented output; counters the
simulation does not model are fixed, plausible numbers so outputs are stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network

from egress.lab.world import (
    BfdState,
    DeviceFacts,
    NextHop,
    OpState,
    RouteFacts,
    VrrpState,
)

_RPM_TYPES = {"icmp": "icmp-ping", "tcp": "tcp-ping", "http": "http-get"}


@dataclass(frozen=True, slots=True)
class RpmTest:
    """One configured RPM test, as ``show services rpm probe-results`` names it."""

    owner: str
    name: str
    probe_type: str  # icmp-ping | tcp-ping | http-get …
    target: str  # the address, or the URL of an http-get test
    source: str | None
    probe_count: int = 3


@dataclass(frozen=True, slots=True)
class ClusterNode:
    name: str  # node0 | node1
    priority: int


@dataclass(frozen=True, slots=True)
class ClusterView:
    """The chassis cluster as this node sees it (from its configuration and op state)."""

    cluster_id: int
    local: int  # this device's node id
    groups: tuple[tuple[int, tuple[ClusterNode, ...], bool], ...]  # (rg, nodes, preempt)
    failovers: int = 1
    hosts: dict[int, str] = field(default_factory=dict)

    def banner(self, op: OpState) -> str:
        role = "primary" if _local_status(op) == "primary" else "secondary"
        return f"{{{role}:node{self.local}}}"


def hms(seconds: float) -> str:
    """Junos durations: ``hh:mm:ss``, with ``Nd`` in front past a day (``1d 02:14:00``)."""
    total = max(int(seconds), 0)
    days, rest = divmod(total, 86400)
    clock = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    return f"{days}d {clock}" if days else clock


def unit(name: str | None) -> str:
    """The logical interface the design's physical name routes through (unit 0)."""
    if not name:
        return ""
    return name if "." in name else f"{name}.0"


# -- VRRP ---------------------------------------------------------------------------------
def _vrrp_group(facts: DeviceFacts, state: VrrpState) -> tuple[str, list[str]]:
    group = next(
        (g for g in facts.vrrp if (g.interface, g.group) == (state.interface, state.group)), None
    )
    iface = facts.interface(state.interface)
    address = str(iface.address) if iface is not None and iface.address is not None else ""
    return address, [t.interface for t in group.tracks if t.interface] if group else []


def show_vrrp_detail(facts: DeviceFacts, op: OpState, *, uptime_s: float) -> str:
    blocks = []
    for index, state in enumerate(op.vrrp):
        address, tracked = _vrrp_group(facts, state)
        group = next(
            g for g in facts.vrrp if (g.interface, g.group) == (state.interface, state.group)
        )
        up = state.interface in op.interfaces_up
        word = _state_word(state, up=up)
        lines = [
            f"Physical interface: {state.interface}, Unit: 0, Address: {address}",
            f"  Index: {70 + index}, SNMP ifIndex: {512 + index}, VRRP-Traps: disabled, "
            "VRRP-Version: 2",
            f"  Interface state: {'up' if up else 'down'}, Group: {state.group}, "
            f"State: {word}, VRRP Mode: Active",
            f"  Priority: {state.effective_priority}, Advertisement interval: 1, "
            "Authentication type: none",
            "  Advertisement threshold: 3, Computed send rate: 0",
            f"  Preempt: {'yes' if state.preempt else 'no'}, Accept-data mode: yes, "
            f"VIP count: 1, VIP: {state.vip}",
        ]
        if state.state == "Master":
            lines += [
                f"  Advertisement Timer: 0.512s, Master router: {state.master_address}",
                f"  Virtual router uptime: {hms(uptime_s)}, Master router uptime: {hms(uptime_s)}",
                f"  Virtual Mac: 00:00:5e:00:01:{state.group:02x}",
            ]
        elif state.state == "Backup":
            lines += [
                f"  Dead timer: 3.104s, Master priority: {_master_priority(op, state)}, "
                f"Master router: {state.master_address}",
                f"  Virtual router uptime: {hms(uptime_s)}",
            ]
        lines.append(f"  Tracking: {'enabled' if group.tracks else 'disabled'}")
        if group.tracks:
            lines += [
                f"    Current priority: {state.effective_priority}, "
                f"Configured priority: {state.priority}",
                "    Priority hold time: disabled",
                f"    Interface tracking: enabled, Interface count: {len(tracked)}",
                "      Interface        Int state  Int speed  Incurred priority cost",
            ]
            for track in group.tracks:
                if track.interface is None:
                    continue
                live = track.interface in op.interfaces_up
                cost = 0 if live else track.decrement
                lines.append(
                    f"      {unit(track.interface):<17}{'up' if live else 'down':<11}"
                    f"{'1g' if live else '0':>9}{cost:>25}"
                )
            lines.append("    Route tracking: disabled")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _state_word(state: VrrpState, *, up: bool) -> str:
    # Junos vrrpd: "idle" while the interface is down, "init" before the first election
    if state.state == "Init":
        return "init" if up else "idle"
    return state.state.lower()


def _master_priority(op: OpState, state: VrrpState) -> int:
    # the master's advertised priority is not in our op state: the design's primary is
    # configured higher; show one above our own, as a master must be
    return state.effective_priority + 1 if state.state == "Backup" else state.effective_priority


def show_vrrp_summary(facts: DeviceFacts, op: OpState) -> str:
    lines = ["Interface     State       Group   VR state       VR Mode    Type   Address"]
    for state in op.vrrp:
        iface = facts.interface(state.interface)
        own = iface.address.ip if iface is not None and iface.address is not None else ""
        live = state.interface in op.interfaces_up
        word = _state_word(state, up=live)
        lines.append(
            f"{unit(state.interface):<14}{'up' if live else 'down':<12}"
            f"{state.group:>5}   {word:<15}{'Active':<11}{'lcl':<7}{own}"
        )
        lines.append(f"{'':<60}{'vip':<7}{state.vip}")
        if state.state == "Backup" and state.master_address is not None:
            lines.append(f"{'':<60}{'mas':<7}{state.master_address}")
    return "\n".join(lines) + "\n"


# -- BFD ----------------------------------------------------------------------------------
_BFD_HEAD = (
    "                                                  Detect   Transmit\n"
    "Address                  State     Interface      Time     Interval  Multiplier"
)


def _bfd_line(session: BfdState) -> str:
    up = session.state == "Up"
    # a session that is not up transmits at the slow rate (1 s) and has no detect time
    tx = session.interval_ms / 1000 if up else 1.0
    detect = session.interval_ms * session.multiplier / 1000 if up else 0.0
    return (
        f"{session.peer!s:<25}{session.state:<10}{unit(session.interface):<15}"
        f"{detect:.3f}     {tx:.3f}        {session.multiplier}"
    )


def _bfd_footer(sessions: Sequence[BfdState]) -> list[str]:
    up = [s for s in sessions if s.state == "Up"]
    rate = sum(1000 / s.interval_ms for s in up)
    return [
        f"{len(sessions)} sessions, {len(sessions)} clients",
        f"Cumulative transmit rate {rate:.1f} pps, cumulative receive rate {rate:.1f} pps",
    ]


def show_bfd_session(op: OpState) -> str:
    lines = [_BFD_HEAD, *(_bfd_line(s) for s in op.bfd), "", *_bfd_footer(op.bfd)]
    return "\n".join(lines) + "\n"


def show_bfd_session_detail(op: OpState, *, uptime_s: float) -> str:
    lines = [_BFD_HEAD]
    for session in op.bfd:
        up = session.state == "Up"
        interval = f"{session.interval_ms / 1000:.3f}"
        lines += [
            _bfd_line(session),
            f" Client Static, TX interval {interval}, RX interval {interval}",
        ]
        if up:
            lines.append(f" Session up time {hms(uptime_s)}")
        lines += [
            f" Local diagnostic {'None' if up else 'CtlExpire'}, remote diagnostic None",
            f" Remote state {'Up' if up else 'Down'}, version 1",
            " Session type: Single hop BFD",
            "",
        ]
    lines += _bfd_footer(op.bfd)
    return "\n".join(lines) + "\n"


# -- RPM ----------------------------------------------------------------------------------
def show_rpm_probe_results(tests: Sequence[RpmTest], op: OpState, *, stamp: str) -> str:
    """``show services rpm probe-results``; ``stamp`` is the last probe's time."""
    blocks = []
    for test in tests:
        state = next((p for p in op.probes if p.name == test.name), None)
        ok = state is not None and state.ok
        rtt = (state.rtt_ms or 0) * 1000 if state is not None and ok else 0
        target = "Target URL" if test.probe_type.startswith("http") else "Target address"
        source = f", Source address: {test.source}" if test.source else ""
        # the layout of 19.x and later (Juniper's show services rpm probe-results reference;
        # captures of 19.x vMX and 22.2): ", Icmp-id" on ICMP tests, the result alone on its
        # line, sent/received times, "Rtt: N usec, Round trip jitter: N usec"
        icmp_id = ", Icmp-id: 1" if test.probe_type.startswith("icmp") else ""
        lines = [
            f"    Owner: {test.owner}, Test: {test.name}",
            f"    {target}: {test.target}{source}, Probe type: {test.probe_type}{icmp_id}",
            f"    Test size: {test.probe_count} probes",
            "    Probe results:",
        ]
        if ok:
            lines += [
                "      Response received",
                f"      Probe sent time: {stamp}",
                f"      Probe rcvd/timeout time: {stamp}, No hardware timestamps",
                f"      Rtt: {rtt:.0f} usec, Round trip jitter: 120 usec",
                "      Round trip interarrival jitter: 130 usec",
            ]
        else:
            lines += [
                "      Request timed out",
                f"      Probe sent time: {stamp}",
                f"      Probe rcvd/timeout time: {stamp}",
            ]
        received = test.probe_count if ok else 0
        lines += [
            "    Results over current test:",
            f"      Probes sent: {test.probe_count}, Probes received: {received}, "
            f"Loss percentage: {0 if ok else 100}",
        ]
        if ok:
            lines += [
                "      Measurement: Round trip time",
                f"        Samples: {test.probe_count}, Minimum: {rtt - 120:.0f} usec, "
                f"Maximum: {rtt + 130:.0f} usec, Average: {rtt:.0f} usec,",
                f"        Peak to peak: 250 usec, Stddev: 102 usec, "
                f"Sum: {rtt * test.probe_count:.0f} usec",
            ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


# -- routes -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RouteEntry:
    """One route of a destination: ``active`` is the one in the forwarding table."""

    protocol: str
    preference: int
    active: bool
    hops: tuple[tuple[NextHop, bool], ...]  # (next hop, selected)


def route_entries(facts: DeviceFacts, op: OpState, prefix: IPv4Network) -> list[RouteEntry]:
    """The static routes of ``prefix``: the active one and the usable alternates at a worse
    preference. Real Junos marks exactly one next hop of a route ">" in ``show route``, even
    when the forwarding table holds all of them (``load-balance per-packet`` export): every
    multi-next-hop capture of genieparser's and ntc-templates' Junos fixtures marks one
    (tests/fixtures/parse/junos/show_route). The others are listed unmarked."""
    entries: list[RouteEntry] = []
    active = next((r for r in op.routes if r.prefix == prefix), None)
    if active is not None:
        entries.append(
            RouteEntry(
                "Static",
                active.distance,
                True,
                tuple((hop, n == 0) for n, hop in enumerate(active.next_hops)),
            )
        )
    live = {h.address for r in op.routes for h in r.next_hops}
    for preference in sorted({r.distance for r in facts.routes if r.prefix == prefix}):
        if active is not None and preference == active.distance:
            continue
        routes = [
            r
            for r in facts.routes
            if r.prefix == prefix
            and r.distance == preference
            and r.gateway not in live
            and _usable(facts, op, r)
        ]
        if routes:
            hops = tuple((NextHop(r.gateway, _via(facts, r)), n == 0) for n, r in enumerate(routes))
            entries.append(RouteEntry("Static", preference, False, hops))
    return entries


def _via(facts: DeviceFacts, route: RouteFacts) -> str | None:
    if route.interface:
        return route.interface
    iface = facts.interface_towards(route.gateway)
    return iface.name if iface is not None else None


def _usable(facts: DeviceFacts, op: OpState, route: RouteFacts) -> bool:
    """Would this route be in the RIB (its interface up, BFD up, its probe passing)?"""
    if _via(facts, route) not in op.interfaces_up:
        return False
    if route.bfd and not any(b.peer == route.gateway and b.state == "Up" for b in op.bfd):
        return False
    return route.probe is None or any(p.name == route.probe and p.ok for p in op.probes)


def table_counts(facts: DeviceFacts, op: OpState) -> tuple[int, int, int]:
    """(destinations, routes, active) of inet.0: connected + local per address, statics."""
    addressed = [
        i for i in facts.interfaces if i.address is not None and i.name in op.interfaces_up
    ]
    statics = {r.prefix for r in op.routes}
    destinations = 2 * len(addressed) + len(statics)
    routes = destinations + sum(len(route_entries(facts, op, p)) - 1 for p in statics)
    return destinations, routes, destinations


def show_route(facts: DeviceFacts, op: OpState, *, prefix: IPv4Network, uptime_s: float) -> str:
    destinations, routes, active = table_counts(facts, op)
    lines = [
        "",
        f"inet.0: {destinations} destinations, {routes} routes ({active} active, 0 holddown, "
        "0 hidden)",
        "+ = Active Route, - = Last Active, * = Both",
        "",
    ]
    entries = route_entries(facts, op, prefix)
    for number, entry in enumerate(entries):
        tag = "*" if entry.active else " "
        head = f"{tag}[{entry.protocol}/{entry.preference}] {hms(uptime_s)}"
        lines.append(f"{str(prefix) if number == 0 else '':<19}{head}")
        for hop, selected in entry.hops:
            mark = ">" if selected else " "
            lines.append(f"{'':<20}{mark}  to {hop.address} via {unit(hop.interface)}")
    if not entries:
        return ""  # Junos prints nothing at all for a destination it has no route to
    return "\n".join(lines) + "\n"


# -- chassis cluster ----------------------------------------------------------------------
_LEGEND = """Monitor Failure codes:
CS  Cold Sync monitoring        FL  Fabric Connection monitoring
GR  GRES monitoring             HW  Hardware monitoring
IF  Interface monitoring        IP  IP monitoring
LB  Loopback monitoring         MB  Mbuf monitoring
NH  Nexthop monitoring          NP  NPC monitoring
SP  SPU monitoring              SM  Schedule monitoring
"""


def _local_status(op: OpState) -> str:
    if op.ha is None:
        return "primary"
    return "primary" if op.ha.local_role == "Primary" else "secondary"


@dataclass(frozen=True, slots=True)
class NodeRow:
    node: str
    priority: int
    status: str
    preempt: str
    manual: str
    failures: str


def cluster_rows(view: ClusterView, op: OpState) -> list[tuple[int, list[NodeRow]]]:
    """Per redundancy group, one row per node: the peer is ``lost`` while the cluster is
    not in sync (the fabric/control link is cut or the peer runs another configuration)."""
    local_status = _local_status(op)
    in_sync = op.ha is not None and op.ha.in_sync
    result = []
    for group, nodes, preempt in view.groups:
        rows = []
        for node in nodes:
            mine = node.name == f"node{view.local}"
            if mine:
                status = local_status
            elif in_sync:
                status = "secondary" if local_status == "primary" else "primary"
            else:
                status = "lost"
            present = mine or in_sync
            # preemption applies to data redundancy groups only (RG0 never preempts)
            pre = ("yes" if preempt and group else "no") if present else "n/a"
            rows.append(
                NodeRow(
                    node.name,
                    node.priority if present else 0,
                    status,
                    pre,
                    "no" if present else "n/a",
                    "None" if present else "n/a",
                )
            )
        result.append((group, rows))
    return result


def show_chassis_cluster_status(view: ClusterView, op: OpState) -> str:
    lines = [
        _LEGEND,
        f"Cluster ID: {view.cluster_id}",
        "Node   Priority Status         Preempt Manual   Monitor-failures",
        "",
    ]
    for group, rows in cluster_rows(view, op):
        lines.append(f"Redundancy group: {group} , Failover count: {view.failovers}")
        lines += [
            f"{r.node:<7}{r.priority:<9}{r.status:<15}{r.preempt:<8}{r.manual:<9}{r.failures}"
            for r in rows
        ]
        lines.append("")
    return "\n".join(lines)


def own_address(facts: DeviceFacts, interface: str | None) -> IPv4Address | None:
    iface = facts.interface(interface)
    return iface.address.ip if iface is not None and iface.address is not None else None
