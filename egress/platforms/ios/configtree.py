"""Cisco IOS-XE: the grammar and the one walk over a config's lines (``walk``).

hier_config's own loaders refuse a section that appears twice (DuplicateChildError), which
every rendered merge snippet does (`interface X` for addresses, BFD, VRRP and PBR), and they
drop line numbers. So the walk is ours, and these tables are its one source of data: which
commands open a sub-mode (SECTIONS), which close one (EXITS), which top-level words exist
(TOP_LEVEL), and what a raw line says whatever its number (_LINES). ``walk`` gives the syntax
problems and each distinct command once with its first line; lint's facts are read from that
in ``egress.platforms.ios.config``, and ``load`` turns it into the remediation planner's tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from egress.lint.config.tree import Node, add
from egress.lint.facts import SyntaxProblem
from egress.lint.memo import Memo


@dataclass(frozen=True, slots=True)
class Section:
    """A command that opens a sub-mode, the sub-modes it may hold and its explicit exit."""

    pattern: re.Pattern[str]
    children: tuple[Section, ...] = ()
    exit: str = "exit"
    # line -> the first child section it opens (or None), read once per distinct line seen
    # under this section in the run (a fleet's configs repeat their lines): the children's
    # patterns as one alternation, group cN for child N, one match instead of one per child
    seen: Memo[str, Section | None] = field(
        default_factory=lambda: Memo(_never), compare=False, hash=False, repr=False
    )

    def opened_by(self, line: str) -> Section | None:
        """The first child section ``line`` opens, if any."""
        return self.seen[line]


def _never(line: str) -> None:
    return None


def _s(pattern: str, *children: Section, exit: str = "exit") -> Section:
    return Section(re.compile(pattern), children, exit, Memo(_opener(children)))


def _opener(children: tuple[Section, ...]) -> Callable[[str], Section | None]:
    """line -> the first of ``children`` whose pattern matches it."""
    if not children:
        return _never
    picker = re.compile(
        "|".join(f"(?P<c{index}>{child.pattern.pattern})" for index, child in enumerate(children))
    )

    def opened(line: str) -> Section | None:
        found = picker.match(line)
        return children[int(found.lastgroup[1:])] if found and found.lastgroup else None

    return opened


SECTIONS: tuple[Section, ...] = (
    _s(r"interface \S+$", _s(r"vrrp \d+ address-family ipv4$", exit="exit-vrrp")),
    _s(r"ip sla \d+$"),
    _s(r"ip access-list (standard|extended) \S+$"),
    _s(r"route-map \S+ (permit|deny) \d+$"),
    _s(r"redundancy$", _s(r"application redundancy$", _s(r"group \d+$"))),
    _s(r"line (vty|con|aux) .+"),
    _s(r"track \d+ .+"),
    _s(r"router \S+", _s(r"address-family .+", exit="exit-address-family")),
    _s(r"key chain \S+$", _s(r"key \d+$")),
    _s(r"(class-map|policy-map) .+", _s(r"class .+")),
    _s(r"crypto .+"),
    _s(r"archive$"),
    _s(r"vrf definition \S+$", _s(r"address-family .+", exit="exit-address-family")),
    _s(r"control-plane$"),
)
TOP_LEVEL = frozenset(
    (
        "aaa",
        "access-list",
        "archive",
        "banner",
        "bfd",
        "bfd-template",
        "boot",
        "clock",
        "control-plane",
        "crypto",
        "enable",
        "fhrp",
        "hostname",
        "interface",
        "ip",
        "ipv6",
        "key",
        "license",
        "line",
        "logging",
        "no",
        "ntp",
        "platform",
        "policy-map",
        "class-map",
        "redundancy",
        "route-map",
        "router",
        "service",
        "snmp-server",
        "spanning-tree",
        "track",
        "username",
        "version",
        "vlan",
        "vrf",
    )
)
EXITS = frozenset({"exit", "exit-vrrp", "exit-address-family"})
_TOP = Section(re.compile(""), SECTIONS, seen=Memo(_opener(SECTIONS)))


# what a line says whatever its number: (stripped, indent, kind, first word, a known top-level
# word). Read once per distinct line of the run: a fleet's configs repeat their lines (at
# 2,000 generated devices an IOS line is one of ~8,500 distinct among ~61,000; docs/adr.md).
_BLANK, _BANG, _END, _EXIT, _COMMAND = range(5)


def _read_line(raw: str) -> tuple[str, int, int, str, bool]:
    stripped = raw.strip()
    if not stripped:
        return stripped, 0, _BLANK, "", True
    indent = len(raw) - len(raw.lstrip())
    if stripped.startswith("!"):
        return stripped, indent, _BANG, "", True
    if stripped == "end" and indent == 0:
        return stripped, indent, _END, "", True
    word = stripped.split(None, 1)[0]
    return stripped, indent, _EXIT if word in EXITS else _COMMAND, word, word in TOP_LEVEL


_LINES: Memo[str, tuple[str, int, int, str, bool]] = Memo(_read_line)


# What the one pass keeps of the config: per command, [the line first seen, its
# sub-commands or None] and per sub-commands, their texts (in the order first seen; a
# re-opened section merges, as the router does) -> their entries. A list per distinct line,
# not an object: no Python-level __init__ per line, and a dict only where something is below.
Entry = list[Any]
Kids = dict[str, Entry]
# a frame of the open commands: (indent, text, its entry, the section it opened or None for
# a leaf command, whether it is the root)
_Frame = tuple[int, str, Entry, "Section | None", bool]


def walk(text: str) -> tuple[Kids, list[SyntaxProblem]]:
    """IOS text in one pass: its syntax problems, and the kept sections (the grammar is
    configtree's: SECTIONS opens sub-modes, EXITS closes them, TOP_LEVEL the known words)."""
    root: Kids = {}
    problems: list[SyntaxProblem] = []
    stack: list[_Frame] = [(-1, "", [0, root], _TOP, True)]
    ended = 0
    lines = _LINES
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped, indent, kind, word, known = lines[raw]
        if kind == _BLANK:
            continue
        if ended:
            problems.append(
                SyntaxProblem(
                    "ios.exit",
                    number,
                    f"{stripped!r} after `end` (line {ended}) is never applied",
                    "`end` must be the last line; move the text above it",
                )
            )
            continue
        if kind == _BANG:
            if indent == 0:  # a bang at column 0 closes every open section
                del stack[1:]
            continue
        if kind == _END:
            ended = number
            continue
        sibling = None  # the frame closed at this very indent: an exit may sit beside it
        while indent <= stack[-1][0]:
            popped = stack.pop()
            if popped[0] == indent:
                sibling = popped
        _, parent_text, parent, parent_section, parent_top = stack[-1]
        if kind == _EXIT:
            _exit(stripped, number, stack, sibling, problems)
            continue
        if parent_top:
            if indent > 0:
                problems.append(
                    SyntaxProblem(
                        "ios.indent",
                        number,
                        f"{stripped!r} is indented but no section is open",
                        "indent only the commands of a section (interface, ip sla, route-map, ...)",
                    )
                )
            elif not known:
                problems.append(
                    SyntaxProblem(
                        "ios.unknown",
                        number,
                        f"unknown top-level command {word!r} (stray text?)",
                        "fix the template: every top-level line must be an IOS-XE global command",
                    )
                )
        elif parent_section is None:
            problems.append(
                SyntaxProblem(
                    "ios.indent",
                    number,
                    f"{stripped!r} is indented under {parent_text!r}, which opens no section",
                    "align it with its section's other commands",
                )
            )
        kids = parent[1]
        if kids is None:  # below a leaf command (a syntax problem above): kept all the same
            kids = parent[1] = {}
        entry = kids.get(stripped)
        if entry is None:
            entry = kids[stripped] = [number, None]
        # the sub-mode this line opens, if any (parent_section.opened_by(stripped), inlined)
        section = None if parent_section is None else parent_section.seen[stripped]
        stack.append((indent, stripped, entry, section, False))
    if not ended:
        problems.append(
            SyntaxProblem(
                "ios.exit",
                max(1, text.count("\n")),
                "the configuration does not close with `end`",
                "end the file with `end` so a paste leaves configuration mode",
            )
        )
    return root, problems


def _exit(
    word: str,
    number: int,
    stack: list[_Frame],
    sibling: _Frame | None,
    problems: list[SyntaxProblem],
) -> None:
    """An exit closes the sub-mode it is indented in, or the one just above it at its own
    indent (IOS prints `exit-address-family` level with `address-family`)."""
    _, text, _, section, top = stack[-1]
    if not top and section is not None and section.exit == word:
        stack.pop()
        return
    if sibling is not None and sibling[3] is not None and sibling[3].exit == word:
        return
    where = "at top level" if top else f"in {text!r}"
    hint = (
        "at top level `exit` leaves configuration mode: every later line fails"
        if top
        else "an exit must end the sub-mode it belongs to (exit-vrrp ends "
        "`vrrp N address-family ...`)"
    )
    problems.append(
        SyntaxProblem("ios.exit", number, f"`{word}` {where} closes no open sub-mode", hint)
    )


def load(text: str) -> tuple[Node, list[SyntaxProblem]]:
    """The config as a tree of nodes (repeated sections merged; each node's line is where
    its text is first seen) and its syntax problems: the remediation planner's view."""
    root, problems = walk(text)
    return _nodes(Node(), root), problems


def _nodes(node: Node, kids: Kids | None) -> Node:
    for text, (line, below) in (kids or {}).items():
        child = add(node, text, line)
        _nodes(child, below)
    return node
