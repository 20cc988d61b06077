"""``show | compare``: the diff between two configuration trees, in Junos's format.

Changes are grouped under ``[edit <path>]`` headers naming the deepest level that holds
them; removed statements start with ``-``, added ones with ``+``, and a whole added or removed
block is printed under its parent's header. No difference is a single ``"\\n"``, which PyEZ
turns into ``None``.
"""

from __future__ import annotations

from egress.lab.junos.config import Node, render_lines

# Real captures indent the first level under a header differently from version to version
# (``-  host-name`` under [edit system], ``+       address`` under [edit interfaces … family
# inet]); these widths follow the most common captures. Parsers must not depend on them.
_HEADER_INDENT = {0: 2, 1: 2, 2: 4, 3: 4, 4: 7}


def _indent(depth: int) -> int:
    return _HEADER_INDENT.get(depth, depth + 3)


def _one_liner(node: Node) -> bool:
    return bool(node.children) and len(render_lines(node, indent=0)) == 1


def compare(old: Node, new: Node) -> str:
    """The ``configuration-output`` text of ``get-configuration compare="rollback"``."""
    lines: list[str] = []
    state: list[tuple[str, ...] | None] = [None]
    _diff(old, new, (), lines, state)
    if not lines:
        return "\n"
    return "\n" + "\n".join(lines) + "\n"


def _header(path: tuple[str, ...], lines: list[str], state: list[tuple[str, ...] | None]) -> None:
    if state[0] != path:
        lines.append("[edit]" if not path else "[edit " + " ".join(path) + "]")
        state[0] = path


def _block(marker: str, node: Node, depth: int, lines: list[str]) -> None:
    pad = _indent(depth)
    for text in render_lines(node, indent=0):
        lines.append(f"{marker}{' ' * pad}{text}")


def _diff(
    old: Node,
    new: Node,
    path: tuple[str, ...],
    lines: list[str],
    state: list[tuple[str, ...] | None],
) -> None:
    keys = list(old.children)
    keys += [key for key in new.children if key not in old.children]
    for key in keys:
        before = old.children.get(key)
        after = new.children.get(key)
        if after is None and before is not None:
            _header(path, lines, state)
            _block("-", before, len(path), lines)
        elif before is None and after is not None:
            _header(path, lines, state)
            _block("+", after, len(path), lines)
        elif before is not None and after is not None:
            if before.values != after.values:
                _header(path, lines, state)
                if before.children or after.children:
                    _block("-", before, len(path), lines)
                    _block("+", after, len(path), lines)
                else:
                    lines.append(f"-{' ' * _indent(len(path))}{before.statement()};")
                    lines.append(f"+{' ' * _indent(len(path))}{after.statement()};")
            elif before.same_as(after):
                continue
            elif _one_liner(before) or _one_liner(after):
                # ``route … next-hop …;`` is printed on one line, so it changes as a whole.
                _header(path, lines, state)
                _block("-", before, len(path), lines)
                _block("+", after, len(path), lines)
            else:
                _diff(before, after, path + (key,), lines, state)
