"""lint reads rendered frr configs back: clean as rendered, and a broken one is caught."""

from __future__ import annotations

from pathlib import Path

from egress.drill.site import load_site
from egress.lint.batch import check_intents
from egress.lint.config import PARSERS
from egress.lint.registry import Scope, all_rules
from egress.model.sites import InventoryFiles
from egress.render import render_device
from tests.conftest import EXAMPLE_INVENTORY, TEMPLATES


def _lint(name: str) -> list[str]:
    site = load_site(EXAMPLE_INVENTORY, name, time_scale=1)
    rules = [r for r in all_rules().values() if r.scope is not Scope.INVENTORY]
    findings = check_intents(
        site.intents,
        rules=rules,
        templates_dir=TEMPLATES,
        files=InventoryFiles.in_dir(EXAMPLE_INVENTORY),
        site_groups={h: f"site_{name}" for h in site.intents},
        config_dir=Path("build/configs"),
    )
    return [f"{f.rule} {f.host} {f.message}" for f in findings]


def test_the_drills_frr_renders_lint_clean() -> None:
    assert _lint("ams") == []
    assert _lint("fra") == []


def test_frr_facts_come_from_frr_and_the_glue() -> None:
    site = load_site(EXAMPLE_INVENTORY, "ams", time_scale=1)
    facts = PARSERS["frr"](render_device(site.primary, templates_dir=TEMPLATES))
    assert facts.problems == []
    assert str(facts.interfaces["lan"].address) == "10.10.0.2/24"
    (vrrp,) = facts.vrrp
    assert (vrrp.interface, vrrp.group, vrrp.vip, vrrp.priority) == ("lan", 10, "10.10.0.1", 110)
    assert [t.value for t in vrrp.tracks] == ["isp1-icmp", "isp2-http"]
    assert {(b.peer, b.tx_ms, b.multiplier) for b in facts.bfd} == {
        ("198.51.100.1", 50, 3),
        ("203.0.113.1", 50, 3),
    }
    defaults = {(r.gateway, r.distance, r.bfd) for r in facts.default_routes()}
    assert defaults == {("198.51.100.1", 1, True), ("203.0.113.1", 1, True)}
    assert facts.ecmp is not None and facts.ecmp.knob.endswith("hash_policy=1")
    assert facts.ha is not None and facts.ha.peer_address == "169.254.10.2"


def test_a_vrrp_instance_without_its_tracks_and_a_stray_line_are_findings() -> None:
    site = load_site(EXAMPLE_INVENTORY, "fra", time_scale=1)
    text = render_device(site.primary, templates_dir=TEMPLATES)
    broken = text.replace("!@keepalived   isp1-tcp\n", "").replace(
        "ip forwarding\n", "ip forwarding\nrm -rf /\n!@shell true\n"
    )
    facts = PARSERS["frr"](broken)
    assert [p.kind for p in facts.problems] == ["frr.unknown", "frr.glue"]
    (vrrp,) = facts.vrrp
    assert vrrp.tracks == []


def test_the_drill_lints_before_it_builds_anything() -> None:
    from egress.drill.run import lint_site, run_drill

    site = load_site(EXAMPLE_INVENTORY, "ams")
    assert lint_site(site, inventory=EXAMPLE_INVENTORY, templates_dir=TEMPLATES) == []
    always = "nat={pools: {isp1: 100.64.1.0/30}, announce: always}"
    # run_drill returns before any namespace exists (no root needed to reach this verdict)
    result = run_drill(
        inventory=EXAMPLE_INVENTORY,
        site_name="ams",
        templates_dir=TEMPLATES,
        overrides=(always,),
    )
    assert not result.passed and result.scenarios == [] and result.pushes == []
    assert [line.split()[0] for line in result.lint] == ["E905", "E905"]
    assert result.error == "lint found 2 error(s) in the frr configs"
