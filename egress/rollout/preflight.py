"""Before anything is sent: the cluster members' backups and the ownership pre-flight.

Every pushed device is read before anything is sent to any of them: an object at an ID
egress wants that egress did not write stops the whole change (exit 2). A cluster member's
backup must predate its primary's commit, and any session on its primary: the cluster syncs
what a session sets there (netmiko's FortiOS `config system console` / `set output
standard`) to the member too (egress/rollout/clusters.py).

Only a member's own primary has to wait for the member's backup; the other devices' reads do
not. So a commit with clusters runs both in one pool of the runner's ``num_workers``
threads: the members' backups first, the other devices' reads behind them, and each primary's
read once its member's backup (and, FortiOS, the close of its session) is done, each device
its own Nornir run (as each wave is in egress/rollout/lanes.py). Before, the members' backups
all ended before the first read began: ~0.8 s of a 60-device commit on the lab
(BENCHMARKS.md, "The device path, third pass"). On another runner (Dask: a run per device
would be a scheduler round trip each, not measured at its fleet sizes) the members are
still all backed up first, then every device read in one run.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from nornir.core import Nornir
from nornir.core.inventory import Host
from nornir.core.task import MultiResult, Result, Task
from nornir.plugins.runners import ThreadedRunner

from egress.change.changes import ChangeDir
from egress.model.intent import DeviceIntent
from egress.remediate import Foreign, ForeignObjects
from egress.rollout.clusters import back_up_members
from egress.rollout.deploy_plan import (
    ChangeResult,
    DeployOptions,
    HostPlan,
    HostResult,
    Outcome,
    Progress,
)
from egress.tasks.deploy import Ownership, check_ownership


def read_before_change(
    nr: Nornir,
    recording: Nornir,
    plans: Sequence[HostPlan],
    intents: Mapping[str, DeviceIntent],
    *,
    change: ChangeDir,
    configs: Mapping[str, str],
    records: Mapping[str, str | None],
    options: DeployOptions,
    result: ChangeResult,
    say: Progress,
    hold: bool,
) -> dict[str, dict[str, str]]:
    """A commit's cluster members backed up (a failed one decides its primary's outcome in
    ``result``), then every pushed device read; raises :class:`ForeignObjects` for what egress
    does not own. Returns what was read, per host and format. ``hold``: the sessions stay
    open for the pipeline that follows (egress/rollout/deploy.py, HELD_SESSIONS_MAX)."""
    mirrors = sorted(p.host for p in plans if p.action == "check-mirror") if options.commit else []
    push = sorted(p.host for p in plans if p.action == "push")
    owned: dict[str, MultiResult] = {}
    lock = threading.Lock()

    def read(hosts: Sequence[str]) -> None:
        if not hosts:
            return
        chosen = set(hosts)
        results = recording.filter(filter_func=lambda h: h.name in chosen).run(
            task=_ownership,
            configs=configs,
            records=records,
            options=options,
            hold=hold,
            on_failed=True,
        )
        with lock:
            owned.update(results.items())

    if not mirrors:
        read(push)  # one run of every read, as without clusters there is nothing to wait for
    else:
        if isinstance(nr.runner, ThreadedRunner):
            failed = _back_up_then_read(nr, mirrors, push, intents, change=change, read=read)
        else:
            failed = back_up_members(nr, mirrors, change=change)
            read(push)
        _decide_failed_members(failed, intents, result)
        say("cluster", f"members backed up before their primaries: {', '.join(mirrors)}")
    found: list[Foreign] = []
    reads: dict[str, dict[str, str]] = {}
    for host, multi in sorted(owned.items()):
        if multi.failed:
            continue  # unreachable now: its own pipeline reports why, untouched
        ownership: Ownership = multi[0].result
        found.extend(ownership.foreign)
        reads[host] = ownership.reads
    if found and not options.take_over:
        raise ForeignObjects(found)
    for item in found:
        say(item.host, f"taking over {item.obj} (held: {item.holder})")
    return reads


def _back_up_then_read(
    nr: Nornir,
    mirrors: Sequence[str],
    push: Sequence[str],
    intents: Mapping[str, DeviceIntent],
    *,
    change: ChangeDir,
    read: Callable[[Sequence[str]], None],
) -> dict[str, str]:
    """The members' backups and the reads in one pool (module docstring); returns member ->
    why its backup failed."""
    # a primary waits for its member's backup; a primary of several members for them all
    waits: dict[str, list[str]] = {}
    for member in mirrors:
        primary = intents[member].peer
        if primary is not None and primary in push:
            waits.setdefault(primary, []).append(member)
    workers = max(1, int(nr.config.runner.options.get("num_workers", 20)))
    failed: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="egress-preflight") as pool:
        # submitted in this order, started in this order: the backups take the first threads
        backups: dict[str, Future[dict[str, str]]] = {
            m: pool.submit(back_up_members, nr, [m], change=change) for m in mirrors
        }
        pending = [pool.submit(read, [h]) for h in push if h not in waits]
        for primary, members in sorted(waits.items()):
            for member in members:
                failed.update(backups[member].result())
            pending.append(pool.submit(read, [primary]))
        for backup in backups.values():
            failed.update(backup.result())
        for future in pending:
            future.result()  # a task's failure is in its result; this raises only a bug
    return failed


def _decide_failed_members(
    failed: Mapping[str, str], intents: Mapping[str, DeviceIntent], result: ChangeResult
) -> None:
    for member, why in sorted(failed.items()):
        primary = intents[member].peer
        result.hosts[member] = HostResult(member, Outcome.FAILED_UNTOUCHED, f"backup failed: {why}")
        if primary is not None:  # its primary must not change without the member's backup
            result.hosts[primary] = HostResult(
                primary,
                Outcome.FAILED_UNTOUCHED,
                f"not changed: the backup of its cluster member {member} failed",
            )


def _ownership(
    task: Task,
    *,
    configs: Mapping[str, str],
    records: Mapping[str, str | None],
    options: DeployOptions,
    hold: bool,
) -> Result:
    name = task.host.name
    try:
        return task.run(
            task=check_ownership,
            config=configs[name],
            previous=records.get(name),
            take_over=options.take_over,
            replace=options.replace,
        )[0]
    finally:
        if not hold:
            close_sessions(task.host)


def close_sessions(host: Host) -> None:
    """Close a device's sessions now (a Junos session's end releases its configuration
    lock). A session that fails to close is gone already: its outcome was decided before."""
    with contextlib.suppress(Exception):
        host.close_connections()


__all__ = ["close_sessions", "read_before_change"]
