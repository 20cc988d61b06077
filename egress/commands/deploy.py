"""`egress diff | commit | rollback | backup`: the change window verbs."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import typer
from nornir.core import Nornir
from rich.table import Table
from rich.text import Text

from egress.change.changes import DIFF, ChangeDir, ChangeMeta, new_change_id
from egress.change.lock import device_locks
from egress.commands.options import (
    ApproverOpt,
    GroupOpt,
    HostsOpt,
    InventoryOpt,
    PlatformOpt,
    TicketOpt,
    WindowOpt,
    board_fields,
)
from egress.console import cli_errors, err, heading, out
from egress.devices.connection import device_keys, host_key_ref, use_devices, use_lab
from egress.devices.overlay import DEFAULT_LAB_STATE
from egress.errors import Declined, InputError, Location
from egress.model.intent import DeviceIntent
from egress.model.selection import load_selection
from egress.render import default_templates_dir, render_device
from egress.rollout.background import EXIT_INTERRUPTED, run_interruptible
from egress.rollout.backup import backup_fleet
from egress.rollout.change_rollback import record_rollback, rollback_change
from egress.rollout.confirm import confirm_problems
from egress.rollout.deploy import ChangeResult, DeployOptions, Outcome, plan_change
from egress.runners import select_runner

LabOpt = typer.Option(False, "--lab", help="target the lab's emulators (never implied)")
LabStateOpt = typer.Option(DEFAULT_LAB_STATE, "--lab-state", help="the lab's state directory")
ChangesOpt = typer.Option(Path("changes"), "--changes-dir", help="where change records go")
JsonOpt = typer.Option(
    False, "--json", help="the result as one JSON document on stdout; everything else on stderr"
)
TimeoutOpt = typer.Option(60, "--timeout", min=1, help="seconds to wait for a device")
RunnerOpt = typer.Option(
    None, "--runner", help="threaded (default: in this process) or dask (an embedded cluster)"
)
SchedulerOpt = typer.Option(
    None,
    "--scheduler",
    help="run on an existing Dask cluster, tcp://HOST:PORT (or $EGRESS_SCHEDULER)",
)
DaskWorkersOpt = typer.Option(
    None, "--dask-workers", min=1, help="worker processes of the embedded Dask cluster (2)"
)


@dataclass(frozen=True)
class RunnerChoice:
    runner: str | None
    scheduler: str | None
    workers: int | None


TakeOverOpt = typer.Option(
    False,
    "--take-over",
    help="replace objects at egress's IDs that egress did not write (else refused, exit 2)",
)


@dataclass
class Target:
    nr: Nornir
    intents: dict[str, DeviceIntent]
    configs: dict[str, str]


def _target(
    *,
    inventory: Path,
    hosts: str | None,
    group: Sequence[str] | None,
    platform: str | None,
    lab: bool,
    lab_state: Path,
    timeout: int,
    runner: RunnerChoice | None = None,
) -> Target:
    nr, intents = load_selection(inventory, hosts=hosts, group=group, platform=platform)
    if runner is not None:  # the Dask runner or the threaded one (egress/runners/)
        nr = select_runner(
            nr, runner=runner.runner, scheduler=runner.scheduler, dask_workers=runner.workers
        )
    templates = default_templates_dir()
    configs = {h: render_device(i, templates_dir=templates) for h, i in intents.items()}
    if lab:
        use_lab(nr, lab_state, timeout=timeout)
    else:
        use_devices(nr, timeout=timeout)
    return Target(nr, intents, configs)


def _check_confirm(
    seconds: int | None, target: Target, *, settle_s: float, post_check: bool, timeout_s: int
) -> None:
    """Refuse, before any device, a timer a platform cannot arm or the change cannot beat."""
    platforms = {name: intent.platform for name, intent in target.intents.items()}
    for problem in confirm_problems(
        seconds, platforms, settle_s=settle_s, post_check=post_check, timeout_s=timeout_s
    ):
        raise InputError(
            problem.message,
            location=Location(host=problem.host, field="--confirm"),
            hint=problem.hint,
        )


def _meta(verb: str, lab: bool, *, ticket: str, approver: str, window: str) -> ChangeMeta:
    return ChangeMeta(
        verb=verb,
        operator=ChangeMeta.operator_name(),
        environment="lab" if lab else "production",
        **board_fields(ticket=ticket, approver=approver, window=window),
    )


def _progress(host: str, what: str) -> None:
    out.print(f"[dim]{time.strftime('%H:%M:%S')}[/] {host}: {what}")


def _show_plan(target: Target) -> None:
    table = Table(title="plan (decided before anything is sent)")
    for column in ("wave", "host", "site", "role", "action", "why"):
        table.add_column(column)
    for plan in sorted(plan_change(target.intents), key=lambda p: (p.wave, p.host)):
        table.add_row(str(plan.wave), plan.host, plan.site, plan.role, plan.action, plan.why)
    out.print(table)


def show_diff(text: str) -> None:
    """A diff, coloured on a terminal. Without colours (a pipe, a log, ``--json``) the same
    characters as rich's Syntax prints (tabs at 4), without running its lexer: pygments
    costs ~5 ms per 150-line diff, 0.2 s of a 60-device dry-run."""
    if out.color_system is None:
        out.print(Text(text.expandtabs(4)))
        return
    from rich.syntax import Syntax  # pygments: only where colours are shown

    out.print(Syntax(text, "diff", theme="ansi_dark", background_color="default"))


def _summary(result: ChangeResult, *, as_json: bool, show_diffs: bool) -> int:
    if show_diffs:
        for host, outcome in sorted(result.hosts.items()):
            diff = result.root / host / DIFF
            text = diff.read_text() if diff.exists() else ""
            if text.strip():
                heading(out, f"{host} ({outcome.outcome.value})")
                show_diff(text)
    table = Table(title=f"change {result.change_id}" + (" (dry-run)" if result.dry_run else ""))
    for column in ("host", "outcome", "left at", "diff lines", "s", "detail"):
        table.add_column(column)
    for host, r in sorted(result.hosts.items()):
        colour = "red" if r.outcome.failed else "green"
        table.add_row(
            host,
            f"[{colour}]{r.outcome.value}[/]",
            r.outcome.config,
            str(r.diff_lines),
            f"{r.duration_s:.1f}",
            r.message,
        )
    out.print(table)
    would = sum(
        1 for r in result.hosts.values() if r.outcome in (Outcome.WOULD_CHANGE, Outcome.COMMITTED)
    )
    verb = "would change" if result.dry_run else "changed"
    out.print(
        f"{would}/{len(result.hosts)} devices {verb}; {len(result.failed)} failed"
        + ("; stopped by the failure budget" if result.stopped_by_budget else "")
        + f"; record in {result.root}"
    )
    if result.record_error:
        err.print(f"[red]no summary could be written: {result.record_error}[/]", soft_wrap=True)
    if as_json:
        print(
            json.dumps(
                {
                    "change_id": result.change_id,
                    "record": str(result.root),
                    "dry_run": result.dry_run,
                    "stopped_by_budget": result.stopped_by_budget,
                    "interrupted": result.interrupted,
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
                }
            )
        )
    return 1 if result.failed or result.record_error else 0


def diff_command(
    inventory: Path = InventoryOpt,
    hosts: str | None = HostsOpt,
    group: list[str] | None = GroupOpt,
    platform: str | None = PlatformOpt,
    lab: bool = LabOpt,
    lab_state: Path = LabStateOpt,
    changes_dir: Path = ChangesOpt,
    as_json: bool = JsonOpt,
    timeout: int = TimeoutOpt,
    runner: str | None = RunnerOpt,
    scheduler: str | None = SchedulerOpt,
    dask_workers: int | None = DaskWorkersOpt,
    replace: bool = typer.Option(
        False, "--replace", help="diff as a full replace (running config, owned parts replaced)"
    ),
    take_over: bool = TakeOverOpt,
    ticket: str = TicketOpt,
    approver: str = ApproverOpt,
    window: str = WindowOpt,
) -> None:
    """Dry-run: per device, what egress would send to bring the sections it owns to the
    rendered config (only what differs), loaded and discarded. Changes nothing."""
    with cli_errors():
        target = _target(
            inventory=inventory,
            hosts=hosts,
            group=group,
            platform=platform,
            lab=lab,
            lab_state=lab_state,
            timeout=timeout,
            runner=RunnerChoice(runner, scheduler, dask_workers),
        )
        change = ChangeDir.create(changes_dir)
        change.write_meta(_meta("diff", lab, ticket=ticket, approver=approver, window=window))
        result = run_interruptible(
            target.nr,
            change=change,
            intents=target.intents,
            configs=target.configs,
            options=DeployOptions(replace=replace, take_over=take_over),
            progress=_progress,
        )
    code = _summary(result, as_json=as_json, show_diffs=True)
    raise typer.Exit(code=EXIT_INTERRUPTED if result.interrupted else code)


def commit_command(
    inventory: Path = InventoryOpt,
    hosts: str | None = HostsOpt,
    group: list[str] | None = GroupOpt,
    platform: str | None = PlatformOpt,
    lab: bool = LabOpt,
    lab_state: Path = LabStateOpt,
    changes_dir: Path = ChangesOpt,
    as_json: bool = JsonOpt,
    timeout: int = TimeoutOpt,
    runner: str | None = RunnerOpt,
    scheduler: str | None = SchedulerOpt,
    dask_workers: int | None = DaskWorkersOpt,
    confirm: int = typer.Option(300, "--confirm", help="seconds of the device's confirm timer"),
    replace: bool = typer.Option(
        False, "--replace", help="load the full config: the running one, owned parts replaced"
    ),
    max_failures: int = typer.Option(
        0, "--max-failures", min=0, help="failures tolerated before the rollout stops"
    ),
    yes: bool = typer.Option(False, "--yes", help="commit without asking"),
    post_check: bool = typer.Option(
        True,
        "--post-check/--no-post-check",
        help="validate before confirming (roll back on failure)",
    ),
    settle: float = typer.Option(
        20.0, "--settle", min=0, help="seconds the post-checks may take to pass"
    ),
    take_over: bool = TakeOverOpt,
    ticket: str = TicketOpt,
    approver: str = ApproverOpt,
    window: str = WindowOpt,
) -> None:
    """Commit with the confirm timer armed, check, then confirm; roll back on failure."""
    with cli_errors():
        target = _target(
            inventory=inventory,
            hosts=hosts,
            group=group,
            platform=platform,
            lab=lab,
            lab_state=lab_state,
            timeout=timeout,
            runner=RunnerChoice(runner, scheduler, dask_workers),
        )
        _check_confirm(confirm, target, settle_s=settle, post_check=post_check, timeout_s=timeout)
        _show_plan(target)
        if not yes:
            if not sys.stdin.isatty():
                raise InputError(
                    "refusing to commit without --yes (no terminal to ask)",
                    location=Location(field="--yes"),
                )
            if not typer.confirm(f"commit to {len(target.intents)} devices?"):
                raise Declined("commit declined: nothing was sent to any device")
        meta = _meta("commit", lab, ticket=ticket, approver=approver, window=window)
        change_id = new_change_id()
        # the devices' locks first: a refused run leaves no change directory behind
        with device_locks(device_keys(target.nr), change_id=change_id):
            change = ChangeDir.create(changes_dir, change_id)
            change.write_meta(meta)
            result = run_interruptible(
                target.nr,
                change=change,
                intents=target.intents,
                configs=target.configs,
                options=DeployOptions(
                    commit=True,
                    replace=replace,
                    confirm_s=confirm,
                    max_failures=max_failures,
                    validate=post_check,
                    settle_s=settle,
                    take_over=take_over,
                ),
                progress=_progress,
            )
    code = _summary(result, as_json=as_json, show_diffs=False)
    raise typer.Exit(code=EXIT_INTERRUPTED if result.interrupted else code)


def rollback_command(
    change_id: str = typer.Option(..., "--change", help="the change to undo"),
    inventory: Path = InventoryOpt,
    hosts: str | None = HostsOpt,
    group: list[str] | None = GroupOpt,
    platform: str | None = PlatformOpt,
    lab: bool = LabOpt,
    lab_state: Path = LabStateOpt,
    changes_dir: Path = ChangesOpt,
    as_json: bool = JsonOpt,
    timeout: int = TimeoutOpt,
    runner: str | None = RunnerOpt,
    scheduler: str | None = SchedulerOpt,
    dask_workers: int | None = DaskWorkersOpt,
    yes: bool = typer.Option(False, "--yes", help="roll back without asking"),
) -> None:
    """Restore every device of a change to its backup (as a replace) and verify it."""
    with cli_errors():
        change = ChangeDir.open(changes_dir, change_id)
        target = _target(
            inventory=inventory,
            hosts=hosts,
            group=group,
            platform=platform,
            lab=lab,
            lab_state=lab_state,
            timeout=timeout,
            runner=RunnerChoice(runner, scheduler, dask_workers),
        )
        # a backup that cannot be verified (or whose vault entry is gone) fails its own host
        # with the reason, rather than being skipped in silence
        backed_up = {h for h in target.intents if change.has_backup(h)}
        if not backed_up:
            raise InputError(
                f"change {change_id} holds no backup of the selected hosts",
                location=Location(file=change.root),
            )
        if not yes and not sys.stdin.isatty():
            raise InputError(
                "refusing to roll back without --yes (no terminal to ask)",
                location=Location(field="--yes"),
            )
        if not yes and not typer.confirm(f"roll back {len(backed_up)} devices?"):
            raise Declined("rollback declined: nothing was sent to any device")
        with device_locks(device_keys(target.nr), change_id=change_id):
            outcomes = rollback_change(target.nr, change=change, hosts=backed_up, say=_progress)
            record_rollback(change, outcomes)
    failed = sum(1 for o in outcomes.values() if not o.ok)
    for host, outcome in sorted(outcomes.items()):
        (out if outcome.ok else err).print(f"{host}: {outcome.message}", soft_wrap=True)
    if as_json:
        print(
            json.dumps(
                {
                    "change_id": change_id,
                    "rolled_back": sorted(h for h, o in outcomes.items() if o.ok),
                    "failed": failed,
                    "hosts": {h: {"ok": o.ok, "message": o.message} for h, o in outcomes.items()},
                }
            )
        )
    raise typer.Exit(code=1 if failed else 0)


def backup_command(
    inventory: Path = InventoryOpt,
    hosts: str | None = HostsOpt,
    group: list[str] | None = GroupOpt,
    platform: str | None = PlatformOpt,
    lab: bool = LabOpt,
    lab_state: Path = LabStateOpt,
    changes_dir: Path = ChangesOpt,
    as_json: bool = JsonOpt,
    timeout: int = TimeoutOpt,
    runner: str | None = RunnerOpt,
    scheduler: str | None = SchedulerOpt,
    dask_workers: int | None = DaskWorkersOpt,
) -> None:
    """Fetch and keep every selected device's running config (with checksums)."""
    with cli_errors():
        target = _target(
            inventory=inventory,
            hosts=hosts,
            group=group,
            platform=platform,
            lab=lab,
            lab_state=lab_state,
            timeout=timeout,
            runner=RunnerChoice(runner, scheduler, dask_workers),
        )
        change = ChangeDir.create(changes_dir)
        backups = backup_fleet(target.nr, change=change)
    failed = [h for h, b in backups.items() if not b.ok]
    for host, taken in backups.items():
        if taken.backup is None:
            from egress.devices.device_errors import describe

            failure = describe(taken.error, host_key=host_key_ref(target.nr.inventory.hosts[host]))
            err.print(f"{host}: backup failed: {failure.message}")
        else:
            out.print(f"{host}: {taken.backup.lines} lines, sha256 {taken.backup.sha256[:12]}")
            if taken.backup.repaired:
                out.print(f"{host}: repaired on connecting: {taken.backup.repaired}")
    out.print(f"backups in {change.root}")
    if as_json:
        print(json.dumps({"change_id": change.change_id, "failed": sorted(failed)}))
    raise typer.Exit(code=1 if failed else 0)
