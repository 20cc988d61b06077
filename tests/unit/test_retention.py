"""`egress changes list|prune`: records listed newest first; pruning is a dry-run unless
--yes, removes the record and its vault entry, and never a change still running."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from typer.testing import CliRunner

from egress.change import vault
from egress.change.changes import ChangeDir, ChangeMeta
from egress.cli import app
from tests.conftest import REPO


def _valid(document: object, schema: str) -> None:
    import jsonschema

    jsonschema.validate(
        document, json.loads((REPO / "schemas" / f"{schema}.schema.json").read_text())
    )


DAY = 86_400


def _change(root: Path, change_id: str, *, age_days: float, finished: bool = True) -> ChangeDir:
    change = ChangeDir.create(root, change_id)
    change.write_meta(ChangeMeta(verb="commit", operator="ops", environment="lab", ticket="CHG-7"))
    change.write_backup("ams-edge-01", "hostname x\nsnmp-server community Secret1 RO\n")
    if finished:
        change.write_json(
            "summary.json",
            {"dry_run": False, "hosts": {"ams-edge-01": {"outcome": "committed"}}},
        )
    old = time.time() - age_days * DAY
    os.utime(change.root, (old, old))
    return change


def test_list_and_prune(tmp_path: Path) -> None:
    changes = tmp_path / "changes"
    _change(changes, "old-1", age_days=120)
    _change(changes, "new-1", age_days=1)
    _change(changes, "old-running", age_days=200, finished=False)
    assert vault.entry_path("old-1", "ams-edge-01").is_file()

    listed = CliRunner().invoke(app, ["changes", "list", "--changes-dir", str(changes), "--json"])
    assert listed.exit_code == 0, listed.output
    records = json.loads(listed.stdout)
    _valid(records, "changes-list")
    assert [r["change_id"] for r in records] == ["new-1", "old-1", "old-running"]
    assert records[0]["ticket"] == "CHG-7" and records[2]["status"] == "running"

    preview = CliRunner().invoke(
        app, ["changes", "prune", "--changes-dir", str(changes), "--keep-days", "90", "--json"]
    )
    _valid(json.loads(preview.stdout), "changes-prune")
    assert json.loads(preview.stdout) == {"keep_days": 90, "removed": False, "changes": ["old-1"]}
    assert (changes / "old-1").is_dir()  # a dry-run removes nothing

    done = CliRunner().invoke(
        app, ["changes", "prune", "--changes-dir", str(changes), "--keep-days", "90", "--yes"]
    )
    assert done.exit_code == 0, done.output
    assert not (changes / "old-1").exists()
    assert not vault.entry_path("old-1", "ams-edge-01").parent.exists()
    assert (changes / "new-1").is_dir() and vault.entry_path("new-1", "ams-edge-01").is_file()
    assert (changes / "old-running").is_dir()  # never while it may still be running


def test_retention_from_the_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    changes = tmp_path / "changes"
    _change(changes, "ten-days", age_days=10)
    monkeypatch.setenv("EGRESS_RETENTION_DAYS", "7")
    preview = CliRunner().invoke(app, ["changes", "prune", "--changes-dir", str(changes), "--json"])
    assert json.loads(preview.stdout)["changes"] == ["ten-days"]
