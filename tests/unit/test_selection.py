"""Host filters: names and globs (Ansible's --limit habit), one or several groups."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from egress.cli import app
from egress.errors import InputError
from egress.model.inventory import load_nornir
from egress.model.selection import select_hosts
from tests.conftest import EXAMPLE_INVENTORY


@pytest.fixture(scope="module")
def nr():  # type: ignore[no-untyped-def]
    return load_nornir(EXAMPLE_INVENTORY)


def names(selected) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(selected.inventory.hosts)


def test_glob_selects_every_match(nr) -> None:  # type: ignore[no-untyped-def]
    assert names(select_hosts(nr, hosts="ams-*")) == ["ams-edge-01", "ams-edge-02"]
    assert names(select_hosts(nr, hosts="ams-*,fra-edge-01")) == [
        "ams-edge-01",
        "ams-edge-02",
        "fra-edge-01",
    ]


def test_glob_matching_nothing_is_bad_input(nr) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=r"unknown host\(s\): mars-\*"):
        select_hosts(nr, hosts="mars-*")


@pytest.mark.parametrize("group", [["site_ams", "site_fra"], ["site_ams,site_fra"]])
def test_several_groups_are_a_union(nr, group) -> None:  # type: ignore[no-untyped-def]
    assert names(select_hosts(nr, group=group)) == [
        "ams-edge-01",
        "ams-edge-02",
        "fra-edge-01",
        "fra-edge-02",
    ]


def test_filters_of_different_kinds_all_apply(nr) -> None:  # type: ignore[no-untyped-def]
    assert names(select_hosts(nr, hosts="*-01", group=["site_ams", "site_lon"])) == [
        "ams-edge-01",
        "lon-srx-01",
    ]


def test_repeated_group_option_on_the_cli(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        app,
        [
            "render",
            "-i",
            str(EXAMPLE_INVENTORY),
            "--group",
            "site_ams",
            "--group",
            "site_sin",
            "--out",
            str(tmp_path),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in tmp_path.glob("*.cfg")) == [
        "ams-edge-01",
        "ams-edge-02",
        "sin-fgt-01",
        "sin-fgt-02",
    ]
