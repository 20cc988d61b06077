"""`egress parse`: saved show output in, the vendor-neutral records out, as JSON."""

from __future__ import annotations

from pathlib import Path

import typer

from egress.commands.parsing import parse_file, parse_json

__all__ = ["parse_command", "parse_file"]

FileArg = typer.Argument(..., help="file holding the command's output; '-' reads stdin")


def parse_command(
    file: Path = FileArg,
    platform: str = typer.Option(..., "--platform", "-p", help="ios, junos or fortios"),
    command: str = typer.Option(
        ..., "--command", "-c", help='the command that printed it, e.g. "show vrrp brief"'
    ),
) -> None:
    """Parse one device's show output into egress records, printed as JSON (exit 2 on an
    unknown platform or command, or an unreadable file)."""
    typer.echo(parse_json(file, platform=platform, command=command))
