"""Cisco IOS-XE: the grammar lint's reader and the remediation planner's tree read.

hier_config's own loaders refuse a section that appears twice (DuplicateChildError), which
every rendered merge snippet does (`interface X` for addresses, BFD, VRRP and PBR), and they
drop line numbers. So the walk is ours (``egress.platforms.ios.config``), and these tables
are its one source of data: which commands open a sub-mode (SECTIONS), which close one
(EXITS), which top-level words exist (TOP_LEVEL), and what a raw line says whatever its
number (_LINES).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

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
