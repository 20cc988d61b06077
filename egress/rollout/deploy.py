"""A change across the fleet: plan (HA-aware waves), then per device backup → load → diff →
commit with the confirm timer → post-check → confirm, or roll back.

Every device ends at its pre-change config or its intended config, and its outcome says
which. Nothing here prints: progress goes to an optional callback, results to the change
directory and the returned :class:`ChangeResult`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

from nornir.core import Nornir
from nornir.core.inventory import Host
from nornir.core.task import AggregatedResult, Result, Task
from nornir.plugins.runners import ThreadedRunner

from egress.change.changes import PLAN, SUMMARY, ChangeDir, RecordError
from egress.change.recorder import ChangeRecorder, Record, Step, note, record_of
from egress.change.redact import redact_text
from egress.change.restore_points import RestorePoints
from egress.devices.connection import CONNECTION, host_key_ref
from egress.devices.device_errors import chain, describe
from egress.model.intent import DeviceIntent
from egress.platforms import by_platform
from egress.remediate import previous_intended
from egress.rollout.checks_gate import post_check, pre_check
from egress.rollout.deploy_plan import (
    ChangeResult,
    DeployOptions,
    HostPlan,
    HostResult,
    Outcome,
    Progress,
    plan_change,
)
from egress.rollout.lanes import INTERRUPTED, run_in_lanes
from egress.rollout.preflight import close_sessions, read_before_change
from egress.rollout.recovery import commit_attempted, recover, restore_points, settle_lost
from egress.tasks.backup import Backup, backup_config
from egress.tasks.deploy import (
    ConfirmTimerExpired,
    Deployed,
    confirm_config,
    deploy_config,
    verify_applied,
)

# A change holds each device's session from its ownership pre-flight to the change's end only
# for fleets up to this size. Every open session is a paramiko transport thread that wakes
# every 0.1 s (paramiko's Transport._active_check_timeout; a Junos session adds ncclient's
# own reader thread), all on one interpreter lock: a 2,000-device dry-run holding them was
# 1,640 threads at load 159 and had not finished its pre-flight after 13 minutes
# (BENCHMARKS.md, issue 15). Past it, a device's session is closed when its pre-flight read
# is done and again when its own pipeline is done, so no more are open than the runner has
# workers; its pipeline opens a session again (one more SSH/NETCONF handshake per device).
# The load re-reads the running config and checks ownership again, so a change made on the
# device between the two sessions is seen before anything is sent.
HELD_SESSIONS_MAX = 100


def run_change(
    nr: Nornir,
    *,
    change: ChangeDir,
    intents: Mapping[str, DeviceIntent],
    configs: Mapping[str, str],
    options: DeployOptions,
    progress: Progress | None = None,
    batches: Sequence[Sequence[str]] | None = None,
    stop: threading.Event | None = None,
) -> ChangeResult:
    """Change ``nr``'s hosts batch by batch (default: one batch), each batch in its waves.

    The failure budget is checked before every wave; ``stop`` (set from another thread, e.g.
    on Ctrl-C) lets the devices in flight finish and starts nothing new.
    """
    plans = plan_change({h: intents[h] for h in nr.inventory.hosts})
    order = [list(b) for b in batches] if batches is not None else [[p.host for p in plans]]
    placed = [h for b in order for h in b]
    if sorted(placed) != sorted(p.host for p in plans):
        raise ValueError("batches must name every selected host exactly once")
    change.write_json(
        PLAN,
        {
            "change_id": change.change_id,
            "dry_run": not options.commit,
            "options": options,
            "hosts": plans,
            "batches": order,
        },
    )
    result = ChangeResult(change.change_id, change.root, dry_run=not options.commit, batches=order)
    say = progress or (lambda _host, _what: None)
    # the one writer of the record: the tasks return data, this processor writes it
    recording = nr.with_processors([ChangeRecorder(change, progress)])
    records = {h: previous_intended(change.root.parent, h) for h in nr.inventory.hosts}
    lock = threading.Lock()  # the sites' lanes share ``result``
    workers = int(nr.config.runner.options.get("num_workers", 20))
    # a site that will run nothing more has its sessions closed now, by these threads, while
    # the other sites go on: closing sends the device a round trip or three (napalm ios puts
    # back `file prompt`, netmiko's fortinet its console output mode, a Junos session ends
    # with <close-session/>), ~0.5 s for 60 devices when it was all left to the change's end.
    # A site's sessions all close together, after its last wave: a FortiGate cluster's
    # primary and member alike (FGCP syncs the console output mode a closing session puts
    # back, so no member session is left open while its primary's closes).
    closer = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="egress-close")
    try:
        # A cluster member's backup must predate its primary's commit, and any session on
        # its primary: the cluster syncs what a session sets there (netmiko's FortiOS
        # `config system console` / `set output standard`) to the member too. Inside the
        # try: a refusal closes the sessions it opened (a Junos session holds the exclusive
        # configuration lock until it is closed).
        hold = sum(p.action == "push" for p in plans) <= HELD_SESSIONS_MAX
        reads = read_before_change(
            nr,
            recording,
            plans,
            intents,
            change=change,
            configs=configs,
            records=records,
            options=options,
            result=result,
            say=say,
            hold=hold,
        )
        # a dry-run's diff and its record are computed from the pre-flight's read (the same
        # session, moments before): one read per device, as a plain napalm diff takes
        prereads = {} if options.commit else reads
        for number, batch in enumerate(order, 1):
            members = [p for p in plans if p.host in set(batch)]
            if len(order) > 1:
                held = (
                    " (not started: interrupted)"
                    if stop is not None and stop.is_set()
                    else " (not started: failure budget exhausted)"
                    if result.budget_spent > options.max_failures
                    else ""
                )
                say(f"batch {number}/{len(order)}", ", ".join(batch) + held)
            run_in_lanes(
                members,
                run_wave=lambda wave_plans: _run_wave(
                    recording,
                    wave_plans,
                    change=change,
                    intents=intents,
                    configs=configs,
                    records=records,
                    prereads=prereads,
                    options=options,
                    result=result,
                    say=say,
                    lock=lock,
                    release=not hold,
                ),
                skip=lambda wave_plans, why: _skipped(wave_plans, why, result, lock),
                pipelined=options.commit,
                lanes_at_once=workers,
                stop=stop,
                # the longest sites first, in expected seconds (egress/rollout/lanes.py)
                kind=lambda plan: intents[plan.host].platform,
                prior=by_platform("change_seconds"),
                finished=lambda site: _close_site(closer, nr, site),
            )
    finally:
        closer.shutdown(wait=True)
        # napalm restores session settings (IOS `no file prompt quiet`) only on close()
        nr.close_connections(on_good=True, on_failed=True)
        try:
            write_summary(change, result)
        except RecordError as exc:  # the devices are done: say where, even without a file
            result.record_error = f"{exc.message} ({exc.location.describe()})"
    return result


@contextlib.contextmanager
def _closed_after(host: Host, release: bool) -> Iterator[None]:
    """The device's sessions closed when the block ends, when ``release``."""
    try:
        yield
    finally:
        if release:
            close_sessions(host)


def _close_site(closer: ThreadPoolExecutor, nr: Nornir, site: Sequence[HostPlan]) -> None:
    """Close a finished site's sessions in the background (see ``closer`` in run_change),
    each device's at once (a Junos session's <close-session/> waits on ncclient's 0.1 s
    tick: ~0.15 s a device); a cluster's member before its primary, whose close may put
    back a setting the cluster syncs (FortiOS: the console output mode, see
    egress/rollout/clusters.py)."""
    hosts = nr.inventory.hosts
    cluster = any(p.action == "check-mirror" for p in site)
    ordered = sorted((p for p in site if p.host in hosts), key=lambda p: p.action != "check-mirror")
    for together in [ordered] if cluster else [[p] for p in ordered]:
        closer.submit(_close_all, [hosts[p.host] for p in together])


def _close_all(hosts: Sequence[Host]) -> None:
    for host in hosts:
        close_sessions(host)


def write_summary(change: ChangeDir, result: ChangeResult, **extra: object) -> None:
    """summary.json: where every device was left (rewritten when a later step changes it)."""
    change.write_json(
        SUMMARY,
        {
            "change_id": change.change_id,
            "dry_run": result.dry_run,
            "stopped_by_budget": result.stopped_by_budget,
            "interrupted": result.interrupted,
            "batches": result.batches,
            "hosts": {
                h: {
                    "outcome": r.outcome.value,
                    "config": r.outcome.config,
                    "message": r.message,
                    "diff_lines": r.diff_lines,
                    "duration_s": r.duration_s,
                }
                for h, r in sorted(result.hosts.items())
            },
            **extra,
        },
    )


def _run_wave(
    nr: Nornir,
    members: list[HostPlan],
    *,
    change: ChangeDir,
    intents: Mapping[str, DeviceIntent],
    configs: Mapping[str, str],
    records: Mapping[str, str | None],
    prereads: Mapping[str, Mapping[str, str]],
    options: DeployOptions,
    result: ChangeResult,
    say: Progress,
    lock: threading.Lock,
    release: bool = False,
) -> bool:
    """Change one wave's devices; whether each ended well (a skipped wave did not).
    ``release``: each device's sessions are closed when its pipeline is done
    (HELD_SESSIONS_MAX)."""
    with lock:
        if result.budget_spent > options.max_failures:
            for plan in members:
                result.hosts[plan.host] = HostResult(
                    plan.host, Outcome.SKIPPED, "failure budget exhausted"
                )
            result.stopped_by_budget = True
            return False
        # a host already decided (a cluster whose member could not be backed up) is not run
        members = [p for p in members if p.host not in result.hosts]
    push = {p.host for p in members if p.action == "push"}
    checks = {p.host: intents[p.host].peer for p in members if p.action == "check-mirror"}
    opening = _open_ahead(nr, checks, release=release, commit=options.commit) if push else None
    try:
        if push:
            scopes = {p.host: p.scope for p in members}
            outcomes = nr.filter(filter_func=lambda h: h.name in push).run(
                task=_change_device,
                intents=intents,
                configs=configs,
                records=records,
                prereads={h: prereads[h] for h in push if h in prereads},
                options=options,
                scopes=scopes,
                backups=restore_points(change, push),
                release=release,
                on_failed=True,
            )
            _settle(nr, outcomes, change=change, options=options, result=result, lock=lock)
    finally:  # no session opens behind the change's back, even on a bug's exception
        if opening is not None:
            opening.join()
    if checks:
        outcomes = nr.filter(filter_func=lambda h: h.name in checks).run(
            task=_check_mirror,
            backups=restore_points(change, checks),
            intents=intents,
            scopes={p.host: p.scope for p in members},
            configs=configs,
            records=records,
            primaries=checks,
            pushed=result.hosts,
            options=options,
            release=release,
            on_failed=True,
        )
        _settle(nr, outcomes, change=change, options=options, result=result, lock=lock)
    with lock:
        return not any(
            result.hosts[p.host].outcome.failed for p in members if p.host in result.hosts
        )


def _settle(
    nr: Nornir,
    outcomes: AggregatedResult,
    *,
    change: ChangeDir,
    options: DeployOptions,
    result: ChangeResult,
    lock: threading.Lock,
) -> None:
    """A wave's run ended: a device whose session was lost mid-commit is settled (recovery),
    then every device's outcome is recorded in the change's result."""
    settle_lost(nr, outcomes, change=change, options=options)
    with lock:
        for host, multi in outcomes.items():
            result.hosts[host] = multi[0].result


def _open_ahead(
    nr: Nornir, members: Mapping[str, str | None], *, release: bool, commit: bool
) -> threading.Thread | None:
    """Open the sessions of a wave's cluster members that have none (a FortiOS member's was
    closed after its backup: egress/rollout/clusters.py) while their primaries change, so
    the member's check that follows does not wait for an SSH handshake and the driver's
    session set-up (~0.3 s a FortiGate on the lab, at the end of its site's lane).

    Opened now, the member's session finds the console output mode its primary's held
    session set (FGCP syncs it), so it changes and puts back nothing; and no primary
    session closes before the check ends (held to the site's end) but one that failed,
    whose member's check then does not run. Not when sessions are released per device
    (HELD_SESSIONS_MAX: the primary's closes at the end of its pipeline, before the check),
    nor on a runner whose tasks run elsewhere (Dask: the session would be the client's,
    not the worker's), nor in a dry-run (a member's check uses a session only once its
    primary committed; opening them cost a 60-device dry-run 0.7 s). A session that fails
    to open here is opened again by the check, which says why it failed."""
    if not commit or release or not members or not isinstance(nr.runner, ThreadedRunner):
        return None
    hosts = [nr.inventory.hosts[h] for h in sorted(members) if h in nr.inventory.hosts]
    hosts = [h for h in hosts if CONNECTION not in h.connections]
    if not hosts:
        return None

    def open_all() -> None:
        for host in hosts:
            with contextlib.suppress(Exception):
                host.get_connection(CONNECTION, nr.config)

    thread = threading.Thread(target=open_all, name="egress-open-ahead", daemon=True)
    thread.start()
    return thread


def _skipped(
    plans: Sequence[HostPlan], why: str, result: ChangeResult, lock: threading.Lock
) -> None:
    with lock:
        result.interrupted = result.interrupted or why == INTERRUPTED
        for plan in plans:
            result.hosts[plan.host] = HostResult(plan.host, Outcome.SKIPPED, why)


def _change_device(
    task: Task,
    *,
    intents: Mapping[str, DeviceIntent],
    configs: Mapping[str, str],
    records: Mapping[str, str | None],
    options: DeployOptions,
    scopes: Mapping[str, str],
    backups: RestorePoints,
    prereads: Mapping[str, Mapping[str, str]] | None = None,
    release: bool = False,
) -> Result:
    """One device's whole change; never raises: the outcome says where the device is left.
    It writes nothing and prints nothing: its subtasks' results and its own carry the
    record (:mod:`egress.change.recorder`). ``release``: its sessions are closed at the end
    (HELD_SESSIONS_MAX)."""
    with _closed_after(task.host, release):
        name = task.host.name
        started = time.time()

        def done(outcome: Outcome, message: str = "", diff_lines: int = 0) -> Result:
            message = redact_text(message)  # it may quote the device
            said = outcome.value + (f": {message}" if message else "")
            return Result(
                host=task.host,
                result=HostResult(
                    name, outcome, message, diff_lines, round(time.time() - started, 2)
                ),
                record=Record(name, said=(said,)),
            )

        committed = False
        try:
            # what this session read already (a dry-run's pre-flight), then what the backup read,
            # unless taken before (a cluster member, backed up before its primary changed it by
            # config sync: read again)
            reads = dict((prereads or {}).get(name, {}))
            running: str | None = None
            if name not in backups.texts and name not in backups.lost:
                # a dry-run's pre.cfg is the state its diff was read from, never a restore
                # point: its secrets are masked, not kept in the vault
                backed_up = task.run(
                    task=backup_config, dry_run=not options.commit, read=reads.get("text")
                )
                taken: Backup = backed_up[0].result
                running = taken.running
                if options.commit:  # the recorder kept it before this line: the restore point
                    backups = backups.with_taken(name, running)
            if options.commit and options.validate:
                pre_check(task, intents=intents, scope=scopes[name])
            deployed: Deployed = task.run(
                task=deploy_config,
                config=configs[name],
                replace=options.replace,
                dry_run=not options.commit,
                revert_in=options.confirm_s,
                take_over=options.take_over,
                previous=records.get(name),
                reads=reads if running is None else {**reads, "text": running},
            )[0].result
            lines = len(deployed.diff.splitlines())
            if not deployed.committed:
                if not deployed.diff.strip():
                    return done(Outcome.UNCHANGED)
                return done(Outcome.WOULD_CHANGE, f"{lines} diff lines", lines)
            committed = True
            task.run(task=verify_applied, config=configs[name])
            if options.validate:
                post_check(task, intents=intents, scope=scopes[name], settle_s=options.settle_s)
            task.run(task=confirm_config, config=configs[name])
            return done(Outcome.COMMITTED, diff_lines=lines)
        except Exception as exc:  # every failure ends in a known state, never half-changed
            failure = describe(exc, host_key=host_key_ref(task.host))
            step = Step.ended(
                name,
                "failure",
                ok=False,
                started=started,
                kind=failure.kind,
                message=failure.message,
            )
            # the running config can only have changed once the commit itself was attempted
            if not committed and not commit_attempted(exc):
                task.run(task=note, record=Record(name, steps=(step,)))
                return done(Outcome.FAILED_UNTOUCHED, failure.message)
            rolling = f"{failure.message}; rolling back"
            task.run(task=note, record=Record(name, steps=(step,), said=(rolling,)))
            return recover(
                task,
                backups=backups,
                failure=failure.message,
                options=options,
                done=done,
                # a commit that went through and is gone again was undone by the device's timer
                timer_fired=committed
                or any(isinstance(e, ConfirmTimerExpired) for e in chain(exc)),
            )


def _check_mirror(
    task: Task,
    *,
    backups: RestorePoints,
    intents: Mapping[str, DeviceIntent],
    configs: Mapping[str, str],
    records: Mapping[str, str | None],
    primaries: Mapping[str, str],
    pushed: Mapping[str, HostResult],
    options: DeployOptions,
    scopes: Mapping[str, str],
    release: bool = False,
) -> Result:
    name = task.host.name
    started = time.time()
    primary = pushed.get(primaries[name])
    if primary is None or primary.outcome is not Outcome.COMMITTED:
        # the member follows its primary: whatever happened there happened here
        follows = {Outcome.WOULD_CHANGE: Outcome.WOULD_CHANGE, Outcome.UNCHANGED: Outcome.UNCHANGED}
        outcome = follows.get(primary.outcome, Outcome.SKIPPED) if primary else Outcome.SKIPPED
        message = f"follows cluster primary {primaries[name]} " + (
            f"({primary.outcome.value})" if primary else "(not run)"
        )
        return Result(
            host=task.host,
            result=HostResult(name, outcome, message, primary.diff_lines if primary else 0),
            record=Record(name, said=(message,)),
        )
    # The cluster synced the primary's config here; what remains is what a cluster keeps per
    # member (FGCP: HA priority/override). Push the rendered config the normal way: its diff
    # is exactly those lines, or nothing at all (SRX: the whole config is shared).
    changed = _change_device(
        task,
        intents=intents,
        configs=configs,
        records=records,
        options=options,
        scopes=scopes,
        backups=backups,
        release=release,
    )
    member = changed.result
    assert isinstance(member, HostResult)
    if member.outcome in (Outcome.COMMITTED, Outcome.UNCHANGED):
        local = (
            f"; {member.diff_lines} member-local diff lines set"
            if member.outcome is Outcome.COMMITTED
            else ""
        )
        member.outcome = Outcome.MIRRORED
        member.message = f"in sync with {primaries[name]}{local}"
    step = Step.ended(
        name, "mirror", ok=not member.outcome.failed, started=started, message=member.message
    )
    # what the member's own pipeline said (its outcome), then the mirror's step and message
    record = (record_of(changed) or Record(name)).plus(
        Record(name, steps=(step,), said=(member.message,))
    )
    return Result(host=task.host, result=member, record=record)


__all__ = [
    "Progress",
    "ChangeResult",
    "DeployOptions",
    "HostPlan",
    "HostResult",
    "Outcome",
    "plan_change",
    "run_change",
    "write_summary",
]
