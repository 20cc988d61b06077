"""Fetch the running config before anything is changed. The task returns the text; the
change recorder keeps it (secrets to the vault, the rest to ``pre.cfg`` with its checksum,
``ChangeDir.write_backup``) as the task ends, before the next subtask sends anything."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from nornir.core.task import Result, Task

from egress.change.changes import PRE, sha256
from egress.change.recorder import BackupText, Record, Step
from egress.devices.connection import CONNECTION
from egress.devices.reads import running_config


@dataclass(frozen=True, slots=True)
class Backup:
    path: str  # relative to the change directory: <host>/pre.cfg
    sha256: str
    lines: int
    running: str = field(default="", repr=False)  # the text itself, for the remediation
    repaired: str = ""  # what opening the session found left over and put right


def backup_config(task: Task, *, dry_run: bool | None = None, read: str | None = None) -> Result:
    """A dry-run (``task.is_dry_run(dry_run)``) keeps the record of what was read, secrets
    masked and none kept in the vault: it sends nothing, so it restores nothing. A dry-run
    may be given ``read``, the running config this session read moments ago for the
    ownership pre-flight (the state its diff is computed from); a restore point is always
    read afresh, just before the change."""
    started = time.time()
    name = task.host.name
    device = task.host.get_connection(CONNECTION, task.nornir.config)
    dry = task.is_dry_run(dry_run)
    running: str = (
        read if dry and read is not None else running_config(str(task.host.platform), device)
    )
    digest = sha256(running)
    repaired = str(getattr(task.host.connections.get(CONNECTION), "repaired", "") or "")
    backup = Backup(
        path=f"{name}/{PRE}",
        sha256=digest,
        lines=running.count("\n"),
        running=running,
        repaired=repaired,
    )
    step = Step.ended(
        name,
        "backup",
        ok=True,
        started=started,
        sha256=digest,
        lines=backup.lines,
        repaired=repaired,
    )
    record = Record(
        name,
        backup=BackupText(running, restorable=not dry),
        steps=(step,),
        # before the backup: what a lost session left on the device, put right on opening
        said=(f"repaired on connecting: {repaired}",) if repaired else (),
    )
    return Result(host=task.host, result=backup, record=record)
