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
from collections.abc import Callable, Iterator
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
    # the first words the children's patterns can match: a line starting with another word
    # opens nothing, known without a look-up in ``seen`` (a line unique to one device, an
    # interface's description or address, would be a miss there: ~1 µs, stored for nothing)
    opens: frozenset[str] = field(default=frozenset(), compare=False, hash=False, repr=False)


def _never(line: str) -> None:
    return None


def _s(pattern: str, *children: Section, exit: str = "exit") -> Section:
    return Section(
        re.compile(pattern), children, exit, Memo(_opener(children)), _first_words(children)
    )


# a pattern's first word, or its alternatives: `(class-map|policy-map) .+`, `redundancy$`
_FIRST_WORDS = re.compile(r"\(?([\w|-]+)\)?(?: |\$)")


def _first_words(children: tuple[Section, ...]) -> frozenset[str]:
    words: set[str] = set()
    for child in children:
        found = _FIRST_WORDS.match(child.pattern.pattern)
        # every pattern starts with literal words; one that did not would open nothing here
        assert found is not None, child.pattern.pattern
        words.update(found.group(1).split("|"))
    return frozenset(words)


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
_TOP = Section(re.compile(""), SECTIONS, seen=Memo(_opener(SECTIONS)), opens=_first_words(SECTIONS))


# what a line says whatever its number: (stripped, indent, kind, first word, a known top-level
# word). Read once per distinct line of the run: a fleet's configs repeat their lines (at
# 2,000 generated devices an IOS line is one of ~8,500 distinct among ~61,000; docs/adr.md).
# A plain command is kind 0, so the walk's common case is one falsy test.
_COMMAND, _BLANK, _BANG, _END, _EXIT, _SECRET_WORD = range(6)

# a word every secret pattern of egress.platforms.ios.config holds (it asserts so): a config
# none of whose kept commands holds one holds no secret, known here once per distinct line
# instead of scanning each config's whole text for each word (~3 µs a config)
SECRET_WORDS = ("password", "secret", "community", "key")


def _holds_secret_word(text: str) -> bool:
    # SECRET_WORDS written out: a third of what a loop over them costs, once per new line
    return "password" in text or "secret" in text or "community" in text or "key" in text


assert all(_holds_secret_word(word) for word in SECRET_WORDS)
assert not _holds_secret_word(" ".join(word[:-1] for word in SECRET_WORDS))


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
    if word in EXITS:
        kind = _EXIT
    elif _holds_secret_word(stripped):
        kind = _SECRET_WORD  # a command all the same: the walk notes it and keeps it
    else:
        kind = _COMMAND
    return stripped, indent, kind, word, word in TOP_LEVEL


_LINES: Memo[str, tuple[str, int, int, str, bool]] = Memo(_read_line)


# What the one pass keeps of the config: per command, [the line first seen, its
# sub-commands or None] and per sub-commands, their texts (in the order first seen; a
# re-opened section merges, as the router does) -> their entries. A list per distinct line,
# not an object: no Python-level __init__ per line, and a dict only where something is below.
Entry = list[Any]
Kids = dict[str, Entry]
# a frame of the open commands: (indent, text, its entry, the section it opened or None for
# a leaf command; _TOP for the root)
_Frame = tuple[int, str, Entry, "Section | None"]


def walk(text: str) -> tuple[Kids, list[SyntaxProblem]]:
    """IOS text in one pass: its syntax problems, and the kept sections (the grammar is
    configtree's: SECTIONS opens sub-modes, EXITS closes them, TOP_LEVEL the known words)."""
    root, problems, _ = read(text)
    return root, problems


def read(text: str) -> tuple[Kids, list[SyntaxProblem], bool]:
    """``walk``, and whether a kept command holds one of SECRET_WORDS (lint's secret check
    reads the kept commands only then)."""
    root: Kids = {}
    problems: list[SyntaxProblem] = []
    top = _TOP
    stack: list[_Frame] = [(-1, "", [0, root], top)]
    # the previous command's frame, pushed only when the next line is indented below it:
    # most commands are leaves, closed by the next line (a push and a pop saved per line)
    last: _Frame | None = None
    secret_words = False
    lines = _LINES
    numbered = enumerate(text.splitlines(), start=1)
    for number, raw in numbered:
        stripped, indent, kind, word, known = lines[raw]
        if kind:  # anything but a plain command: rare, so tested once here
            if kind == _BLANK:
                continue
            if kind == _BANG:
                if indent == 0:  # a bang at column 0 closes every open section
                    del stack[1:]
                    last = None
                continue
            if kind == _END:
                _after_end(numbered, number, problems)
                break
            if kind == _EXIT:
                if last is not None:
                    stack.append(last)
                    last = None
                sibling = None  # the frame closed at this very indent: an exit may sit beside it
                while indent <= stack[-1][0]:
                    popped = stack.pop()
                    if popped[0] == indent:
                        sibling = popped
                _exit(stripped, number, stack, sibling, problems)
                continue
            secret_words = True  # _SECRET_WORD: a command, kept below like any other
        if last is not None and indent > last[0]:
            stack.append(last)
        while indent <= stack[-1][0]:
            stack.pop()
        frame = stack[-1]
        section = frame[3]
        if section is top:
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
        elif section is None:
            problems.append(
                SyntaxProblem(
                    "ios.indent",
                    number,
                    f"{stripped!r} is indented under {frame[1]!r}, which opens no section",
                    "align it with its section's other commands",
                )
            )
        parent = frame[2]
        kids = parent[1]
        if kids is None:  # below a leaf command (a syntax problem above): kept all the same
            kids = parent[1] = {}
        # the list is made whatever: a config rarely repeats a command within one section
        entry = kids.setdefault(stripped, [number, None])
        # the sub-mode this line opens, if any: only a word a child section starts with may
        if section is not None:
            section = section.seen[stripped] if word in section.opens else None
        last = (indent, stripped, entry, section)
    else:
        problems.append(
            SyntaxProblem(
                "ios.exit",
                max(1, text.count("\n")),
                "the configuration does not close with `end`",
                "end the file with `end` so a paste leaves configuration mode",
            )
        )
    return root, problems, secret_words


def _after_end(
    numbered: Iterator[tuple[int, str]], ended: int, problems: list[SyntaxProblem]
) -> None:
    """The lines after `end`: each one that is not blank is never applied."""
    lines = _LINES
    for number, raw in numbered:
        stripped, _, kind, _, _ = lines[raw]
        if kind != _BLANK:
            problems.append(
                SyntaxProblem(
                    "ios.exit",
                    number,
                    f"{stripped!r} after `end` (line {ended}) is never applied",
                    "`end` must be the last line; move the text above it",
                )
            )


def _exit(
    word: str,
    number: int,
    stack: list[_Frame],
    sibling: _Frame | None,
    problems: list[SyntaxProblem],
) -> None:
    """An exit closes the sub-mode it is indented in, or the one just above it at its own
    indent (IOS prints `exit-address-family` level with `address-family`)."""
    _, text, _, section = stack[-1]
    top = section is _TOP
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
