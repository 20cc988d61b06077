"""Reduce a committed Junos configuration to the lab's vendor-neutral facts.

The lab's simulator (:mod:`egress.lab.world`) turns these into operational state. Only what
the configuration itself says is reported, read the way Junos links its objects:

- interfaces by physical name (unit 0 is the routed unit), reth interfaces of a chassis
  cluster included; management, loopback and fabric ports are not the egress design's;
- VRRP under ``family inet address … vrrp-group`` (Junos preempts unless ``no-preempt``);
  a ``track route`` follows the RPM test whose ``ip-monitoring`` ``preferred-route
  withdraw`` policy holds that route up, exactly as an IOS track follows its IP SLA;
- static routes' ``qualified-next-hop``s with their preference (static default 5) and BFD;
- RPM tests; a route follows the test whose owner an ``ip-monitoring`` policy watches for
  that prefix, and the test's ``next-hop`` names the route it withdraws;
- filter-based forwarding: the input filter of an interface, each term that sends traffic to
  a forwarding instance, and that instance's static next hop;
- ``chassis cluster``: this node is the one whose ``groups nodeN system host-name`` is the
  device's name (the node id itself lives outside the configuration on a real SRX);
- ``security zones``: the lab box is an SRX in flow mode, where a unit outside every zone
  drops all traffic and a zoned unit accepts only the host-inbound protocols its zone allows
  (see :func:`host_inbound`). A BFD peer whose unit does not accept ``bfd`` never comes up;
  a VRRP group whose unit does not accept ``vrrp`` hears no advert and claims the group.
"""

from __future__ import annotations

import dataclasses
import re
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from urllib.parse import urlsplit

from egress.lab.junos.config import Node
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

_NOT_DESIGN = re.compile(r"^(fxp|em|lo|fab|me|vme|irb$)")
_PROBE_TYPES = {
    "icmp-ping": "icmp",
    "icmp-ping-timestamp": "icmp",
    "tcp-ping": "tcp",
    "udp-ping": "udp",
    "http-get": "http",
    "http-metadata-get": "http",
}
_STATIC_PREFERENCE = 5  # Junos default preference of static routes
_VRRP_PRIORITY = 100
_FPC = re.compile(r"^[a-z]+-(\d+)/")


def facts_from_config(name: str, root: Node) -> DeviceFacts:
    """What a Junos device with this committed configuration has configured."""
    interfaces = _interfaces(root, node_id=cluster_node(root, name))
    probes = _probes(root, interfaces)
    inbound = host_inbound(root)
    return DeviceFacts(
        name=name,
        interfaces=interfaces,
        vrrp=tuple(
            dataclasses.replace(g, hears_peers=accepts(inbound, g.interface, "vrrp"))
            for g in _vrrp(root, _held_routes(root, probes))
        ),
        bfd=tuple(
            dataclasses.replace(b, accepted=accepts(inbound, b.interface, "bfd"))
            for b in _bfd(root, interfaces)
        ),
        probes=probes,
        routes=_routes(root, interfaces, probes),
        pbr=_pbr(root),
        ha=_ha(root, name),
    )


# -- small readers ----------------------------------------------------------------------
def load_balances(root: Node) -> bool:
    """Does the forwarding table keep every equal-cost next hop? Only when ``routing-options
    forwarding-table export`` names a policy whose ``then`` says ``load-balance per-packet``:
    otherwise Junos installs one next hop per destination, however many the route has."""
    for name in values(root, "routing-options", "forwarding-table", "export"):
        statement = root.find(["policy-options", f"policy-statement {name}"])
        if statement is not None and _says_per_packet(statement):
            return True
    return False


def _says_per_packet(node: Node) -> bool:
    if node.keyword == "load-balance" and "per-packet" in (node.values or []):
        return True
    return any(_says_per_packet(child) for child in node.children.values())


def kids(node: Node | None, keyword: str) -> list[Node]:
    """The children of ``node`` that are ``keyword <ident>`` statements."""
    if node is None:
        return []
    return [c for c in node.children.values() if c.keyword == keyword and c.ident is not None]


def leaf(node: Node | None, *keys: str) -> str | None:
    found = node.find(list(keys)) if node is not None else None
    return found.values[0] if found is not None and found.values else None


def values(node: Node | None, *keys: str) -> list[str]:
    found = node.find(list(keys)) if node is not None else None
    return list(found.values or []) if found is not None else []


def interface_nodes(root: Node) -> list[Node]:
    section = root.children.get("interfaces")
    return [] if section is None else [n for n in section.children.values() if n.ident]


def inet(interface: Node, unit: str = "0") -> Node | None:
    return interface.find([f"unit {unit}", "family inet"])


# -- chassis cluster ----------------------------------------------------------------------
def cluster_node(root: Node, name: str) -> int | None:
    """This device's node id in its chassis cluster (None: not a cluster member).

    A real SRX keeps the node id outside the configuration; the shared configuration names
    each node's host in ``groups node0/node1``, so the lab finds itself there. A cluster
    configuration that names neither node after this device is node 0's.
    """
    if root.find(["chassis", "cluster"]) is None:
        return None
    for group in kids(root.children.get("groups"), "groups"):
        match = re.fullmatch(r"node(\d+)", group.ident or "")
        if match and leaf(group, "system", "host-name") == name:
            return int(match.group(1))
    return 0


def cluster_hosts(root: Node) -> dict[int, str]:
    """node id -> host name, from ``groups nodeN system host-name``."""
    hosts = {}
    for group in kids(root.children.get("groups"), "groups"):
        match = re.fullmatch(r"node(\d+)", group.ident or "")
        host = leaf(group, "system", "host-name")
        if match and host:
            hosts[int(match.group(1))] = host
    return hosts


def fabric_members(root: Node) -> dict[int, list[str]]:
    """node id -> its fabric member ports (``fab0`` is node 0's, ``fab1`` node 1's)."""
    members: dict[int, list[str]] = {}
    for iface in interface_nodes(root):
        match = re.fullmatch(r"fab(\d+)", iface.ident or "")
        section = iface.find(["fabric-options", "member-interfaces"])
        if match and section is not None:
            members[int(match.group(1))] = [c.key for c in section.children.values()]
    return members


def port_node(root: Node, port: str) -> int | None:
    """Which cluster node a physical port belongs to: the node whose fabric port sits on
    the same FPC (node 1's ports are renumbered to the FPCs after node 0's)."""
    fpc = _FPC.match(port)
    if fpc is None:
        return None
    for node, ports in fabric_members(root).items():
        if any((m := _FPC.match(p)) and m.group(1) == fpc.group(1) for p in ports):
            return node
    return None


def reth_members(root: Node) -> dict[str, list[str]]:
    """reth name -> its child ports (``gigether-options redundant-parent``)."""
    members: dict[str, list[str]] = {}
    for iface in interface_nodes(root):
        for options in ("gigether-options", "ether-options"):
            parent = leaf(iface, options, "redundant-parent")
            if parent and iface.ident:
                members.setdefault(parent, []).append(iface.ident)
    return members


def data_redundancy_group(root: Node) -> int | None:
    """The redundancy group the reth interfaces belong to (the one carrying traffic)."""
    groups = [
        int(rg)
        for iface in interface_nodes(root)
        if (rg := leaf(iface, "redundant-ether-options", "redundancy-group")) and rg.isdigit()
    ]
    if groups:
        return min(groups)
    configured = [
        int(g.ident or 0) for g in kids(root.find(["chassis", "cluster"]), "redundancy-group")
    ]
    return max(configured) if configured else None


def _ha(root: Node, name: str) -> HaFacts | None:
    node = cluster_node(root, name)
    cluster = root.find(["chassis", "cluster"])
    group = data_redundancy_group(root)
    if node is None or cluster is None or group is None:
        return None
    priority = leaf(cluster, f"redundancy-group {group}", f"node {node}", "priority")
    fabric = fabric_members(root).get(node, [])
    return HaFacts(
        form="cluster",
        group_id=group,
        priority=int(priority) if priority else 1,
        interface=fabric[0] if fabric else None,
        peer=None,
        # the SRX cluster always replicates sessions (RTOs) over the fabric link
        session_sync=True,
        mode="a-p",
    )


# -- security zones -----------------------------------------------------------------------
def host_inbound(root: Node) -> dict[str, frozenset[str]]:
    """Logical unit (``ge-0/0/1.0``) -> the host-inbound protocols its zone lets in.

    SRX flow mode: a unit missing here is in no zone and drops everything. An interface's
    own ``host-inbound-traffic protocols`` overrides its zone's; ``all`` admits every
    protocol but those marked ``except``.
    """
    allowed: dict[str, frozenset[str]] = {}
    for zone in kids(root.find(["security", "zones"]), "security-zone"):
        zone_level = zone.find(["host-inbound-traffic", "protocols"])
        section = zone.children.get("interfaces")
        for unit in [] if section is None else section.children.values():
            own = unit.find(["host-inbound-traffic", "protocols"])
            protocols = own if own is not None else zone_level
            allowed[unit.key] = _admitted(protocols)
    return allowed


def _admitted(protocols: Node | None) -> frozenset[str]:
    if protocols is None:
        return frozenset()
    # ``bfd except`` reads as a container holding the flag, or as a leaf valued ``except``
    named = {
        c.key: "except" in c.children or "except" in (c.values or [])
        for c in protocols.children.values()
    }
    admitted = {p for p, excepted in named.items() if not excepted}
    if "all" in admitted:
        # every protocol but the excepted ones: say so by listing the exceptions
        return frozenset({"all"} | {f"!{p}" for p, excepted in named.items() if excepted})
    return frozenset(admitted)


def accepts(inbound: dict[str, frozenset[str]], interface: str | None, protocol: str) -> bool:
    """Whether the routed unit (unit 0) of ``interface`` admits ``protocol`` host-inbound."""
    if interface is None:
        return False
    admitted = inbound.get(f"{interface}.0", frozenset())
    if protocol in admitted:
        return True
    return "all" in admitted and f"!{protocol}" not in admitted


# -- interfaces ---------------------------------------------------------------------------
def _address(interface: Node) -> IPv4Interface | None:
    family = inet(interface)
    for child in kids(family, "address"):
        return IPv4Interface(child.ident)
    return None


def _interfaces(root: Node, *, node_id: int | None) -> tuple[IfaceFacts, ...]:
    result = []
    for iface in interface_nodes(root):
        name = iface.ident or ""
        if _NOT_DESIGN.match(name):
            continue
        if node_id is not None and port_node(root, name) not in (None, node_id):
            continue  # the other cluster node's port
        result.append(IfaceFacts(name, _address(iface), enabled="disable" not in iface.children))
    return tuple(result)


def _towards(interfaces: tuple[IfaceFacts, ...], address: IPv4Address) -> str | None:
    return next(
        (i.name for i in interfaces if i.address is not None and address in i.address.network),
        None,
    )


def _owner(interfaces: tuple[IfaceFacts, ...], address: IPv4Address) -> str | None:
    return next(
        (i.name for i in interfaces if i.address is not None and i.address.ip == address), None
    )


# -- VRRP ---------------------------------------------------------------------------------
def _vrrp(root: Node, held: dict[IPv4Network, str]) -> tuple[VrrpFacts, ...]:
    """VRRP groups; ``held`` maps a route an RPM test holds up to that test (a tracked route
    follows its probe, like an IOS track; a route no probe holds counts as always there)."""
    groups = []
    for iface in interface_nodes(root):
        for address in kids(inet(iface), "address"):
            for group in kids(address, "vrrp-group"):
                vip = leaf(group, "virtual-address")
                priority = leaf(group, "priority")
                track = group.children.get("track")
                tracks = tuple(
                    VrrpTrackFacts(int(cost), interface=t.ident)
                    for t in kids(track, "interface")
                    if (cost := leaf(t, "priority-cost")) is not None
                ) + tuple(
                    VrrpTrackFacts(int(cost), probe=held.get(IPv4Network(t.ident or "")))
                    for t in kids(track, "route")
                    if (cost := leaf(t, "priority-cost")) is not None
                )
                groups.append(
                    VrrpFacts(
                        interface=iface.ident or "",
                        group=int(group.ident or 0),
                        vip=IPv4Address(vip or "0.0.0.0"),
                        priority=int(priority) if priority else _VRRP_PRIORITY,
                        preempt="no-preempt" not in group.children,
                        tracks=tracks,
                    )
                )
    return tuple(groups)


# -- static routes and BFD ----------------------------------------------------------------
def _static_hops(route: Node) -> list[tuple[IPv4Address, Node | None]]:
    """(gateway, its qualified-next-hop node or None for a plain next-hop)."""
    hops: list[tuple[IPv4Address, Node | None]] = [
        (IPv4Address(address), None) for address in values(route, "next-hop")
    ]
    hops += [(IPv4Address(q.ident), q) for q in kids(route, "qualified-next-hop")]
    return hops


def _static_routes(root: Node) -> list[Node]:
    return kids(root.find(["routing-options", "static"]), "route")


def _bfd_timers(route: Node, hop: Node | None) -> tuple[int, int] | None:
    for scope in (hop, route):
        bfd = scope.children.get("bfd-liveness-detection") if scope is not None else None
        if bfd is not None:
            interval = leaf(bfd, "minimum-interval") or "1000"
            return int(interval), int(leaf(bfd, "multiplier") or 3)
    return None


def _bfd(root: Node, interfaces: tuple[IfaceFacts, ...]) -> tuple[BfdFacts, ...]:
    peers: dict[IPv4Address, BfdFacts] = {}
    for route in _static_routes(root):
        for gateway, hop in _static_hops(route):
            timers = _bfd_timers(route, hop)
            if timers is not None and gateway not in peers:
                peers[gateway] = BfdFacts(gateway, _towards(interfaces, gateway), *timers)
    return tuple(peers.values())


def _routes(
    root: Node, interfaces: tuple[IfaceFacts, ...], probes: tuple[ProbeFacts, ...]
) -> tuple[RouteFacts, ...]:
    follows = _route_probes(root, probes)
    routes = []
    for route in _static_routes(root):
        prefix = IPv4Network(route.ident)
        default = leaf(route, "preference")
        for gateway, hop in _static_hops(route):
            preference = leaf(hop, "preference") if hop is not None else None
            routes.append(
                RouteFacts(
                    prefix=prefix,
                    gateway=gateway,
                    interface=_towards(interfaces, gateway),
                    distance=int(preference or default or _STATIC_PREFERENCE),
                    bfd=_bfd_timers(route, hop) is not None,
                    probe=follows.get((prefix, gateway)),
                )
            )
    return tuple(routes)


def _route_probes(
    root: Node, probes: tuple[ProbeFacts, ...]
) -> dict[tuple[IPv4Network, IPv4Address], str]:
    """(prefix, gateway) -> the RPM test whose failure takes that route out.

    An ``ip-monitoring`` policy watching owner O installs its preferred route for prefix P
    when O's test fails: the route O's test leaves through (its ``next-hop``) is the one
    withdrawn in its favour.
    """
    owners: dict[str, list[ProbeFacts]] = {}
    for section in kids(root.find(["services", "rpm"]), "probe"):
        names = {t.ident for t in kids(section, "test")}
        owners[section.ident or ""] = [p for p in probes if p.name in names]
    follows: dict[tuple[IPv4Network, IPv4Address], str] = {}
    for policy in kids(root.find(["services", "ip-monitoring"]), "policy"):
        preferred = policy.find(["then", "preferred-route"])
        if preferred is None or "withdraw" in preferred.children:
            continue  # its routes are held up by the probe, not installed against its failure
        for owner in values(policy, "match", "rpm-probe"):
            for test in owners.get(owner, [])[:1]:
                if test.gateway is None:
                    continue
                for route in kids(preferred, "route"):
                    follows.setdefault((IPv4Network(route.ident), test.gateway), test.name)
    return follows


def _held_routes(root: Node, probes: tuple[ProbeFacts, ...]) -> dict[IPv4Network, str]:
    """Prefix -> the RPM test that holds the route up (Junos 20.3+ ``preferred-route
    withdraw``: the policy's routes are installed while its probe succeeds, withdrawn when
    it fails). The owner's test aimed at the route's address is the one, else its first."""
    tests: dict[str, list[ProbeFacts]] = {}
    for section in kids(root.find(["services", "rpm"]), "probe"):
        names = {t.ident for t in kids(section, "test")}
        tests[section.ident or ""] = [p for p in probes if p.name in names]
    held: dict[IPv4Network, str] = {}
    for policy in kids(root.find(["services", "ip-monitoring"]), "policy"):
        preferred = policy.find(["then", "preferred-route"])
        if preferred is None or "withdraw" not in preferred.children:
            continue
        for owner in values(policy, "match", "rpm-probe"):
            candidates = tests.get(owner, [])
            for route in kids(preferred, "route"):
                prefix = IPv4Network(route.ident)
                aimed = [p for p in candidates if p.target == prefix.network_address]
                for test in (aimed or candidates)[:1]:
                    held.setdefault(prefix, test.name)
    return held


def held_routes(root: Node, probes: tuple[ProbeFacts, ...]) -> dict[IPv4Network, str]:
    """The ``preferred-route withdraw`` routes and the RPM test holding each up."""
    return _held_routes(root, probes)


# -- RPM ----------------------------------------------------------------------------------
def rpm_tests(root: Node) -> list[tuple[str, Node]]:
    """(owner, test node) for every configured RPM test, in configuration order."""
    return [
        (owner.ident or "", test)
        for owner in kids(root.find(["services", "rpm"]), "probe")
        for test in kids(owner, "test")
    ]


def test_target(test: Node) -> tuple[str, IPv4Address | None, int | None]:
    """(target as configured, its address, the port a URL implies)."""
    target = test.children.get("target")
    url = leaf(target, "url")
    if url:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            return url, IPv4Address(parts.hostname or ""), port
        except ValueError:
            return url, None, port
    address = next((a.ident for a in kids(target, "address")), None) or leaf(target, "address")
    return address or "", IPv4Address(address) if address else None, None


def _probes(root: Node, interfaces: tuple[IfaceFacts, ...]) -> tuple[ProbeFacts, ...]:
    probes = []
    for _owner_name, test in rpm_tests(root):
        _, address, url_port = test_target(test)
        if address is None:
            continue
        source = leaf(test, "source-address")
        hop = leaf(test, "next-hop")
        port = leaf(test, "destination-port")
        probes.append(
            ProbeFacts(
                name=test.ident or "",
                type=_PROBE_TYPES.get(leaf(test, "probe-type") or "icmp-ping", "icmp"),
                target=address,
                source_interface=(_owner(interfaces, IPv4Address(source)) if source else None)
                or leaf(test, "destination-interface"),
                gateway=IPv4Address(hop) if hop else None,
                port=int(port) if port else url_port,
                frequency_s=int(interval) if (interval := leaf(test, "test-interval")) else None,
            )
        )
    return tuple(probes)


# -- filter-based forwarding --------------------------------------------------------------
def _term_match(term: Node) -> str:
    source = term.find(["from"])
    dscp = values(source, "dscp")
    if dscp:
        return f"dscp {dscp[0]}"
    for key in ("source-address", "address"):
        prefixes = [c.ident for c in kids(source, key)] + values(source, key)
        if prefixes:
            return f"source {IPv4Network(prefixes[0])}"
    return "any"


def _instance_next_hop(root: Node, instance: str) -> IPv4Address | None:
    section = root.find(["routing-instances", instance, "routing-options", "static"])
    for route in kids(section, "route"):
        hops = values(route, "next-hop") or [
            q.ident or "" for q in kids(route, "qualified-next-hop")
        ]
        if hops:
            return IPv4Address(hops[0])
    return None


def _pbr(root: Node) -> tuple[PbrFacts, ...]:
    filters = {f.ident: f for f in kids(root.find(["firewall", "family inet"]), "filter")}
    rules = []
    for iface in interface_nodes(root):
        for name in values(inet(iface), "filter", "input"):
            terms = kids(filters.get(name), "term")
            # terms are evaluated in order: position n is the design's sequence n * 10
            for position, term in enumerate(terms, start=1):
                instance = leaf(term, "then", "routing-instance")
                hop = _instance_next_hop(root, instance) if instance else None
                if hop is None:
                    continue
                rules.append(
                    PbrFacts(term.ident or "", position * 10, iface.ident, _term_match(term), hop)
                )
    return tuple(rules)
