"""The BGP advertised-routes parsers (issue 19) on real captures of each command, checked
against the source project's own parse (tests/fixtures/real-captures-bgp/NOTICE.md)."""

from __future__ import annotations

import ast
import json
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

import pytest
import yaml

from egress.parse import parse_output
from egress.parse.bgp import _prefix
from egress.parse.schema import BgpRoute

CAPTURES = Path(__file__).resolve().parents[2] / "fixtures" / "real-captures-bgp"
SELF = {"0.0.0.0", "Self"}


def _genie(path: Path) -> dict[str, Any]:
    tree = ast.parse(path.read_text())
    value = tree.body[0].value  # type: ignore[attr-defined]
    result: dict[str, Any] = ast.literal_eval(value)
    return result


def _hop(value: str) -> str | None:
    return None if value in SELF else value


def _ntc(raw: Path) -> set[tuple[str, str | None]]:
    rows = yaml.safe_load(raw.with_suffix(".yml").read_text())["parsed_sample"]
    return {(_prefix(r["network"]), _hop(r["next_hop"])) for r in rows}


def _genie_iosxe(raw: Path) -> set[tuple[str, str | None]]:
    expected = _genie(raw.with_name(raw.stem + "_expected.txt"))
    arguments = json.loads(raw.with_name(raw.stem + "_arguments.json").read_text())
    neighbor = expected["vrf"]["default"]["neighbor"][arguments["neighbor"]]
    (family,) = neighbor["address_family"].values()
    return {
        (_prefix(prefix), _hop(entry["next_hop"]))
        for prefix, route in family.get("advertised", {}).items()
        for entry in route["index"].values()
    }


def _genie_junos(raw: Path) -> set[tuple[str, str | None]]:
    expected = _genie(raw.with_name(raw.stem + "_expected.txt"))
    routes = expected["route-information"]["route-table"]["rt"]
    routes = routes if isinstance(routes, list) else [routes]
    return {
        (str(IPv4Network(r["rt-destination"])), _hop(r["rt-entry"]["nh"]["to"])) for r in routes
    }


CASES = (
    [
        ("ios", "show ip bgp neighbors 192.0.2.1 advertised-routes", p, _ntc)
        for p in sorted((CAPTURES / "ios").glob("ntc_*advertised*.raw"))
    ]
    + [
        ("ios", "show ip bgp neighbors 192.0.2.1 advertised-routes", p, _genie_iosxe)
        for p in sorted((CAPTURES / "ios").glob("genie-iosxe_*.raw"))
    ]
    + [
        ("junos", "show route advertising-protocol bgp 192.0.2.1", p, _genie_junos)
        for p in sorted((CAPTURES / "junos").glob("genie_*.raw"))
    ]
)


@pytest.mark.parametrize(
    ("platform", "command", "raw", "theirs"), CASES, ids=[c[2].name for c in CASES]
)
def test_advertised_routes_agree_with_the_source_projects_parse(
    platform: str, command: str, raw: Path, theirs: Any
) -> None:
    parsed = parse_output(platform=platform, command=command, text=raw.read_text())
    records = [r for r in parsed if isinstance(r, BgpRoute)]
    assert records, "a capture of advertised routes yields records"
    assert len(records) == len(parsed), "one record kind"
    assert {(r.prefix, r.next_hop) for r in records} == theirs(raw)


def test_every_capture_is_recorded_in_the_notice() -> None:
    notice = (CAPTURES / "NOTICE.md").read_text()
    for _, _, raw, _ in CASES:
        assert f"`{raw.parent.name}/{raw.name}`" in notice


def test_the_three_commands_are_one_record_kind_on_every_vendor() -> None:
    from egress.parse import lookup

    kinds = {
        lookup(platform="ios", command="show ip bgp neighbors 203.0.113.9 advertised-routes").kind,
        lookup(platform="junos", command="show route advertising-protocol bgp 203.0.113.9").kind,
        lookup(
            platform="fortios",
            command="get router info bgp neighbors 203.0.113.9 advertised-routes",
        ).kind,
    }
    assert kinds == {"bgp_route"}


# FortiOS: no capture egress may copy (NOTICE.md); egress's own text in the 6.x and 7.x
# layouts the published captures show, with the records each must give
FORTIOS_LAYOUTS = {
    "egress_layout_6x.txt": {
        ("3.3.3.3/32", "12.12.12.3"),
        ("10.10.10.1/32", "12.12.12.3"),
        ("13.13.13.0/24", "12.12.12.3"),
    },
    "egress_layout_7x.txt": {
        ("0.0.0.0/0", "172.16.150.20"),
        ("8.0.0.0/8", "172.16.150.20"),  # classful, printed without its mask
        ("10.13.13.1/32", "10.12.12.2"),  # internal: "*>i10.13.13.1/32"
    },
}


@pytest.mark.parametrize("name", sorted(FORTIOS_LAYOUTS))
def test_fortios_advertised_routes_in_both_layouts(name: str) -> None:
    text = (CAPTURES / "fortios" / name).read_text()
    parsed = parse_output(
        platform="fortios",
        command="get router info bgp neighbors 203.0.113.41 advertised-routes",
        text=text,
    )
    assert {(r.prefix, r.next_hop) for r in parsed if isinstance(r, BgpRoute)} == (
        FORTIOS_LAYOUTS[name]
    )
    assert len(parsed) == len(FORTIOS_LAYOUTS[name])


def test_fortios_layout_files_are_said_to_be_egress_own() -> None:
    notice = (CAPTURES / "NOTICE.md").read_text()
    assert "NOT captures" in notice and "egress_layout_" in notice
