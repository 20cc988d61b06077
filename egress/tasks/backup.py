"""Fetch the running config and keep it (with a checksum) before anything is changed: its
secrets go to the vault, the rest to the change directory (``ChangeDir.write_backup``)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from nornir.core.task import Result, Task

from egress.change.changes import PRE, ChangeDir, record_step
from egress.devices.connection import CONNECTION


@dataclass(frozen=True, slots=True)
class Backup:
    path: str
    sha256: str
    lines: int
    running: str = field(default="", repr=False)  # the text itself, for the remediation
    repaired: str = ""  # what opening the session found left over and put right


def backup_config(task: Task, *, change: ChangeDir, restorable: bool = True) -> Result:
    """``restorable=False`` (a dry-run): the record of what was read, secrets masked and
    none kept in the vault."""
    started = time.time()
    device = task.host.get_connection(CONNECTION, task.nornir.config)
    running: str = device.get_config(retrieve="running")["running"]
    digest = change.write_backup(task.host.name, running, restorable=restorable)
    repaired = str(getattr(task.host.connections.get(CONNECTION), "repaired", "") or "")
    backup = Backup(
        path=str(change.root / task.host.name / PRE),
        sha256=digest,
        lines=running.count("\n"),
        running=running,
        repaired=repaired,
    )
    record_step(
        change,
        host=task.host.name,
        step="backup",
        ok=True,
        started=started,
        sha256=digest,
        lines=backup.lines,
        repaired=repaired,
    )
    return Result(host=task.host, result=backup)
