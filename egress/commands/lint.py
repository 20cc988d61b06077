"""`egress lint`: render in memory, parse back, check; exit 0 clean, 1 errors, 2 bad input."""

from __future__ import annotations

from collections import defaultdict
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape

from egress.console import cli_errors, out
from egress.errors import InputError, Location
from egress.lint.findings import Finding, Severity
from egress.lint.formats import FORMATTERS
from egress.lint.run import LintResult, lint_inventory
from egress.render import default_templates_dir


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    SARIF = "sarif"


_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}


InventoryOpt = typer.Option(Path("inventory"), "--inventory", "-i", help="Nornir inventory dir")
TemplatesOpt = typer.Option(None, "--templates", help="templates directory")
FormatOpt = typer.Option(Format.TEXT, "--format", "-f", help="text, json, junit or sarif")
OutputOpt = typer.Option(None, "--output", "-o", help="write the report here (default: stdout)")
HostsOpt = typer.Option(None, "--hosts", help="comma-separated host names")
GroupOpt = typer.Option(None, "--group", help="only hosts in this group")
PlatformOpt = typer.Option(None, "--platform", help="only hosts of this platform")
WorkersOpt = typer.Option(None, "--workers", min=1,
                          help="processes (default: one per core from 400 hosts)")


def lint_command(
    inventory: Path = InventoryOpt,
    templates: Path | None = TemplatesOpt,
    output_format: Format = FormatOpt,
    output: Path | None = OutputOpt,
    hosts: str | None = HostsOpt,
    group: str | None = GroupOpt,
    platform: str | None = PlatformOpt,
    workers: int | None = WorkersOpt,
) -> None:
    """Lint the rendered configs and the HA design (nothing is written to build/)."""
    with cli_errors():
        result = lint_inventory(
            inventory, templates_dir=templates or default_templates_dir(), hosts=hosts,
            group=group, platform=platform, workers=workers,
        )
        if output_format is Format.TEXT:
            if output is not None:
                _write(output, _plain_report(result))
            else:
                _print_report(result)
        else:
            text = FORMATTERS[output_format.value](result)
            if output is not None:
                _write(output, text)
            else:
                out.file.write(text)
        if output is not None:  # the report went to a file: say how it went
            out.print(_summary(result))
    raise typer.Exit(code=result.exit_code)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}",
                         location=Location(file=path, field="--output")) from exc


def _grouped(result: LintResult) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        grouped[finding.host].append(finding)
    return grouped


def _summary(result: LintResult) -> str:
    warnings = len(result.findings) - result.errors
    return (f"linted {len(result.hosts)} hosts with {len(result.rules)} rules: "
            f"{result.errors} errors, {warnings} warnings")


def _print_report(result: LintResult) -> None:
    for host, findings in _grouped(result).items():
        out.print(f"[bold]{escape(host)}[/]")
        for f in findings:
            out.print(f"  [{_STYLE[f.severity]}]{f.rule} {f.severity.value}[/] "
                      f"{escape(f.location)}: {escape(f.message)}")
            if f.origin is not None:
                line = f":{f.origin.line}" if f.origin.line else ""
                out.print(f"      [dim]rendered by {escape(str(f.origin.file))}{line}[/]")
            if f.hint:
                out.print(f"      [cyan]hint:[/] {escape(f.hint)}")
    style = "bold red" if result.errors else "green"
    out.print(f"[{style}]{escape(_summary(result))}[/]")


def _plain_report(result: LintResult) -> str:
    lines = []
    for host, findings in _grouped(result).items():
        lines.append(host)
        for f in findings:
            lines.append(f"  {f.rule} {f.severity.value} {f.location}: {f.message}")
            if f.origin is not None:
                line = f":{f.origin.line}" if f.origin.line else ""
                lines.append(f"      rendered by {f.origin.file}{line}")
            if f.hint:
                lines.append(f"      hint: {f.hint}")
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"
