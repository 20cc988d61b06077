"""The frr renders of the drilled sites match their golden files (tests/golden/frr/).

The design's own timers (time_scale 1), as `egress render` would write them for frr hosts.
Golden files change only with `pytest --update-golden`; review their diff like code.
"""

from __future__ import annotations

import pytest

from egress.drill.site import load_site
from egress.render import render_device
from tests.conftest import EXAMPLE_INVENTORY, GOLDEN, TEMPLATES

_INTENTS = {
    host: intent
    for name in ("ams", "fra")
    for host, intent in load_site(EXAMPLE_INVENTORY, name, time_scale=1).intents.items()
}


@pytest.mark.parametrize("host", sorted(_INTENTS))
def test_frr_render_matches_golden(host: str, update_golden: bool) -> None:
    rendered = render_device(_INTENTS[host], templates_dir=TEMPLATES)
    golden = GOLDEN / "frr" / f"{host}.cfg"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered)
    assert golden.exists(), f"no golden file for {host}: run pytest --update-golden and review"
    assert rendered == golden.read_text(), f"{host} differs from {golden}"
