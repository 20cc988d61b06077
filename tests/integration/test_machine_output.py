"""Machine output: with --json every verb prints one JSON document on stdout and nothing
else (progress, tables and errors go to stderr), valid against its published schema in
schemas/; in a pipe nothing is wrapped. Real processes against the lab, as `| jq` sees it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import EXAMPLE_INVENTORY, REPO
from tests.integration.conftest import Lab

SCHEMAS = REPO / "schemas"


def egress(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI as a shell pipeline runs it: stdout and stderr are pipes, not a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "egress", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "80"},
        check=False,
    )


def document(done: subprocess.CompletedProcess[str], schema: str) -> Any:
    """stdout is exactly one JSON document (what `jq .` needs), valid against its schema."""
    try:
        data = json.loads(done.stdout)  # fails if anything else shares stdout
    except json.JSONDecodeError as exc:
        raise AssertionError(
            f"{done.args[3:]}: stdout is not one JSON document ({exc}):\n"
            f"{done.stdout[:1000]}\n--- stderr:\n{done.stderr[-2000:]}"
        ) from None
    jsonschema.validate(data, json.loads((SCHEMAS / f"{schema}.schema.json").read_text()))
    return data


def test_every_schema_is_a_valid_json_schema() -> None:
    names = sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    assert names, "no schemas published"
    for name in names:
        jsonschema.Draft202012Validator.check_schema(json.loads((SCHEMAS / name).read_text()))


def test_the_change_verbs_print_pure_json_on_stdout(lab: Lab) -> None:
    diff = egress("diff", *lab.args(), "--hosts", "ams-*", "--json")
    assert diff.returncode == 0, diff.stderr
    data = document(diff, "change")
    assert set(data["hosts"]) == {"ams-edge-01", "ams-edge-02"}
    assert data["dry_run"] is True
    assert "would-change" in diff.stderr  # the people's view went to stderr

    # a timer the post-checks outlast on a busy machine would make this a timer test (the
    # lab runs 60x: 1200 s is 20 s)
    commit = egress(
        "commit", *lab.args(), "--hosts", "ams-*", "--yes", "--confirm", "1200", "--json"
    )
    assert commit.returncode == 0, commit.stderr
    committed = document(commit, "change")
    assert {h["outcome"] for h in committed["hosts"].values()} == {"committed"}

    backup = egress("backup", *lab.args(), "--hosts", "ams-edge-01", "--json")
    assert backup.returncode == 0, backup.stderr
    assert document(backup, "backup")["failed"] == []

    validate = egress(
        "validate",
        "-i",
        str(lab.inventory),
        "--lab",
        "--lab-state",
        str(lab.state),
        "--hosts",
        "ams-*",
        "--json",
    )
    assert document(validate, "validate")["hosts"].keys() == {"ams-edge-01", "ams-edge-02"}

    report = egress("report", committed["change_id"], "--changes-dir", str(lab.changes), "--json")
    assert report.returncode == 0, report.stderr
    assert len(document(report, "report")["report"]) == 3

    rollback = egress(
        "rollback", "--change", committed["change_id"], *lab.args(), "--yes", "--json"
    )
    assert rollback.returncode == 0, rollback.stderr
    assert document(rollback, "rollback")["failed"] == 0

    status = egress("lab", "status", "--state", str(lab.state), "--json")
    assert {d["name"] for d in document(status, "lab-status")} >= {"ams-edge-01"}


def test_a_dry_run_playbook_prints_pure_json(lab: Lab) -> None:
    done = egress("run", str(REPO / "playbooks" / "rollout.yaml"), *lab.args(), "--json")
    data = document(done, "run")
    assert data["dry_run"] is True and data["report"]


@pytest.mark.parametrize("flag", [["--json"], ["--format", "json"]])
def test_lint_json_under_either_spelling(flag: list[str], tmp_path: Path) -> None:
    done = egress("lint", "-i", str(EXAMPLE_INVENTORY), "--hosts", "ams-*", *flag)
    assert document(done, "lint")["summary"]["hosts"] == 2


def test_parse_prints_records_valid_against_their_schema(tmp_path: Path) -> None:
    capture = tmp_path / "brief.txt"
    capture.write_text(
        "Interface  IP-Address  OK? Method Status  Protocol\n"
        "Gi1        10.0.0.1    YES manual up      up\n"
    )
    done = egress("parse", "-p", "ios", "-c", "show ip interface brief", str(capture))
    assert document(done, "parse")[0]["name"] == "GigabitEthernet1"


def test_nothing_is_wrapped_in_a_pipe(tmp_path: Path) -> None:
    """A long error line (a path deeper than 80 columns) stays one line on stderr."""
    deep = tmp_path / ("nested-directory-" * 8) / "inventory"
    done = egress("render", "-i", str(deep))
    assert done.returncode == 2
    assert any(str(deep) in line for line in done.stderr.splitlines()), done.stderr


def test_debug_shows_the_drivers_own_exception(lab: Lab) -> None:
    from egress.lab.control import set_fault

    set_fault(lab.state, host="ams-edge-01", kind="refuse-auth")
    quiet = egress("diff", *lab.args(), "--hosts", "ams-edge-01")
    loud = egress("--debug", "diff", *lab.args(), "--hosts", "ams-edge-01")
    assert quiet.returncode == loud.returncode == 1
    assert "authentication refused" in quiet.stdout  # egress's own one line
    assert "Traceback" not in quiet.stderr
    # the driver's own words, with its traceback, only when asked for
    assert "paramiko.ssh_exception.AuthenticationException" in loud.stderr
