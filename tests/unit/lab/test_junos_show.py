"""Show output of the lab Junos against the layout of real captures."""

from __future__ import annotations

from pathlib import Path

import pytest

from egress.lab.base import management_address
from egress.lab.junos import JunosDevice
from egress.lab.junos.config import parse_text
from egress.lab.junos.show import (
    LogicalInterface,
    PhysicalInterface,
    apply_pipes,
    interfaces_from_config,
    show_configuration,
    show_interfaces_terse,
    show_version,
)

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real-outputs" / "juniper_junos"


def test_terse_columns_match_a_real_capture() -> None:
    em1 = PhysicalInterface(
        name="em1",
        admin_up=True,
        oper_up=True,
        units=(
            LogicalInterface(
                name="em1.0",
                admin_up=True,
                oper_up=True,
                families=(
                    ("inet", ("10.0.0.4/8", "172.16.64.1/2")),
                    ("inet6", ("fe80::250:56ff:fe82:ba52/64",)),
                ),
            ),
        ),
    )
    lines = show_interfaces_terse([em1]).splitlines()
    assert lines[0] == "Interface               Admin Link Proto    Local                 Remote"
    assert lines[1] == "em1                     up    up"
    assert lines[2] == "em1.0                   up    up   inet     10.0.0.4/8"
    assert lines[3] == " " * 44 + "172.16.64.1/2"
    assert lines[4] == " " * 35 + "inet6    fe80::250:56ff:fe82:ba52/64"
    capture = REAL / "show_interfaces_terse" / "genie-junos__1.raw"
    # genieparser fixture (Apache-2.0), see tests/fixtures/real-outputs/NOTICE.md
    real = [line.strip() for line in capture.read_text().splitlines()]
    assert lines[2] in real


def test_interfaces_from_config() -> None:
    tree, _ = parse_text(
        "interfaces { ge-0/0/0 { disable; unit 0 { family inet { address 192.0.2.1/24; } } }"
        " ge-0/0/1 { unit 0 { family inet { address 198.51.100.1/30; } } } }"
    )
    interfaces = interfaces_from_config(
        tree, hardware=["ge-0/0/0", "ge-0/0/1", "ge-0/0/2"], link_up=lambda n: n != "ge-0/0/2"
    )
    state = {i.name: (i.admin_up, i.oper_up) for i in interfaces}
    assert state == {
        "ge-0/0/0": (False, False),
        "ge-0/0/1": (True, True),
        "ge-0/0/2": (True, False),
    }
    assert interfaces[1].units[0].families == (("inet", ("198.51.100.1/30",)),)


def test_show_version_and_configuration() -> None:
    text = show_version(hostname="edge-j1", model="srx1500", version="21.4R3-S5.4")
    assert text.splitlines()[:3] == ["Hostname: edge-j1", "Model: srx1500", "Junos: 21.4R3-S5.4"]
    tree, _ = parse_text("system { host-name edge-j1; }")
    assert show_configuration(tree, version="21.4R3-S5.4") == (
        "version 21.4R3-S5.4;\nsystem {\n    host-name edge-j1;\n}\n"
    )


@pytest.mark.parametrize(
    "pipes, expected",
    [
        (["match ge-"], "ge-0/0/0\nge-0/0/1\n"),
        (["except ge-"], "lo0\n"),
        (["count"], "Count: 3 lines\n"),
        (["last 1"], "lo0\n"),
        (["find ge-0/0/1"], "ge-0/0/1\nlo0\n"),
        (["match ge-", "count"], "Count: 2 lines\n"),
        (["no-more"], "ge-0/0/0\nge-0/0/1\nlo0\n"),
    ],
)
def test_pipes(pipes: list[str], expected: str) -> None:
    assert apply_pipes("ge-0/0/0\nge-0/0/1\nlo0\n", pipes) == expected


def test_device_cli_without_a_session(tmp_path: Path) -> None:
    device = JunosDevice(name="edge-j9", state_dir=tmp_path)
    assert device.cli("show version").startswith("Hostname: edge-j9\n")
    assert device.cli("show configuration system | match host-name").strip() == (
        "host-name edge-j9;"
    )
    terse = device.cli("show interfaces terse | match fxp0")
    mgmt = management_address("edge-j9", network="192.168.1")  # each box has its own
    assert terse.splitlines()[-1].split() == ["fxp0.0", "up", "up", "inet", f"{mgmt}/24"]


def test_interfaces_filters_prints_the_golden_configs_filter_as_the_lab_capture(
    tmp_path: Path,
) -> None:
    from tests.unit.lab.junos_net import apply_golden
    from tests.unit.parse.cases import FIXTURES

    device = JunosDevice(name="nyc-srx-01", state_dir=tmp_path)
    apply_golden(device)
    captures = FIXTURES / "junos" / "show_interfaces_filters"
    text = device.cli("show interfaces filters")
    assert text == (captures / "lab__nyc_healthy.txt").read_text(encoding="utf-8")
    # the filter name starts under "Input Filter"; one unit alone when it is named
    header, *_ = text.splitlines()
    (line,) = [row for row in text.splitlines() if row.startswith("ge-0/0/1.0 ")]
    assert line.index("EGRESS-PBR") == header.index("Input Filter")
    assert device.cli("show interfaces filters ge-0/0/1.0").splitlines() == [header, line]
