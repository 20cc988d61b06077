"""What change records there are, and removing the old ones with their vault entries.

A change directory (``changes/<id>/``) and its vault entry (``$EGRESS_STATE_DIR/vault/<id>/``)
are kept until pruned: the record is the audit trail, the vault what a later
``egress rollback --change`` needs. ``prune`` removes both for changes older than the
retention, never a change that is still running (no ``summary.json`` yet, or locked).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from egress.change import vault
from egress.change.changes import META, SUMMARY

RETENTION_ENV = "EGRESS_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90
_DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    change_id: str
    path: Path
    age_days: float
    verb: str
    environment: str
    ticket: str
    operator: str
    status: str  # ok | failed | interrupted | dry-run | running (no summary yet)
    devices: int
    has_vault: bool


def retention_days(given: int | None = None) -> int:
    """``--keep-days``, else ``$EGRESS_RETENTION_DAYS``, else 90 days."""
    if given is not None:
        return given
    try:
        return int(os.environ.get(RETENTION_ENV, DEFAULT_RETENTION_DAYS))
    except ValueError:
        return DEFAULT_RETENTION_DAYS


def list_changes(changes_dir: Path, *, now: float | None = None) -> list[ChangeRecord]:
    """Every change directory, newest first."""
    now = time.time() if now is None else now
    if not changes_dir.is_dir():
        return []
    records = []
    for path in changes_dir.iterdir():
        if not path.is_dir() or path.name.startswith("."):
            continue
        meta = _json(path / META)
        summary = _json(path / SUMMARY)
        hosts = summary.get("hosts") or {}
        if not summary:
            status = "running"
        elif summary.get("dry_run"):
            status = "dry-run"
        else:
            status = str(
                summary.get("status")
                or ("failed" if any(_failed(h) for h in hosts.values()) else "ok")
            )
        records.append(
            ChangeRecord(
                change_id=path.name,
                path=path,
                age_days=round((now - path.stat().st_mtime) / _DAY, 1),
                verb=str(meta.get("verb", "")),
                environment=str(meta.get("environment", "")),
                ticket=str(meta.get("ticket", "")),
                operator=str(meta.get("operator", "")),
                status=status,
                devices=len(hosts),
                has_vault=vault.entry_path(path.name, "x").parent.is_dir(),
            )
        )
    return sorted(records, key=lambda r: r.age_days)


def to_prune(records: list[ChangeRecord], *, keep_days: int) -> list[ChangeRecord]:
    """Older than the retention and finished (a running change is never pruned)."""
    return [r for r in records if r.age_days > keep_days and r.status != "running"]


def prune(records: list[ChangeRecord]) -> None:
    """Remove each change directory and its vault entry (the vault first: a record without
    its vault can still be read; a vault entry without its record is an orphan secret)."""
    for record in records:
        folder = vault.entry_path(record.change_id, "x").parent
        if folder.is_dir():
            shutil.rmtree(folder)
        shutil.rmtree(record.path)


def _failed(host: Any) -> bool:
    return isinstance(host, dict) and str(host.get("outcome", "")) in (
        "rolled-back",
        "reverting",
        "failed-untouched",
        "failed-unknown",
    )


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
