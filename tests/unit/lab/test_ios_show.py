"""Show output of the IOS-XE emulator parses like real output (napalm, ntc-templates)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from netmiko.utilities import get_structured_data_textfsm

from egress.lab.base import LabCredentials, management_address
from egress.lab.ios.baseline import base_config
from egress.lab.ios.config import Node, parse_config
from egress.lab.ios.show import (
    DeviceState,
    apply_pipe,
    show_hosts,
    show_ip_interface_brief,
    show_running_config,
    show_version,
)

NOW = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)


@pytest.fixture
def base() -> Node:
    return parse_config(base_config("edge1", credentials=LabCredentials()))


def textfsm(command: str, text: str) -> list[dict[str, str]]:
    parsed = get_structured_data_textfsm(text, platform="cisco_ios", command=command)
    assert isinstance(parsed, list) and parsed, f"ntc-templates could not parse {command}"
    return parsed


def test_show_version_parses(base: Node) -> None:
    op = DeviceState(boot_time=NOW - timedelta(days=1, hours=2, minutes=3))
    text = show_version(base, op, now=NOW)
    assert "edge1 uptime is 1 day, 2 hours, 3 minutes" in text
    row = textfsm("show version", text)[0]
    assert row["hostname"] == "edge1"
    assert row["version"] == "17.9.4a"
    assert row["hardware"] == ["C8000V"]
    assert row["serial"] == ["9ABCDEFGH12"]


def test_show_ip_interface_brief_parses(base: Node) -> None:
    op = DeviceState(boot_time=NOW, links_down=frozenset({"GigabitEthernet1"}))
    rows = textfsm("show ip interface brief", show_ip_interface_brief(base, op))
    first = {k.lower(): v for k, v in rows[0].items()}
    assert first["interface"] == "GigabitEthernet1"
    # each lab router has its own management address (management_address)
    assert first["ip_address"] == management_address("edge1", network="172.31.255")
    assert first["status"] == "down"
    assert {k.lower(): v for k, v in rows[1].items()}["status"] == "administratively down"


def test_show_hosts_domain(base: Node) -> None:
    assert show_hosts(base).startswith("Default domain is lab.egress.example\n")
    assert show_hosts(Node()).startswith("Default domain is not set\n")


def test_running_config_header_and_pipes(base: Node) -> None:
    text = show_running_config(base, last_change="16:00:00 UTC Thu Nov 26 2026 by egress")
    assert text.startswith("Building configuration...\n\nCurrent configuration : ")
    assert text.endswith("!\nend\n")
    assert apply_pipe(text, "inc ip scp server enable") == "ip scp server enable\n"
    assert apply_pipe(text, "i hostname") == "hostname edge1\n"
    assert apply_pipe(text, "section archive") == "archive\n path flash:archive\n maximum 10\n"
    assert apply_pipe(text, "begin ^line vty") == (
        "line vty 0 4\n login local\n transport input ssh\n!\nend\n"
    )
    assert apply_pipe(text, "count ^interface") == "Number of lines which match regexp = 6\n"
    assert apply_pipe(text, "bogus x") is None


@pytest.mark.parametrize(
    ("release", "first_line", "train"),
    [
        ("16.12.5", "Cisco IOS XE Software, Version 16.12.05", "Gibraltar"),
        ("17.6.5", "Cisco IOS XE Software, Version 17.06.05", "Bengaluru"),
    ],
)
def test_show_version_reports_the_devices_release(
    base: Node, release: str, first_line: str, train: str
) -> None:
    op = DeviceState(boot_time=NOW - timedelta(hours=1), release=release)
    text = show_version(base, op, now=NOW)
    assert text.startswith(first_line + "\n") and f"[{train}]" in text
    assert textfsm("show version", text)[0]["version"] == release
