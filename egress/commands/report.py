"""`egress report CHANGE-ID`: (re)build the change-window report from a change directory."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from egress.change.changes import ChangeDir
from egress.commands.deploy import ChangesOpt, JsonOpt
from egress.console import cli_errors, out
from egress.report import write_report

ChangeArg = typer.Argument(..., help="the change id (a directory in --changes-dir)")


def report_command(
    change_id: str = ChangeArg,
    changes_dir: Path = ChangesOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Write report.html (self-contained), report.md and report.json into the change
    directory; nothing is contacted and secrets are redacted."""
    with cli_errors():
        change = ChangeDir.open(changes_dir, change_id)
        paths = write_report(change.root)
    for path in paths:
        out.print(str(path), soft_wrap=True)
    if as_json:
        print(json.dumps({"change_id": change_id, "report": [str(p) for p in paths]}))
