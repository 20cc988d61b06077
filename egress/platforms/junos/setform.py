"""Juniper Junos in `set` form: each line tokenised into a statement, or its syntax problem.

No library parses Junos `set` lines into paths with line numbers (hier_config's Junos driver
converts between set and curly-brace forms but keeps no lines and accepts any first word), so
this module tokenises each line itself: quoted strings and `[ ... ]` lists are single values.
The facts lint reads from the statements are in :mod:`egress.platforms.junos.config`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from egress.lint.facts import SyntaxProblem

TOP_LEVEL = frozenset(
    (
        "access",
        "access-profile",
        "accounting-options",
        "applications",
        "apply-groups",
        "bridge-domains",
        "chassis",
        "class-of-service",
        "dynamic-profiles",
        "event-options",
        "firewall",
        "forwarding-options",
        "groups",
        "interfaces",
        "logical-systems",
        "multi-chassis",
        "policy-options",
        "poe",
        "protocols",
        "routing-instances",
        "routing-options",
        "schedulers",
        "security",
        "services",
        "snmp",
        "switch-options",
        "system",
        "vlans",
        "virtual-chassis",
    )
)
VERBS = frozenset({"set", "delete"})
TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\[|\]|[^\s"\[\]]+')


class Statement(NamedTuple):
    """One set/delete line (a named tuple: built once per line, cheaper than a frozen
    dataclass, whose every field is set through object.__setattr__)."""

    line: int
    verb: str
    words: tuple[str, ...]  # the path after the verb; a [ list ] is one word


def load(text: str) -> tuple[list[Statement], list[SyntaxProblem]]:
    statements: list[Statement] = []
    problems: list[SyntaxProblem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        plain = '"' not in line and "[" not in line
        bad = "" if plain and "]" not in line else _balance(line)
        if bad:
            problems.append(
                SyntaxProblem(
                    "junos.quote", number, bad, "close every quote and `[ ... ]` list on its line"
                )
            )
            continue
        tokens = line.split() if plain else TOKEN.findall(line)
        if tokens[0] not in VERBS:
            problems.append(
                SyntaxProblem(
                    "junos.verb",
                    number,
                    f"{line[:40]!r} is not a `set`/`delete` statement",
                    "every line of a set-form config starts with set or delete",
                )
            )
            continue
        # no quote and no list: the words are the tokens (most lines)
        words = tuple(tokens[1:]) if plain else _group_lists(tokens[1:])
        if not words or words[0] not in TOP_LEVEL:
            first = words[0] if words else "(nothing)"
            problems.append(
                SyntaxProblem(
                    "junos.hierarchy",
                    number,
                    f"unknown top-level hierarchy {first!r}",
                    f"a statement starts with one of: {', '.join(sorted(TOP_LEVEL)[:8])}, ...",
                )
            )
            continue
        statements.append(Statement(number, tokens[0], words))
    return statements, problems


def _balance(line: str) -> str:
    if '"' not in line and "[" not in line and "]" not in line:
        return ""
    quotes = len(_UNESCAPED_QUOTE.findall(line))
    if quotes % 2:
        return "unbalanced double quote"
    depth = 0
    # only the brackets outside quoted strings, in order (found at C speed)
    for char in _BRACKET.findall(_QUOTED.sub("", line)):
        depth += 1 if char == "[" else -1
        if depth < 0 or depth > 1:
            return "unbalanced `[ ]` list"
    return "unbalanced `[ ]` list" if depth else ""


_UNESCAPED_QUOTE = re.compile(r'(?<!\\)"')
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]]")


def _group_lists(tokens: list[str]) -> tuple[str, ...]:
    words: list[str] = []
    group: list[str] | None = None
    for token in tokens:
        if token == "[":
            group = []
        elif token == "]" and group is not None:
            words.append("[ " + " ".join(group) + " ]")
            group = None
        elif group is not None:
            group.append(token)
        else:
            words.append(token.strip('"'))
    return tuple(words)
