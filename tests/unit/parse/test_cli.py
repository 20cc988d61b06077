"""`egress parse` as a typer command: JSON out, exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from egress.commands.parse import parse_command
from tests.unit.parse.cases import FIXTURES

app = typer.Typer()
app.command("parse")(parse_command)


@app.callback()
def _main() -> None:
    """A stand-in for egress.cli.app, so the command is tested on its own."""


RUNNER = CliRunner()
CAPTURE = FIXTURES / "ios" / "show_vrrp_brief" / "ntc__2.txt"


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = RUNNER.invoke(app, ["parse", *args], input=stdin)
    return result.exit_code, result.output


def test_prints_the_records_as_json() -> None:
    code, output = _run("--platform", "ios", "--command", "show vrrp brief", str(CAPTURE))
    assert code == 0
    records = json.loads(output)
    assert len(records) == 5
    assert records[0] == {
        "kind": "vrrp",
        "interface": "GigabitEthernet0/0",
        "group": 1,
        "state": "Master",
        "priority": 110,
        "vip": "10.0.1.1",
        "preempt": True,
    }


def test_reads_stdin_for_dash() -> None:
    code, output = _run("-p", "ios", "-c", "show vrrp brief", "-", stdin=CAPTURE.read_text())
    assert code == 0 and len(json.loads(output)) == 5


def test_unknown_command_exits_2_and_lists_the_known_ones() -> None:
    code, output = _run("--platform", "junos", "--command", "show vrrp brief", str(CAPTURE))
    assert code == 2
    assert "no parser for 'show vrrp brief' on junos" in output
    assert "show vrrp summary" in output


def test_unknown_platform_exits_2() -> None:
    code, output = _run("--platform", "eos", "--command", "show vrrp", str(CAPTURE))
    assert code == 2 and "unknown platform 'eos'" in output


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    code, output = _run("--platform", "ios", "--command", "show vrrp brief", str(missing))
    assert code == 2 and "cannot read" in output


def test_abbreviated_commands_as_the_cli_accepts_them() -> None:
    full = _run("--platform", "ios", "--command", "show vrrp brief", str(CAPTURE))
    short = _run("--platform", "ios", "--command", "sh vrrp br", str(CAPTURE))
    assert short == full and short[0] == 0


def test_another_vendors_output_is_named_not_an_empty_list() -> None:
    junos = FIXTURES / "junos" / "show_vrrp_summary" / "homerlabs__1.txt"
    code, output = _run("--platform", "ios", "--command", "show vrrp brief", str(junos))
    assert code == 2, output
    assert "reads as junos 'show vrrp summary'" in output
    assert "--platform junos" in output


def test_an_empty_output_is_still_an_empty_list() -> None:
    code, output = _run("--platform", "ios", "--command", "show vrrp brief", "-", stdin="\n")
    assert (code, json.loads(output)) == (0, [])
