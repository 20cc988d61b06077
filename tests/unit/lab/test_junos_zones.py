"""SRX flow mode in the lab: BFD and VRRP work only where the unit's security zone admits
them host-inbound (the facts reducer marks them, the simulation acts on the mark)."""

from __future__ import annotations

from ipaddress import IPv4Address
from pathlib import Path

import pytest

from egress.lab.junos import JunosDevice
from egress.lab.junos.config import parse_text
from egress.lab.junos.facts import accepts, host_inbound
from egress.lab.junos.setfmt import apply_set
from egress.lab.server import LabNetwork
from tests.unit.lab.junos_net import junos_network

ISP1 = IPv4Address("198.51.100.25")  # nyc's isp1 gateway, reached by ge-0/0/2
ISP2 = IPv4Address("203.0.113.25")
ZONE = "security zones security-zone"


@pytest.fixture()
def network(tmp_path: Path) -> LabNetwork:
    return junos_network(tmp_path, commit=("nyc-srx-01", "nyc-srx-02"))


def _change(network: LabNetwork, host: str, lines: str) -> JunosDevice:
    device = network.devices[host]
    assert isinstance(device, JunosDevice)
    assert apply_set(device.db.candidate, lines) == []
    device.commit(user="egress")
    return device


def test_the_rendered_zones_admit_bfd_and_vrrp(network: LabNetwork) -> None:
    device = network.devices["nyc-srx-01"]
    assert isinstance(device, JunosDevice)
    facts, op = device.network_state()
    assert all(b.accepted for b in facts.bfd) and all(g.hears_peers for g in facts.vrrp)
    assert {b.peer: b.state for b in op.bfd} == {ISP1: "Up", ISP2: "Up"}
    assert [g.state for g in op.vrrp] == ["Master"]


def test_without_host_inbound_bfd_the_session_stays_down(network: LabNetwork) -> None:
    device = _change(
        network,
        "nyc-srx-01",
        f"delete {ZONE} internet interfaces ge-0/0/2.0 host-inbound-traffic protocols bfd",
    )
    facts, op = device.network_state()
    assert {b.peer: b.accepted for b in facts.bfd} == {ISP1: False, ISP2: True}
    assert {b.peer: b.state for b in op.bfd} == {ISP1: "Down", ISP2: "Up"}
    # the BFD-guarded default route loses the next hop whose session is down
    (default,) = op.routes
    assert [h.address for h in default.next_hops] == [ISP2]


def test_a_unit_in_no_zone_takes_no_part_in_bfd(network: LabNetwork) -> None:
    device = _change(network, "nyc-srx-01", f"delete {ZONE} internet interfaces ge-0/0/3.0")
    assert {b.peer: b.state for b in device.network_state()[1].bfd} == {ISP1: "Up", ISP2: "Down"}


def test_a_backup_deaf_to_vrrp_adverts_claims_the_group(network: LabNetwork) -> None:
    # nyc-srx-02 (priority 100) no longer hears nyc-srx-01's adverts: it claims master too,
    # while nyc-srx-01 still hears (and beats) it
    backup = _change(
        network,
        "nyc-srx-02",
        f"delete {ZONE} inside interfaces ge-0/0/1.0 host-inbound-traffic protocols vrrp",
    )
    primary = network.devices["nyc-srx-01"]
    assert isinstance(primary, JunosDevice)
    assert [g.hears_peers for g in backup.network_state()[0].vrrp] == [False]
    assert [g.state for g in backup.network_state()[1].vrrp] == ["Master"]
    assert [g.state for g in primary.network_state()[1].vrrp] == ["Master"]


def test_an_interfaces_own_list_overrides_its_zones_and_all_admits_everything() -> None:
    tree, issues = parse_text(
        "security { zones {"
        " security-zone a { host-inbound-traffic { protocols { bfd; } }"
        "  interfaces { ge-0/0/1.0; ge-0/0/2.0 { host-inbound-traffic { protocols { vrrp; } } } } }"
        " security-zone b { interfaces { ge-0/0/3.0 { host-inbound-traffic {"
        "  protocols { all; bfd { except; } } } } } } } }"
    )
    assert issues == []
    inbound = host_inbound(tree)
    assert accepts(inbound, "ge-0/0/1", "bfd")  # the zone's list
    assert not accepts(inbound, "ge-0/0/2", "bfd") and accepts(inbound, "ge-0/0/2", "vrrp")
    assert accepts(inbound, "ge-0/0/3", "vrrp") and not accepts(inbound, "ge-0/0/3", "bfd")
    assert not accepts(inbound, "ge-0/0/4", "bfd")  # in no zone
