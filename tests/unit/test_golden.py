"""Every example host renders exactly as its golden file says.

Golden files change only with `pytest --update-golden`; review their diff like code.
"""

from __future__ import annotations

import pytest

from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles, build_intents
from egress.render import render_device
from tests.conftest import EXAMPLE_INVENTORY, GOLDEN, TEMPLATES

_nr = load_nornir(EXAMPLE_INVENTORY)
_INTENTS = build_intents(_nr.inventory, files=InventoryFiles.in_dir(EXAMPLE_INVENTORY))


@pytest.mark.parametrize("host", sorted(_INTENTS))
def test_rendered_config_matches_golden(host: str, update_golden: bool) -> None:
    rendered = render_device(_INTENTS[host], templates_dir=TEMPLATES)
    golden = GOLDEN / f"{host}.cfg"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered)
    assert golden.exists(), f"no golden file for {host}: run pytest --update-golden and review"
    assert rendered == golden.read_text(), f"{host} differs from {golden}"


def test_every_golden_file_has_a_host() -> None:
    stale = {p.stem for p in GOLDEN.glob("*.cfg")} - set(_INTENTS)
    assert not stale, f"golden files without a host in the inventory: {sorted(stale)}"
