"""``show archive …`` output and the rollback-confirmed-change (revert timer) state.

The diff formats are the ones napalm's ``ios`` driver parses: the contextual diff of
``show archive config differences`` (``+``/``-`` lines under unprefixed parents) and the
``!List of Commands:`` list of ``show archive config incremental-diffs``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from egress.lab.ios import rules
from egress.lab.ios.config import ConfigEditor, Node, Outcome, config_lines, ordered
from egress.lab.ios.errors import INVALID_INPUT


def _immutable(text: str) -> bool:
    return text.startswith(rules.IMMUTABLE_PREFIXES)


def _added(base: Node | None, new: Node, depth: int, out: list[str]) -> None:
    """Lines of ``new`` missing from ``base``, each new subtree fully ``+``-prefixed."""
    for child in ordered(new):
        if depth == 0 and _immutable(child.text):
            continue
        match = base.child(child.text) if base is not None else None
        if match is None:
            _prefixed(child, depth, "+", out)
            continue
        inner: list[str] = []
        _added(match, child, depth + 1, inner)
        if inner:
            out.append(" " * depth + child.text)
            out.extend(inner)


def _prefixed(node: Node, depth: int, sign: str, out: list[str]) -> None:
    out.append(" " * depth + sign + node.text)
    for child in ordered(node):
        _prefixed(child, depth + 1, sign, out)


def contextual_diff(base: Node, new: Node) -> str:
    """``show archive config differences base new``: what ``new`` adds, then what it drops."""
    added: list[str] = []
    removed_raw: list[str] = []
    _added(base, new, 0, added)
    _added(new, base, 0, removed_raw)
    removed = [re.sub(r"^(\s*)\+", r"\1-", line) for line in removed_raw]
    lines = ["!Contextual Config Diffs:"]
    if not added and not removed:
        lines.append("!No changes were found")
    lines.extend(added + removed)
    return "\n".join(lines) + "\n"


def incremental_diff(
    running: Node, text: str, *, ignorecase: bool, reject: re.Pattern[str] | None
) -> str:
    """``show archive config incremental-diffs file``: the file's lines that would change
    the running config, each under the parent lines it needs."""
    editor = ConfigEditor(running.copy(), reject=reject, ignorecase=ignorecase, live=False)
    # IOS compares the file with the running config as a tree, so a parent the file opens
    # twice (`interface X` per feature) is listed once, with every changed line under it.
    listed = Node()
    changes = False
    refused: list[str] = []
    for raw in config_lines(text):
        result = editor.feed(raw)
        if result.outcome is Outcome.END:
            break
        if result.outcome is Outcome.REJECTED:
            refused.extend([raw.strip(), "^", INVALID_INPUT])
            changes = True
            continue
        if result.outcome is not Outcome.APPLIED or not result.changed:
            continue
        changes = True
        node = listed
        for parent in result.context:
            node = node.child(parent) or _appended(node, parent)
        _appended(node, raw.strip())
    lines = ["!List of Commands:"]
    _list(listed, 0, lines)
    lines.extend(refused)
    lines.append("end")
    if not changes:
        lines.append("!No changes were found")
    return "\n".join(lines) + "\n"


def _appended(parent: Node, text: str) -> Node:
    node = Node(text)
    parent.children.append(node)
    return node


def _list(node: Node, depth: int, out: list[str]) -> None:
    for child in node.children:
        out.append(" " * depth + child.text)
        _list(child, depth + 1, out)


@dataclass
class RevertTimer:
    """A pending rollback-confirmed change: revert to ``snapshot`` unless confirmed."""

    snapshot: str  # the running config to go back to (saved text)
    archive_name: str  # where IOS saved it (flash:archive-N)
    minutes: int
    user: str
    configured_at: datetime
    idle: bool = False


@dataclass
class ArchiveLog:
    """The archive files IOS has written (``show archive``), newest last."""

    names: list[str] = field(default_factory=list)
    counter: int = 0

    def next_name(self, path: str, hostname: str) -> str:
        return f"{path.replace('$h', hostname)}-{self.counter + 1}"

    def add(self, name: str, *, maximum: int) -> list[str]:
        """Record a new archive; returns the names that fell off the end (to delete)."""
        self.counter += 1
        self.names.append(name)
        dropped = self.names[:-maximum] if len(self.names) > maximum else []
        self.names = self.names[-maximum:]
        return dropped


def archive_settings(root: Node) -> tuple[str | None, int]:
    """The ``archive`` section's ``path`` (None: archive off) and ``maximum``."""
    section = root.child("archive")
    if section is None:
        return None, 10
    path = next((c.text.split(None, 1)[1] for c in section.top("path ")), None)
    maximum = next((int(c.text.split()[1]) for c in section.top("maximum ")), 10)
    return path, maximum


def show_archive(root: Node, log: ArchiveLog, *, hostname: str) -> str:
    path, maximum = archive_settings(root)
    if path is None:
        return "Archive feature not enabled\n"
    lines = [
        f"The maximum archive configurations allowed is {maximum}.",
        f"There are currently {len(log.names)} archive configurations saved.",
        f"The next archive file will be named {log.next_name(path, hostname)}",
        " Archive #  Name",
    ]
    for index in range(maximum):
        if index < len(log.names):
            recent = " <- Most Recent" if index == len(log.names) - 1 else ""
            lines.append(f"   {index + 1:<8} {log.names[index]}{recent}")
        else:
            lines.append(f"   {index + 1:<8}")
    return "\n".join(lines) + "\n"


def show_rollback_timer(timer: RevertTimer | None) -> str:
    if timer is None:
        return "%No Rollback Confirmed Change pending\n"
    when = timer.configured_at.strftime("%H:%M:%S UTC %a %b %-d %Y")
    kind = "idle" if timer.idle else "absolute"
    return (
        f"Time configured(or last reset): {when}\n"
        f"Timer type: {kind} timer\n"
        f"Timer value: {timer.minutes} min\n"
        f"User: {timer.user}\n"
    )
