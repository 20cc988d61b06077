"""Operational show commands about forwarding: routes, policy routing, redundancy groups.

Pure functions of (:class:`~egress.lab.world.DeviceFacts`, :class:`~egress.lab.world.OpState`),
like :mod:`.oper`. Static routes show as IOS shows a route given with interface and next
hop (``via 198.51.100.1, GigabitEthernet3``); equal-cost paths stack under the first.
"""

from __future__ import annotations

from collections import defaultdict
from ipaddress import IPv4Address, IPv4Network

from netutils.interface import abbreviated_interface_name

from egress.lab.world import DeviceFacts, NextHop, OpState, RouteState

CODES = """Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2, m - OMP
       n - NAT, Ni - NAT inside, No - NAT outside, Nd - NAT DIA
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       H - NHRP, G - NHRP registered, g - NHRP registration summary
       o - ODR, P - periodic downloaded static route, l - LISP
       a - application route
       + - replicated route, % - next hop override, p - overrides from PfR
       & - replicated local route overrides by connected
"""
_DEFAULT = IPv4Network("0.0.0.0/0")


def _classful(network: IPv4Network) -> IPv4Network:
    """The classful major network IOS groups subnets under (10.0.0.0/8, 172.16.0.0/16, …)."""
    first = network.network_address.packed[0]
    length = 8 if first < 128 else 16 if first < 192 else 24
    if network.prefixlen <= length:
        return network
    return IPv4Network((network.network_address, length), strict=False)


def _via(hop: NextHop) -> str:
    return f"via {hop.address}, {hop.interface}" if hop.interface else f"via {hop.address}"


def _entries(facts: DeviceFacts, op: OpState) -> list[tuple[IPv4Network, str, list[str]]]:
    """(prefix, code, [first line body, continuation bodies…]) for every route."""
    entries: list[tuple[IPv4Network, str, list[str]]] = []
    for route in op.routes:
        code = "S*" if route.prefix == _DEFAULT else "S"
        paths = [f"[{route.distance}/0] {_via(h)}" for h in route.next_hops]
        entries.append((route.prefix, code, paths))
    for iface in facts.interfaces:
        if iface.address is None or iface.name not in op.interfaces_up:
            continue
        entries.append((iface.address.network, "C", [f"is directly connected, {iface.name}"]))
        host = IPv4Network(f"{iface.address.ip}/32")
        entries.append((host, "L", [f"is directly connected, {iface.name}"]))
    return sorted(entries, key=lambda e: (e[0].network_address, e[0].prefixlen))


def show_ip_route(facts: DeviceFacts, op: OpState) -> str:
    default = next((r for r in op.routes if r.prefix == _DEFAULT and r.next_hops), None)
    lines = [CODES]
    if default is not None:
        lines.append(f"Gateway of last resort is {default.next_hops[0].address} to network 0.0.0.0")
    else:
        lines.append("Gateway of last resort is not set")
    lines.append("")
    groups: dict[IPv4Network, list[tuple[IPv4Network, str, list[str]]]] = defaultdict(list)
    for entry in _entries(facts, op):
        groups[_classful(entry[0])].append(entry)
    for major, entries in groups.items():
        masks = {e[0].prefixlen for e in entries}
        headed = len(entries) > 1 or entries[0][0] != major
        if headed and len(masks) > 1:
            lines.append(
                f"      {major} is variably subnetted, {len(entries)} subnets, {len(masks)} masks"
            )
        elif headed:
            lines.append(f"      {major} is subnetted, {len(entries)} subnets")
        # IOS indents the routes under a classful header deeper than a route on its own
        width = 9 if headed else 6
        for prefix, code, bodies in entries:
            shown = prefix.with_prefixlen
            lines.append(f"{code:<{width}}{shown} {bodies[0]}")
            lines += [" " * (width + len(shown) + 1) + body for body in bodies[1:]]
    return "\n".join(lines) + "\n"


def _route_for(op: OpState, address: IPv4Address) -> RouteState | None:
    matches = [r for r in op.routes if address in r.prefix and r.next_hops]
    return max(matches, key=lambda r: r.prefix.prefixlen) if matches else None


def show_ip_route_prefix(facts: DeviceFacts, op: OpState, target: str) -> str:
    """``show ip route 0.0.0.0`` (or any address or prefix): the routing entry."""
    try:
        network = IPv4Network(target.replace(" ", "/"), strict=False)
    except ValueError:
        return "% Network not in table\n"
    route = next((r for r in op.routes if r.prefix == network and r.next_hops), None)
    if route is None and network.prefixlen == 32:
        route = _route_for(op, network.network_address)
    if route is None:
        return "% Network not in table\n"
    candidate = ", candidate default path" if route.prefix == _DEFAULT else ""
    kind = ", supernet" if route.prefix == _DEFAULT else ""
    lines = [
        f"Routing entry for {route.prefix}{kind}",
        f'  Known via "static", distance {route.distance}, metric 0{candidate}',
        "  Routing Descriptor Blocks:",
    ]
    for index, hop in enumerate(route.next_hops):
        star = "*" if index == 0 else " "
        where = f", via {hop.interface}" if hop.interface else ""
        lines += [
            f"  {star} {hop.address}{where}",
            "      Route metric is 0, traffic share count is 1",
        ]
    return "\n".join(lines) + "\n"


# -- policy routing -------------------------------------------------------------------------
def show_route_map(facts: DeviceFacts, op: OpState, *, policy: str) -> str:
    active = {(p.name, p.seq) for p in op.pbr_active}
    lines = []
    for rule in facts.pbr:
        probe = next((p for p in facts.probes if p.gateway == rule.next_hop), None)
        up = "up" if (rule.name, rule.seq) in active else "down"
        acl = f"EGRESS-PBR-{rule.name.upper()}"
        hop = (
            f"ip next-hop verify-availability {rule.next_hop} 1 track {probe.track_id}  [{up}]"
            if probe is not None and probe.track_id is not None
            else f"ip next-hop {rule.next_hop}"
        )
        lines += [
            f"route-map {policy}, permit, sequence {rule.seq}",
            "  Match clauses:",
            f"    ip address (access-lists): {acl} ",
            "  Set clauses:",
            f"    {hop}",
            "  Policy routing matches: 0 packets, 0 bytes",
        ]
    return "\n".join(lines) + ("\n" if lines else "")


def show_ip_policy(facts: DeviceFacts, *, policy: str) -> str:
    lines = ["Interface      Route map"]
    for interface in dict.fromkeys(r.in_interface for r in facts.pbr if r.in_interface):
        lines.append(f"{abbreviated_interface_name(interface):<15}{policy}")
    return "\n".join(lines) + "\n"


# -- box-to-box redundancy ------------------------------------------------------------------
# "redundancy application group" protocol defaults (IOS-XE: hellos every 3 s, hold 10 s)
_RG_HELLO_MS = 3000
_RG_HOLD_MS = 10000
_RG_PAD = " " * 8  # IOS-XE 16.x/17.x indent the RG sections with spaces, the header with tabs


def show_redundancy_application_group(
    facts: DeviceFacts, op: OpState, *, name: str, uptime_s: float = 0.0
) -> str:
    """``show redundancy application group all`` in full: the faults header, the group's
    roles and RF domain, the RG protocol with its log counters and the RG media context.
    Layout of genieparser's IOS-XE ShowRedundancyApplicationGroup captures (the header
    indented with tabs, the RG Protocol and Media Context sections with eight spaces, as a
    17.x router prints them). The hello counters grow with the time the router has run."""
    ha, state = facts.ha, op.ha
    if ha is None:
        return ""
    active = state is None or state.local_role == "Primary"
    peer_present = state is not None and state.in_sync
    my_role = "ACTIVE" if active else "STANDBY"
    peer_role = ("STANDBY" if active else "ACTIVE") if peer_present else "Unknown"
    peer_rf = ("STANDBY HOT" if active else "ACTIVE") if peer_present else "DISABLED"
    # the peer's own priority, learned from its hellos (printed only while it is present)
    peer_priority = state.peer_priority if state is not None else None
    peer = f"address {ha.peer}, priority {peer_priority}, intf {ha.interface}"
    # the runtime priority: the configured one lowered by each down `track N decrement`
    runtime = state.effective_priority if state and state.effective_priority else ha.priority
    pad = _RG_PAD
    hellos = int(uptime_s * 1000 // _RG_HELLO_MS)
    heard = hellos if peer_present else 0
    lines = [
        f"Faults states Group {ha.group_id} info: ",
        f"\tRuntime priority: [{runtime}]",
        "\t\tRG Faults RG State: Up. ",
        "\t\t\tTotal # of switchovers due to faults:           0",
        "\t\t\tTotal # of down/up state changes due to faults: 0",
        f"Group ID:{ha.group_id}",
        f"Group Name:{name}",
        "",
        "Administrative State: No Shutdown",
        "Aggregate operational state : Up",
        f"My Role: {my_role}",
        f"Peer Role: {peer_role}",
        f"Peer Presence: {'Yes' if peer_present else 'No'}",
        f"Peer Comm: {'Yes' if peer_present else 'No'}",
        f"Peer Progression Started: {'Yes' if peer_present else 'No'}",
        "",
        "RF Domain: btob-one",
        f"\t RF state: {'ACTIVE' if active else 'STANDBY HOT'}",
        f"\t Peer RF state: {peer_rf}",
        "",
        "",
        f"RG Protocol RG {ha.group_id}",
        "------------------",
        f"{pad}Role: {'Active' if active else 'Standby'}",
        f"{pad}Negotiation: Enabled",
        f"{pad}Priority: {runtime}",
        f"{pad}Protocol state: {'Active' if active else 'Standby-hot'}",
        f"{pad}Ctrl Intf(s) state: {'Up' if peer_present else 'Down'}",
        f"{pad}Active Peer: {'Local' if active else peer}",
    ]
    standby = peer if active and peer_present else ("Local" if not active else "")
    if standby:
        lines.append(f"{pad}Standby Peer: {standby}")
    lines += [
        f"{pad}Log counters:",
        f"{pad * 2}role change to active: {1 if active else 0}",
        f"{pad * 2}role change to standby: {0 if active else 1}",
        f"{pad * 2}disable events: rg down state 0, rg shut 0",
        f"{pad * 2}ctrl intf events: up 1, down 0, admin_down 0",
        f"{pad * 2}reload events: local request 0, peer request 0",
        "",
        f"RG Media Context for RG {ha.group_id}",
        "--------------------------",
        f"{pad}Ctx State: {'Active' if active else 'Standby'}",
        f"{pad}Protocol ID: 1",
        f"{pad}Media type: Default",
        f"{pad}Control Interface: {ha.interface}",
        f"{pad}Current Hello timer: {_RG_HELLO_MS}",
        f"{pad}Configured Hello timer: {_RG_HELLO_MS}, Hold timer: {_RG_HOLD_MS}",
        f"{pad}Peer Hello timer: {_RG_HELLO_MS}, Peer Hold timer: {_RG_HOLD_MS}",
        f"{pad}Stats:",
        f"{pad * 2}Pkts {hellos}, Bytes {hellos * 62}, HA Seq 0, Seq Number {hellos}, Pkt Loss 0",
        f"{pad * 2}Authentication not configured",
        f"{pad * 2}Authentication Failure: 0",
        f"{pad * 2}Reload Peer: TX 0, RX 0",
        f"{pad * 2}Resign: TX 0, RX 0",
    ]
    if peer_present:
        lines += [
            f"{pad}{'Standby' if active else 'Active'} Peer: Present. Hold Timer: {_RG_HOLD_MS}",
            f"{pad * 2}Pkts {heard}, Bytes {heard * 34}, HA Seq 0, Seq Number {heard}, Pkt Loss 0",
        ]
    return "\n".join(lines) + "\n"
