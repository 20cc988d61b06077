"""Junos VRRP follows the health probes, not the uplink's line state.

The lab models a probe failing behind a link that stays up in two ways, both used here:
a probe target outside ``Topology.internet`` (the internet behind the ISPs is gone, for both
members alike) and an ISP segment whose simulated router is not at the probes' next hop (one
member's ISP router is gone, its port stays up). Facts come from the rendered config through
the Junos reducer (``track route`` -> the RPM test whose ``preferred-route withdraw`` policy
holds that route), so a template or reducer that tracks the interface keeps the priority and
fails these tests.
"""

from __future__ import annotations

import dataclasses
import shutil
from ipaddress import IPv4Network, collapse_addresses
from pathlib import Path

from egress.lab.junos import JunosDevice
from egress.lab.junos.setfmt import apply_set
from egress.lab.topology import topology_from_intents
from egress.lab.world import DeviceFacts, OpState, Segment, Topology, simulate
from egress.model.intent import DeviceIntent
from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles, build_intents
from egress.render import render_device
from tests.conftest import EXAMPLE_INVENTORY, TEMPLATES

PAIR = ("nyc-srx-01", "nyc-srx-02")
ISP1_TARGET = "192.0.2.20"  # nyc's isp1-http probe (tracked on the primary link)
ISP2_TARGET = "192.0.2.10"  # nyc's isp2-icmp probe


def _intents(inventory: Path) -> dict[str, DeviceIntent]:
    intents = build_intents(
        load_nornir(inventory).inventory, files=InventoryFiles.in_dir(inventory)
    )
    return {h: intents[h] for h in PAIR}


def _active_standby(tmp_path: Path) -> Path:
    """The example inventory with the nyc SRX pair made active-standby on isp1."""
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE_INVENTORY, inventory)
    groups = inventory / "groups.yaml"
    text = groups.read_text()
    nyc = text.index("site_nyc:")
    head, tail = text[:nyc], text[nyc:]
    assert "mode: load-sharing\n" in tail
    tail = tail.replace(
        "mode: load-sharing\n", "mode: active-standby\n      primary_link: isp1\n", 1
    )
    groups.write_text(head + tail)
    return inventory


def _facts(intents: dict[str, DeviceIntent], state: Path) -> dict[str, DeviceFacts]:
    facts = {}
    for host, intent in intents.items():
        device = JunosDevice(name=host, state_dir=state / host)
        assert apply_set(device.db.candidate, render_device(intent, templates_dir=TEMPLATES)) == []
        device.commit(user="egress")
        facts[host] = device.facts()
    return facts


def _without(*dead: str) -> tuple[IPv4Network, ...]:
    """The internet minus the ``dead`` targets: their probes fail, every link stays up."""
    nets: list[IPv4Network] = [IPv4Network("0.0.0.0/0")]
    for target in dead:
        gone = IPv4Network(f"{target}/32")
        nets = [
            part
            for net in nets
            for part in (net.address_exclude(gone) if gone.subnet_of(net) else [net])
        ]
    return tuple(collapse_addresses(nets))


def _run(
    intents: dict[str, DeviceIntent],
    facts: dict[str, DeviceFacts],
    *dead: str,
    isp_gone_for: str | None = None,
    isps: tuple[str, ...] = ("isp1",),
) -> dict[str, OpState]:
    """``dead``: targets unreachable beyond every ISP; ``isp_gone_for``: the member whose
    ports into ``isps`` stay up while nothing answers at their gateways (a segment of its
    own whose simulated router sits at another address)."""
    segments = []
    for segment in topology_from_intents(intents).segments:
        ours = [m for m in segment.members if m[0] == isp_gone_for]
        if segment.name.split("-")[-1] in isps and ours and segment.gateway is not None:
            rest = tuple(m for m in segment.members if m[0] != isp_gone_for)
            segments.append(dataclasses.replace(segment, members=rest))
            segments.append(
                Segment(f"{segment.name}-{isp_gone_for}", "isp", tuple(ours), segment.gateway + 1)
            )
        else:
            segments.append(segment)
    return simulate(facts, Topology(tuple(segments), internet=_without(*dead)))


def test_the_rendered_track_follows_the_probe_not_the_interface(tmp_path: Path) -> None:
    intents = _intents(_active_standby(tmp_path))
    facts = _facts(intents, tmp_path)
    (group,) = intents["nyc-srx-01"].vrrp
    (track,) = group.tracks  # active-standby tracks the primary link's probe only
    (vrrp,) = facts["nyc-srx-01"].vrrp
    assert [(t.probe, t.interface, t.decrement) for t in vrrp.tracks] == [
        (track.probe_name, None, track.decrement)
    ]


def test_active_standby_hands_over_when_the_probe_fails_with_the_link_up(tmp_path: Path) -> None:
    intents = _intents(_active_standby(tmp_path))
    facts = _facts(intents, tmp_path)
    healthy = _run(intents, facts)
    assert healthy["nyc-srx-01"].vrrp[0].state == "Master"

    states = _run(intents, facts, isp_gone_for="nyc-srx-01")
    one, two = states["nyc-srx-01"], states["nyc-srx-02"]
    assert "ge-0/0/2" in one.interfaces_up  # the uplink itself is fine
    assert {p.name: p.ok for p in one.probes}["isp1-http"] is False
    assert all(p.ok for p in two.probes)
    (group,) = intents["nyc-srx-01"].vrrp
    (track,) = group.tracks
    assert one.vrrp[0].effective_priority == group.priority - track.decrement
    assert one.vrrp[0].state == "Backup"
    assert two.vrrp[0].state == "Master"


def test_an_upstream_loss_on_both_members_lowers_both_alike(tmp_path: Path) -> None:
    # the internet behind isp1 is gone for the pair: each drops by the decrement, so the
    # primary keeps the gateway (handing it to a peer with the same failure would gain nothing)
    intents = _intents(_active_standby(tmp_path))
    facts = _facts(intents, tmp_path)
    states = _run(intents, facts, ISP1_TARGET)
    for host in PAIR:
        (group,) = intents[host].vrrp
        (track,) = group.tracks
        assert "ge-0/0/2" in states[host].interfaces_up
        assert states[host].vrrp[0].effective_priority == group.priority - track.decrement
    assert states["nyc-srx-01"].vrrp[0].state == "Master"


def test_load_sharing_keeps_the_master_until_every_probe_fails(tmp_path: Path) -> None:
    intents = _intents(EXAMPLE_INVENTORY)
    facts = _facts(intents, tmp_path)
    (group,) = intents["nyc-srx-01"].vrrp
    decrement = {t.probe_name: t.decrement for t in group.tracks}

    one_dead = _run(intents, facts, ISP1_TARGET)["nyc-srx-01"]
    assert one_dead.vrrp[0].effective_priority == group.priority - decrement["isp1-http"]
    assert one_dead.vrrp[0].state == "Master"

    # the primary's ISP routers are both gone, its ports up: only the peer can still forward
    states = _run(intents, facts, isp_gone_for="nyc-srx-01", isps=("isp1", "isp2"))
    assert {"ge-0/0/2", "ge-0/0/3"} <= states["nyc-srx-01"].interfaces_up
    assert states["nyc-srx-01"].vrrp[0].effective_priority == group.failed_priority
    assert states["nyc-srx-01"].vrrp[0].state == "Backup"
    assert states["nyc-srx-02"].vrrp[0].state == "Master"
