"""The facts a device SHOULD report once its rendered config is applied.

Used by tests as the reference for each platform's ``facts_from_config`` (parse the running
config back to neutral facts: the two must agree), and to simulate the designed network.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network

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
from egress.model.intent import DeviceIntent

DEFAULT = IPv4Network("0.0.0.0/0")


# platforms whose BGP marker route (issue 19) is a static via the link's gateway, withdrawn
# with the link's probe (templates/fortios/bgp.j2); IOS-XE's is to Null0 (no next hop)
_GATEWAY_MARKERS = frozenset({"fortios"})


def facts_from_intent(intent: DeviceIntent) -> DeviceFacts:
    probes_by_link = {p.link: p for p in intent.probes if p.follows_route}
    interfaces = tuple(
        IfaceFacts(i.name, IPv4Interface(f"{i.address}/{i.prefix_length}") if i.address else None)
        for i in intent.interfaces
    )
    vrrp = tuple(
        VrrpFacts(
            interface=g.interface,
            group=g.group,
            vip=IPv4Address(g.vip),
            priority=g.priority,
            preempt=g.preempt,
            tracks=tuple(VrrpTrackFacts(t.decrement, probe=t.probe_name) for t in g.tracks),
        )
        for g in intent.vrrp
    )
    bfd = tuple(
        BfdFacts(IPv4Address(p.address), p.interface, intent.bfd.interval_ms, intent.bfd.multiplier)
        for p in intent.bfd.peers
    )
    probes = tuple(
        ProbeFacts(
            p.name,
            p.type,
            IPv4Address(p.target),
            p.source_interface,
            IPv4Address(p.gateway),
            p.port,
            p.id,
            p.id,
            p.interval_s,
        )
        for p in intent.probes
    )
    routes = tuple(
        RouteFacts(
            DEFAULT,
            IPv4Address(u.gateway),
            u.interface,
            u.distance,
            bfd=True,
            probe=probes_by_link[u.link].name if u.link in probes_by_link else None,
        )
        for u in intent.uplinks
    )
    if intent.bgp is not None and intent.platform in _GATEWAY_MARKERS:
        routes += tuple(
            RouteFacts(
                IPv4Network(f"{n.marker}/32"),
                IPv4Address(n.gateway),
                n.interface,
                10,  # FortiOS `config router static` default distance
                bfd=False,
                probe=probes_by_link[n.link].name if n.link in probes_by_link else None,
            )
            for n in intent.bgp.neighbors
            if n.marker and n.gateway
        )
    pbr = (
        tuple(
            PbrFacts(
                r.name,
                r.seq,
                intent.pbr.in_interface,
                f"dscp {r.dscp_name}" if r.dscp_name else f"source {r.source}",
                IPv4Address(r.next_hop),
            )
            for r in intent.pbr.rules
        )
        if intent.pbr
        else ()
    )
    ha = None
    if intent.ha_sync is not None:
        h = intent.ha_sync
        ha = HaFacts(
            h.form,
            h.group_id,
            h.priority,
            h.interface,
            IPv4Address(h.peer_address) if h.peer_address else None,
            h.session_sync,
            h.mode,
            tuple(
                VrrpTrackFacts(t.decrement, probe=t.probe_name, interface=t.interface)
                for t in h.tracks
            ),
        )
    return DeviceFacts(intent.host, interfaces, vrrp, bfd, probes, routes, pbr, ha)
