"""Helpers over hier_config trees whose nodes carry the line numbers they were read from."""

from __future__ import annotations

from collections.abc import Iterator

from hier_config import HConfig, HConfigChild

LINES = "lines"


def add(parent: HConfig | HConfigChild, text: str, line: int) -> HConfigChild:
    """Add (or re-enter) ``text`` under ``parent`` and remember the line it came from.

    A rendered snippet re-opens sections (IOS `interface X` in several features, FortiOS
    `config system interface` twice): the repeats merge into one node, every line kept.
    """
    child = parent.children.get(text)
    if child is None:
        child = parent.add_child(text, check_if_present=False)
    child.facts.setdefault(LINES, []).append(line)
    return child


def line_of(node: HConfigChild) -> int:
    lines: list[int] = node.facts.get(LINES) or [0]
    return lines[0]


def starting(node: HConfig | HConfigChild, prefix: str) -> Iterator[HConfigChild]:
    for child in node.children:
        if child.text.startswith(prefix):
            yield child


def first(node: HConfig | HConfigChild, prefix: str) -> HConfigChild | None:
    return next(starting(node, prefix), None)


def words_after(node: HConfigChild, prefix: str) -> list[str]:
    return node.text[len(prefix):].split()


def text_of(node: HConfig | HConfigChild) -> str:
    """A node's line; the root has none."""
    return node.text if isinstance(node, HConfigChild) else ""
