"""The lab's network simulation on the example design: elections, sessions, probes, ECMP."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from egress.lab.intent_facts import facts_from_intent
from egress.lab.topology import topology_from_intents
from egress.lab.world import OpState, simulate
from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles, build_intents
from tests.conftest import EXAMPLE_INVENTORY

_INTENTS = build_intents(
    load_nornir(EXAMPLE_INVENTORY).inventory, files=InventoryFiles.in_dir(EXAMPLE_INVENTORY)
)
FACTS = {name: facts_from_intent(intent) for name, intent in _INTENTS.items()}
TOPOLOGY = topology_from_intents(_INTENTS)


def _run(*cut: tuple[str, str]) -> dict[str, OpState]:
    return simulate(FACTS, TOPOLOGY, links_down=frozenset(cut))


def test_designed_network_is_healthy() -> None:
    states = _run()
    assert states["ams-edge-01"].vrrp[0].state == "Master"
    assert states["ams-edge-02"].vrrp[0].state == "Backup"
    for name, state in states.items():
        assert all(b.state == "Up" for b in state.bfd), name
        assert all(p.ok for p in state.probes), name
        assert state.pbr_active, name
    (default,) = states["ams-edge-01"].routes
    assert len(default.next_hops) == 2  # load-sharing: ECMP over both ISPs
    (default,) = states["fra-edge-01"].routes
    assert [str(h.address) for h in default.next_hops] == ["198.51.100.9"]  # active-standby
    assert states["syd-fgt-01"].ha and states["syd-fgt-01"].ha.in_sync
    assert states["lon-srx-01"].ha and states["lon-srx-01"].ha.local_role == "Primary"
    assert states["lon-srx-02"].ha and states["lon-srx-02"].ha.local_role == "Secondary"


def test_cutting_an_uplink_downs_bfd_probe_and_its_ecmp_path() -> None:
    states = _run(("ams-edge-01", "GigabitEthernet3"))
    one = states["ams-edge-01"]
    assert {str(b.peer): b.state for b in one.bfd} == {"198.51.100.1": "Down", "203.0.113.1": "Up"}
    assert {p.name: p.ok for p in one.probes} == {"isp1-icmp": False, "isp2-http": True}
    (default,) = one.routes
    assert [str(h.address) for h in default.next_hops] == ["203.0.113.1"]
    # one link of two lost in load-sharing: the primary keeps the gateway
    assert one.vrrp[0].state == "Master"
    # the peer is untouched
    assert len(states["ams-edge-02"].routes[0].next_hops) == 2


def test_active_standby_falls_back_to_the_backup_link() -> None:
    states = _run(("fra-edge-01", "GigabitEthernet3"))
    (default,) = states["fra-edge-01"].routes
    assert [str(h.address) for h in default.next_hops] == ["203.0.113.9"]
    # losing the primary link hands the gateway to the peer
    assert states["fra-edge-01"].vrrp[0].state == "Backup"
    assert states["fra-edge-02"].vrrp[0].state == "Master"


def test_cutting_the_primarys_lan_moves_vrrp_mastership() -> None:
    states = _run(("nyc-srx-01", "ge-0/0/1"))
    assert states["nyc-srx-01"].vrrp[0].state == "Init"
    assert states["nyc-srx-02"].vrrp[0].state == "Master"


def test_cutting_the_ha_link_breaks_sync() -> None:
    states = _run(("syd-fgt-01", "port5"))
    assert states["syd-fgt-01"].ha and not states["syd-fgt-01"].ha.in_sync
    assert states["syd-fgt-02"].ha and not states["syd-fgt-02"].ha.in_sync


@pytest.mark.parametrize("field", ["group_id", "peer"])
def test_ha_sync_needs_both_members_to_agree(field: str) -> None:
    from dataclasses import replace

    one = FACTS["syd-fgt-01"]
    assert one.ha is not None
    wrong = {"group_id": 99, "peer": IPv4Address("169.254.31.3")}[field]
    facts = {**FACTS, "syd-fgt-01": replace(one, ha=replace(one.ha, **{field: wrong}))}
    states = simulate(facts, TOPOLOGY)
    assert states["syd-fgt-01"].ha and not states["syd-fgt-01"].ha.in_sync
    assert states["syd-fgt-02"].ha and not states["syd-fgt-02"].ha.in_sync


def _rg_roles(states: dict[str, OpState], *hosts: str) -> dict[str, tuple[str, int | None]]:
    roles = {}
    for host in hosts:
        ha = states[host].ha
        assert ha is not None and ha.in_sync, host
        roles[host] = (ha.local_role, ha.effective_priority)
    return roles


def test_the_ios_redundancy_group_follows_the_lan_and_returns_with_it() -> None:
    fra = ("fra-edge-01", "fra-edge-02")
    assert _rg_roles(_run(), *fra) == {
        "fra-edge-01": ("Primary", 150),
        "fra-edge-02": ("Secondary", 100),
    }
    # the primary's LAN port goes: its track takes 60 off, the peer (preempt) takes the group
    cut = _run(("fra-edge-01", "GigabitEthernet2"))
    assert cut["fra-edge-02"].vrrp[0].state == "Master"
    assert _rg_roles(cut, *fra) == {
        "fra-edge-01": ("Secondary", 90),
        "fra-edge-02": ("Primary", 100),
    }
    ha = cut["fra-edge-02"].ha
    assert ha is not None and ha.peer_priority == 90  # the hellos carry the lowered priority
    # the LAN is back: the primary's priority is whole again and preemption returns the group
    assert _rg_roles(_run(), *fra)["fra-edge-01"] == ("Primary", 150)


def test_the_ios_redundancy_group_moves_with_vrrp_on_the_primary_link() -> None:
    # active-standby: the isp1 probe's track hands over the VIP, and the group with it
    cut = _run(("fra-edge-01", "GigabitEthernet3"))
    assert cut["fra-edge-02"].vrrp[0].state == "Master"
    assert _rg_roles(cut, "fra-edge-01", "fra-edge-02")["fra-edge-02"] == ("Primary", 100)
    # load sharing: one link of two keeps both the VIP and the group
    cut = _run(("ams-edge-01", "GigabitEthernet3"))
    assert cut["ams-edge-01"].vrrp[0].state == "Master"
    assert _rg_roles(cut, "ams-edge-01", "ams-edge-02")["ams-edge-01"] == ("Primary", 124)


def test_fgsp_roles_ignore_the_lan() -> None:
    # FortiOS FGSP peers track nothing: cutting a LAN port changes no HA state
    base = _run()
    cut = _run(("syd-fgt-01", _INTENTS["syd-fgt-01"].vrrp[0].interface))
    for host in ("syd-fgt-01", "syd-fgt-02"):
        assert cut[host].ha == base[host].ha, host
