"""The report in three forms from one redacted :class:`Report`: HTML (self-contained, no
script, no external asset), Markdown (for the ticket) and JSON (for tools)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from egress.errors import InputError, Location
from egress.report.data import Report, collect, redacted

HTML = "report.html"
MARKDOWN = "report.md"
JSON = "report.json"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("egress.report", "templates"),
        # every value is device or inventory text: escape it all in HTML
        autoescape=select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _markdown_cell
    return env


def render_html(report: Report) -> str:
    # templates see only the redacted data: no format can show what redaction removed
    return _environment().get_template("report.html.j2").render(r=redacted(report))


def render_markdown(report: Report) -> str:
    return _environment().get_template("report.md.j2").render(r=redacted(report))


def render_json(report: Report) -> str:
    return json.dumps(redacted(report), indent=2) + "\n"


def write_report(root: Path) -> list[Path]:
    """Build the report of the change in ``root`` and write its three forms beside it."""
    if not root.is_dir():
        raise InputError(f"no change directory {root}", location=Location(file=root))
    report = collect(root)
    written = []
    for name, text in (
        (HTML, render_html(report)),
        (MARKDOWN, render_markdown(report)),
        (JSON, render_json(report)),
    ):
        path = root / name
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        written.append(path)
    return written


def _markdown_cell(value: object) -> str:
    """Text safe in a Markdown table cell: no pipe, no newline, no raw HTML."""
    text = " ".join(str(value).split())
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
