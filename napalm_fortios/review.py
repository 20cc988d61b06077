"""The script as a reviewer reads it: each changed value with its old value beside it.

A FortiOS script (:mod:`.diff`) says what to send — ``set``/``unset``/``delete`` — but not
what the unit held before, so a dry-run of it reads like a list of new values only. This
module walks the script against the running config it was computed from (``show
full-configuration``: defaults included, so a value that was a default shows as one) and
writes the same change as a before/after diff, in the form of Junos's ``show | compare`` and
of egress's other vendors: ``-`` the old line, ``+`` the new one, the ``config``/``edit``
lines around them as context (``next``/``end`` are structure, not content, and are left out).
"""

from __future__ import annotations

from dataclasses import dataclass

from napalm_fortios.tree import INDENT, SET, Node, Setting, render_body, statements

# The scope wrappers of a multi-VDOM script (``config global``; ``config vdom`` / ``edit
# root``): the running tree is already flat (global and VDOM sections side by side), so they
# are context that does not move in it.
_WRAPPERS = ("global", "vdom")


@dataclass
class _Level:
    node: Node | None  # what the unit holds at this level (None: created by the script)
    wrapper: str = ""  # "global", "vdom", or "vdom-entry" for a scope wrapper


def review(script: str, running: Node) -> str:
    """``script`` (as :func:`.diff.diff` wrote it) as ``-``/``+``/context lines."""
    out: list[str] = []
    stack: list[_Level] = [_Level(running)]
    for _line, tokens in statements(script):
        if not tokens:
            continue
        verb, args = tokens[0].text, tokens[1:]
        top = stack[-1]
        here = top.node
        indent = INDENT * (len(stack) - 1)
        text = " ".join(t.render() for t in tokens)
        first = args[0].text if args else ""
        if verb == "config" and len(args) == 1 and first in _WRAPPERS and not top.wrapper:
            out.append(" " + indent + text)
            stack.append(_Level(here, wrapper=first))
        elif verb == "edit" and top.wrapper == "vdom":
            out.append(" " + indent + text)
            stack.append(_Level(here, wrapper="vdom-entry"))
        elif verb == "config":
            block = here.block(" ".join(t.text for t in args)) if here is not None else None
            out.append((" " if block is not None else "+") + indent + text)
            stack.append(_Level(block))
        elif verb == "edit":
            entry = here.entries.get(first) if here is not None and args else None
            out.append((" " if entry is not None else "+") + indent + text)
            stack.append(_Level(entry))
        elif verb in ("next", "end"):
            if len(stack) > 1:
                stack.pop()
        elif verb == "set" and args:
            old = _old_setting(here, first)
            if old is not None:
                out.append("-" + indent + f"set {args[0].render()} {old.render()}")
            out.append("+" + indent + text)
        elif verb == "unset" and args:
            old = _old_setting(here, first)
            shown = f"set {args[0].render()} {old.render()}" if old is not None else text
            out.append("-" + indent + shown)
        elif verb == "delete" and args:
            entry = here.entries.get(first) if here is not None else None
            out.append("-" + indent + f"edit {args[0].render()}")
            if entry is not None:
                out += ["-" + line for line in render_body(entry, depth=len(stack))]
        else:  # purge, append, select ...: shown as sent
            out.append("+" + indent + text)
    return "".join(line + "\n" for line in out)


def _old_setting(node: Node | None, name: str) -> Setting | None:
    item = node.items.get((SET, name)) if node is not None else None
    return item if isinstance(item, Setting) else None
