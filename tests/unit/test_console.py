"""Output that is not a terminal (CI logs, pipes) is never wrapped or truncated."""

from __future__ import annotations

import io

import pytest
from rich.table import Table

from egress.console import _console, heading


class Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_a_pipe_gets_whole_lines_and_whole_cells() -> None:
    stream = Pipe()
    console = _console(stream, stderr=False)
    console.file = stream
    path = "/very/long/" + "segment/" * 40 + "diff.txt"
    console.print(f"record in {path}")
    table = Table()
    table.add_column("outcome")
    table.add_column("detail")
    table.add_row("failed-untouched", "x" * 300)
    console.print(table)
    heading(console, "ams-edge-01 (committed)")
    text = stream.getvalue()
    assert f"record in {path}\n" in text
    assert "failed-untouched" in text and "x" * 300 in text
    assert "=== ams-edge-01 (committed) ===" in text
    assert max(len(line) for line in text.splitlines()) < 1000  # no rule across 100,000 cols


def test_a_diff_without_colours_prints_what_the_highlighter_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`egress diff` into a pipe skips pygments and prints the same characters."""
    from rich.syntax import Syntax

    from egress.commands import deploy

    diff = "+ ip sla 10\n+  icmp-echo 192.0.2.1\n-\told [red]x[/] \\[y]\n\n  tail  "
    for text in (diff, diff + "\n"):
        printed, expected = Pipe(), Pipe()
        console = _console(printed, stderr=False)
        console.file = printed
        monkeypatch.setattr(deploy, "out", console)
        deploy.show_diff(text)
        reference = _console(expected, stderr=False)
        reference.file = expected
        reference.print(Syntax(text, "diff", theme="ansi_dark", background_color="default"))
        assert console.color_system is None
        assert printed.getvalue() == expected.getvalue()
