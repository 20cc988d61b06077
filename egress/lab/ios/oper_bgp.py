"""``show ip bgp neighbors X advertised-routes`` (issue 19): what the router sends that ISP.

Computed from the running config and the simulated state the way IOS decides it:
- a ``network X mask M`` is announced only while an exactly matching route is in the RIB
  (Cisco, "BGP network command": "the network must exist in the routing table"); egress's
  route is ``ip route X M Null0 track T``, present while track T is up (Cisco IOS-XE IP SLAs
  Configuration Guide, "Configuring Enhanced Object Tracking": a tracked static is removed
  while its object is down);
- track objects: ``interface I line-protocol`` (up while the port is up), ``ip sla M
  reachability`` (up while the probe succeeds), ``list boolean and|or`` over ``object K``;
- the neighbor's ``advertise-map A exist-map E`` (or ``non-exist-map E``): the routes route-map
  A permits are advertised to it only while a route that E permits is (or, non-exist, is
  not) in the BGP table (Cisco IOS-XE BGP Configuration Guide, "BGP Conditional
  Advertisement"; Cisco tech note 215634). IOS-XE re-checks the condition on its BGP scanner
  (every 60 s by default, ``bgp scan-time``); the lab answers from the state at the time of the
  show, so a test sees the settled result, not the up-to-a-minute delay;
- the neighbor's ``route-map R out``: its ``match ip address prefix-list P`` filters (first
  matching ``seq`` wins, an unmatched prefix is denied) and ``set as-path prepend`` adds to
  the path printed;
- a session whose link is down, or whose BFD session is down under ``fall-over bfd``, is not
  Established: nothing is advertised (the table is empty).

The layout is copied from the real captures in tests/fixtures/real-captures-bgp/ios/
(ntc-templates ``show_ip_bgp_neighbors_advertised_routes.raw``, see its NOTICE.md).
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from egress.lab.ios.config import Node
from egress.lab.world import DeviceFacts, OpState

# header of the real capture (ntc-templates show_ip_bgp_neighbors_advertised_routes.raw)
_HEADER = """\
BGP table version is {version}, local router ID is {router_id}
Status codes: s suppressed, d damped, h history, * valid, > best, i - internal,
              r RIB-failure, S Stale, m multipath, b backup-path, f RT-Filter,
              x best-external, a additional-path, c RIB-compressed,
              t secondary path,
Origin codes: i - IGP, e - EGP, ? - incomplete
RPKI validation codes: V valid, I invalid, N Not found

     Network          Next Hop            Metric LocPrf Weight Path
"""


def _tracks_up(root: Node, facts: DeviceFacts, op: OpState) -> dict[int, bool]:
    """track id -> up, for the three kinds of track object egress configures."""
    probe_ok = {p.name: p.ok for p in op.probes}
    by_sla = {p.id: probe_ok.get(p.name, False) for p in facts.probes if p.id is not None}
    simple: dict[int, bool] = {}
    lists: dict[int, tuple[str, list[int]]] = {}
    for node in root.top("track "):
        words = node.text.split()
        number = int(words[1])
        if words[2:3] == ["interface"] and words[-1] == "line-protocol":
            simple[number] = words[3] in op.interfaces_up
        elif words[2:4] == ["ip", "sla"]:
            simple[number] = by_sla.get(int(words[4]), False)
        elif words[2:4] == ["list", "boolean"]:
            objects = [int(c.text.split()[1]) for c in node.top("object ")]
            lists[number] = (words[4], objects)
    state = dict(simple)

    def resolve(number: int, seen: frozenset[int]) -> bool:
        if number in state:
            return state[number]
        if number not in lists or number in seen:
            return False
        kind, objects = lists[number]
        values = [resolve(o, seen | {number}) for o in objects]
        state[number] = all(values) if kind == "and" else any(values)
        return state[number]

    for number in lists:
        resolve(number, frozenset())
    return state


def _rib_null0(root: Node, tracks: dict[int, bool]) -> set[IPv4Network]:
    """The Null0 statics in the RIB (untracked, or their track is up)."""
    present = set()
    for node in root.top("ip route "):
        words = node.text.split()
        if len(words) < 5 or words[4] != "Null0":
            continue
        if "track" in words and not tracks.get(int(words[words.index("track") + 1]), False):
            continue
        present.add(IPv4Network(f"{words[2]}/{words[3]}"))
    return present


def _prefix_list_permits(root: Node, name: str, prefix: IPv4Network) -> bool:
    """First matching entry wins, in seq order; no match is a deny (implicit deny)."""
    entries = []
    for node in root.top(f"ip prefix-list {name} seq "):
        words = node.text.split()
        entries.append((int(words[4]), words[5], words[6:]))
    for _, action, rest in sorted(entries):
        net = IPv4Network(rest[0])
        le = int(rest[rest.index("le") + 1]) if "le" in rest else None
        ge = int(rest[rest.index("ge") + 1]) if "ge" in rest else None
        if not prefix.subnet_of(net):
            continue
        if le is None and ge is None and prefix.prefixlen != net.prefixlen:
            continue
        if le is not None and prefix.prefixlen > le:
            continue
        if ge is not None and prefix.prefixlen < ge:
            continue
        return action == "permit"
    return False


def _route_map_out(root: Node, name: str | None, prefix: IPv4Network) -> tuple[bool, str]:
    """(permitted, prepended path) through the neighbor's outbound route-map."""
    if name is None:
        return True, ""
    for node in root.top(f"route-map {name} "):
        words = node.text.split()
        matches = [c.text.split()[-1] for c in node.top("match ip address prefix-list ")]
        if matches and not any(_prefix_list_permits(root, m, prefix) for m in matches):
            continue
        prepend = next((c.text.split()[3:] for c in node.top("set as-path prepend ")), [])
        return words[2] == "permit", " ".join(prepend)
    return False, ""  # a route-map's implicit deny at its end


def _session_up(
    root: Node, bgp: Node, neighbor: IPv4Address, facts: DeviceFacts, op: OpState
) -> bool:
    """Established while the neighbor's connected link is up (and its BFD, under fall-over)."""
    port = next(
        (i for i in facts.interfaces if i.address is not None and neighbor in i.address.network),
        None,
    )
    if port is None or port.name not in op.interfaces_up:
        return False
    # the other end: the lab's ISP router answers at its segment's gateway only
    if op.isp_routers is not None and neighbor not in op.isp_routers:
        return False
    if bgp.child(f"neighbor {neighbor} fall-over bfd") is not None:
        session = next((b for b in op.bfd if b.peer == neighbor), None)
        return session is None or session.state == "Up"
    return True


def show_ip_bgp_neighbor_advertised(
    root: Node, facts: DeviceFacts, op: OpState, neighbor: str
) -> str:
    bgp = next(iter(root.top("router bgp ")), None)
    try:
        peer = IPv4Address(neighbor)
    except ValueError:
        return "% Invalid input detected at '^' marker.\n"
    if bgp is None or bgp.child(f"neighbor {peer} remote-as {_remote_as(bgp, peer)}") is None:
        return "% No such neighbor or address family\n"
    family = bgp.child("address-family ipv4") or bgp
    route_map = next(
        (
            c.text.split()[3]
            for c in family.top(f"neighbor {peer} route-map ")
            if c.text.endswith(" out")
        ),
        None,
    )
    rows = []
    if _session_up(root, bgp, peer, facts, op):
        table = _bgp_table(root, family, _rib_null0(root, _tracks_up(root, facts, op)))
        held_back = _conditional(root, family, peer, table)
        for prefix in table:
            if prefix in held_back:
                continue
            permitted, prepend = _route_map_out(root, route_map, prefix)
            if not permitted:
                continue
            path = f"{prepend} i" if prepend else "i"
            # the row of the real capture: " *>   113.55.45.0/24   0.0.0.0   ...  32768 i"
            rows.append(f" *>   {str(prefix):<17}{'0.0.0.0':<35}32768 {path}")
    router_id = next((c.text.split()[2] for c in bgp.top("bgp router-id ")), "0.0.0.0")
    text = _HEADER.format(version=len(rows) + 1, router_id=router_id) + "\n".join(rows)
    return f"{text}\n\nTotal number of prefixes {len(rows)} \n"


def _bgp_table(root: Node, family: Node, rib: set[IPv4Network]) -> list[IPv4Network]:
    """The locally originated routes in the BGP table: each ``network`` whose exact route is
    in the RIB, in config order."""
    table = []
    for node in family.top("network "):
        words = node.text.split()
        mask = words[3] if len(words) > 3 and words[2] == "mask" else None
        prefix = IPv4Network(f"{words[1]}/{mask}" if mask else words[1], strict=False)
        if prefix in rib:
            table.append(prefix)
    return table


def _conditional(
    root: Node, family: Node, peer: IPv4Address, table: list[IPv4Network]
) -> set[IPv4Network]:
    """The routes the neighbor's advertise-map holds back: those its advertise-map permits,
    while its exist-map matches nothing in the BGP table (non-exist-map: matches something)."""
    node = next(iter(family.top(f"neighbor {peer} advertise-map ")), None)
    if node is None:
        return set()
    words = node.text.split()
    if len(words) < 6:
        return set()
    advertise, kind, condition = words[3], words[4], words[5]
    matched = any(_route_map_out(root, condition, p)[0] for p in table)
    if matched == (kind == "exist-map"):
        return set()
    return {p for p in table if _route_map_out(root, advertise, p)[0]}


def _remote_as(bgp: Node, peer: IPv4Address) -> str:
    return next(
        (c.text.split()[3] for c in bgp.top(f"neighbor {peer} remote-as ")),
        "",
    )


def _up_down(seconds: float) -> str:
    """The Up/Down column: "hh:mm:ss" under a day, then "1d02h", "3w0d" (the captures')."""
    total = int(seconds)
    days, rest = divmod(total, 86400)
    if not days:
        return f"{rest // 3600:02}:{rest % 3600 // 60:02}:{rest % 60:02}"
    if days < 7:
        return f"{days}d{rest // 3600:02}h"
    return f"{days // 7}w{days % 7}d"


def show_ip_bgp_summary(root: Node, facts: DeviceFacts, op: OpState, *, uptime_s: float) -> str:
    """``show ip bgp summary``: one row per configured neighbor, Established (its prefix count
    in State/PfxRcd: the lab's ISP routers send no routes, so 0) while its link and BFD are up
    (:func:`_session_up`), else "Idle" (its link is down: IOS stops trying, RFC 4271 Idle) or
    "Active" (the link is up, the peer does not answer). Layout after the real captures in
    tests/fixtures/real-captures-bgp/ios/ (ntc-templates ``show_ip_bgp_summary``); the memory
    lines count 144 bytes per network and 80 per path entry, as the IOS-XE 17 capture does
    (ntc ``cisco_ios_show_ip_bgp_summary_all``)."""
    bgp = next(iter(root.top("router bgp ")), None)
    if bgp is None:
        return "% BGP not active\n\n"
    local_as = bgp.text.split()[2]
    router_id = next((c.text.split()[2] for c in bgp.top("bgp router-id ")), "0.0.0.0")
    family = bgp.child("address-family ipv4") or bgp
    table = _bgp_table(root, family, _rib_null0(root, _tracks_up(root, facts, op)))
    rows = []
    for node in bgp.top("neighbor "):
        words = node.text.split()
        if len(words) != 4 or words[2] != "remote-as":
            continue
        peer = IPv4Address(words[1])
        up = _session_up(root, bgp, peer, facts, op)
        port = next(
            (i for i in facts.interfaces if i.address is not None and peer in i.address.network),
            None,
        )
        state = "0" if up else ("Active" if port and port.name in op.interfaces_up else "Idle")
        # the message counters of a session up since boot: a keepalive each 60 s either way
        messages = int(uptime_s // 60) + 4 if up else 0
        rows.append(
            f"{str(peer):<16}4 {words[3]:>12} {messages:>7} {messages:>7} {len(table) + 1:>8}"
            # a prefix count right-aligned, an FSM state left ("1y10w     Idle (Admin)")
            f"    0    0 {_up_down(uptime_s):<8} "
            + (f"{state:>12}" if state.isdigit() else f" {state}")
        )
    paths = len(table)
    head = [
        f"BGP router identifier {router_id}, local AS number {local_as}",
        f"BGP table version is {paths + 1}, main routing table version {paths + 1}",
    ]
    if paths:
        head += [
            f"{paths} network entries using {paths * 144} bytes of memory",
            f"{paths} path entries using {paths * 80} bytes of memory",
            f"{paths}/{paths} BGP path/bestpath attribute entries using {paths * 136} bytes "
            "of memory",
            f"BGP using {paths * 360} total bytes of memory",
            f"BGP activity {paths}/0 prefixes, {paths}/0 paths, scan interval 60 secs",
        ]
    header = (
        "Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd"
    )
    return "\n".join([*head, "", header, *rows]) + "\n"
