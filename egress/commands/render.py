"""`egress render`: one configuration file per host, and a summary table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer
from rich.table import Table

from egress.commands.options import GroupOpt, HostsOpt, InventoryOpt, PlatformOpt
from egress.console import cli_errors, err, out, show_error
from egress.errors import EgressError, InputError
from egress.model.inventory import load_nornir
from egress.model.selection import select_hosts
from egress.model.sites import InventoryFiles
from egress.render import default_templates_dir
from egress.render.batch import (
    DesignSource,
    HostOutcome,
    default_workers,
    gc_paused,
    render_hosts,
)

# Past this many hosts a per-host table is noise; the summary line says it all.
TABLE_MAX_HOSTS = 100


def render_command(
    inventory: Path = InventoryOpt,
    out_dir: Path = typer.Option(Path("build/configs"), "--out", help="where <host>.cfg go"),
    hosts: str | None = HostsOpt,
    group: list[str] | None = GroupOpt,
    platform: str | None = PlatformOpt,
    templates: Path | None = typer.Option(None, "--templates", help="templates directory"),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="processes (default: one per core from 400 hosts)"
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no table, only the summary line"),
) -> None:
    """Render the design into one configuration file per host (exit 0 ok, 1 a host failed,
    2 bad input)."""
    with cli_errors():
        code = render_inventory(
            inventory=inventory,
            out_dir=out_dir,
            hosts=hosts,
            group=group,
            platform=platform,
            templates_dir=templates or default_templates_dir(),
            workers=workers,
            quiet=quiet,
        )
    raise typer.Exit(code=code)


def render_inventory(
    *,
    inventory: Path,
    out_dir: Path,
    hosts: str | None,
    group: Sequence[str] | None,
    platform: str | None,
    templates_dir: Path,
    workers: int | None,
    quiet: bool,
) -> int:
    # Loading and rendering allocate millions of small objects that all live to the end:
    # the cyclic GC would rescan them again and again for nothing (see PERF-FACTS).
    with gc_paused():
        everything = load_nornir(inventory)
        nr = select_hosts(everything, hosts=hosts, group=group, platform=platform)
        if not nr.inventory.hosts:
            raise InputError("no host matches the filters", hint="check --hosts/--group/--platform")
        count = workers or default_workers(len(nr.inventory.hosts))
        source = DesignSource.of(everything.inventory, InventoryFiles.in_dir(inventory))
        # few workers: derive here (the table shows each intent); many: each worker its share
        intents = source.derive(list(nr.inventory.hosts)) if count == 1 else None
        out_dir.mkdir(parents=True, exist_ok=True)
        outcomes = render_hosts(
            nr,
            intents=intents,
            source=source,
            out_dir=out_dir,
            templates_dir=templates_dir,
            workers=count,
        )
    errors = [o.error for o in outcomes if o.error is not None]
    if not quiet and not errors and intents is not None and len(outcomes) <= TABLE_MAX_HOSTS:
        out.print(_table(outcomes, intents, out_dir))
    code = max((e.exit_code for e in errors), default=0)
    for error, hosts_alike in _distinct(errors):
        show_error(error)
        if hosts_alike:
            err.print(f"  (the same for {hosts_alike} more host(s))")
    for outcome in outcomes:
        if outcome.crash is not None:
            err.print(f"{outcome.host}: unexpected error {outcome.crash}")
            code = max(code, 1)
    ok = sum(1 for o in outcomes if not o.failed)
    changed = sum(1 for o in outcomes if o.changed)
    out.print(f"rendered {ok}/{len(outcomes)} hosts ({changed} changed) into {out_dir}")
    return code


def _distinct(errors: list[EgressError]) -> list[tuple[EgressError, int]]:
    """One template bug fails every host of a platform: show it once, with a count."""
    seen: dict[tuple[object, ...], list[EgressError]] = {}
    for error in errors:
        loc = error.location
        seen.setdefault((error.message, loc.file, loc.line, loc.field), []).append(error)
    return [(alike[0], len(alike) - 1) for alike in seen.values()]


def _table(outcomes: list[HostOutcome], intents: dict, out_dir: Path) -> Table:  # type: ignore[type-arg]
    table = Table(title=f"egress render → {out_dir}")
    for column in ("host", "platform", "site", "role", "features", "lines", "status"):
        table.add_column(column, no_wrap=column != "features")
    for outcome in outcomes:
        intent = intents[outcome.host]
        if outcome.failed:
            status, lines = "[red]failed[/]", "-"
        else:
            status = "[green]changed[/]" if outcome.changed else "unchanged"
            lines = str(outcome.lines)
        table.add_row(
            outcome.host,
            intent.platform,
            intent.site,
            intent.role,
            " ".join(intent.features),
            lines,
            status,
        )
    return table
