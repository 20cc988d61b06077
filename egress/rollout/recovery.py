"""Bringing a device to a known state after its change failed: a rollback on a fresh session,
proved against the backup, or the device's own confirm timer; and devices whose pipeline was
lost with the process running it (a Dask worker killed, the scheduler gone), settled from the
client."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Mapping

from nornir.core import Nornir
from nornir.core.task import AggregatedResult, Result, Task
from nornir.plugins.runners import ThreadedRunner

from egress.change.changes import ChangeDir
from egress.change.recorder import Record, Step, note
from egress.change.restore_points import RestorePoints
from egress.devices.connection import CONNECTION
from egress.devices.device_errors import chain, describe
from egress.rollout.deploy_plan import DeployOptions, HostResult, Outcome
from egress.tasks.deploy import CommitInterrupted, RolledBack, rollback_config


def settle_lost(
    nr: Nornir, outcomes: AggregatedResult, *, change: ChangeDir, options: DeployOptions
) -> None:
    """Devices whose pipeline was lost with the process running it (a Dask worker killed,
    the scheduler gone: the runner marks their result ``lost``) are brought to a known
    state from here: rolled back to the backup the record holds (a commit the device is
    still waiting to have confirmed is reverted now), or left untouched when no backup was
    taken (nothing is sent before it). Their results are replaced by the outcome."""
    lost = sorted(h for h, multi in outcomes.items() if getattr(multi[0], "lost", False))
    if not lost:
        return
    why = {h: str(outcomes[h][0].result) for h in lost}
    # on the client itself: the runner that lost them may be gone too
    here = nr.filter(filter_func=lambda h: h.name in set(lost)).with_runner(
        ThreadedRunner(num_workers=int(nr.config.runner.options.get("num_workers", 20)))
    )
    try:
        settled = here.run(
            task=_recover_lost_device,
            backups=restore_points(change, lost),
            options=options,
            why=why,
            on_failed=True,
        )
    finally:
        here.close_connections(on_good=True, on_failed=True)
    for host, multi in settled.items():
        if not multi.failed:
            outcomes[host] = multi


def _recover_lost_device(
    task: Task, *, backups: RestorePoints, options: DeployOptions, why: Mapping[str, str]
) -> Result:
    name = task.host.name
    started = time.time()
    failure = why[name]

    def done(outcome: Outcome, message: str = "", diff_lines: int = 0) -> Result:
        said = outcome.value + (f": {message}" if message else "")
        return Result(
            host=task.host,
            result=HostResult(name, outcome, message, diff_lines, round(time.time() - started, 2)),
            record=Record(name, said=(said,)),
        )

    step = Step.ended(name, "failure", ok=False, started=started, kind="lost", message=failure)
    if not options.commit or (name not in backups.texts and name not in backups.lost):
        # a dry-run sends nothing; a commit sends nothing before the backup is recorded
        task.run(task=note, record=Record(name, steps=(step,)))
        return done(Outcome.FAILED_UNTOUCHED, f"{failure}; nothing was sent to it")
    task.run(task=note, record=Record(name, steps=(step,), said=(f"{failure}; rolling back",)))
    return recover(task, backups=backups, failure=failure, options=options, done=done)


def restore_points(change: ChangeDir, hosts: Iterable[str]) -> RestorePoints:
    """The backups already in the change (a cluster member's, taken before its primary
    changed it by config sync), read here on the client: the device pipeline backs up only
    the others, and rolls back to these."""
    return RestorePoints.read(change, sorted(h for h in hosts if change.has_backup(h)))


def commit_attempted(exc: BaseException) -> bool:
    return any(isinstance(e, CommitInterrupted) for e in chain(exc))


def recover(
    task: Task,
    *,
    backups: RestorePoints,
    failure: str,
    options: DeployOptions,
    done: Callable[..., Result],
    timer_fired: bool = False,
) -> Result:
    """After a failed or interrupted commit: roll back on a fresh session and prove it."""
    with contextlib.suppress(Exception):  # the old session may already be gone
        task.host.close_connection(CONNECTION)
    try:
        rolled: RolledBack = task.run(task=rollback_config, backups=backups)[0].result
    except Exception as exc:  # noqa: BLE001
        reason = describe(exc).message
        if options.confirm_s and options.commit:
            return done(
                Outcome.REVERTING,
                f"{failure}; rollback failed ({reason}); its confirm "
                f"timer restores the pre-change config within "
                f"{options.confirm_s} s",
            )
        return done(Outcome.FAILED_UNKNOWN, f"{failure}; rollback failed: {reason}")
    if rolled.method == "none" and timer_fired:
        # the device's own timer did the rollback; egress proved it by the backup
        return done(
            Outcome.ROLLED_BACK,
            f"{failure}; the device's confirm timer had already restored the pre-change "
            "config (its running config equals the backup)",
        )
    if rolled.method == "none":
        return done(
            Outcome.FAILED_UNTOUCHED,
            f"{failure}; the device never took the change (its running config equals the backup)",
        )
    if rolled.residue:
        return done(
            Outcome.FAILED_UNKNOWN,
            f"{failure}; after rollback still different: {'; '.join(rolled.residue[:5])}",
        )
    if rolled.method == "on-open":
        return done(
            Outcome.ROLLED_BACK,
            f"{failure}; restored by device rollback when the next session opened "
            "(verified against the backup)",
        )
    return done(Outcome.ROLLED_BACK, f"{failure}; restored by {rolled.method} rollback")
