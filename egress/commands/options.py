"""Options every verb shares, declared once: the inventory and the host filters."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from egress.errors import InputError, Location

InventoryOpt = typer.Option(Path("inventory"), "--inventory", "-i", help="Nornir inventory dir")
HostsOpt = typer.Option(
    None, "--hosts", "--limit", help="host names or globs, comma separated: 'ams-*,fra-edge-01'"
)
GroupOpt = typer.Option(
    None, "--group", help="only hosts in this group (repeat, or comma separate, for several)"
)
PlatformOpt = typer.Option(None, "--platform", help="only hosts of this platform")

# What the change board reads first (the report's header); a playbook may set them too.
TicketOpt = typer.Option("", "--ticket", help="the change ticket, e.g. CHG-1234")
ApproverOpt = typer.Option("", "--approver", help="who approved the change")
WindowOpt = typer.Option(
    "", "--window", help="the planned change window, e.g. '2026-12-05 22:00-23:00 UTC'"
)

_BOARD_TEXT = re.compile(r"[^\x00-\x1f\x7f]{0,80}")


def board_fields(*, ticket: str, approver: str, window: str) -> dict[str, str]:
    """The three values, checked: one line of at most 80 characters each (they go into
    file names' neighbours, reports and tickets, never to a device)."""
    fields = {"ticket": ticket, "approver": approver, "window": window}
    for name, value in fields.items():
        if not _BOARD_TEXT.fullmatch(value):
            raise InputError(
                f"--{name} must be one line of at most 80 characters",
                location=Location(field=f"--{name}"),
            )
    return fields
