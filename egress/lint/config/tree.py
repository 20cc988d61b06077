"""A line-numbered configuration tree: what lint reads a rendered config back into.

Each node is one line of the config (``interface Gi2``, ``edit 901``) with its children and
the line numbers it was read from (a rendered snippet re-opens sections, so a node may have
several). It is the part of hier_config's ``HConfig`` lint used, without its per-node driver
machinery, which made up most of lint's time at fleet scale (docs/adr.md). A node keeps no
link to its parent: without reference cycles a tree is freed as soon as lint is done with
it, so lint runs with Python's cyclic garbage collector off (at 10,000 devices the collector
cost a quarter of lint's CPU).
"""

from __future__ import annotations

from collections.abc import Iterator


class Children(dict[str, "Node"]):
    """A node's children in the order first seen, looked up by their text; iterating gives
    the nodes. A dict itself (not a wrapper holding one): one object per node fewer, and
    lookups at C speed, at 100,000 nodes per 1,000 devices."""

    __slots__ = ()

    def __iter__(self) -> Iterator[Node]:  # type: ignore[override]
        return iter(self.values())


class Node:
    __slots__ = ("text", "children", "lines")

    def __init__(self, text: str = "") -> None:
        self.text = text  # the root's is ""
        self.children = Children()
        self.lines: list[int] = []

    def all_children(self) -> list[Node]:
        """Every node below this one, depth first (a list: a generator per node cost a tenth
        of the parse at fleet scale)."""
        found: list[Node] = []
        todo = list(reversed(self.children.values()))
        while todo:
            node = todo.pop()
            found.append(node)
            todo.extend(reversed(node.children.values()))
        return found


def add(parent: Node, text: str, line: int) -> Node:
    """Add (or re-enter) ``text`` under ``parent`` and remember the line it came from.

    A rendered snippet re-opens sections (IOS `interface X` in several features, FortiOS
    `config system interface` twice): the repeats merge into one node, every line kept.
    """
    children = parent.children
    child = children.get(text)
    if child is None:
        child = children[text] = Node(text)
    child.lines.append(line)
    return child


def line_of(node: Node) -> int:
    return node.lines[0] if node.lines else 0


def starting(node: Node, prefix: str) -> Iterator[Node]:
    for child in node.children:
        if child.text.startswith(prefix):
            yield child


def first(node: Node, prefix: str) -> Node | None:
    return next(starting(node, prefix), None)


def words_after(node: Node, prefix: str) -> list[str]:
    return node.text[len(prefix) :].split()


def text_of(node: Node) -> str:
    """A node's line; the root has none."""
    return node.text
