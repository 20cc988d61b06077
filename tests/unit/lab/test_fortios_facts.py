"""The FortiOS running config read back as neutral facts agrees with the design's intent."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from egress.lab.fortios.device import FortiOSDevice, base_config
from egress.lab.fortios.engine import apply_script
from egress.lab.fortios.facts import facts_from_config
from egress.lab.world import DeviceFacts
from napalm_fortios.tree import parse

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
FORTIGATES = ["sin-fgt-01", "sin-fgt-02", "syd-fgt-01", "syd-fgt-02"]


@pytest.fixture(scope="module")
def intended() -> dict[str, DeviceFacts]:
    from egress.lab.intent_facts import facts_from_intent
    from egress.model.inventory import load_nornir
    from egress.model.sites import InventoryFiles, build_intents
    from tests.conftest import EXAMPLE_INVENTORY

    intents = build_intents(
        load_nornir(EXAMPLE_INVENTORY).inventory, files=InventoryFiles.in_dir(EXAMPLE_INVENTORY)
    )
    return {name: facts_from_intent(intents[name]) for name in FORTIGATES}


def _configured(name: str) -> DeviceFacts:
    path = GOLDEN / f"{name}.cfg"
    assert path.exists(), "golden config not rendered yet"
    root = parse(base_config(name))
    FortiOSDevice._mark_tables(root)
    assert apply_script(root, path.read_text()) == []
    return facts_from_config(name, root)


@pytest.mark.parametrize("name", FORTIGATES)
def test_facts_from_the_rendered_config_match_the_intent(
    name: str, intended: dict[str, DeviceFacts]
) -> None:
    got, want = _configured(name), intended[name]
    # The factory ports the design does not use (port1 management, spare ports) are extra.
    ours = {i.name: i for i in got.interfaces}
    assert [ours[i.name] for i in want.interfaces] == list(want.interfaces)
    assert got.bfd == want.bfd
    assert got.routes == want.routes
    assert got.pbr == want.pbr
    # FortiOS link-monitors have no ids (those are IOS ip sla / track numbers).
    assert got.probes == tuple(dataclasses.replace(p, track_id=None, id=None) for p in want.probes)
    # FortiOS tracks VRRP by destination (vrdst = the probe's target) and falls to one priority.
    targets = {p.name: str(p.target) for p in want.probes}
    assert [(v.interface, v.group, v.vip, v.priority, v.preempt) for v in got.vrrp] == [
        (v.interface, v.group, v.vip, v.priority, v.preempt) for v in want.vrrp
    ]
    for ours_v, want_v in zip(got.vrrp, want.vrrp, strict=True):
        assert [t.target for t in ours_v.tracks] == [targets[t.probe or ""] for t in want_v.tracks]
        assert ours_v.failed_priority == want_v.priority - sum(t.decrement for t in want_v.tracks)
    assert got.ha is not None and want.ha is not None
    if want.ha.form == "sync-pair":
        # An FGSP pair has no HA priority in FortiOS: the factory `system ha` one is reported.
        assert got.ha == dataclasses.replace(want.ha, priority=128)
    else:
        assert got.ha == want.ha


def test_bfd_needs_the_interface_to_run_it() -> None:
    root = parse(base_config("fw"))
    FortiOSDevice._mark_tables(root)
    apply_script(
        root,
        "config router static\n  edit 1\n    set gateway 192.0.2.1\n    set device port3\n"
        "    set bfd enable\n  next\nend\n",
    )
    assert facts_from_config("fw", root).bfd == ()  # `bfd global` but settings bfd disabled
    apply_script(root, "config system settings\n  set bfd enable\nend\n")
    (peer,) = facts_from_config("fw", root).bfd
    assert (str(peer.peer), peer.interface, peer.interval_ms, peer.multiplier) == (
        "192.0.2.1", "port3", 250, 3,
    )  # fmt: skip
