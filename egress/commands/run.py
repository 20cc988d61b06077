"""`egress run PLAYBOOK`: carry out a playbook (dry-run unless --yes), then write the report."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import typer
from rich.markup import escape

from egress.change.changes import new_change_id
from egress.change.lock import device_locks
from egress.commands.deploy import (
    ChangesOpt,
    DaskWorkersOpt,
    JsonOpt,
    LabOpt,
    LabStateOpt,
    RunnerOpt,
    SchedulerOpt,
)
from egress.commands.options import ApproverOpt, InventoryOpt, TicketOpt, WindowOpt, board_fields
from egress.console import cli_errors, err, out
from egress.devices.connection import device_keys, use_devices, use_lab
from egress.errors import EgressError
from egress.playbook import Prepared, RunSettings, RunState, execute, open_change, prepare
from egress.playbook.load import playbook_error
from egress.rollout.confirm import confirm_problems
from egress.rollout.deploy import Outcome
from egress.runners import select_runner

# 128 + SIGINT, what a shell reports for a run stopped with Ctrl-C
EXIT_INTERRUPTED = 130
_STYLE = {
    "ok": "green",
    "failed": "bold red",
    "lint-failed": "bold red",
    "refused": "bold red",
    "interrupted": "yellow",
}
EXIT_REFUSED = 2  # bad input found at the devices (foreign objects): nothing was sent


PlaybookArg = typer.Argument(..., help="the playbook (YAML), e.g. playbooks/rollout.yaml")
YesOpt = typer.Option(False, "--yes", help="really change devices (default: dry-run)")
RunTimeoutOpt = typer.Option(20, "--timeout", min=1, help="seconds to wait for a device")


def run_command(
    playbook: Path = PlaybookArg,
    inventory: Path = InventoryOpt,
    lab: bool = LabOpt,
    lab_state: Path = LabStateOpt,
    changes_dir: Path = ChangesOpt,
    as_json: bool = JsonOpt,
    yes: bool = YesOpt,
    timeout: int = RunTimeoutOpt,
    ticket: str = TicketOpt,
    approver: str = ApproverOpt,
    window: str = WindowOpt,
    runner: str | None = RunnerOpt,
    scheduler: str | None = SchedulerOpt,
    dask_workers: int | None = DaskWorkersOpt,
) -> None:
    """Run a playbook: batches (canary first), failure budget, rollback policy; always writes
    the change directory and its report (exit 0 ok, 1 a device/check failed, 2 bad input,
    130 interrupted)."""
    settings = RunSettings(
        inventory=inventory,
        changes_dir=changes_dir,
        lab_state=lab_state if lab else None,
        commit=yes,
        timeout=timeout,
        **board_fields(ticket=ticket, approver=approver, window=window),
    )
    with cli_errors():
        prepared = prepare(playbook, inventory=inventory, lab_state=settings.lab_state)
        # the threaded runner here, or the Dask runner (egress/runners/)
        prepared.nr = select_runner(
            prepared.nr, runner=runner, scheduler=scheduler, dask_workers=dask_workers
        )
        _check_confirm(prepared, timeout_s=timeout, commit=yes)
        if lab:
            use_lab(prepared.nr, lab_state, timeout=timeout)
        else:
            use_devices(prepared.nr, timeout=timeout)
        _show_plan(prepared, settings)
        stop = threading.Event()
        if yes:
            stamp = new_change_id()
            # the devices' locks first: a refused run leaves no change directory behind
            with device_locks(
                device_keys(prepared.nr), change_id=f"{prepared.playbook.change_id}-{stamp}"
            ):
                change = open_change(prepared, settings=settings, stamp=stamp)
                state = execute(
                    prepared, change=change, settings=settings, say=_progress, stop=stop
                )
        else:
            change = open_change(prepared, settings=settings)
            state = execute(prepared, change=change, settings=settings, say=_progress, stop=stop)
    code = _finish(state, as_json=as_json)
    raise typer.Exit(code=code)


def _check_confirm(prepared: Prepared, *, timeout_s: int, commit: bool) -> None:
    """The playbook's timer: one every platform can arm, and one the change can beat."""
    playbook = prepared.playbook
    platforms = {name: intent.platform for name, intent in prepared.intents.items()}
    gated = "commit" in playbook.kinds and "validate" in playbook.kinds
    for problem in confirm_problems(
        playbook.confirm_s,
        platforms,
        settle_s=playbook.settle_s,
        post_check=gated,
        # a dry-run never arms a timer: only the platform's range applies
        timeout_s=timeout_s if commit else 0,
    ):
        raise playbook_error(
            prepared.path,
            ["confirm_s"],
            f"confirm_s {playbook.confirm_s}: {problem.message} ({problem.host})",
            hint=problem.hint,
        )


def _progress(who: str, what: str) -> None:
    # one line per event, no live widgets: a CI log reads the same as the terminal
    out.print(
        f"[dim]{time.strftime('%H:%M:%S')}[/] [bold]{escape(who)}[/]: {escape(what)}",
        soft_wrap=True,
    )


def _show_plan(prepared: Prepared, settings: RunSettings) -> None:
    playbook = prepared.playbook
    mode = "COMMIT" if settings.commit else "dry-run (add --yes to change devices)"
    out.print(
        f"[bold]playbook {escape(playbook.name)}[/] ({escape(str(prepared.path))}): "
        f"{len(prepared.intents)} devices in {len(prepared.batches)} batches; {mode}",
        soft_wrap=True,
    )
    out.print(
        f"  steps: {' -> '.join(playbook.kinds)}; failure budget "
        f"{playbook.failure_budget}; confirm timer {playbook.confirm_s} s; rollback "
        f"{playbook.rollback.value}",
        soft_wrap=True,
    )
    for batch in prepared.batches:
        out.print(
            f"  batch {batch.number} ({escape(batch.label)}): {escape(', '.join(batch.hosts))}",
            soft_wrap=True,
        )


def _finish(state: RunState, *, as_json: bool) -> int:
    report_paths, report_error = _write_report(state)
    result = state.result
    counts: dict[str, int] = {}
    for outcome in result.hosts.values():
        counts[outcome.outcome.value] = counts.get(outcome.outcome.value, 0) + 1
    for host, r in sorted(result.hosts.items()):
        colour = "red" if r.outcome.failed and r.outcome is not Outcome.SKIPPED else "green"
        out.print(
            f"  {host}: [{colour}]{r.outcome.value}[/] (left at {r.outcome.config})"
            + (f" - {escape(r.message)}" if r.message else ""),
            soft_wrap=True,
        )
    style = _STYLE.get(state.status, "bold")
    out.print(
        f"[{style}]{state.status}[/]: "
        + ", ".join(f"{n} {o}" for o, n in sorted(counts.items()))
        + f"; record in {state.change.root}",
        soft_wrap=True,
    )
    if report_paths:
        out.print(f"report: {report_paths[0]}", soft_wrap=True)
    if report_error:
        err.print(f"[red]the report could not be written: {escape(report_error)}[/]")
    if as_json:
        print(
            json.dumps(
                {
                    "change_id": state.change.change_id,
                    "status": state.status,
                    "dry_run": result.dry_run,
                    "stopped_by_budget": result.stopped_by_budget,
                    "interrupted": result.interrupted,
                    "policy_rollbacks": state.policy_rollbacks,
                    "report": [str(p) for p in report_paths],
                    "hosts": {
                        h: {
                            "outcome": r.outcome.value,
                            "config": r.outcome.config,
                            "message": r.message,
                        }
                        for h, r in sorted(result.hosts.items())
                    },
                }
            )
        )
    if state.status == "interrupted":
        return EXIT_INTERRUPTED
    if state.status == "refused":
        return EXIT_REFUSED
    return 0 if state.status == "ok" else 1


def _write_report(state: RunState) -> tuple[list[Path], str]:
    """The report is written whatever happened; a failure to write it is said, not raised,
    so the run's own outcome is never hidden behind a report error."""
    from egress.report import write_report

    try:
        return write_report(state.change.root), ""
    except (EgressError, OSError, ValueError, KeyError) as exc:
        return [], str(exc)
