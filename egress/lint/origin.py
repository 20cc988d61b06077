"""Which template line produced a rendered config line (for SARIF and the text report).

Jinja2 keeps no map from output lines to template lines. A finding needs one only rarely, so
it is rebuilt on demand: render each feature template alone (main.j2 only concatenates them,
in ``device.features`` order), check that the pieces add up to the real text, find the feature
holding the line, then the template line whose literal text matches it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import TemplateError

from egress.lint.findings import Where
from egress.lint.model import DeviceView
from egress.render import environment

_EXPRESSION = re.compile(r"\{\{.*?\}\}")
_STATEMENT = re.compile(r"\{%.*?%\}|\{#.*?#\}")


def template_origin(view: DeviceView, *, line: int, templates_dir: Path) -> Where | None:
    """The template file and line that rendered ``line`` of ``view``'s config, if found."""
    env = environment(templates_dir)
    offset = 0
    rendered = view.text.splitlines()
    for feature in view.intent.features:
        name = f"{view.platform}/{feature}.j2"
        try:
            piece = env.get_template(name).render(device=view.intent).splitlines()
        except TemplateError:
            return None
        if rendered[offset : offset + len(piece)] != piece:
            return None  # main.j2 does more than concatenate: no reliable answer
        if offset < line <= offset + len(piece):
            path = templates_dir / name
            found = _matching_line(path, rendered[line - 1])
            return Where(path, found)
        offset += len(piece)
    return Where(templates_dir / f"{view.platform}/main.j2", None)


def _matching_line(path: Path, text: str) -> int | None:
    for number, pattern in _patterns(path):
        if pattern.fullmatch(text):
            return number
    return None


@lru_cache(maxsize=64)
def _patterns(path: Path) -> tuple[tuple[int, re.Pattern[str]], ...]:
    found = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        literal = _STATEMENT.sub("", raw)
        if not literal.strip() or literal.strip() in ("-", "+"):
            continue
        parts = _EXPRESSION.split(literal)
        pattern = ".*?".join(re.escape(p) for p in parts)
        found.append((number, re.compile(pattern.strip() and r"\s*" + pattern.strip() + r"\s*")))
    return tuple(found)
