"""`egress lab upstream`: an ISP brownout is a state file beside links.json that the lab
network feeds to the simulation — the port and BFD stay up, the probes through it fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from egress.errors import InputError
from egress.lab.control import lab_down, lab_up, set_link, set_upstream
from egress.lab.server import LINKS_FILE, UPSTREAMS_FILE
from egress.lab.spec import LabDeviceSpec, LabSpec, SegmentSpec
from egress.lab.topology import topology_from_intents
from tests.conftest import EXAMPLE_INVENTORY
from tests.unit.lab.junos_net import JUNOS_HOSTS, example_intents, junos_network

ISP1 = ("nyc-srx-01", "ge-0/0/2")
ISP1_GATEWAY = "198.51.100.25"


def _write_spec(state: Path) -> None:
    intents = {h: i for h, i in example_intents().items() if h in JUNOS_HOSTS}
    LabSpec(
        inventory="inventory",
        devices=[LabDeviceSpec(name=h, platform="junos", port=0) for h in JUNOS_HOSTS],
        segments=[SegmentSpec.of(s) for s in topology_from_intents(intents).segments],
    ).write(state)


def _stored(state: Path) -> list[list[str]]:
    return list(json.loads((state / UPSTREAMS_FILE).read_text())["down"])


def test_a_brownout_is_stored_and_ended(tmp_path: Path) -> None:
    _write_spec(tmp_path)
    assert set_upstream(tmp_path, host=ISP1[0], interface=ISP1[1], up=False) == {ISP1}
    assert set_upstream(tmp_path, host="nyc-srx-02", interface="ge-0/0/3", up=False) == {
        ISP1,
        ("nyc-srx-02", "ge-0/0/3"),
    }
    assert _stored(tmp_path) == [list(ISP1), ["nyc-srx-02", "ge-0/0/3"]]
    assert set_upstream(tmp_path, host="nyc-srx-02", interface="ge-0/0/3", up=True) == {ISP1}
    assert set_upstream(tmp_path, host=ISP1[0], interface=ISP1[1], up=True) == frozenset()
    assert _stored(tmp_path) == []
    assert not (tmp_path / LINKS_FILE).exists()  # a brownout cuts no link


def test_a_port_may_be_named_by_its_link(tmp_path: Path) -> None:
    """Playbooks name links (isp1); the lab verbs take the link name as well as the port."""
    _write_spec(tmp_path)
    assert set_upstream(tmp_path, host=ISP1[0], interface="isp1", up=False) == {ISP1}
    assert set_link(tmp_path, host="nyc-srx-02", interface="lan", up=False) == {
        ("nyc-srx-02", "ge-0/0/1")
    }
    with pytest.raises(InputError, match="no ISP hand-off on 'ge-0/0/1'"):
        set_upstream(tmp_path, host=ISP1[0], interface="lan", up=False)


def test_only_an_isp_hand_off_can_brown_out(tmp_path: Path) -> None:
    _write_spec(tmp_path)
    with pytest.raises(InputError, match="no ISP hand-off on 'ge-0/0/1'") as raised:
        set_upstream(tmp_path, host="nyc-srx-01", interface="ge-0/0/1", up=False)  # the LAN
    assert (
        raised.value.hint
        == "ISP ports of nyc-srx-01: ge-0/0/2, ge-0/0/3 (or a link name: isp1, lan)"
    )
    with pytest.raises(InputError, match="not a lab device"):
        set_upstream(tmp_path, host="nyc-srx-09", interface="ge-0/0/2", up=False)
    assert not (tmp_path / UPSTREAMS_FILE).exists()


def test_the_network_fails_the_probe_through_a_brownout_and_keeps_bfd_up(tmp_path: Path) -> None:
    network = junos_network(tmp_path)
    healthy = network.op_state(ISP1[0])
    assert all(p.ok for p in healthy.probes)
    (tmp_path / UPSTREAMS_FILE).write_text(json.dumps({"down": [list(ISP1)]}))
    browned = network.op_state(ISP1[0])
    assert {p.name: p.ok for p in browned.probes} == {"isp1-http": False, "isp2-icmp": True}
    assert {str(b.peer): b.state for b in browned.bfd}[ISP1_GATEWAY] == "Up"
    assert ISP1[1] in browned.interfaces_up
    # the other member's probes go through its own port into the same ISP: untouched
    assert all(p.ok for p in network.op_state("nyc-srx-02").probes)


def test_fresh_forgets_brownouts(tmp_path: Path) -> None:
    state = tmp_path / "lab"
    _write_spec(state)
    set_upstream(state, host=ISP1[0], interface=ISP1[1], up=False)
    lab_up(inventory=EXAMPLE_INVENTORY, state_dir=state, fresh=True)
    try:
        assert not (state / UPSTREAMS_FILE).exists()
    finally:
        lab_down(state)


def test_faults_are_described_in_the_words_of_the_cli() -> None:
    from egress.lab.base import Faults

    assert Faults().describe() == "no faults"
    assert Faults(drop_on_commit=True, reject_pattern="bfd", slow_ms=200).describe() == (
        "drop-on-commit, reject-line 'bfd', slow 200 ms"
    )
