"""The playbook's rollback policy: which committed devices to restore after a failure, and
restoring them (last batch first, so a pair's primary goes back before its secondary)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from nornir.core import Nornir
from nornir.core.task import Result, Task

from egress.change.changes import POST, ChangeDir, record_step
from egress.deploy import ChangeResult, HostResult, Outcome
from egress.devices.configtext import residue
from egress.devices.connection import CONNECTION
from egress.devices.device_errors import describe
from egress.playbook.model import RollbackPolicy
from tasks.deploy import RolledBack, rollback_config

Say = Callable[[str, str], None]
_KEPT = (Outcome.COMMITTED, Outcome.MIRRORED)
# outcomes that are a device failure (SKIPPED is the budget's doing, not the device's)
_FAILURES = tuple(o for o in Outcome if o.failed and o is not Outcome.SKIPPED)


def to_roll_back(
    result: ChangeResult, *, batches: Sequence[Sequence[str]], policy: RollbackPolicy
) -> dict[str, str]:
    """host -> why it is rolled back, for the committed devices the policy sends back."""
    failed = sorted(h for h, r in result.hosts.items() if r.outcome in _FAILURES)
    if not failed or policy is RollbackPolicy.FAILED:
        return {}
    kept = {h for h, r in result.hosts.items() if r.outcome in _KEPT}
    if policy is RollbackPolicy.ALL:
        reason = f"rollback: all - {', '.join(failed)} failed in this run"
        return {h: reason for h in sorted(kept)}
    chosen: dict[str, str] = {}
    for number, batch in enumerate(batches, 1):
        bad = [h for h in batch if h in failed]
        if bad:
            reason = f"rollback: batch - batch {number} had a failure ({', '.join(bad)})"
            chosen.update({h: reason for h in batch if h in kept})
    return chosen


def roll_back(
    nr: Nornir,
    *,
    change: ChangeDir,
    result: ChangeResult,
    chosen: dict[str, str],
    batches: Sequence[Sequence[str]],
    say: Say,
) -> None:
    """Restore every chosen device from its backup and update its outcome in ``result``."""
    for batch in reversed(batches):
        wanted = [h for h in batch if h in chosen]
        if not wanted:
            continue
        mirrored = {h for h in wanted if result.hosts[h].outcome is Outcome.MIRRORED}
        pushed = [h for h in wanted if h not in mirrored]
        for group, task in ((pushed, restore), (sorted(mirrored), verify_mirror)):
            if not group:
                continue
            for host in group:
                say(host, f"rolling back ({chosen[host]})")
            outcomes = nr.filter(filter_func=lambda h, g=set(group): h.name in g).run(
                task=task, change=change, on_failed=True
            )
            for host, multi in outcomes.items():
                before = result.hosts[host]
                if multi.failed:
                    outcome = Outcome.FAILED_UNKNOWN
                    error = multi[0].exception or RuntimeError("rollback failed")
                    detail = f"rollback failed: {describe(error).message}"
                else:
                    rolled: RolledBack = multi[0].result
                    outcome = Outcome.FAILED_UNKNOWN if rolled.residue else Outcome.ROLLED_BACK
                    detail = (
                        f"still differs after rollback: {'; '.join(rolled.residue[:3])}"
                        if rolled.residue
                        else f"restored ({rolled.method})"
                    )
                result.hosts[host] = HostResult(
                    host, outcome, f"{chosen[host]}; {detail}", before.diff_lines, before.duration_s
                )
                say(host, f"{outcome.value}: {detail}")
            # the primary's session ends before its cluster members are looked at
            nr.close_connections(on_good=True, on_failed=True)
    nr.close_connections(on_good=True, on_failed=True)


def restore(task: Task, *, change: ChangeDir) -> Result:
    # other devices' commits do not matter here, but a confirmed commit is history: the
    # backup itself, loaded as a replace, is the exact pre-change state
    rolled: RolledBack = task.run(task=rollback_config, change=change, use_device_rollback=False)[
        0
    ].result
    return Result(host=task.host, result=rolled)


def verify_mirror(task: Task, *, change: ChangeDir) -> Result:
    """A cluster member follows its primary: prove it did, against its own backup. What the
    cluster keeps per member (FGCP HA priority/override) does not sync: if only that still
    differs, the member's own backup is pushed to it and verified."""
    started = time.time()
    name = task.host.name
    backup = change.verified_backup(name) or ""
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
            task=rollback_config, change=change, use_device_rollback=False
        )[0].result
        return Result(
            host=task.host, result=RolledBack(f"cluster sync + {rolled.method}", rolled.residue)
        )
    change.write_host_file(name, POST, running)
    record_step(
        change,
        host=name,
        step="rollback",
        ok=True,
        started=started,
        method="cluster-sync",
        residue=[],
    )
    return Result(host=task.host, result=RolledBack("cluster sync", ()))
