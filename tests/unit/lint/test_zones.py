"""E804 beyond its broken case: VRRP on a LAN its zone does not admit, and a unit in no zone."""

from __future__ import annotations

from pathlib import Path

from egress.lint.batch import build_views
from egress.lint.run import lint_inventory
from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles
from egress.render.batch import DesignSource
from tests.unit.lint.cases import build_tree, observed

NYC = ("nyc-srx-01", "nyc-srx-02")
LON = ("lon-srx-01", "lon-srx-02")  # an SRX chassis cluster


def _e804(tmp_path: Path, edit: dict[str, str]) -> dict[tuple[str, int | None], str]:
    inventory, templates = build_tree(
        tmp_path, ({"file": "templates/junos/interfaces.j2", **edit},)
    )
    result = lint_inventory(inventory, templates_dir=templates)
    assert {f[0] for f in observed(result.findings, tmp_path)} == {"E804"}
    return {(f.host, f.line): f.message for f in result.findings}


def test_vrrp_not_admitted_on_the_lan_is_an_error_at_the_group(tmp_path: Path) -> None:
    found = _e804(
        tmp_path,
        {
            "replace": "{% for protocol in binding.protocols %}",
            "with": '{% for protocol in binding.protocols if protocol != "vrrp" %}',
        },
    )
    # the VRRP group's first line in each nyc config (golden line 45, less the vrrp zone line)
    assert set(found) == {(h, 44) for h in NYC}
    assert (
        "security zone 'inside' does not admit vrrp host-inbound on ge-0/0/1.0"
        in found[("nyc-srx-01", 44)]
    )


def test_a_unit_in_no_zone_is_named(tmp_path: Path) -> None:
    found = _e804(
        tmp_path,
        {
            "replace": "{% for binding in device.security_zones %}",
            "with": "{% for binding in device.security_zones[1:] %}",
        },
    )
    # lon's LAN has no VRRP (a cluster): only nyc's LAN, in no zone now, is a finding
    assert set(h for h, _ in found) == set(NYC)
    assert all("ge-0/0/1.0 is in no security zone" in m for m in found.values())


def test_a_chassis_cluster_is_read_once_and_judged_for_both_nodes(tmp_path: Path) -> None:
    # an SRX chassis cluster is one configuration: egress renders the same text for both
    # nodes, lint reads it once and both views share its facts; a VRRP pair's texts differ
    inventory, templates = build_tree(tmp_path / "clean")
    nr = load_nornir(inventory)
    files = InventoryFiles.in_dir(inventory)
    source = DesignSource.of(nr.inventory, files)
    (lon_a, lon_b), (nyc_a, nyc_b) = (
        build_views(
            source.derive(hosts),
            templates_dir=templates,
            files=files,
            site_groups=source.groups,
            config_dir=tmp_path / "configs",
        )
        for hosts in (LON, NYC)
    )
    assert lon_a.text == lon_b.text and lon_a.facts is lon_b.facts
    assert nyc_a.text != nyc_b.text and nyc_a.facts is not nyc_b.facts
    # a bug in the shared text is still a finding on each node, in its own config file
    inventory, templates = build_tree(
        tmp_path / "broken",
        (
            {
                "file": "templates/junos/main.j2",
                "replace": "{% endfor %}",
                "with": "{% endfor %}\ncommit check",
            },
        ),
    )
    found = {
        (f.host, f.file.name)
        for f in lint_inventory(inventory, templates_dir=templates).findings
        if f.rule == "E111"
    }
    assert {(h, f"{h}.cfg") for h in (*LON, *NYC)} <= found
