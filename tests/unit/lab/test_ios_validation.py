"""The IOS-XE lab captures (tests/fixtures/parse/ios/*/lab__*) through the whole proof: parsed
by the project's templates and judged by egress.validate against the intent. Also pins three
fixes to the validation the lab uncovered:

- "show ip policy" says where a route-map is attached and never its next hop (real and lab
  output alike), so the IOS policy-route check joins "show route-map" to it;
- the box that handed over in a failover drill may have lost its LAN: VRRP is then Init;
- both members of a pair judge the same hand-over of the HA role (the peer takes it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles, build_intents
from egress.parse import parse_output
from egress.parse.registry import command_slug
from egress.parse.schema import BaseRecord, Ha, Vrrp
from egress.validate import commands_for, evaluate, supporting_commands
from tests.conftest import EXAMPLE_INVENTORY
from tests.unit.parse.cases import FIXTURES

INTENTS = build_intents(
    load_nornir(EXAMPLE_INVENTORY).inventory, files=InventoryFiles.in_dir(EXAMPLE_INVENTORY)
)
IOS = FIXTURES / "ios"


def _capture(command: str, case: str) -> str:
    return (IOS / command_slug(command) / f"{case}.txt").read_text(encoding="utf-8")


def _parsed(host: str, case: str) -> dict[str, list[BaseRecord]]:
    """What egress/tasks/validate.py hands evaluate(): every feature's records, from its command and
    the commands that support it."""
    intent = INTENTS[host]
    supporting = supporting_commands(intent)
    parsed: dict[str, list[BaseRecord]] = {}
    for feature, command in commands_for(intent).items():
        parsed[feature] = []
        for each in (command, *supporting.get(feature, ())):
            parsed[feature] += parse_output(platform="ios", command=each, text=_capture(each, case))
    return parsed


def _failed(host: str, parsed: dict[str, list[BaseRecord]], **kwargs: object) -> list[str]:
    checks = evaluate(INTENTS[host], parsed, **kwargs)  # type: ignore[arg-type]
    return [
        f"{c.subject}: expected {c.expected}, observed {c.observed}" for c in checks if not c.passed
    ]


def test_the_healthy_primary_passes_every_check() -> None:
    assert _failed("ams-edge-01", _parsed("ams-edge-01", "lab__ams01_healthy")) == []


def test_the_healthy_backup_passes_its_role_checks() -> None:
    # only the role-bearing outputs were captured from ams-edge-02 (backup, standby group)
    parsed = {
        feature: list(
            parse_output(
                platform="ios", command=command, text=_capture(command, "lab__ams02_backup")
            )
        )
        for feature, command in (
            ("vrrp", "show vrrp brief"),
            ("ha_sync", "show redundancy application group all"),
        )
    }
    checks = [c for c in evaluate(INTENTS["ams-edge-02"], parsed) if c.feature in parsed]
    assert {c.feature for c in checks} == {"vrrp", "ha_sync"}
    assert [c for c in checks if not c.passed] == []


def test_a_cut_uplink_fails_bfd_probe_and_ecmp_naming_the_gateway() -> None:
    failed = _failed("ams-edge-01", _parsed("ams-edge-01", "lab__ams01_isp1_cut"))
    assert failed == [
        "vrrp 10 on GigabitEthernet2 priority: expected 110, observed 104",
        "bfd 198.51.100.1 (isp1): expected Up, observed Down",
        "probe isp1-icmp -> 192.0.2.10: expected ok, observed fail",
        "default route (ECMP over 2 links): expected 198.51.100.1, 203.0.113.1, observed "
        "203.0.113.1",
    ]


def test_show_ip_policy_alone_cannot_prove_the_next_hop() -> None:
    """The bug: with only "show ip policy" the check could never pass on a real router."""
    intent = INTENTS["ams-edge-01"]
    assert supporting_commands(intent) == {"pbr": ("show route-map",)}
    policy = parse_output(
        platform="ios",
        command="show ip policy",
        text=_capture("show ip policy", "lab__ams01_healthy"),
    )
    assert all(not p.entries for p in policy)  # type: ignore[attr-defined]
    (check,) = [c for c in evaluate(intent, {"pbr": policy}) if c.feature == "pbr"]
    assert not check.passed and check.observed == "attached, next hop "
    (check,) = [
        c
        for c in evaluate(intent, _parsed("ams-edge-01", "lab__ams01_healthy"))
        if c.feature == "pbr"
    ]
    assert check.passed and check.observed == "attached, next hop 203.0.113.1"


def test_a_route_map_not_listed_by_show_ip_policy_is_not_attached() -> None:
    intent = INTENTS["ams-edge-01"]
    route_map = parse_output(
        platform="ios",
        command="show route-map",
        text=_capture("show route-map", "lab__ams01_healthy"),
    )
    # "show ip policy" on a router where nothing is attached: the header line only
    nothing = parse_output(
        platform="ios", command="show ip policy", text="Interface      Route map\n"
    )
    (check,) = [c for c in evaluate(intent, {"pbr": [*nothing, *route_map]}) if c.feature == "pbr"]
    assert (check.passed, check.observed) == (False, "not attached")


def test_the_host_that_handed_over_may_be_init() -> None:
    intent = INTENTS["fra-edge-01"]
    init = [
        Vrrp(interface="GigabitEthernet2", group=11, state="Init", priority=150, vip="10.11.0.1")
    ]
    (state,) = [
        c for c in evaluate(intent, {"vrrp": init}) if c.subject == "vrrp 11 on GigabitEthernet2"
    ]
    assert (state.expected, state.passed) == ("Master", False)
    drill = frozenset({"fra-edge-01"})
    (state,) = [
        c
        for c in evaluate(intent, {"vrrp": init}, failover=drill)
        if c.subject == "vrrp 11 on GigabitEthernet2"
    ]
    assert (state.expected, state.passed) == ("Backup or Init", True)


@pytest.mark.parametrize("form_host", ["lon-srx-01", "lon-srx-02"])
def test_both_cluster_members_judge_the_same_hand_over(form_host: str) -> None:
    """Before: the failed-over node was expected Secondary and its peer still Secondary, so no
    state of the cluster could pass a drill."""
    drill = frozenset({"lon-srx-01"})
    intent = INTENTS[form_host]
    expected = {"lon-srx-01": "Secondary", "lon-srx-02": "Primary"}[form_host]
    for role in ("Primary", "Secondary"):
        record = Ha(in_sync=True, local_role=role)
        (check,) = [
            c
            for c in evaluate(intent, {"ha_sync": [record]}, failover=drill)
            if c.subject.endswith("role")
        ]
        assert check.passed is (role == expected), (form_host, role)


def test_a_sync_pair_drill_moves_the_redundancy_group_with_the_lan() -> None:
    """IOS box-to-box: the group tracks the LAN port and VRRP's tracks, so a drill moves it
    with the VIP: the peer must own the session table, the old primary be its standby."""
    drill = frozenset({"fra-edge-01"})
    expected = {"fra-edge-01": "Secondary", "fra-edge-02": "Primary"}
    for host in ("fra-edge-01", "fra-edge-02"):
        for role in ("Primary", "Secondary"):
            record = Ha(in_sync=True, local_role=role)
            (check,) = [
                c
                for c in evaluate(INTENTS[host], {"ha_sync": [record]}, failover=drill)
                if c.subject.endswith("role")
            ]
            assert check.passed is (role == expected[host]), (host, role)
    (check,) = [
        c
        for c in evaluate(
            INTENTS["fra-edge-01"], {"ha_sync": [Ha(in_sync=True, local_role="Secondary")]}
        )
        if c.subject.endswith("role")
    ]
    assert not check.passed  # outside a drill the primary must hold the group


def test_the_lab_captures_are_the_fixtures_of_every_validation_command() -> None:
    intent = INTENTS["ams-edge-01"]
    commands = {*commands_for(intent).values(), *supporting_commands(intent)["pbr"]}
    for command in commands:
        for case in ("lab__ams01_healthy", "lab__ams01_isp1_cut"):
            assert Path(IOS / command_slug(command) / f"{case}.txt").is_file(), (command, case)
