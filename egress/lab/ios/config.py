"""The running-config model: a tree of lines, edited the way IOS config mode edits it.

One :class:`ConfigEditor` serves every way configuration reaches the device: lines typed in
``configure terminal``, ``copy flash:/file running-config`` (a merge), and building the target
of ``configure replace`` (the file applied to an empty config, so it normalises the same way).
The tree is ordered for display by :func:`ordered`, not by typing order, as IOS does.

hier_config was considered for the tree: its Cisco driver normalises for diffing (drops ACL
remarks, renumbers ACLs, strips ``no ip address``), which a device must not do to its own
running config, so the device keeps this small model and the rules in :mod:`.rules`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from egress.lab.ios import rules


@dataclass(eq=False)
class Node:
    """One configuration line and the lines under it (the root has empty text)."""

    text: str = ""
    children: list[Node] = field(default_factory=list)

    def child(self, text: str, *, ignorecase: bool = False) -> Node | None:
        if ignorecase:
            folded = text.casefold()
            return next((c for c in self.children if c.text.casefold() == folded), None)
        return next((c for c in self.children if c.text == text), None)

    def copy(self) -> Node:
        return Node(self.text, [c.copy() for c in self.children])

    def top(self, prefix: str) -> list[Node]:
        """Children whose text starts with ``prefix``."""
        return [c for c in self.children if c.text.startswith(prefix)]


def _word_prefix(text: str, prefix: str) -> bool:
    return text == prefix or text.startswith(prefix + " ")


def _interface_key(name: str) -> tuple[int, tuple[int, ...], str]:
    kind = re.match(r"[A-Za-z-]+", name)
    kind_text = kind.group(0) if kind else name
    rank = (
        rules.INTERFACE_TYPE_ORDER.index(kind_text)
        if kind_text in rules.INTERFACE_TYPE_ORDER
        else len(rules.INTERFACE_TYPE_ORDER)
    )
    numbers = tuple(int(n) for n in re.findall(r"\d+", name[len(kind_text) :]))
    return (rank, numbers, kind_text)


def top_rank(text: str) -> tuple[int, int]:
    """(block, position in block) of a top-level line in show running-config."""
    for block, prefixes in enumerate(rules.TOP_BLOCKS):
        for position, prefix in enumerate(prefixes):
            if text.startswith(prefix) or text == prefix.strip():
                return block, position
    return rules.UNKNOWN_BLOCK, len(rules.TOP_BLOCKS[rules.UNKNOWN_BLOCK])


def _interface_child_rank(text: str) -> int:
    for index, prefix in enumerate(rules.INTERFACE_CHILD_ORDER):
        if text.startswith(prefix) or text == prefix.strip():
            return index
    for index, prefix in enumerate(rules.INTERFACE_CHILD_LAST):
        if text.startswith(prefix) or text == prefix.strip():
            return 100 + index
    return 50


_SLA = re.compile(r"^ip sla (schedule )?(\d+)\b")
_TRACK = re.compile(r"^track (\d+) ")


def ordered(node: Node) -> list[Node]:
    """Children in the order IOS displays them (stable: typed order breaks ties)."""
    if node.text == "":
        indexed = list(enumerate(node.children))

        def top_key(
            item: tuple[int, Node],
        ) -> tuple[tuple[int, int], tuple[int, tuple[int, ...], str], int]:
            position, child = item
            words = child.text.split()
            within: tuple[int, tuple[int, ...], str] = (0, (), "")
            if words[0] == "interface" and len(words) > 1:
                within = _interface_key(words[1])
            elif (sla := _SLA.match(child.text)) is not None:
                # each probe is followed by its own schedule, in probe order
                within = (0, (int(sla.group(2)), 1 if sla.group(1) else 0), "")
            elif (track := _TRACK.match(child.text)) is not None:
                # IOS prints tracked objects by number, whatever order they were created in
                within = (0, (int(track.group(1)),), "")
            return (top_rank(child.text), within, position)

        return [c for _, c in sorted(indexed, key=top_key)]
    if node.text.startswith("interface "):
        return [
            c
            for _, c in sorted(
                enumerate(node.children), key=lambda i: (_interface_child_rank(i[1].text), i[0])
            )
        ]
    return list(node.children)


# -- rendering -------------------------------------------------------------------------
def _section_exit(parent: Node, child: Node) -> rules.SectionExit | None:
    for rule in rules.SECTION_EXIT_TEXT:
        if rule.parent.search(parent.text) and rule.child.search(child.text):
            return rule
    return None


def _render_children(node: Node, depth: int, out: list[str]) -> None:
    for child in ordered(node):
        out.append(" " * depth + child.text)
        _render_children(child, depth + 1, out)
        exit_rule = _section_exit(node, child)
        if exit_rule is not None:
            out.append(" " * (depth + 1 if exit_rule.inside else depth) + exit_rule.text)


def _separated(before: Node, after: Node) -> bool:
    """Whether IOS prints ``!`` between two top-level entries."""
    for prefix in rules.UNSEPARATED_SECTIONS:
        if before.text.startswith(prefix) and after.text.startswith(prefix):
            return False
    different_block = top_rank(before.text)[0] != top_rank(after.text)[0]
    return bool(before.children or after.children) or different_block


def render_body(root: Node) -> list[str]:
    """Config lines as IOS shows them, with ``!`` around sections; no header, no ``end``."""
    out: list[str] = []
    children = ordered(root)
    for index, child in enumerate(children):
        if index and _separated(children[index - 1], child):
            out.append("!")
        out.append(child.text)
        _render_children(child, 1, out)
    if children and children[-1].children:
        out.append("!")
    return out


def section_lines(node: Node, depth: int = 0) -> list[str]:
    """``node`` and everything under it, indented from ``depth``."""
    out = [" " * depth + node.text]
    _render_children(node, depth + 1, out)
    return out


# -- editing ---------------------------------------------------------------------------
class Outcome(Enum):
    APPLIED = "applied"  # accepted (it may or may not have changed anything)
    IGNORED = "ignored"  # blank line or comment
    REJECTED = "rejected"  # the device refused the line
    END = "end"  # leave configuration mode


@dataclass
class Frame:
    node: Node
    indent: int
    mode: str
    flat_mode: str | None = None  # prompt of a flat sub-mode (ip sla -> icmp-echo)


@dataclass(frozen=True)
class FeedResult:
    outcome: Outcome
    changed: bool = False
    context: tuple[str, ...] = ()  # parent lines the line was applied under
    message: str = ""  # what IOS answers a refused line with ("" : `% Invalid input`)


def mode_rule(text: str, parent_mode: str | None) -> rules.ModeRule | None:
    for rule in rules.MODE_RULES:
        if rule.parent == parent_mode and rule.pattern.search(text):
            return rule
    return None


def _replace_key(parent: Node, text: str) -> str | None:
    for rule in rules.REPLACE_RULES:
        if rule.parent is None:
            if parent.text == "":
                continue
        elif not rule.parent.search(parent.text):
            continue
        match = rule.key.search(text)
        if match:
            return " ".join(g for g in match.groups() if g)
    return None


def _acl_body(text: str) -> str:
    """An ACL entry without its sequence number."""
    match = rules.ACL_ENTRY.match(text)
    return text[len(match.group(1)) :] if match and match.group(1) else text


def _acl_add(parent: Node, text: str) -> tuple[Node, bool] | None:
    """ACL entries: IOS numbers them and knows an entry by its body, whatever its number."""
    if not rules.ACL_SECTION.search(parent.text) or not rules.ACL_ENTRY.match(text):
        return None
    body = _acl_body(text)
    for child in parent.children:
        if _acl_body(child.text) == body:
            return child, False
    numbers = [int(c.text.split()[0]) for c in parent.children if c.text.split()[0].isdigit()]
    explicit = text.split()[0]
    number = int(explicit) if explicit.isdigit() else max(numbers, default=0) + 10
    node = Node(f"{number} {body}")
    parent.children.append(node)
    parent.children.sort(key=lambda c: int(c.text.split()[0]) if c.text[:1].isdigit() else 0)
    return node, True


def is_global_command(text: str) -> bool:
    body = text[3:] if text.startswith("no ") else text
    return any(body.startswith(p) or body == p.strip() for p in rules.GLOBAL_PREFIXES)


class ConfigEditor:
    """Config mode: feeds lines into a tree, tracking the sub-mode the way IOS does.

    Indentation decides the parent when a line has it (files, netmiko config sets); a line at
    column 0 inside a sub-mode stays there unless it is a global command, as when typed.
    """

    def __init__(
        self,
        root: Node,
        *,
        reject: re.Pattern[str] | None = None,
        ignorecase: bool = False,
        live: bool = True,
    ) -> None:
        self.root = root
        self.reject = reject
        self.ignorecase = ignorecase
        # live: the running config of a router (a scheduled IP SLA refuses re-entry); off when
        # a file is only read (configure replace's target, incremental-diffs' comparison)
        self.live = live
        self.stack: list[Frame] = []
        self._last: tuple[Node, int, str | None] | None = None  # node, indent, its mode
        self._prev_indent = 0
        self._rejected_indent: int | None = None
        # a refused section opener left IOS in global mode: its sub-commands fail there
        self._refused_section = False

    @property
    def mode(self) -> str:
        if not self.stack:
            return "config"
        top = self.stack[-1]
        return top.flat_mode or top.mode

    def feed(self, raw: str) -> FeedResult:
        line = raw.rstrip().replace("\t", " ")
        text = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if not text or text.startswith("!"):
            return FeedResult(Outcome.IGNORED)
        if self._rejected_indent is not None:
            # Children of a refused section land in the wrong mode on IOS and fail too.
            if indent > self._rejected_indent:
                return FeedResult(Outcome.REJECTED)
            self._rejected_indent = None
        if self._refused_section and text not in ("end", "exit"):
            # Typed at column 0 after the refusal, a sub-command is still not a global one.
            if indent > 0 or not is_global_command(text):
                return FeedResult(Outcome.REJECTED)
            self._refused_section = False
        if text == "end":
            return FeedResult(Outcome.END)
        if text == "exit" or text in rules.SECTION_EXITS:
            if not self.stack:
                return FeedResult(Outcome.END) if text == "exit" else FeedResult(Outcome.APPLIED)
            self.stack.pop()
            self._last = None
            return FeedResult(Outcome.APPLIED)
        if self.reject is not None and self.reject.search(text):
            self._rejected_indent = indent
            return FeedResult(Outcome.REJECTED)
        self._select_context(text, indent)
        self._prev_indent = indent
        parent = self.stack[-1].node if self.stack else self.root
        if self.live and parent is self.root and self._scheduled_sla(text):
            self.stack.clear()
            self._refused_section = True
            self._rejected_indent = indent
            return FeedResult(Outcome.REJECTED, message=rules.SLA_RUNNING_MESSAGE)
        context = tuple(f.node.text for f in self.stack)
        if text.startswith("no ") or text.startswith("default "):
            changed = self._negate(parent, text.split(" ", 1)[1], store=text.startswith("no "))
            self._last = None
            return FeedResult(Outcome.APPLIED, changed, context)
        node, changed = self._add(parent, text)
        rule = mode_rule(text, self.stack[-1].mode if self.stack else None)
        if rule is not None and rule.flat and self.stack:
            self.stack[-1].flat_mode = rule.prompt
        elif rule is not None:
            self.stack.append(Frame(node, indent, rule.prompt))
        self._last = (node, indent, rule.prompt if rule else None)
        return FeedResult(Outcome.APPLIED, changed, context)

    def _select_context(self, text: str, indent: int) -> None:
        if indent > 0:
            while self.stack and self.stack[-1].indent >= indent:
                self.stack.pop()
            last = self._last
            floor = self.stack[-1].indent if self.stack else -1
            if last is not None and floor < last[1] < indent and last[2] is None:
                # An indented line under a line no rule knows as a sub-mode: trust the file.
                word = last[0].text.split()[0]
                self.stack.append(Frame(last[0], last[1], f"config-{word}"))
            return
        if self.stack and (is_global_command(text) or self._prev_indent > 0):
            self.stack.clear()

    def _scheduled_sla(self, text: str) -> bool:
        match = rules.SLA_ENTRY.match(text)
        if match is None or self.root.child(text) is None:
            return False
        return bool(self.root.top(rules.SLA_SCHEDULED.format(number=match.group(1))))

    def _add(self, parent: Node, text: str) -> tuple[Node, bool]:
        existing = parent.child(text, ignorecase=self.ignorecase)
        if existing is not None:
            return existing, False
        acl = _acl_add(parent, text)
        if acl is not None:
            return acl
        for negation, scope in rules.STORED_NEGATIONS:
            if scope is not None and not scope.search(parent.text):
                continue
            if _word_prefix(text, negation):
                stale = parent.child(f"no {negation}")
                if stale is not None:
                    parent.children.remove(stale)
        key = _replace_key(parent, text)
        if key is not None:
            for sibling in parent.children:
                if _replace_key(parent, sibling.text) == key:
                    sibling.text = text
                    return sibling, True
        node = Node(text)
        parent.children.append(node)
        return node, True

    def _negate(self, parent: Node, body: str, *, store: bool) -> bool:
        folded = body.casefold() if self.ignorecase else body
        acl = rules.ACL_SECTION.search(parent.text) is not None

        def matches(child: Node) -> bool:
            text = _acl_body(child.text) if acl and not body[:1].isdigit() else child.text
            return _word_prefix(text.casefold() if self.ignorecase else text, folded)

        before = len(parent.children)
        parent.children[:] = [c for c in parent.children if not matches(c)]
        changed = len(parent.children) != before
        if changed:
            for pattern, siblings in rules.NEGATION_CASCADE:
                if (match := pattern.match(body)) is not None:
                    prefixes = tuple(s.format(*match.groups()) for s in siblings)
                    parent.children[:] = [
                        c for c in parent.children if not c.text.startswith(prefixes)
                    ]
        if store:
            for negation, scope in rules.STORED_NEGATIONS:
                if scope is not None and not scope.search(parent.text):
                    continue
                if _word_prefix(body, negation) and parent.child(f"no {negation}") is None:
                    parent.children.append(Node(f"no {negation}"))
                    changed = True
        return changed


def is_noise(line: str) -> bool:
    """Header, separator and trailer lines of a saved config that are not configuration."""
    stripped = line.strip()
    return bool(rules.NOISE.match(stripped)) and not stripped.startswith("!!")


def parse_config(text: str) -> Node:
    """A full configuration (a file for ``configure replace``) as a normalised tree."""
    root = Node()
    editor = ConfigEditor(root, live=False)
    for line in text.splitlines():
        if is_noise(line):
            continue
        if editor.feed(line).outcome is Outcome.END:
            editor = ConfigEditor(root, live=False)
    return root


def config_lines(text: str) -> list[str]:
    """The configuration lines of a file, headers, ``!`` and ``end`` dropped."""
    return [line for line in text.splitlines() if not is_noise(line)]


def hostname_of(root: Node) -> str:
    for child in root.top("hostname "):
        return child.text.split(" ", 1)[1].strip()
    return "Router"
