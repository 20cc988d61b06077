"""Rolling devices back to the backup a change holds: the restore tasks and one group's run,
shared by ``egress rollback`` (egress/rollout/change_rollback.py) and a playbook's rollback policy
(egress/playbook/undo.py), which differ only in which hosts they pick, in what order, and how
they word and record the outcome."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from nornir.core import Nornir
from nornir.core.task import Result, Task

from egress.change.changes import POST, ChangeDir
from egress.change.recorder import ChangeRecorder, Record, Step
from egress.change.restore_points import RestorePoints
from egress.devices.configtext import residue
from egress.devices.connection import CONNECTION
from egress.tasks.deploy import RolledBack, rollback_config


@dataclass(frozen=True, slots=True)
class Restored:
    host: str
    rolled: RolledBack | None  # None: the rollback failed (``error`` says why)
    error: BaseException | None = None


def restore_group(
    nr: Nornir, *, change: ChangeDir, hosts: Sequence[str], mirrors: bool
) -> list[tuple[str, Restored]]:
    """Restore ``hosts`` from their backups (``mirrors``: cluster members, checked against
    their own backup after their primary); their sessions are closed before this returns, so
    a primary's ends before its members are looked at. Never raises for a device."""
    wanted = set(hosts)
    task = verify_mirror if mirrors else restore
    # the backups are read here, on the client that holds the vault; the tasks get the text
    backups = RestorePoints.read(change, sorted(wanted))
    try:
        chosen = nr.filter(filter_func=lambda h: h.name in wanted)
        results = chosen.with_processors([ChangeRecorder(change)]).run(
            task=task, backups=backups, on_failed=True
        )
    finally:
        nr.close_connections(on_good=True, on_failed=True)
    return [
        (
            host,
            Restored(host, None, multi[0].exception or RuntimeError("rollback failed"))
            if multi.failed
            else Restored(host, multi[0].result),
        )
        for host, multi in sorted(results.items())
    ]


def restore(task: Task, *, backups: RestorePoints) -> Result:
    # other devices' commits do not matter here, but a confirmed commit is history: the
    # backup itself, loaded as a replace, is the exact pre-change state
    rolled: RolledBack = task.run(task=rollback_config, backups=backups, use_device_rollback=False)[
        0
    ].result
    return Result(host=task.host, result=rolled)


def verify_mirror(task: Task, *, backups: RestorePoints) -> Result:
    """A cluster member follows its primary: prove it did, against its own backup. What the
    cluster keeps per member (FGCP HA priority/override) does not sync: if only that still
    differs, the member's own backup is pushed to it and verified."""
    started = time.time()
    name = task.host.name
    backup = backups.get(name) or ""
    device = task.host.get_connection(CONNECTION, task.nornir.config)
    deadline = time.monotonic() + 10  # config sync is not instant
    while True:
        running: str = device.get_config(retrieve="running")["running"]
        left = tuple(residue(str(task.host.platform), backup, running))
        if not left or time.monotonic() >= deadline:
            break
        time.sleep(1)
    if left:
        rolled: RolledBack = task.run(
            task=rollback_config, backups=backups, use_device_rollback=False
        )[0].result
        return Result(
            host=task.host, result=RolledBack(f"cluster sync + {rolled.method}", rolled.residue)
        )
    step = Step.ended(name, "rollback", ok=True, started=started, method="cluster-sync", residue=[])
    return Result(
        host=task.host,
        result=RolledBack("cluster sync", ()),
        record=Record(name, files=((POST, running),), steps=(step,)),
    )
