"""The IOS-XE running config read back as neutral facts agrees with the design's intent."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from egress.lab.base import LabCredentials
from egress.lab.ios.baseline import base_config
from egress.lab.ios.config import ConfigEditor, Outcome, parse_config
from egress.lab.ios.facts import facts_from_config
from egress.lab.world import DeviceFacts

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
ROUTERS = ["ams-edge-01", "ams-edge-02", "fra-edge-01", "fra-edge-02"]


@pytest.fixture(scope="module")
def intended() -> dict[str, DeviceFacts]:
    from egress.lab.intent_facts import facts_from_intent
    from egress.model.inventory import load_nornir
    from egress.model.sites import InventoryFiles, build_intents
    from tests.conftest import EXAMPLE_INVENTORY

    intents = build_intents(
        load_nornir(EXAMPLE_INVENTORY).inventory, files=InventoryFiles.in_dir(EXAMPLE_INVENTORY)
    )
    return {name: facts_from_intent(intents[name]) for name in ROUTERS if name in intents}


def _configured(name: str) -> DeviceFacts:
    path = GOLDEN / f"{name}.cfg"
    assert path.exists(), "golden config not rendered yet"
    root = parse_config(base_config(name, credentials=LabCredentials()))
    editor = ConfigEditor(root)
    for line in path.read_text().splitlines():
        assert editor.feed(line).outcome is not Outcome.REJECTED
    return facts_from_config(name, root)


@pytest.mark.parametrize("name", ROUTERS)
def test_facts_from_the_rendered_config_match_the_intent(
    name: str, intended: dict[str, DeviceFacts]
) -> None:
    assert name in intended, f"{name} is not in the example inventory"
    got, want = _configured(name), intended[name]
    # The C8000V's spare ports (and the management port, in its VRF) are extra.
    ours = {i.name: i for i in got.interfaces}
    assert "GigabitEthernet1" not in ours
    assert [ours[i.name] for i in want.interfaces] == list(want.interfaces)
    assert got.bfd == want.bfd
    assert got.routes == want.routes
    assert got.pbr == want.pbr
    assert got.probes == want.probes
    assert got.vrrp == want.vrrp
    assert got.ha is not None and want.ha is not None
    # IOS box-to-box redundancy is active/standby whatever the site's traffic mode.
    assert got.ha == dataclasses.replace(want.ha, mode="a-p")
