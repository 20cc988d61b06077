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
