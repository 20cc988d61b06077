"""E905 (NAT pool announced whatever the VRRP state) and the drill's report section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from egress.drill.site import load_site
from egress.errors import UnsupportedIntent
from egress.lint.facts import ConfigFacts
from egress.lint.model import DeviceView
from egress.lint.rules.nat import nat_announce_follows_vrrp
from egress.model.design import Site
from egress.model.intent import Member, build_site_intents
from egress.model.sites import InventoryFiles
from egress.report.render import write_report
from tests.conftest import EXAMPLE_INVENTORY

ALWAYS = "nat={pools: {isp1: 100.64.1.0/30, isp2: 100.64.2.0/30}, announce: always}"


def _views(overrides: tuple[str, ...]) -> list[DeviceView]:
    site = load_site(EXAMPLE_INVENTORY, "ams", overrides=overrides)
    return [
        DeviceView(
            intent=intent,
            text="",
            facts=ConfigFacts(),
            config_file=Path(f"build/configs/{intent.host}.cfg"),
            files=InventoryFiles.in_dir(EXAMPLE_INVENTORY),
            site_group="site_ams",
        )
        for intent in site.intents.values()
    ]


def test_e905_flags_a_pool_announced_whatever_the_vrrp_state() -> None:
    issues = [i for v in _views((ALWAYS,)) for i in nat_announce_follows_vrrp(v)]
    assert [i.host for i in issues] == ["ams-edge-01", "ams-edge-02"]
    assert "100.64.1.0/30, 100.64.2.0/30" in issues[0].message
    assert "follows-vrrp" in issues[0].hint
    assert issues[0].where.file == EXAMPLE_INVENTORY / "groups.yaml"


def test_e905_is_quiet_when_the_announcement_follows_vrrp() -> None:
    assert [i for v in _views(()) for i in nat_announce_follows_vrrp(v)] == []


def test_always_renders_a_static_pool_route_and_follows_vrrp_renders_keepalived_routes() -> None:
    from egress.render import render_device
    from tests.conftest import TEMPLATES

    tied = render_device(load_site(EXAMPLE_INVENTORY, "ams").primary, templates_dir=TEMPLATES)
    untied = render_device(
        load_site(EXAMPLE_INVENTORY, "ams", overrides=(ALWAYS,)).primary, templates_dir=TEMPLATES
    )
    assert "!@keepalived   blackhole 100.64.1.0/30" in tied
    assert "ip route 100.64.1.0/30 blackhole" not in tied
    assert "ip route 100.64.1.0/30 blackhole" in untied
    assert "!@keepalived   blackhole 100.64.1.0/30" not in untied
    # the `bgp:` block's prefix follows VRRP whatever the pools do (issue 19)
    assert "!@keepalived   blackhole 192.0.2.128/28" in untied


def test_a_platform_without_nat_refuses_a_nat_design() -> None:
    site = load_site(EXAMPLE_INVENTORY, "ams")
    data = site.site.model_dump(mode="json", exclude_none=True)
    data["nat"] = {"pools": {"isp1": "100.64.1.0/30"}}
    members = [
        Member(name=i.host, platform="ios", design=_design(i.host)) for i in site.intents.values()
    ]
    with pytest.raises(UnsupportedIntent) as info:
        build_site_intents(Site.model_validate(data), members)
    assert info.value.location.field == "site.nat"


def _design(host: str):  # type: ignore[no-untyped-def]
    from egress.model.design import HostDesign
    from egress.model.inventory import load_nornir

    return HostDesign.model_validate(load_nornir(EXAMPLE_INVENTORY).inventory.hosts[host].data)


def test_the_report_carries_the_drill_section_with_inline_svg(tmp_path: Path) -> None:
    root = tmp_path / "drill-ams-x"
    root.mkdir()
    scenario = {
        "name": "uplink-silent",
        "title": "isp1 of ams-edge-01 silently drops everything",
        "applicable": True,
        "reason": "",
        "passed": False,
        "rows": [
            {
                "check": "traffic outage",
                "promise": "<= 150 ms",
                "detail": "BFD 50 ms x 10",
                "limit_ms": 275.0,
                "values": [520.4],
                "passed": False,
                "unit": "ms",
                "summary": {"n": 1, "never": 0, "min": 520.4, "median": 520.4, "max": 520.4},
            }
        ],
        "lost_packets": [260],
        "revalidated": True,
        "validation_failures": [],
        "marks": {"traffic back": 520.4},
        "notes": [],
        "seconds": 4.2,
        "timeline": [[-100, 20], [0, 10], [500, 0], [600, 20]],
        "svg": {
            "width": 320,
            "height": 60,
            "points": "5,8 100,30 250,48 315,8",
            "fault_x": 50,
            "marks": [{"x": 260, "ms": 520}],
            "span_ms": [-100, 600],
        },
    }
    drill = {
        "site": "ams",
        "mode": "load-sharing",
        "hashing": "five-tuple",
        "overrides": ["bfd.multiplier=10"],
        "time_scale": 40,
        "repetitions": 1,
        "tolerance": "promise x 2 + 50 ms",
        "passed": False,
        "error": None,
        "steady_state_failures": [],
        "lint_errors": [],
        "topology_removed": True,
        "timings_s": {"total_s": 20.0},
        "pushes": [],
        "scenarios": [scenario],
    }
    (root / "drill.json").write_text(json.dumps([drill]))
    (root / "summary.json").write_text(json.dumps({"hosts": {}, "dry_run": False}))
    write_report(root)
    html = (root / "report.html").read_text()
    md = (root / "report.md").read_text()
    assert "Drill ams" in html and "<svg" in html and "<script" not in html
    assert 'points="5,8 100,30 250,48 315,8"' in html
    # Markdown cells escape "<" (no raw HTML in a ticket)
    assert "| uplink-silent | traffic outage | &lt;= 150 ms (BFD 50 ms x 10) |" in md
    assert "FAIL" in md and "bfd.multiplier=10" in md
