"""Options every verb shares, declared once: the inventory and the host filters."""

from __future__ import annotations

from pathlib import Path

import typer

InventoryOpt = typer.Option(Path("inventory"), "--inventory", "-i", help="Nornir inventory dir")
HostsOpt = typer.Option(
    None, "--hosts", "--limit", help="host names or globs, comma separated: 'ams-*,fra-edge-01'"
)
GroupOpt = typer.Option(
    None, "--group", help="only hosts in this group (repeat, or comma separate, for several)"
)
PlatformOpt = typer.Option(None, "--platform", help="only hosts of this platform")
