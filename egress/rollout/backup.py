"""Backing up a fleet: every selected device's running config into a change, with checksums
(``egress backup`` and a backup-only playbook)."""

from __future__ import annotations

from dataclasses import dataclass

from nornir.core import Nornir

from egress.change.changes import ChangeDir
from egress.change.recorder import ChangeRecorder
from egress.tasks.backup import Backup, backup_config


@dataclass(frozen=True, slots=True)
class HostBackup:
    host: str
    backup: Backup | None  # None: the backup failed (``error`` says why)
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.backup is not None


def backup_fleet(nr: Nornir, *, change: ChangeDir) -> dict[str, HostBackup]:
    """Back up every host of ``nr`` into ``change``; never raises for a device."""
    try:
        results = nr.with_processors([ChangeRecorder(change)]).run(
            task=backup_config, on_failed=True
        )
    finally:
        nr.close_connections(on_good=True, on_failed=True)
    return {
        host: HostBackup(host, None, multi[0].exception or RuntimeError("backup failed"))
        if multi.failed
        else HostBackup(host, multi[0].result)
        for host, multi in sorted(results.items())
    }
