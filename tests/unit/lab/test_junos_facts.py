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
    # Junos VRRP tracks the /32 that each probe's ``preferred-route withdraw`` policy holds
    # up (``track route … priority-cost``): read back, it follows the probe, as on IOS.
    assert got.vrrp == want.vrrp
    assert any(g.tracks for g in want.vrrp) or not want.vrrp


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


def test_a_tracked_route_follows_the_probe_whose_withdraw_policy_holds_it() -> None:
    vrrp = "interfaces { ge-0/0/1 { unit 0 { family inet { address 10.0.0.2/24 { vrrp-group 1 {"
    tree, issues = parse_text(
        "services { rpm { probe OWN { test far { target address 192.0.2.7; next-hop 10.1.0.1; }"
        " test near { target address 192.0.2.8; next-hop 10.1.0.1; } } }"
        " ip-monitoring {"
        " policy FAILOVER { match { rpm-probe OWN; } then { preferred-route {"
        " route 0.0.0.0/0 next-hop 10.2.0.1; } } }"
        " policy HOLD { match { rpm-probe OWN; } then { preferred-route { withdraw;"
        " route 192.0.2.8/32 next-hop 10.1.0.1; route 203.0.113.0/24 next-hop 10.1.0.1; } } }"
        " } }"
        f" {vrrp} virtual-address 10.0.0.1; track {{"
        " route 192.0.2.8/32 routing-instance default priority-cost 20;"
        " route 203.0.113.0/24 routing-instance default priority-cost 7;"
        " route 0.0.0.0/0 routing-instance default priority-cost 3;"
        " interface ge-0/0/2 priority-cost 5; } } } } } } }"
    )
    assert issues == []
    (group,) = facts_from_config("x", tree).vrrp
    assert set(group.tracks) == {
        VrrpTrackFacts(20, probe="near"),  # the owner's test aimed at the route
        VrrpTrackFacts(7, probe="far"),  # else the owner's first test
        VrrpTrackFacts(3),  # held by no withdraw policy: always there
        VrrpTrackFacts(5, interface="ge-0/0/2"),
    }
