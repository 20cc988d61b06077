"""Running a prepared playbook: its steps in order, into one change directory.

Nothing here prints: progress goes to ``say``. The per-device pipeline (backup, diff,
commit with the confirm timer, post-check, confirm or roll back) is
egress.rollout.deploy.run_change, run batch by batch; this module adds render and lint before
it, validate steps outside it (drills), and the playbook's rollback policy after it.
``run.json`` in the change directory says what each step did, so the report never depends on
scrollback.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from egress.change.changes import ChangeDir, ChangeMeta, new_change_id
from egress.devices.device_errors import describe
from egress.errors import EgressError, InputError
from egress.playbook.checks import validate_fleet
from egress.playbook.model import LoadMode
from egress.playbook.resolve import Prepared
from egress.playbook.settings import RunSettings
from egress.playbook.steps import lint_step, materialise_inventory
from egress.playbook.undo import roll_back, to_roll_back
from egress.rollout.background import run_interruptible
from egress.rollout.backup import backup_fleet
from egress.rollout.deploy import ChangeResult, DeployOptions, HostResult, Outcome
from egress.rollout.deploy import write_summary as _write_summary

Say = Callable[[str, str], None]
RUN = "run.json"
_PIPELINE = ("backup", "diff", "commit", "confirm")


@dataclass
class RunState:
    change: ChangeDir
    result: ChangeResult
    status: str = "running"  # ok | failed | lint-failed | refused | interrupted
    steps: list[dict[str, Any]] = field(default_factory=list)
    policy_rollbacks: dict[str, str] = field(default_factory=dict)
    started: float = field(default_factory=time.time)


def open_change(
    prepared: Prepared, *, settings: RunSettings, stamp: str | None = None
) -> ChangeDir:
    """The change directory, named by the playbook's prefix and a timestamp (``stamp``: one
    made earlier, e.g. to take the devices' locks under it)."""
    change_id = f"{prepared.playbook.change_id}-{stamp or new_change_id()}"
    change = ChangeDir.create(settings.changes_dir, change_id)
    playbook = prepared.playbook
    change.write_meta(
        ChangeMeta(
            verb="run",
            operator=ChangeMeta.operator_name(),
            environment="lab" if settings.lab_state is not None else "production",
            ticket=settings.ticket or playbook.ticket,
            approver=settings.approver or playbook.approver,
            window=settings.window or playbook.window,
        )
    )
    shutil.copyfile(prepared.path, change.root / "playbook.yaml")
    return change


def execute(
    prepared: Prepared, *, change: ChangeDir, settings: RunSettings, say: Say, stop: threading.Event
) -> RunState:
    """Every step in order; stops at the first step that fails, or on ``stop``/Ctrl-C.

    Always leaves run.json and summary.json describing where every device is.
    """
    state = RunState(
        change, ChangeResult(change.change_id, change.root, dry_run=not settings.commit)
    )
    _write_run(prepared, state, settings)
    try:
        _steps(prepared, state, settings=settings, say=say, stop=stop)
        if state.status == "running":
            state.status = "failed" if state.result.failed else "ok"
    except KeyboardInterrupt:
        stop.set()
        state.status = "interrupted"
        state.result.interrupted = True
        say("run", "interrupted: nothing new is started")
    except Exception as exc:  # noqa: BLE001 - recorded, so the report still gets written
        message = exc.message if isinstance(exc, EgressError) else describe(exc).message
        # bad input found only at the devices (objects egress did not write): nothing sent
        state.status = "refused" if isinstance(exc, InputError) else "failed"
        _log(state, len(state.steps), "error", "failed", message)
        say("run", f"stopped by an error: {message}")
    finally:
        if state.result.interrupted:
            state.status = "interrupted"
        for host in prepared.intents:  # every device says where it is, also the untouched
            state.result.hosts.setdefault(host, HostResult(host, Outcome.SKIPPED, "not reached"))
        _write_summary(
            change, state.result, policy_rollbacks=state.policy_rollbacks, status=state.status
        )
        _write_run(prepared, state, settings)
    return state


def _steps(
    prepared: Prepared, state: RunState, *, settings: RunSettings, say: Say, stop: threading.Event
) -> None:
    playbook = prepared.playbook
    kinds = playbook.kinds
    commit_at = kinds.index("commit") if "commit" in kinds else None
    confirm_at = kinds.index("confirm") if "confirm" in kinds else None
    gating = {
        i
        for i, k in enumerate(kinds)
        if k == "validate"
        and commit_at is not None
        and confirm_at is not None
        and commit_at < i < confirm_at
    }
    pipeline_at = min((i for i, k in enumerate(kinds) if k in _PIPELINE), default=None)
    configs: dict[str, str] = {}
    inventory = prepared.inventory
    for index, step in enumerate(playbook.steps):
        kind = step.kind
        # after a failed check only checks go on: a drill must still prove the network is
        # back after its link is restored, but nothing may be changed any more
        checks_only = state.status == "failed" and kind == "validate"
        if kind == "report":  # written by the caller whatever happened
            _log(state, index, kind, "done", "written at the end of the run")
            continue
        if (state.status != "running" and not checks_only) or stop.is_set():
            _log(state, index, kind, "not run", "the run stopped before this step")
            continue
        started = time.time()
        if kind == "render":  # rendered while preparing: a failure there is bad input
            configs = prepared.configs
            if prepared.overridden:
                inventory = materialise_inventory(prepared, change=state.change)
            _log(state, index, kind, "done", f"{len(configs)} configs rendered", started)
        elif kind == "lint":
            verdict, errors = lint_step(prepared, change=state.change, inventory=inventory)
            status = "failed" if errors else "not run" if verdict.startswith("not run") else "done"
            _log(state, index, kind, status, verdict, started)
            if errors:
                state.status = "lint-failed"
                say("lint", f"{verdict}: nothing is sent to any device")
        elif kind in _PIPELINE or index in gating:
            if index != pipeline_at:
                dry = not settings.commit and kind in ("commit", "confirm", "validate")
                _log(
                    state,
                    index,
                    kind,
                    "skipped (dry-run)" if dry else "done",
                    "part of the device pipeline above",
                )
                continue
            _pipeline(
                prepared,
                state,
                configs=configs,
                gating=bool(gating),
                settings=settings,
                say=say,
                stop=stop,
            )
            _log(
                state,
                index,
                kind,
                "done",
                f"device pipeline ({', '.join(_stages(kinds))}) "
                f"in {len(prepared.batches)} batches: {_outcomes(state.result)}",
                started,
            )
        elif kind == "validate":
            _validate(prepared, state, index=index, settings=settings, say=say)
        elif kind == "rollback":
            _policy(prepared, state, settings=settings, say=say, index=index)
        if state.result.interrupted:
            state.status = "interrupted"


def _pipeline(
    prepared: Prepared,
    state: RunState,
    *,
    configs: dict[str, str],
    gating: bool,
    settings: RunSettings,
    say: Say,
    stop: threading.Event,
) -> None:
    playbook = prepared.playbook
    nr = prepared.nr
    if "diff" not in playbook.kinds:  # a backup-only playbook (e.g. before a drill)
        for host, taken in backup_fleet(nr, change=state.change).items():
            ok = taken.ok
            say(host, "backed up" if ok else "backup failed")
            state.result.hosts[host] = HostResult(
                host,
                Outcome.UNCHANGED if ok else Outcome.FAILED_UNTOUCHED,
                "backed up" if ok else "backup failed",
            )
        return
    commit = settings.commit and "commit" in playbook.kinds
    options = DeployOptions(
        commit=commit,
        replace=playbook.load is LoadMode.REPLACE,
        confirm_s=playbook.confirm_s,
        max_failures=playbook.failure_budget,
        validate=gating,
        settle_s=playbook.settle_s,
        take_over=playbook.take_over,
    )
    batches = [list(b.hosts) for b in prepared.batches]
    for batch in prepared.batches:
        say(f"batch {batch.number}", f"{batch.label}: {', '.join(batch.hosts)}")
    # in a worker thread: Ctrl-C lets the devices in flight finish (rollout/background.py)
    result = run_interruptible(
        prepared.nr,
        change=state.change,
        intents=prepared.intents,
        configs=configs,
        options=options,
        progress=say,
        batches=batches,
        stop=stop,
        label="run",
    )
    result.hosts = {**state.result.hosts, **result.hosts}
    state.result = result
    if result.stopped_by_budget:
        say("run", f"stopped: failure budget of {playbook.failure_budget} exhausted")


def _validate(
    prepared: Prepared, state: RunState, *, index: int, settings: RunSettings, say: Say
) -> None:
    step = prepared.playbook.steps[index]
    started = time.time()
    cut = prepared.cuts.get(index)
    if cut is not None and not settings.commit:
        _log(
            state,
            index,
            "validate",
            "skipped (dry-run)",
            f"would cut {cut[0]} {cut[1]} and expect failover of "
            f"{', '.join(step.expect_failover) or 'nobody'}",
        )
        return
    label = _label(prepared, index)
    failures = validate_fleet(
        prepared.nr,
        change=state.change,
        intents=prepared.intents,
        label=label,
        failover=frozenset(step.expect_failover),
        features=step.features,
        settle_s=step.settle_s if step.settle_s is not None else prepared.playbook.settle_s,
        cut=cut,
        lab_state=settings.lab_state,
        say=say,
    )
    prepared.nr.close_connections(on_good=True, on_failed=True)
    bad = {h: m for h, m in failures.items() if m}
    for host, message in bad.items():
        before = state.result.hosts.get(host)
        if before is None or before.outcome is Outcome.UNCHANGED:
            state.result.hosts[host] = HostResult(
                host, Outcome.FAILED_UNTOUCHED, f"{label} check failed: {message}"
            )
        else:
            before.message = f"{before.message}; {label} check failed: {message}".lstrip("; ")
    for host in failures.keys() - bad.keys():
        state.result.hosts.setdefault(host, HostResult(host, Outcome.UNCHANGED, "validated"))
    detail = f"{label}: {len(failures) - len(bad)}/{len(failures)} devices passed"
    if cut is not None:
        detail += f" with {cut[0]} {cut[1]} cut (restored afterwards)"
    _log(state, index, "validate", "failed" if bad else "done", detail, started)
    if bad:
        state.status = "failed"


def _label(prepared: Prepared, index: int) -> str:
    """pre/post for a playbook's first and last validate when nothing is committed (a
    drill); otherwise step<N> (run_change writes pre/post itself)."""
    kinds = prepared.playbook.kinds
    validates = [i for i, k in enumerate(kinds) if k == "validate"]
    if "commit" not in kinds and index == validates[0]:
        return "pre"
    if "commit" not in kinds and index == validates[-1] and len(validates) > 1:
        return "post"
    return f"step{index + 1}" + ("-drill" if index in prepared.cuts else "")


def _policy(
    prepared: Prepared, state: RunState, *, settings: RunSettings, say: Say, index: int
) -> None:
    started = time.time()
    policy = prepared.playbook.rollback
    if not settings.commit:
        _log(state, index, "rollback", "skipped (dry-run)", f"policy: {policy.value}")
        return
    batches = [list(b.hosts) for b in prepared.batches]
    chosen = to_roll_back(state.result, batches=batches, policy=policy)
    if chosen:
        roll_back(
            prepared.nr,
            change=state.change,
            result=state.result,
            chosen=chosen,
            batches=batches,
            say=say,
        )
        state.policy_rollbacks = chosen
    detail = (
        f"policy {policy.value}: rolled back {', '.join(sorted(chosen))}"
        if chosen
        else f"policy {policy.value}: nothing to roll back beyond the failed devices"
    )
    _log(state, index, "rollback", "done", detail, started)


def _stages(kinds: list[str]) -> list[str]:
    """The steps the device pipeline carries out, in the playbook's words."""
    first = min(i for i, k in enumerate(kinds) if k in _PIPELINE)
    last = max(i for i, k in enumerate(kinds) if k in _PIPELINE)
    return kinds[first : last + 1]


def _outcomes(result: ChangeResult) -> str:
    counts: dict[str, int] = {}
    for host in result.hosts.values():
        counts[host.outcome.value] = counts.get(host.outcome.value, 0) + 1
    return ", ".join(f"{n} {o}" for o, n in sorted(counts.items()))


def _log(
    state: RunState, index: int, kind: str, status: str, detail: str, started: float | None = None
) -> None:
    state.steps.append(
        {
            "index": index + 1,
            "step": kind,
            "status": status,
            "detail": detail,
            "duration_s": round(time.time() - started, 2) if started else 0.0,
        }
    )


def _write_run(prepared: Prepared, state: RunState, settings: RunSettings) -> None:
    playbook = prepared.playbook
    state.change.write_json(
        RUN,
        {
            "change_id": state.change.change_id,
            "playbook": {
                "name": playbook.name,
                "description": playbook.description,
                "file": str(prepared.path),
                "failure_budget": playbook.failure_budget,
                "confirm_s": playbook.confirm_s,
                "rollback": playbook.rollback.value,
                "load": playbook.load.value,
                "steps": playbook.kinds,
            },
            "dry_run": not settings.commit,
            "lab": settings.lab_state is not None,
            "lab_state": str(settings.lab_state) if settings.lab_state is not None else None,
            "inventory": str(prepared.inventory),
            "status": state.status,
            "started": datetime.fromtimestamp(state.started, tz=UTC).isoformat(),
            "duration_s": round(time.time() - state.started, 2),
            "batches": [
                {"number": b.number, "label": b.label, "hosts": list(b.hosts)}
                for b in prepared.batches
            ],
            "design_overrides": prepared.overridden,
            "steps": state.steps,
            "policy_rollbacks": state.policy_rollbacks,
        },
    )
