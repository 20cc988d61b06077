"""The change-window report: built from a change directory, for the change board.

``write_report(changes/<id>)`` writes report.html (self-contained, readable offline),
report.md (for the ticket) and report.json; every secret is redacted (egress.change.redact).
"""

from __future__ import annotations

from egress.report.data import Report, collect
from egress.report.render import render_html, render_json, render_markdown, write_report

__all__ = ["Report", "collect", "render_html", "render_json", "render_markdown", "write_report"]
