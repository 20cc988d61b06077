"""Bad input ends with exit code 2, a one-screen message naming file, line, host and field,
and no output for that host."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egress.cli import app
from tests.conftest import EXAMPLE_INVENTORY, TEMPLATES


@dataclass(frozen=True)
class Case:
    id: str
    file: str  # inventory file (or templates/<path>) to edit
    old: str
    new: str
    expect: tuple[str, ...]  # every string must appear in the error output
    line_of: str | None = None  # the error must name the line of the edited file holding this
    no_output_for: str = "ams-edge-01"


CASES = [
    Case(
        # the typo is the group's: the error names groups.yaml, not a host of the group
        "platform-typo-in-group",
        "groups.yaml",
        "  platform: fortios",
        "  platform: fortiox",
        ("unknown platform 'fortiox' in group 'fortios'", "groups.yaml", "field: platform"),
        line_of="platform: fortiox",
        no_output_for="sin-fgt-01",
    ),
    Case(
        "os-release-of-no-known-train",
        "hosts.yaml",
        'os_release: "17.6.5"',
        'os_release: "12.4.24"',
        ("not one whose show output egress reads", "ams-edge-02", "field: data.os_release"),
        line_of='os_release: "12.4.24"',
        no_output_for="ams-edge-02",
    ),
    Case(
        "os-release-not-a-release",
        "hosts.yaml",
        'os_release: "17.6.5"',
        'os_release: "latest"',
        ("ams-edge-02", "os_release"),
        line_of='os_release: "latest"',
        no_output_for="ams-edge-02",
    ),
    Case(
        "zone-name-with-space",
        "groups.yaml",
        "security_zones: {lan: inside, uplinks: internet}",
        'security_zones: {lan: "in side", uplinks: internet}',
        ("would inject config", "' '", "nyc-srx-01", "field: site.security_zones.lan"),
        line_of='"in side"',
        no_output_for="nyc-srx-01",
    ),
    Case(
        "zone-name-with-newline",
        "groups.yaml",
        "security_zones: {lan: inside, uplinks: internet}",
        'security_zones: {lan: inside, uplinks: "internet\\nset system root-authentication"}',
        ("would inject config", "'\\n'", "field: site.security_zones.uplinks"),
        line_of="root-authentication",
        no_output_for="nyc-srx-01",
    ),
    Case(
        "zone-name-typo-key",
        "groups.yaml",
        "security_zones: {lan: inside, uplinks: internet}",
        "security_zones: {lan: inside, uplink: internet}",
        ("field: site.security_zones.uplink", "nyc-srx-01"),
        line_of="uplink: internet",
        no_output_for="nyc-srx-01",
    ),
    Case(
        "malformed-yaml",
        "hosts.yaml",
        "  groups: [site_ams, ios]\n  data:\n    role: primary",
        "  groups: [site_ams, ios\n  data:\n    role: primary",
        ("malformed YAML", "in top-level entry 'ams-edge-01'"),
        line_of="groups: [site_ams, ios\n  data:",
    ),
    Case(
        "unknown-platform",
        "hosts.yaml",
        "ams-edge-01:\n  hostname: 10.255.10.11\n",
        "ams-edge-01:\n  hostname: 10.255.10.11\n  platform: nxos\n",
        ("unknown platform 'nxos'", "host:  ams-edge-01", "field: platform", "ios, junos, fortios"),
        line_of="platform: nxos",
    ),
    Case(
        "missing-required-field",
        "hosts.yaml",
        "    role: primary\n    interfaces:\n"
        "      lan: {name: GigabitEthernet2, address: 10.10.0.2}",
        "    interfaces:\n      lan: {name: GigabitEthernet2, address: 10.10.0.2}",
        ("role: required field missing", "host:  ams-edge-01", "field: role"),
        line_of="ams-edge-01:\n  hostname: 10.255.10.11\n  groups: [site_ams, ios]\n  data:",
    ),
    Case(
        "invalid-ip",
        "hosts.yaml",
        "address: 10.10.0.2}",
        "address: 10.10.0.300}",
        ("host:  ams-edge-01", "field: interfaces.lan.address", "10.10.0.300"),
        line_of="10.10.0.300",
    ),
    Case(
        "invalid-prefix",
        "groups.yaml",
        "prefix: 10.10.0.0/24",
        "prefix: 10.10.0.0/33",
        ("field: site.lan.prefix", "ams-edge-01", "10.10.0.0/33"),
        line_of="10.10.0.0/33",
    ),
    Case(
        "vip-outside-subnet",
        "groups.yaml",
        "vip: 10.10.0.1,",
        "vip: 10.99.0.1,",
        (
            "field: site.lan",
            "VRRP virtual address 10.99.0.1 is not a usable address in 10.10.0.0/24",
        ),
        line_of="vip: 10.99.0.1",
    ),
    Case(
        "same-vrrp-priority",
        "hosts.yaml",
        "ams-edge-02:\n  hostname: 10.255.10.12\n  groups: [site_ams, ios]\n  data:\n",
        "ams-edge-02:\n  hostname: 10.255.10.12\n  groups: [site_ams, ios]\n  data:\n"
        "    vrrp_priority: 110\n",
        ("VRRP priority 110", "host:  ams-edge-02", "field: data.vrrp_priority"),
        line_of="vrrp_priority: 110",
    ),
    Case(
        "newline-injection",
        "hosts.yaml",
        "lan: {name: GigabitEthernet2, address: 10.10.0.2}",
        "lan: {name: GigabitEthernet2, address: 10.10.0.2, "
        'description: "LAN\\nusername x privilege 15"}',
        ("would inject config", "'\\n'", "field: interfaces.lan.description"),
        line_of="privilege 15",
    ),
    Case(
        "quote-injection",
        "groups.yaml",
        "provider: KPN,",
        'provider: "KPN\\" set x",',
        ("would inject config", "'\"'", "field: site.links.0.provider"),
        line_of="set x",
    ),
    Case(
        "undefined-template-variable",
        "templates/ios/vrrp.j2",
        "  priority {{ group.priority }}",
        "  priority {{ group.priority_level }}",
        ("undefined variable", "host:  ams-edge-01", "field: priority_level"),
        line_of="priority_level",
    ),
]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE_INVENTORY, tmp_path / "inventory")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    return tmp_path


def _edit(workspace: Path, case: Case) -> Path:
    path = (
        workspace / case.file
        if case.file.startswith("templates/")
        else (workspace / "inventory" / case.file)
    )
    text = path.read_text()
    assert text.count(case.old) == 1, f"edit anchor not unique in {case.file}: {case.old!r}"
    path.write_text(text.replace(case.old, case.new))
    return path


def _line_of(path: Path, marker: str) -> int:
    text = path.read_text()
    assert marker in text, marker
    # the line on which the marker's last line sits
    return text[: text.index(marker) + len(marker)].count("\n") + 1


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_exits_2_naming_file_line_host_field(workspace: Path, case: Case) -> None:
    edited = _edit(workspace, case)
    out_dir = workspace / "out"
    result = CliRunner().invoke(
        app,
        [
            "render",
            "-i",
            str(workspace / "inventory"),
            "--out",
            str(out_dir),
            "--templates",
            str(workspace / "templates"),
        ],
        env={"COLUMNS": "200"},
    )
    output = result.output
    assert result.exit_code == 2, output
    for expected in case.expect:
        assert expected in output, f"{expected!r} not in:\n{output}"
    if case.line_of is not None:
        where = f"{edited.name}:{_line_of(edited, case.line_of)}"
        assert where in output, f"{where!r} not in:\n{output}"
    assert len(output.splitlines()) <= 25, "the message must fit one screen"
    assert not (out_dir / f"{case.no_output_for}.cfg").exists()


def test_valid_inventory_renders_every_host(workspace: Path) -> None:
    out_dir = workspace / "out"
    result = CliRunner().invoke(
        app,
        ["render", "-i", str(workspace / "inventory"), "--out", str(out_dir)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert len(list(out_dir.glob("*.cfg"))) == 12
    assert "rendered 12/12 hosts (12 changed)" in result.output


def test_password_in_inventory_is_refused(workspace: Path) -> None:
    hosts = workspace / "inventory" / "hosts.yaml"
    hosts.write_text(
        hosts.read_text().replace(
            "ams-edge-01:\n  hostname: 10.255.10.11\n",
            "ams-edge-01:\n  hostname: 10.255.10.11\n  password: hunter2hunter2\n",
        )
    )
    result = CliRunner().invoke(
        app,
        ["render", "-i", str(workspace / "inventory"), "--out", str(workspace / "out")],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 2
    assert "password must not be stored in the inventory" in result.output
    assert "hosts.yaml:6" in result.output
    assert "hunter2" not in result.output


def test_unknown_host_filter_is_bad_input(workspace: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "render",
            "-i",
            str(workspace / "inventory"),
            "--hosts",
            "nope-01",
            "--out",
            str(workspace / "out"),
        ],
    )
    assert result.exit_code == 2
    assert "unknown host(s): nope-01" in result.output


def test_filters_render_only_the_selected_hosts(workspace: Path) -> None:
    out_dir = workspace / "out"
    result = CliRunner().invoke(
        app,
        [
            "render",
            "-i",
            str(workspace / "inventory"),
            "--platform",
            "junos",
            "--out",
            str(out_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in out_dir.glob("*.cfg")) == [
        "lon-srx-01",
        "lon-srx-02",
        "nyc-srx-01",
        "nyc-srx-02",
    ]


def test_one_member_of_a_pair_renders_alone(workspace: Path) -> None:
    out_dir = workspace / "out"
    result = CliRunner().invoke(
        app,
        [
            "render",
            "-i",
            str(workspace / "inventory"),
            "--hosts",
            "ams-edge-01",
            "--out",
            str(out_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert [p.stem for p in out_dir.glob("*.cfg")] == ["ams-edge-01"]


def test_a_bad_site_in_a_large_parallel_render_writes_nothing(tmp_path: Path) -> None:
    from bench.gen_inventory import generate

    inventory = generate(tmp_path / "inventory", devices=600)
    groups = inventory / "groups.yaml"
    text = groups.read_text()
    # the last site is validated by the last worker: every other worker must still not write
    marker = "vip: 10.1.43.1"
    assert text.count(marker) == 1
    groups.write_text(text.replace(marker, "vip: 10.99.0.1"))
    out_dir = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["render", "-i", str(inventory), "--out", str(out_dir), "--workers", "2"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 2, result.output
    assert "VRRP virtual address 10.99.0.1" in result.output
    assert "groups.yaml:" in result.output
    assert list(out_dir.glob("*.cfg")) == []


def test_a_large_parallel_render_writes_every_host(tmp_path: Path) -> None:
    from bench.gen_inventory import generate

    inventory = generate(tmp_path / "inventory", devices=600)
    out_dir = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["render", "-i", str(inventory), "--out", str(out_dir), "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    assert len(list(out_dir.glob("*.cfg"))) == 600
