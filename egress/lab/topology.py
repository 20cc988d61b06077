"""The lab's wiring, derived from the intent: a LAN per pair, a hand-off per ISP link, an HA
cable per pair. The simulated ISP router sits at each link's gateway address."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from ipaddress import IPv4Address

from egress.lab.world import Segment, Topology
from egress.model.intent import HA, LAN, DeviceIntent


def topology_from_intents(intents: Mapping[str, DeviceIntent]) -> Topology:
    by_site: dict[str, list[DeviceIntent]] = defaultdict(list)
    for intent in intents.values():
        by_site[intent.site].append(intent)
    segments: list[Segment] = []
    for site, members in sorted(by_site.items()):
        members.sort(key=lambda i: i.role != "primary")
        lan = [(m.host, _port(m, LAN)) for m in members]
        segments.append(Segment(f"{site}-lan", "lan", tuple(lan)))
        for index, uplink in enumerate(members[0].uplinks):
            ports = tuple((m.host, m.uplinks[index].interface) for m in members)
            segments.append(
                Segment(f"{site}-{uplink.link}", "isp", ports, gateway=IPv4Address(uplink.gateway))
            )
        ha = members[0].ha_sync
        if ha is not None:
            cable = tuple(
                (m.host, next(x.ha_interface for x in ha.members if x.name == m.host))
                for m in members
            )
            segments.append(Segment(f"{site}-ha", "ha", cable))
    return Topology(tuple(segments))


def _port(intent: DeviceIntent, role: str) -> str:
    return next(i.name for i in intent.interfaces if i.role == role) if role != HA else ""
