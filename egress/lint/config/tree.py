"""A line-numbered configuration tree: the IOS remediation planner's view of a config.

Each node is one line of the config (``interface Gi2``, ``vrrp 1 address-family ipv4``) with
its children and the line it was first seen on (a rendered snippet re-opens sections; the
repeats are one node). ``egress.platforms.ios.config.load`` builds it from the same one-pass
walk lint's reader uses; lint itself reads no tree (docs/adr.md, "lint's readers in one
pass"). A node keeps no link to its parent: without reference cycles a tree is freed as soon
as it is dropped.
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


def add(parent: Node, text: str, line: int) -> Node:
    """Add (or re-enter) ``text`` under ``parent`` and remember the line it came from.

    A rendered snippet re-opens sections (IOS `interface X` in several features): the
    repeats merge into one node, every line given kept.
    """
    children = parent.children
    child = children.get(text)
    if child is None:
        child = children[text] = Node(text)
    child.lines.append(line)
    return child
