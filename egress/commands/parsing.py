"""What `egress parse` does, without typer: read the file, parse it, give the JSON.

Apart from the typer command (egress.commands.parse) so that the command line's fast path
(egress.start) runs it without importing typer, and without rich unless there is an error to
show: `egress parse` starts in under 0.15 s (issue 18).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from egress.errors import EgressError, InputError, Location
from egress.parse import lookup, parse_output, reads_as
from egress.parse.schema import BaseRecord


def parse_json(file: Path, *, platform: str, command: str) -> str:
    """The JSON ``egress parse`` prints; bad input is shown by egress.console's
    ``cli_errors`` (raising ``typer.Exit`` with its exit code)."""
    try:
        records = parse_file(file, platform=platform, command=command)
    except (EgressError, OSError):
        from egress.console import cli_errors  # rich: only to show an error

        with cli_errors():
            raise  # the error being handled: shown, and mapped to its exit code
        raise  # not reached: cli_errors always raises
    return json.dumps([record.model_dump(mode="json") for record in records], indent=2)


def parse_file(file: Path, *, platform: str, command: str) -> list[BaseRecord]:
    """Read ``file`` (or stdin for '-') and parse it; library errors carry the file name."""
    lookup(platform=platform, command=command)  # a typo in the command is reported first
    if str(file) == "-":
        text = sys.stdin.read()
    else:
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise InputError(
                f"cannot read {file}: {exc.strerror or exc}",
                location=Location(file=file),
                hint="give the path of a file holding the command's output",
            ) from exc
    records = parse_output(platform=platform, command=command, text=text)
    if not records and text.strip():
        _not_this_output(text, platform=platform, command=command, file=file)
    return records


def _not_this_output(text: str, *, platform: str, command: str, file: Path) -> None:
    """Nothing read from a non-empty output: say so when it reads as another platform's or
    command's output (an empty table of the right command is still an empty list)."""
    spec = lookup(platform=platform, command=command)
    others = reads_as(text, spec=spec)
    if others:
        other, count = others[0]
        raise InputError(
            f"no record in this output as {platform} {spec.command!r}; it reads as "
            f"{other.platform} {other.command!r} ({count} records)",
            location=Location(file=None if str(file) == "-" else file, field="--command"),
            hint=f"egress parse --platform {other.platform} --command '{other.command}' {file}",
        )
