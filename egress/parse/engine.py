"""Running TTP: each template is compiled once per process and reused for every output.

Compiling a TTP template costs 7-17x the parse of a small output (PERF-FACTS.md), and a
validate run parses the same few commands on every device, so the compiled parser is cached
per template path. A TTP parser object is stateful (inputs, results), so each one is guarded
by a lock: threads (Nornir's runner) may share it, they only queue on the same template.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

from ttp import ttp

# group name -> the group's matches, in document order
Rows = dict[str, list[dict[str, Any]]]

_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


def dedent_lines(text: str) -> str:
    r"""Strip every line's indentation.

    TTP rebuilds a template line's indentation literally into its regex, and device output
    indents the same line differently across releases (and in captures pasted from docs).
    The templates are therefore written unindented and matched against unindented text;
    where indentation carries meaning a template opts out (``dedent=False`` in the registry).

    Tabs inside a line are read as a space: TTP matches a template's spaces as runs of
    spaces, and some releases pad table columns with tabs (genieparser's capture of an
    older "show ip sla summary" has "2001:db8::222  \t\t Active").

    >>> dedent_lines("a\n   b\n\tc\td")
    'a\nb\nc d'
    """
    return _INDENT.sub("", text).replace("\t", " ")


def _as_list(value: Any) -> list[dict[str, Any]]:
    """TTP returns a dict for one match and a list for several: always hand back a list."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


class CompiledTemplate:
    """One TTP template, compiled once, fed one output at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._parser = ttp(template=path.read_text(encoding="utf-8"), log_level="ERROR")
        self._lock = threading.Lock()

    def rows(self, text: str) -> Rows:
        """Parse one output; the result maps each top-level group name to its matches."""
        # TTP anchors every line regex on "\n": a leading one lets the first line match too
        data = "\n" + text if not text.startswith("\n") else text
        with self._lock:
            self._parser.clear_input()
            self._parser.clear_result()
            self._parser.add_input(data)
            self._parser.parse(one=True)
            result = self._parser.result()
        per_input = result[0][0] if result and result[0] else {}
        if not isinstance(per_input, dict):
            return {}
        return {name: _as_list(value) for name, value in per_input.items()}

    def rows_batch(self, texts: list[str]) -> list[Rows]:
        """Parse many outputs in one TTP run (one per device): the cheapest per output.

        TTP keeps one copy of identical inputs (two standby units may well print the same
        thing), so each distinct text is parsed once and its rows handed to every device
        that printed it.
        """
        unique = list(dict.fromkeys(texts))
        with self._lock:
            self._parser.clear_input()
            self._parser.clear_result()
            for text in unique:
                self._parser.add_input("\n" + text)
            self._parser.parse(one=True)
            result = self._parser.result()
        per_input = result[0] if result else []
        if len(per_input) != len(unique):  # pragma: no cover - a TTP behaviour change
            raise RuntimeError(f"TTP returned {len(per_input)} results for {len(unique)} inputs")
        rows = {
            text: (
                {name: _as_list(value) for name, value in item.items()}
                if isinstance(item, dict)
                else {}
            )
            for text, item in zip(unique, per_input, strict=True)
        }
        return [rows[text] for text in texts]


_COMPILING = threading.Lock()


def compiled(path: Path) -> CompiledTemplate:
    """The process-wide compiled template for ``path`` (built on first use, once: a commit's
    20 device threads reach their first show command together, and ``functools.cache``
    alone let each of them compile the same template, ~0.5 CPU-s of TTP under the
    interpreter lock per commit by py-spy)."""
    with _COMPILING:
        return _compiled(path)


@cache
def _compiled(path: Path) -> CompiledTemplate:
    return CompiledTemplate(path)
