"""Terminal output of the CLI layer: rich consoles and the one way errors are shown."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

import typer
from rich.console import Console
from rich.markup import escape

from egress.change.redact import redact_text
from egress.errors import EgressError, InputError

# Not a terminal (a CI log, a pipe, a file): nothing is wrapped or truncated, so every line
# can be grepped whole; rich would otherwise assume 80 columns.
UNWRAPPED = 100_000


def _console(stream: TextIO, *, stderr: bool) -> Console:
    if stream.isatty():
        return Console(stderr=stderr, highlight=False)
    return Console(stderr=stderr, highlight=False, width=UNWRAPPED, soft_wrap=True)


out = _console(sys.stdout, stderr=False)
err = _console(sys.stderr, stderr=True)


def heading(console: Console, title: str) -> None:
    """A section title: a rule on a terminal, one plain line elsewhere."""
    if console.is_terminal:
        console.rule(title)
    else:
        console.print(f"=== {title} ===", markup=False)


def show_error(exc: EgressError) -> None:
    """One screen: what failed, where (file:line, host, field), and what to do.

    Never wrapped: a path or a field split over two lines cannot be copied or grepped.
    """
    loc = exc.location
    message, hint = exc.message, exc.hint
    if not isinstance(exc, InputError):
        # a device's failure may quote the device (a refused line, what still differs)
        message, hint = redact_text(message), redact_text(hint)
    lines = [f"[bold red]error:[/] {escape(message)}"]
    if loc.file is not None:
        lines.append(f"  file:  {escape(str(loc.file))}" + (f":{loc.line}" if loc.line else ""))
    if loc.host:
        lines.append(f"  host:  {escape(loc.host)}")
    if loc.field:
        lines.append(f"  field: {escape(loc.field)}")
    if hint:
        lines.append(f"  hint:  {escape(hint)}")
    for line in lines:
        err.print(line, soft_wrap=True)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Map egress errors to their exit code (2 bad input, 1 device/check failure)."""
    try:
        yield
    except EgressError as exc:
        show_error(exc)
        raise typer.Exit(code=exc.exit_code) from None
    except OSError as exc:  # a full disk, a read-only directory: one line, not a traceback
        where = f" ({exc.filename})" if exc.filename else ""
        err.print(f"[bold red]error:[/] {escape(exc.strerror or str(exc))}{escape(where)}")
        raise typer.Exit(code=1) from None


@contextmanager
def machine_output(enabled: bool) -> Iterator[None]:
    """``--json``: stdout carries the JSON document alone, so ``egress … --json | jq`` works;
    everything meant for people (progress, tables, errors) goes to stderr meanwhile."""
    if not enabled:
        yield
        return
    # rich keeps the stream it was given in ``_file`` (None: look up sys.stdout when printing)
    saved = out._file
    out.file = sys.stderr
    try:
        yield
    finally:
        out._file = saved
