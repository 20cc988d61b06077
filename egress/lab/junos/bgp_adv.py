"""``show route advertising-protocol bgp X`` (issue 19): what the SRX sends that ISP.

Computed from the committed config and the simulated state the way Junos decides it:
- the candidates are the ``routing-options static route P discard`` routes, always active;
- the group's ``export [ A B ]`` chain is evaluated in order (Juniper, "Routing Policies,
  Firewall Filters, and Traffic Policers User Guide", "How a Routing Policy Is Evaluated"):
  a term matches when every ``from`` condition holds (several ``route-filter`` or
  ``condition`` values are ORed); ``accept``/``reject`` end the chain, ``next policy`` and
  a policy with no matching term pass on to the next one, and at the end BGP's default
  export policy rejects a static route (it exports only routes learned by BGP);
- ``condition N if-route-exists P table inet.0`` holds while P is in inet.0 ("Conditional
  Advertisement ... Using Routing Policy"): the LAN's interface route while the port is up,
  the ip-monitoring ``preferred-route withdraw`` /32 while its RPM probe succeeds;
- ``then as-path-prepend "A A"`` adds to the path printed;
- a session whose link (or BFD under ``bfd-liveness-detection``) is down is not Established:
  nothing is advertised, and Junos prints no table.

The layout is copied from the real capture in tests/fixtures/real-captures-bgp/junos/
(genieparser ShowRouteAdvertisingProtocol golden_output_2, see its NOTICE.md), without the
capture file's code indentation.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from egress.lab.junos.config import Node
from egress.lab.junos.facts import held_routes, kids, values
from egress.lab.world import DeviceFacts, OpState


def _inet0(root: Node, facts: DeviceFacts, op: OpState) -> set[IPv4Network]:
    """The prefixes in inet.0: interface routes of ports up, active statics and discards."""
    present = {
        i.address.network
        for i in facts.interfaces
        if i.address is not None and (i.name in op.interfaces_up or _unit0(i.name, op))
    }
    present |= {r.prefix for r in op.routes}
    # ip-monitoring ``preferred-route withdraw`` (Junos 20.3+): installed while its RPM
    # test succeeds, withdrawn while it fails
    ok = {p.name for p in op.probes if p.ok}
    present |= {prefix for prefix, test in held_routes(root, facts.probes).items() if test in ok}
    return present | set(_discards(root))


def _unit0(name: str, op: OpState) -> bool:
    return name.endswith(".0") and name[:-2] in op.interfaces_up


def _discards(root: Node) -> list[IPv4Network]:
    static = root.find(["routing-options", "static"])
    return [IPv4Network(r.ident or "") for r in kids(static, "route") if "discard" in r.children]


def _conditions(root: Node, inet0: set[IPv4Network]) -> dict[str, bool]:
    held = {}
    for cond in kids(root.find(["policy-options"]), "condition"):
        tests = [c for c in cond.children.values() if c.keyword == "if-route-exists"]
        held[cond.ident or ""] = all(IPv4Network(t.ident or "") in inet0 for t in tests)
    return held


def _route_filter(node: Node, prefix: IPv4Network) -> bool | None:
    """None when the term has no route-filter; else whether one matches (exact/orlonger)."""
    filters = [c for c in node.children.values() if c.keyword == "route-filter"]
    if not filters:
        return None
    for item in filters:
        # the ident holds the prefix and its match type: "192.0.2.176/28 exact"
        words = (item.ident or "").split()
        net = IPv4Network(words[0])
        kind = (words[1:] or item.values or ["exact"])[0]
        if kind == "exact" and prefix == net:
            return True
        if kind == "orlonger" and prefix.subnet_of(net):
            return True
    return False


def _term_matches(term: Node, prefix: IPv4Network, conditions: dict[str, bool]) -> bool:
    match = term.find(["from"])
    if match is None:
        return True
    if _route_filter(match, prefix) is False:
        return False
    protocols = values(match, "protocol")
    if protocols and "static" not in protocols:
        return False
    names = values(match, "condition")
    return not names or any(conditions.get(n, False) for n in names)


def _export(
    root: Node, chain: list[str], prefix: IPv4Network, conditions: dict[str, bool]
) -> tuple[bool, str]:
    """(accepted, prepended path) of one static route through the export chain."""
    statements = {p.ident: p for p in kids(root.find(["policy-options"]), "policy-statement")}
    prepend: list[str] = []
    for name in chain:
        policy = statements.get(name)
        for term in kids(policy, "term"):
            if not _term_matches(term, prefix, conditions):
                continue
            then = term.find(["then"])
            for value in values(then, "as-path-prepend"):
                prepend += value.split()
            if then is not None and "accept" in then.children:
                return True, " ".join(prepend)
            if then is not None and "reject" in then.children:
                return False, ""
            if values(then, "next") == ["policy"]:
                break
    return False, ""  # BGP's default export policy: a static route is not exported


def _session_up(group: Node, peer: IPv4Address, facts: DeviceFacts, op: OpState) -> bool:
    port = next(
        (i for i in facts.interfaces if i.address is not None and peer in i.address.network),
        None,
    )
    if port is None or not (port.name in op.interfaces_up or _unit0(port.name, op)):
        return False
    # the other end: the lab's ISP router answers at its segment's gateway only
    if op.isp_routers is not None and peer not in op.isp_routers:
        return False
    session = next((b for b in op.bfd if b.peer == peer), None)
    return session is None or session.state == "Up"


def show_route_advertising_bgp(root: Node, facts: DeviceFacts, op: OpState, neighbor: str) -> str:
    try:
        peer = IPv4Address(neighbor)
    except ValueError:
        return ""
    groups = kids(root.find(["protocols", "bgp"]), "group")
    group = next((g for g in groups if f"neighbor {peer}" in g.children), None)
    if group is None or not _session_up(group, peer, facts, op):
        return ""
    inet0 = _inet0(root, facts, op)
    conditions = _conditions(root, inet0)
    chain = values(group, "export")
    rows = []
    for prefix in _discards(root):
        accepted, prepend = _export(root, chain, prefix, conditions)
        if accepted:
            path = f"{prepend} I" if prepend else "I"
            # the row of the real capture: "* 0.0.0.0/0               Self     ...      I"
            rows.append(f"* {str(prefix):<24}{'Self':<40}{path}")
    if not rows:
        return ""
    total = len(inet0)
    return (
        f"\ninet.0: {total} destinations, {total} routes ({total} active, 0 holddown, 0 hidden)\n"
        f"Prefix{'':<18}Nexthop{'':<14}MED     Lclpref    AS path\n" + "\n".join(rows) + "\n"
    )


def _last_up_down(seconds: float) -> str:
    """The Last Up/Dwn column: "7:30", "5:23:37", "9w2d 5:23:37" (the capture's)."""
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    clock = f"{hours}:{rest // 60:02}:{rest % 60:02}" if hours else f"{rest // 60}:{rest % 60:02}"
    if days >= 7:
        return f"{days // 7}w{days % 7}d {clock}"
    return f"{days}d {clock}" if days else clock


def show_bgp_summary(root: Node, facts: DeviceFacts, op: OpState, *, uptime_s: float) -> str:
    """``show bgp summary``: one row per configured neighbor, "Establ" with its inet.0 counts
    on the line below (active/received/accepted/damped: the lab's ISP routers send no
    routes, so 0/0/0/0) while its link and BFD are up (:func:`_session_up`), else "Idle"
    (its link is down) or "Active" (the link is up, the peer does not answer). Layout after
    the real capture tests/fixtures/real-captures-bgp/junos/ntc_show_bgp_summary.raw."""
    bgp = root.find(["protocols", "bgp"])
    if bgp is None:
        return "\nBGP is not running\n"
    groups = kids(bgp, "group")
    rows: list[str] = []
    down = 0
    for group in groups:
        peer_as = values(group, "peer-as")
        for node in kids(group, "neighbor"):
            peer = IPv4Address(node.ident or "0.0.0.0")
            up = _session_up(group, peer, facts, op)
            port = next(
                (
                    i
                    for i in facts.interfaces
                    if i.address is not None and peer in i.address.network
                ),
                None,
            )
            port_up = port is not None and (port.name in op.interfaces_up or _unit0(port.name, op))
            state = "Establ" if up else ("Active" if port_up else "Idle")
            down += 0 if up else 1
            # a keepalive each 30 s either way (Junos hold time 90 s / 3) while up
            packets = int(uptime_s // 30) + 3 if up else 0
            rows.append(
                f"{str(peer):<16}{(peer_as or ['0'])[0]:>11}{packets:>11}{packets:>11}"
                f"{0:>8}{0:>8} {_last_up_down(uptime_s):>11} {state}"
            )
            if up:
                rows.append("  inet.0: 0/0/0/0")
    peers = sum(len(kids(g, "neighbor")) for g in groups)
    return (
        "Threading mode: BGP I/O\n"
        f"Groups: {len(groups)} Peers: {peers} Down peers: {down}\n"
        "Peer                     AS      InPkt     OutPkt    OutQ   Flaps Last Up/Dwn "
        "State|#Active/Received/Accepted/Damped...\n" + "\n".join(rows) + "\n"
    )
