"""The committed Junos configuration read back as neutral facts agrees with the intent."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from egress.lab.intent_facts import facts_from_intent
from egress.lab.junos import JunosDevice
from egress.lab.junos.config import parse_text
from egress.lab.junos.facts import cluster_node, facts_from_config
from egress.lab.world import DeviceFacts, VrrpTrackFacts
from tests.unit.lab.junos_net import JUNOS_HOSTS, apply_golden, example_intents


@pytest.fixture(scope="module")
def intended() -> dict[str, DeviceFacts]:
    intents = example_intents()
    return {name: facts_from_intent(intents[name]) for name in JUNOS_HOSTS}


def _configured(name: str, tmp_path: Path) -> DeviceFacts:
    device = JunosDevice(name=name, state_dir=tmp_path)
    apply_golden(device)
    return device.facts()


@pytest.mark.parametrize("name", JUNOS_HOSTS)
def test_facts_from_the_rendered_config_match_the_intent(
    name: str, intended: dict[str, DeviceFacts], tmp_path: Path
) -> None:
    got, want = _configured(name, tmp_path), intended[name]
    assert got.name == want.name
    # The lab box's spare ports (factory ``unit 0 family inet``) and reth child ports are
    # extra; management (fxp0), loopback and fabric ports are not the design's.
    ours = {i.name: i for i in got.interfaces}
    assert not {"fxp0", "lo0", "fab0", "fab1"} & set(ours)
    assert [ours[i.name] for i in want.interfaces] == list(want.interfaces)
    assert got.bfd == want.bfd
    assert got.routes == want.routes
    assert got.pbr == want.pbr
    assert got.ha == want.ha
    # Junos RPM tests have names, not numbers: no IP SLA id or track object to report.
    assert got.probes == tuple(dataclasses.replace(p, id=None, track_id=None) for p in want.probes)
    # Junos VRRP tracks the uplink interface (``track interface … priority-cost``), not the
    # probe: the template tracks each probe's source interface with the probe's decrement.
    probes = {p.name: p for p in want.probes}
    assert got.vrrp == tuple(
        dataclasses.replace(
            g,
            tracks=tuple(
                VrrpTrackFacts(t.decrement, interface=probes[t.probe].source_interface)
                for t in g.tracks
                if t.probe is not None
            ),
        )
        for g in want.vrrp
    )


def test_a_cluster_node_finds_itself_in_the_node_groups() -> None:
    tree, _ = parse_text(
        "groups { node0 { system { host-name a; } } node1 { system { host-name b; } } }"
        " chassis { cluster { redundancy-group 1 { node 0 priority 200; node 1 priority 100; }"
        " } }"
    )
    assert cluster_node(tree, "a") == 0
    assert cluster_node(tree, "b") == 1
    assert cluster_node(tree, "unnamed") == 0  # a lone cluster configuration is node 0's
    plain, _ = parse_text("system { host-name a; }")
    assert cluster_node(plain, "a") is None


def test_the_secondary_reads_its_own_priority_and_fabric_port(tmp_path: Path) -> None:
    device = JunosDevice(name="lon-srx-02", state_dir=tmp_path)
    apply_golden(device, "lon-srx-01")  # the cluster's one configuration
    facts = facts_from_config("lon-srx-02", device.db.committed())
    assert facts.ha is not None
    assert (facts.ha.priority, facts.ha.interface) == (100, "ge-5/0/2")
    # node 1 reports its own child ports, not node 0's
    assert "ge-5/0/4" in {i.name for i in facts.interfaces}
    assert "ge-0/0/4" not in {i.name for i in facts.interfaces}
