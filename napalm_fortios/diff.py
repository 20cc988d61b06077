"""The FortiOS script that turns one config tree into another: what would be sent.

FortiOS has no candidate datastore and no ``show | compare``: the diff is computed here, and
it is itself a valid CLI script (``config``/``edit``/``set``/``unset``/``delete``/``next``/
``end``), so what a dry run prints is exactly what a commit sends.

Two passes, because FortiOS checks references line by line: first everything the candidate
adds or changes, in the candidate's order (an address is created before the policy that uses
it); then everything replace semantics removes, top-level blocks in reverse order (the policy
goes before the address it references).

``show`` hides values equal to their default, so comparing a rendered config (which may say
``set preempt enable``) with ``show`` output would report a change forever. Pass the same
sections as ``show full-configuration`` prints them as ``reference``: a candidate value is
compared with the value the device really holds, defaults included, while what to remove is
still decided from ``show`` (only what was configured can be unset or deleted).
"""

from __future__ import annotations

import re

from napalm_fortios.tree import INDENT, Node, Setting, Token, render_body

_PREFIX = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3})/(\d{1,2})$")


def diff(
    running: Node, candidate: Node, *, prune: bool = True, reference: Node | None = None
) -> list[str]:
    """A FortiOS script that turns ``running`` into ``candidate``; empty when nothing changes.

    ``prune=True`` is replace semantics (entries absent from the candidate are deleted,
    settings unset, nested blocks emptied); ``prune=False`` is merge semantics (adds and
    changes only). ``reference`` is ``running`` with defaults filled in (``show
    full-configuration``); without it, values are compared with ``running`` itself.
    Top-level blocks present only in ``running`` are pruned like any other content: pass
    subtrees when only some sections are managed.
    """
    upserts, removals = diff_phases(running, candidate, prune=prune, reference=reference)
    return upserts + removals


def diff_phases(
    running: Node, candidate: Node, *, prune: bool = True, reference: Node | None = None
) -> tuple[list[str], list[str]]:
    """:func:`diff` as its two passes: (adds and changes, removals)."""
    upserts = _upsert_children(reference if reference is not None else running, candidate, 0)
    removals: list[str] = []
    if prune:
        for path in reversed(list(running.blocks)):
            old, new = running.blocks[path], candidate.block(path)
            body = _clear(old, 1) if new is None else _prune_block(old, new, 1)
            if body:
                removals.extend(_wrap(path, body, 0))
    return upserts, removals


def same_values(old: Setting | None, new: Setting) -> bool:
    """Whether the device already holds ``new``; ``a.b.c.d/len`` equals ``a.b.c.d mask``,
    which is how FortiOS stores a prefix typed in slash form.

    >>> from napalm_fortios.tree import Token
    >>> same_values(Setting([Token("10.0.0.1"), Token("255.255.255.0")]),
    ...             Setting([Token("10.0.0.1/24")]))
    True
    """
    if old is None:
        return False
    if old.texts == new.texts:
        return True
    return _expand(new.texts) == old.texts or _expand(old.texts) == new.texts


def _expand(texts: tuple[str, ...]) -> tuple[str, ...]:
    if len(texts) != 1 or not (match := _PREFIX.match(texts[0])) or int(match[2]) > 32:
        return texts
    mask = (0xFFFFFFFF << (32 - int(match[2]))) & 0xFFFFFFFF
    return match[1], ".".join(str((mask >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def _wrap(path: str, body: list[str], depth: int) -> list[str]:
    pad = INDENT * depth
    return [f"{pad}config {path}", *body, f"{pad}end"]


def _edit(key: str, entry: Node, depth: int) -> str:
    return f"{INDENT * depth}edit {Token(key, entry.quoted_key).render()}"


def _set_line(name: str, setting: Setting, depth: int) -> str:
    value = setting.render()
    return f"{INDENT * depth}set {name} {value}" if value else f"{INDENT * depth}set {name}"


# -- pass 1: add and change ------------------------------------------------------------------
def _upsert_children(old: Node, new: Node, depth: int) -> list[str]:
    """Nested ``config`` blocks of ``new`` that differ from ``old``, wrapped."""
    lines: list[str] = []
    for name, child in new.blocks.items():
        body = _upsert_block(old.block(name) or Node(is_table=child.is_table), child, depth + 1)
        if body:
            lines.extend(_wrap(name, body, depth))
    return lines


def _upsert_block(old: Node, new: Node, depth: int) -> list[str]:
    if not new.is_table:
        return _upsert_body(old, new, depth)
    lines: list[str] = []
    for key, entry in new.entries.items():
        before = old.entries.get(key)
        body = (
            render_body(entry, depth=depth + 1)
            if before is None
            else _upsert_body(before, entry, depth + 1)
        )
        if before is None or body:
            lines += [_edit(key, entry, depth), *body, f"{INDENT * depth}next"]
    return lines


def _upsert_body(old: Node, new: Node, depth: int) -> list[str]:
    old_settings = old.settings
    lines = [
        _set_line(name, setting, depth)
        for name, setting in new.settings.items()
        if not same_values(old_settings.get(name), setting)
    ]
    return lines + _upsert_children(old, new, depth)


# -- pass 2: remove (replace only) -----------------------------------------------------------
def _prune_block(old: Node, new: Node, depth: int) -> list[str]:
    if not (old.is_table or new.is_table):
        return _prune_body(old, new, depth)
    pad = INDENT * depth
    lines: list[str] = []
    for key, entry in reversed(list(old.entries.items())):
        if key not in new.entries:
            lines.append(f"{pad}delete {Token(key, entry.quoted_key).render()}")
    for key, entry in old.entries.items():
        if key in new.entries:
            body = _prune_body(entry, new.entries[key], depth + 1)
            if body:
                lines += [_edit(key, entry, depth), *body, f"{pad}next"]
    return lines


def _prune_body(old: Node, new: Node, depth: int) -> list[str]:
    pad = INDENT * depth
    new_settings = new.settings
    lines = [f"{pad}unset {name}" for name in old.settings if name not in new_settings]
    for name, child in old.blocks.items():
        after = new.block(name)
        body = _clear(child, depth + 1) if after is None else _prune_block(child, after, depth + 1)
        if body:
            lines.extend(_wrap(name, body, depth))
    return lines


def _clear(node: Node, depth: int) -> list[str]:
    """Lines that empty a block: delete every entry, unset every setting."""
    pad = INDENT * depth
    if node.is_table:
        return [
            f"{pad}delete {Token(key, entry.quoted_key).render()}"
            for key, entry in reversed(list(node.entries.items()))
        ]
    lines = [f"{pad}unset {name}" for name in node.settings]
    for name, child in node.blocks.items():
        body = _clear(child, depth + 1)
        if body:
            lines.extend(_wrap(name, body, depth))
    return lines


__all__ = ["diff", "diff_phases", "same_values"]
