"""The Junos lab's show output read by a parser the project did not write (ntc-templates,
TextFSM written against real devices): the values must be the ones the device holds."""

from __future__ import annotations

from pathlib import Path

from ntc_templates.parse import parse_output

from egress.lab.junos.device import JunosDevice


def test_show_version_parses_with_ntc(tmp_path: Path) -> None:
    device = JunosDevice(name="nyc-srx-01", state_dir=tmp_path)
    (row,) = parse_output(
        platform="juniper_junos", command="show version", data=device.cli("show version")
    )
    assert row["hostname"] == "nyc-srx-01"
    assert row["model"].lower() == device.model
    assert row["junos_version"] == device.version


def test_show_system_uptime_parses_with_ntc(tmp_path: Path) -> None:
    device = JunosDevice(name="nyc-srx-01", state_dir=tmp_path)
    (row,) = parse_output(
        platform="juniper_junos",
        command="show system uptime",
        data=device.cli("show system uptime"),
    )
    booted = device.cli("show system uptime").split("System booted: ")[1]
    assert (row["boot_year"], row["boot_month"], row["boot_day"]) == tuple(booted[:10].split("-"))
    assert row["time_source"] == "LOCAL CLOCK"
    assert row["last_config_user"] == "root"


def test_a_cluster_members_show_version_lists_both_nodes(tmp_path: Path) -> None:
    from tests.unit.lab.junos_net import junos_network

    network = junos_network(tmp_path, commit=("lon-srx-01", "lon-srx-02"))
    device = network.devices["lon-srx-01"]
    assert isinstance(device, JunosDevice)
    text = device.cli("show version")
    # ntc-templates' juniper_junos_show_version_srx_cluster.raw: "node0:" / "node1:" blocks
    assert text.startswith("node0:\n" + "-" * 74 + "\nHostname: lon-srx-01\n")
    assert "\nnode1:\n" + "-" * 74 + "\nHostname: lon-srx-02\n" in text
    rows = parse_output(platform="juniper_junos", command="show version", data=text)
    # ntc keeps one row per output, the last node's, as it does for the real capture
    assert [(r["hostname"], r["junos_version"]) for r in rows] == [("lon-srx-02", device.version)]
    assert device.version == "22.2R3-S2"  # the example inventory's release for lon


def test_chassis_cluster_status_parses_with_ntc(tmp_path: Path) -> None:
    from tests.unit.lab.junos_net import junos_network

    network = junos_network(tmp_path, commit=("lon-srx-01", "lon-srx-02"))
    device = network.devices["lon-srx-01"]
    assert isinstance(device, JunosDevice)
    view = device.cluster_view()
    assert view is not None
    text = device.cli("show chassis cluster status")
    assert text.rstrip().endswith("{primary:node0}")  # the CLI's node banner, as PyEZ reads it
    # netmiko (which ntc-templates' captures come through) drops the "{primary:node0}" context
    # line (JuniperBase.strip_context_items); do the same before ntc reads the text
    text = "\n".join(line for line in text.splitlines() if not line.startswith("{primary:"))
    rows = parse_output(platform="juniper_junos", command="show chassis cluster status", data=text)
    assert [int(r["redundancy_group_id"]) for r in rows] == [g for g, _, _ in view.groups]
    for row, (_, nodes, _) in zip(rows, view.groups, strict=True):
        assert row["node"] == [n.name for n in nodes]
        assert row["priority"] == [str(n.priority) for n in nodes]
        assert set(row["status"]) <= {"primary", "secondary", "lost", "disabled"}
        assert "primary" in row["status"]
