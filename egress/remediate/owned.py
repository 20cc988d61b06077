"""A plain indented-config tree for ownership work, and how to compare owned objects.

An object at a key egress wants is egress's own when everything it holds is something egress
writes (``covered``): the device may hide defaults egress renders, so the object may hold less,
never something else. The rendered config of today, the one egress last committed to that
device (its change record), or egress's mark in the object say so (docs/adr.md, ownership).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from egress.lint.config.tree import Node


@dataclass(eq=False)
class Line:
    text: str
    children: list[Line] = field(default_factory=list)

    @classmethod
    def of_tree(cls, node: Node) -> Line:
        return cls(node.text, [cls.of_tree(c) for c in node.children])

    def copy(self) -> Line:
        return Line(self.text, [c.copy() for c in self.children])

    def child(self, text: str) -> Line | None:
        return next((c for c in self.children if c.text == text), None)

    def walk(self) -> Iterator[Line]:
        for child in self.children:
            yield child
            yield from child.walk()

    def shape(self) -> tuple[str, frozenset[object]]:
        """The line and its children, order aside (IOS prints some sections its own way)."""
        return self.text, frozenset(c.shape() for c in self.children)


def same(a: Line, b: Line) -> bool:
    return a.shape() == b.shape()


def covered(have: Line, want: Line) -> bool:
    """Everything ``have`` holds is in ``want`` (``want`` may say more: hidden defaults)."""
    if have.text != want.text:
        return False
    return all(
        (match := want.child(c.text)) is not None and covered(c, match) for c in have.children
    )


def render_lines(
    root: Line, *, exits: tuple[tuple[re.Pattern[str], str], ...] = (), step: int = 1
) -> list[str]:
    out: list[str] = []

    def walk(node: Line, depth: int) -> None:
        for child in node.children:
            out.append(" " * (depth * step) + child.text)
            walk(child, depth + 1)
            for pattern, text in exits:
                if child.children and pattern.search(child.text):
                    out.append(" " * ((depth + 1) * step) + text)

    walk(root, 0)
    return out
