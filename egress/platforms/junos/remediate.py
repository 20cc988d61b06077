"""Junos: ``delete`` + ``set`` for each hierarchy egress owns that differs, nothing else.

The running config is read as ``set`` lines (``get-configuration format="set"``). Each line
egress renders belongs to an owned hierarchy, its *anchor* (:data:`ANCHORS`: an RPM probe, an
ip-monitoring policy, a static route, a filter, a routing instance; on an interface only the
statements egress renders). An anchor whose running statements differ from the rendered ones
is sent as ``delete <anchor>`` followed by all its rendered ``set`` lines, in one
``load set``: the candidate then holds exactly the intended hierarchy, and Junos's own
``show | compare`` shows the net change (often a single line). Anchors egress does not
render are never touched. Why not ``replace:`` tags in text form: docs/adr.md.

``--replace``: napalm junos loads text with ``overwrite`` (``load override``), so the running
config (curly text, as the device printed it) is loaded as the override and the same
``delete``/``set`` lines are loaded on top: the candidate is the running config with egress's
hierarchies replaced, never the rendered lines alone (which would drop system login/services).
"""

from __future__ import annotations

import re
import shlex
from collections import defaultdict
from dataclasses import dataclass

from egress.remediate.model import Foreign, Load, Remediation

Words = tuple[str, ...]
ANY = "*"


@dataclass(frozen=True, slots=True)
class Anchor:
    pattern: Words  # words of a set line (after `set`); ANY matches one word
    check: bool = True  # a different hierarchy here is foreign unless egress's (see below)

    def match(self, words: Words) -> Words | None:
        if len(words) < len(self.pattern):
            return None
        for want, word in zip(self.pattern, words, strict=False):
            if want not in (ANY, word):
                return None
        return words[: len(self.pattern)]


def _a(text: str, *, check: bool = True) -> Anchor:
    return Anchor(tuple(text.split()), check)


# Owned hierarchies, most specific first. Interfaces and zones are the inventory's to assign
# (hosts.yaml names the ports), so there egress owns its statements without a foreign check.
ANCHORS: tuple[Anchor, ...] = (
    _a("interfaces * description", check=False),
    _a("interfaces * gigether-options redundant-parent", check=False),
    _a("interfaces * redundant-ether-options redundancy-group", check=False),
    _a("interfaces * fabric-options", check=False),
    _a("interfaces * unit * family inet address *", check=False),
    _a("interfaces * unit * family inet filter input", check=False),
    _a("security zones security-zone * interfaces *", check=False),
    _a("services rpm probe *"),
    _a("services ip-monitoring policy *"),
    _a("routing-options static route *"),
    _a("routing-options interface-routes rib-group inet", check=False),
    _a("routing-options rib-groups *"),
    # value lists the operator shares: egress owns its own value, never the list
    _a("routing-options forwarding-table export *", check=False),
    _a("policy-options policy-statement *"),
    _a("policy-options condition *"),
    _a("protocols bgp group *"),
    _a("forwarding-options hash-key family inet", check=False),
    _a("firewall family inet filter *"),
    _a("routing-instances *"),
    _a("chassis cluster", check=False),
    _a("groups * system host-name", check=False),
    _a("apply-groups *", check=False),
)
# A statement egress renders to say it wrote a hierarchy.
_MARK = re.compile(r"^EGRESS\b")


def words_of(line: str) -> list[Words]:
    """The statements of a ``set`` line, words after ``set`` without quotes; a value list
    ``[ a b ]`` is one statement per value, as ``show | display set`` prints it."""
    try:
        words = shlex.split(line, posix=True)
    except ValueError:
        words = line.split()
    if words and words[0] == "set":
        words = words[1:]
    if "[" in words and words[-1] == "]":
        start = words.index("[")
        return [(*words[:start], value) for value in words[start + 1 : -1]]
    return [tuple(words)]


def render_words(words: Words) -> str:
    return " ".join(f'"{w}"' if (not w or re.search(r"[\s\"';{}#]", w)) else w for w in words)


def anchor_of(words: Words) -> tuple[Words, bool]:
    for anchor in ANCHORS:
        found = anchor.match(words)
        if found is not None:
            return found, anchor.check
    return words, False  # not in the table: egress owns exactly that statement


def by_anchor(text: str) -> dict[Words, dict[Words, None]]:
    """Statements per anchor, in the text's order (a value list's order matters)."""
    grouped: dict[Words, dict[Words, None]] = defaultdict(dict)
    for line in text.splitlines():
        if not line.strip().startswith("set "):
            continue
        for words in words_of(line):
            grouped[anchor_of(words)[0]][words] = None
    return grouped


def _under(lines: set[Words], anchor: Words) -> set[Words]:
    return {w for w in lines if w[: len(anchor)] == anchor}


def plan(
    host: str,
    *,
    running: str,
    rendered: str,
    previous: str | None,
    take_over: bool,
    replace: bool,
    backup: str = "",
) -> Remediation:
    have = {w for line in running.splitlines() if line.startswith("set ") for w in words_of(line)}
    want = by_anchor(rendered)
    record = by_anchor(previous) if previous else {}
    lines: list[str] = []
    foreign: list[Foreign] = []
    for anchor, ordered in want.items():
        held, wanted = _under(have, anchor), _leaves(ordered)
        if held == wanted:
            continue
        _, check = anchor_of(anchor)
        earlier = _leaves(record.get(anchor, {}))
        if held and check and not (held <= wanted or held <= earlier or _marked(held)):
            sample = "; ".join(render_words(w) for w in sorted(held)[:3])
            foreign.append(Foreign(host, render_words(anchor), sample))
        if held:
            lines.append("delete " + render_words(anchor))
        lines.extend("set " + render_words(w) for w in ordered)
    for anchor, earlier_lines in record.items():
        held = _under(have, anchor)
        if anchor not in want and held and held <= _leaves(earlier_lines):
            lines.append("delete " + render_words(anchor))  # egress wrote it, renders it no more
    if foreign and not take_over:
        return Remediation((), "", "", tuple(foreign))
    text = "".join(line + "\n" for line in lines)
    if not lines:
        return Remediation((), text, "", tuple(foreign))
    if not replace:
        return Remediation((Load(text),), text, None, tuple(foreign))
    # what the change directory keeps is both loads, in order
    candidate = f"{backup.rstrip()}\n# loaded on top of the override above (load set):\n{text}"
    loads = (Load(backup, replace=True), Load(text))
    return Remediation(loads, candidate, None, tuple(foreign))


def _leaves(statements: dict[Words, None] | set[Words]) -> set[Words]:
    """Statements as ``display set`` prints them: a container that has statements under it
    (an address with its vrrp-group) is not a line of its own."""
    every = set(statements)
    return {w for w in every if not any(len(v) > len(w) and v[: len(w)] == w for v in every)}


def _marked(lines: set[Words]) -> bool:
    return any(len(w) > 1 and w[-2] == "description" and _MARK.match(w[-1]) for w in lines)
