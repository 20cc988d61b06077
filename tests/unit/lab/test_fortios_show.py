"""What the emulated FortiGate prints: real layouts, checked with the parsers people use."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from egress.lab.base import management_address
from egress.lab.fortios import show
from egress.lab.fortios.device import FortiOSDevice, base_config
from egress.lab.fortios.engine import apply_script
from napalm_fortios.tree import Node, parse

NOW = datetime(2026, 11, 26, 16, 0, 0)
FACTS = show.SystemIdentity.for_device("FGVM01", hostname="FGVM01", booted=NOW - timedelta(hours=5))


@pytest.fixture
def running() -> Node:
    root = parse(base_config("FGVM01"))
    FortiOSDevice._mark_tables(root)
    return root


def _ntc(command: str, text: str) -> list[dict[str, str]]:
    parse_output = pytest.importorskip("ntc_templates.parse").parse_output
    result: list[dict[str, str]] = parse_output(platform="fortinet", command=command, data=text)
    return result


def test_system_status_satisfies_netmiko_and_ntc(running: Node) -> None:
    lines = show.get_system_status(running, FACTS, now=NOW)
    text = "\n".join(lines)
    # The exact checks netmiko's fortinet driver makes on connect.
    version = "\n".join(show.grep(lines, ["Version"]))
    assert re.search(r"^Version\s*:\s+.*v[78]\..*$", version, flags=re.M)
    virtual = "\n".join(show.grep(lines, ["Virtual"]))
    assert not re.search(r"Virtual domain configuration: (multiple|enable|split-task)", virtual)
    assert "Virtual domain configuration: disable" in virtual
    parsed = _ntc("get system status", text)[0]
    assert parsed["version"] == "FortiGate-VM64 v7.2.8,build1639,240313 (GA.M)"
    assert parsed["hostname"] == "FGVM01"
    assert parsed["serial_number"] == FACTS.serial
    assert parsed["current_ha_mode"] == "standalone"


def test_system_status_reports_ha_mode(running: Node) -> None:
    apply_script(running, "config system ha\n  set mode a-p\n  set group-id 7\nend\n")
    parsed = _ntc("get system status", "\n".join(show.get_system_status(running, FACTS, now=NOW)))
    assert parsed[0]["current_ha_mode"] == "a-p, primary"
    assert parsed[0]["cluster_uptime"] == "0 days, 5 hours, 0 minutes, 0 seconds"


def test_system_interface_parses_with_ntc(running: Node) -> None:
    apply_script(
        running,
        "config system interface\n  edit port2\n    set ip 10.0.0.1/24\n    set status down\n"
        "  next\nend\n",
    )
    rows = _ntc("get system interface", "\n".join(show.get_system_interface(running)))
    by_name = {row["name"]: row for row in rows}
    assert list(by_name) == ["port1", "port2", "port3", "port4", "port5"]
    # each lab FortiGate has its own management address
    assert by_name["port1"]["ip_address"] == management_address("FGVM01", network="192.168.1")
    assert by_name["port2"]["netmask"] == "255.255.255.0"
    assert by_name["port2"]["status"] == "down"
    assert by_name["port3"]["ip_address"] == "0.0.0.0"


def test_system_interface_takes_link_state_from_the_simulator(running: Node) -> None:
    lines = show.get_system_interface(running, link_up={"port3": False})
    assert "status: down" in lines[lines.index("== [ port3 ]") + 1]


def test_ha_status_standalone_and_cluster(running: Node) -> None:
    standalone = _ntc("get system ha status", "\n".join(show.get_system_ha_status(
        running, FACTS, now=NOW)))  # fmt: skip
    assert standalone[0]["ha_mode"] == "Standalone"
    apply_script(
        running,
        "config system ha\n  set mode a-p\n  set group-id 31\n  set session-pickup enable\n"
        "  set hbdev port5 50\nend\n",
    )
    peer = show.HaPeer(hostname="FGVM02", serial="FGVMEVPEER00000", primary=False)
    cluster = _ntc("get system ha status", "\n".join(show.get_system_ha_status(
        running, FACTS, now=NOW, peers=[peer])))  # fmt: skip
    assert cluster[0]["ha_mode"] == "HA A-P"
    assert cluster[0]["ha_group"] == "31"
    assert cluster[0]["ha_session_pickup_status"] == "enable"
    assert cluster[0]["ha_master_unit_name"] == "FGVM01"
    assert cluster[0]["ha_slave_unit_serial"] == "FGVMEVPEER00000"


def test_show_hides_defaults_and_full_configuration_prints_them(running: Node) -> None:
    apply_script(running, "config system console\n  set output more\nend\n")
    plain = show.show_config(running, ["system", "console"], full=False, identity=FACTS, user="x")
    assert plain == ["config system console", "end"]
    full = show.show_config(running, ["system", "console"], full=True, identity=FACTS, user="x")
    assert full == [
        "config system console",
        "    set output more",
        "    set login enable",
        "    set fortiexplorer enable",
        "end",
    ]


def test_show_whole_config_has_the_header(running: Node) -> None:
    lines = show.show_config(running, [], full=False, identity=FACTS, user="egress")
    assert lines[0] == (
        "#config-version=FGVM64-7.2.8-FW-build1639-240313:opmode=0:vdom=0:user=egress"
    )
    assert "config system interface" in lines
    assert '    set hostname "FGVM01"' in lines


def test_show_one_entry_and_unknown_paths(running: Node) -> None:
    entry = show.show_config(running, ["system", "interface", "port2"], full=False,
                             identity=FACTS, user="x")  # fmt: skip
    assert entry[:2] == ["config system interface", '    edit "port2"']
    assert entry[-2:] == ["    next", "end"]
    missing = show.show_config(running, ["system", "nothing"], full=False, identity=FACTS, user="x")
    assert missing == ["command parse error before 'nothing'", "Command fail. Return code -61"]


def test_get_console_matches_netmiko_pattern(running: Node) -> None:
    text = "\n".join(show.get_system_console(running))
    match = re.search(r"output\s+:\s+(?P<mode>\S+)\s*$", text, flags=re.M)
    assert match is not None and match.group("mode") == "more"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["Version"], ["Version: a", "Release Version Information: GA"]),
        (["-v", "Version"], ["Hostname: fw"]),
        (["-i", "hostname"], ["Hostname: fw"]),
        (["-c", "Version"], ["2"]),
    ],
    ids=["plain", "invert", "ignore-case", "count"],
)
def test_grep(args: list[str], expected: list[str]) -> None:
    lines = ["Version: a", "Hostname: fw", "Release Version Information: GA"]
    assert show.grep(lines, args) == expected


@pytest.mark.parametrize(
    ("release", "printed"), [("6.0.17", True), ("7.0.15", True), ("7.4.3", False)]
)
def test_system_interface_prints_management_ip_where_the_release_does(
    running: Node, release: str, printed: bool
) -> None:
    from egress.parse import parse_output
    from egress.parse.schema import Interface

    lines = show.get_system_interface(running, release=release)
    assert any("management-ip: " in line for line in lines) is printed
    records = parse_output(
        platform="fortios", command="get system interface", text="\n".join(lines)
    )
    port1 = next(r for r in records if isinstance(r, Interface) and r.name == "port1")
    assert port1.address == management_address("FGVM01", network="192.168.1")
    rows = {r["name"]: r for r in _ntc("get system interface", "\n".join(lines))}
    assert rows["port1"]["ip_address"] == port1.address
