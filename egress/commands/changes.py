"""`egress changes list|prune`: the change records on disk, and their retention."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from egress.change.retention import list_changes, prune, retention_days, to_prune
from egress.console import cli_errors, out

changes_app = typer.Typer(
    help="Change records on disk: list them, prune the old ones.", no_args_is_help=True
)
ChangesDirOpt = typer.Option(Path("changes"), "--changes-dir", help="where change records go")
JsonOpt = typer.Option(False, "--json", help="one JSON document on stdout")


@changes_app.command("list")
def list_command(changes_dir: Path = ChangesDirOpt, as_json: bool = JsonOpt) -> None:
    """Every change record, newest first: what ran, where, for which ticket, how it ended."""
    records = list_changes(changes_dir)
    if as_json:
        print(json.dumps([asdict(r) | {"path": str(r.path)} for r in records], indent=2))
        return
    table = Table(title=f"changes in {changes_dir}")
    for column in (
        "change",
        "age (days)",
        "verb",
        "env",
        "ticket",
        "operator",
        "status",
        "devices",
    ):
        table.add_column(column)
    for r in records:
        table.add_row(
            r.change_id,
            f"{r.age_days:g}",
            r.verb,
            r.environment,
            r.ticket,
            r.operator,
            r.status,
            str(r.devices),
        )
    out.print(table)


@changes_app.command("prune")
def prune_command(
    changes_dir: Path = ChangesDirOpt,
    keep_days: int | None = typer.Option(
        None, "--keep-days", min=0, help="retention (default $EGRESS_RETENTION_DAYS or 90)"
    ),
    yes: bool = typer.Option(False, "--yes", help="remove them (default: only list them)"),
    as_json: bool = JsonOpt,
) -> None:
    """Remove change records older than the retention, with their vault entries (dry-run
    unless --yes). A change still running is never removed."""
    with cli_errors():
        days = retention_days(keep_days)
        old = to_prune(list_changes(changes_dir), keep_days=days)
        if yes:
            prune(old)
        verb = "removed" if yes else "would remove"
        for record in old:
            out.print(f"{verb} {record.change_id} ({record.age_days:g} days old)")
        out.print(
            f"{verb} {len(old)} change records older than {days} days"
            + ("" if yes else " (add --yes to remove them)")
        )
    if as_json:
        print(
            json.dumps({"keep_days": days, "removed": yes, "changes": [r.change_id for r in old]})
        )
