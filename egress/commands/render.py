"""`egress render`: one configuration file per host, and a summary table."""

from __future__ import annotations

import gc
from pathlib import Path

import typer
from nornir.plugins.runners import SerialRunner
from rich.table import Table

from egress.console import cli_errors, out, show_error
from egress.errors import EgressError, InputError
from egress.inventory import load_nornir
from egress.render import default_templates_dir
from egress.selection import select_hosts
from egress.sites import InventoryFiles, build_intents
from tasks.render import RenderedConfig, render_config

InventoryOpt = typer.Option(Path("inventory"), "--inventory", "-i", help="Nornir inventory dir")
HostsOpt = typer.Option(None, "--hosts", help="comma-separated host names")
GroupOpt = typer.Option(None, "--group", help="only hosts in this group")
PlatformOpt = typer.Option(None, "--platform", help="only hosts of this platform")


def render_command(
    inventory: Path = InventoryOpt,
    out_dir: Path = typer.Option(Path("build/configs"), "--out", help="where <host>.cfg go"),
    hosts: str | None = HostsOpt,
    group: str | None = GroupOpt,
    platform: str | None = PlatformOpt,
    templates: Path | None = typer.Option(None, "--templates", help="templates directory"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no table, only the summary line"),
) -> None:
    """Render the design into one configuration file per host."""
    with cli_errors():
        failed = render_inventory(
            inventory=inventory, out_dir=out_dir, hosts=hosts, group=group, platform=platform,
            templates_dir=templates or default_templates_dir(), quiet=quiet,
        )
    raise typer.Exit(code=failed)


def render_inventory(
    *, inventory: Path, out_dir: Path, hosts: str | None, group: str | None,
    platform: str | None, templates_dir: Path, quiet: bool,
) -> int:
    """Render the selected hosts; returns the exit code (0 ok, 1 a host failed, 2 bad input)."""
    # Loading and rendering allocate millions of small objects that all live to the end:
    # the cyclic GC would rescan them again and again for nothing (see PERF-FACTS).
    gc.disable()
    try:
        nr = select_hosts(load_nornir(inventory), hosts=hosts, group=group, platform=platform)
        if not nr.inventory.hosts:
            raise InputError("no host matches the filters", hint="check --hosts/--group/--platform")
        intents = build_intents(
            nr.inventory, files=InventoryFiles.in_dir(inventory), hosts=nr.inventory.hosts
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        results = nr.with_runner(SerialRunner()).run(
            task=render_config, intents=intents, out_dir=out_dir, templates_dir=templates_dir
        )
    finally:
        gc.enable()

    table = Table(title=f"egress render → {out_dir}", show_lines=False)
    for column in ("host", "platform", "site", "role", "features", "lines", "status"):
        table.add_column(column)
    code = 0
    for name, multi in results.items():
        intent = intents[name]
        if multi.failed:
            exc = multi[0].exception
            if isinstance(exc, EgressError):
                show_error(exc)
                code = max(code, exc.exit_code)
            else:
                out.print(f"[red]{name}: {exc!r}[/]")
                code = max(code, 1)
            status = "[red]failed[/]"
            lines = "-"
        else:
            rendered: RenderedConfig = multi[0].result
            status = "[green]changed[/]" if rendered.changed else "unchanged"
            lines = str(rendered.lines)
        table.add_row(name, intent.platform, intent.site, intent.role,
                      " ".join(intent.features), lines, status)
    if not quiet:
        out.print(table)
    ok = sum(1 for m in results.values() if not m.failed)
    out.print(f"rendered {ok}/{len(results)} hosts into {out_dir}")
    return code
