"""``get router info bgp summary`` and ``get router info bgp neighbors X advertised-routes``
(issue 19): the FortiGate's BGP sessions and what it sends each ISP.

Computed from the running config and the simulated state the way FortiOS decides it:
- a ``config network`` prefix is in the BGP table only while a route for it is in the RIB
  (``network-import-check``, default enable: FortiOS CLI Reference, "router bgp"); egress's is
  a ``set blackhole enable`` static, always in the RIB while its entry is enabled;
- a neighbor's ``config conditional-advertise`` entry ``edit <advertise-routemap>`` holds
  back the routes that route-map permits unless each of its ``condition-routemap``s matches
  a route in the RIB (``condition-type exist``; ``non-exist``: matches none). Several
  condition route-maps are ANDed (FortiOS 7.0+ Administration Guide, "BGP conditional
  advertisement"), checked against the RIB of the address family (FortiOS 7.4 "BGP
  conditional advertisements for IPv6 prefix when IPv4 prefix conditions are met": "check
  conditional route maps against the routing information base (RIB)");
- the RIB: connected networks of ports up, the static routes live in the simulation (the
  link-monitor removes a link's default route while its probe fails: ``update-static-route``)
  and the blackhole statics;
- route-maps: rules in ascending id, a rule matches when each ``match-ip-address`` (a
  prefix-list: first matching rule wins, exact unless ge/le, implicit deny) and
  ``match-ip-nexthop`` holds; ``action`` defaults to permit; no matching rule denies;
  ``set-aspath`` prepends to the path printed;
- a session whose port is down, or whose BFD session is down under ``set bfd enable``, is
  not Established: nothing is advertised.

Layouts: the summary after the real capture tests/fixtures/real-captures-bgp/fortios/
(ntc-templates ``get_router_info_bgp_summary``); advertised-routes after the published
captures named in tests/fixtures/real-captures-bgp/NOTICE.md (6.x without "VRF 0" and the
path-id pair, 7.x with them). The lab's ISP routers send no routes: PfxRcd 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

from egress.lab.world import DeviceFacts, OpState
from napalm_fortios.tree import Node


@dataclass(frozen=True, slots=True)
class _Route:
    prefix: IPv4Network
    next_hop: IPv4Address | None


def _table(root: Node, path: str) -> Node:
    return root.block(path) or Node(is_table=True)


def _net(value: str) -> IPv4Network:
    address, _, mask = value.partition(" ")
    return IPv4Network(f"{address}/{mask or '32'}", strict=False)


def _blackholes(root: Node) -> list[IPv4Network]:
    return [
        _net(e.value("dst", "0.0.0.0 0.0.0.0"))
        for e in _table(root, "router static").entries.values()
        if e.value("blackhole") == "enable" and e.value("status", "enable") == "enable"
    ]


def _rib(root: Node, facts: DeviceFacts, op: OpState) -> list[_Route]:
    rib = [_Route(r.prefix, hop.address) for r in op.routes for hop in r.next_hops]
    rib += [
        _Route(i.address.network, None)
        for i in facts.interfaces
        if i.address is not None and i.name in op.interfaces_up
    ]
    return rib + [_Route(p, None) for p in _blackholes(root)]


def _prefix_list(root: Node, name: str, prefix: IPv4Network) -> bool:
    entry = _table(root, "router prefix-list").entries.get(name)
    rules = entry.block("rule") if entry is not None else None
    for _, rule in sorted((rules.entries if rules else {}).items(), key=lambda r: int(r[0])):
        value = rule.value("prefix", "any")
        net = IPv4Network("0.0.0.0/0") if value == "any" else _net(value)
        ge, le = rule.value("ge"), rule.value("le")
        if not prefix.subnet_of(net):
            continue
        if not ge and not le and value != "any" and prefix.prefixlen != net.prefixlen:
            continue
        if ge and prefix.prefixlen < int(ge) or le and prefix.prefixlen > int(le):
            continue
        return rule.value("action", "permit") == "permit"
    return False


def _route_map(root: Node, name: str | None, route: _Route) -> tuple[bool, str]:
    """(permitted, prepended path) of one route through route-map ``name``."""
    if not name:
        return True, ""
    entry = _table(root, "router route-map").entries.get(name)
    rules = entry.block("rule") if entry is not None else None
    for _, rule in sorted((rules.entries if rules else {}).items(), key=lambda r: int(r[0])):
        address = rule.value("match-ip-address")
        if address and not _prefix_list(root, address, route.prefix):
            continue
        nexthop = rule.value("match-ip-nexthop")
        if nexthop and (
            route.next_hop is None
            or not _prefix_list(root, nexthop, IPv4Network(f"{route.next_hop}/32"))
        ):
            continue
        return rule.value("action", "permit") == "permit", rule.value("set-aspath")
    return False, ""


def _session_up(neighbor: Node, peer: IPv4Address, facts: DeviceFacts, op: OpState) -> bool:
    port = facts.interface_towards(peer)
    if port is None or port.name not in op.interfaces_up:
        return False
    # the other end: the lab's ISP router answers at its segment's gateway only
    if op.isp_routers is not None and peer not in op.isp_routers:
        return False
    if neighbor.value("bfd") == "enable":
        session = next((b for b in op.bfd if b.peer == peer), None)
        return session is None or session.state == "Up"
    return True


def _held_back(root: Node, neighbor: Node, rib: list[_Route], route: _Route) -> bool:
    """Whether a conditional-advertise entry of this neighbor holds ``route`` back."""
    for name, entry in (_table(neighbor, "conditional-advertise").entries or {}).items():
        if not _route_map(root, name, route)[0]:
            continue
        conditions = entry.get("condition-routemap") or ()
        met = all(any(_route_map(root, c, r)[0] for r in rib) for c in conditions)
        if met != (entry.value("condition-type", "exist") == "exist"):
            return True
    return False


def _bgp(root: Node) -> tuple[Node, dict[str, Node]]:
    bgp = root.block("router bgp") or Node()
    return bgp, _table(bgp, "neighbor").entries


def get_router_info_bgp_neighbor_advertised(
    root: Node, facts: DeviceFacts, op: OpState, neighbor: str, *, release: str
) -> list[str]:
    bgp, neighbors = _bgp(root)
    try:
        peer = IPv4Address(neighbor)
    except ValueError:
        return ["% Invalid input detected"]
    entry = neighbors.get(neighbor)
    if entry is None:
        return ["% No such neighbor or address family"]
    seven = int(release.lstrip("v").split(".")[0]) >= 7
    rows = []
    if _session_up(entry, peer, facts, op):
        rib = _rib(root, facts, op)
        in_rib = {r.prefix for r in rib}
        local = facts.interface_towards(peer)
        hop = str(local.address.ip) if local and local.address else bgp.value("router-id")
        for net in _table(bgp, "network").entries.values():
            route = _Route(_net(net.value("prefix", "0.0.0.0 0.0.0.0")), None)
            if route.prefix not in in_rib or _held_back(root, entry, rib, route):
                continue
            permitted, prepend = _route_map(root, entry.value("route-map-out"), route)
            if not permitted:
                continue
            path = f"{prepend} i" if prepend else "i"
            ids = " <-/->" if seven else ""
            rows.append(f"*> {str(route.prefix):<17}{hop:<35}32768        0 {path}{ids}")
    vrf = "VRF 0 " if seven else ""
    return [
        f"{vrf}BGP table version is {len(rows) + 1}, local router ID is "
        f"{bgp.value('router-id', '0.0.0.0')}",
        "Status codes: s suppressed, d damped, h history, * valid, > best, i - internal",
        "Origin codes: i - IGP, e - EGP, ? - incomplete",
        "",
        "   Network          Next Hop            Metric LocPrf Weight RouteTag Path",
        *rows,
        "",
        f"Total number of prefixes {len(rows)}",
    ]


def _up_down(seconds: float) -> str:
    """ "05:48:47" under a day, "09w3d01h" past it (the capture's)."""
    total = int(seconds)
    days, rest = divmod(total, 86400)
    if not days:
        return f"{rest // 3600:02}:{rest % 3600 // 60:02}:{rest % 60:02}"
    return f"{days // 7:02}w{days % 7}d{rest // 3600:02}h"


def get_router_info_bgp_summary(
    root: Node, facts: DeviceFacts, op: OpState, *, uptime_s: float
) -> list[str]:
    """One row per configured neighbor: Established (State/PfxRcd 0: the lab's ISP routers
    send nothing) while its port and BFD are up, else "Idle" (port down) or "Active"."""
    bgp, neighbors = _bgp(root)
    rows = []
    for name, entry in neighbors.items():
        peer = IPv4Address(name)
        up = _session_up(entry, peer, facts, op)
        port = facts.interface_towards(peer)
        state = "0" if up else ("Active" if port and port.name in op.interfaces_up else "Idle")
        messages = int(uptime_s // 60) + 4 if up else 0
        rows.append(
            f"{name:<16}4 {entry.value('remote-as', '0'):>10}{messages:>8}{messages:>8}"
            f"{0:>9}{0:>5}{0:>5} {_up_down(uptime_s) if up else 'never':>8} "
            # a prefix count right-aligned, an FSM state left ("09w3d01h Active")
            + (f"{state:>8}" if state.isdigit() else state)
        )
    return [
        f"BGP router identifier {bgp.value('router-id', '0.0.0.0')}, local AS number "
        f"{bgp.value('as', '0')}",
        f"BGP table version is {len(_table(bgp, 'network').entries) + 1}",
        "1 BGP AS-PATH entries",
        "0 BGP community entries",
        "",
        "Neighbor        V         AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd",
        *rows,
        "",
        f"Total number of neighbors {len(rows)}",
    ]
