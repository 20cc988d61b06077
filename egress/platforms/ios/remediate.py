"""IOS-XE: the running config with egress's owned sections made the intended ones, and the
lines (hier_config remediation) that get it there.

Ownership is the table :data:`RULES` (data, not code): which top-level objects egress owns
whole (an ``ip sla N``, a ``track N``, a static route by prefix and next hop, its route-map
entries and ACLs, a redundancy group) and which sections it shares with the operator
(``interface X``: egress owns only the settings it renders there). The IDs and names come from
the rendered config itself. hier_config 3.x computes the lines with its Cisco IOS driver plus
the rules IOS needs beyond it: a scheduled ``ip sla N`` cannot be changed, only removed and
re-created (``sectional_overwrite``), and its schedule, removed with it, is sent again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from hier_config import HConfig, Platform, WorkflowRemediation, get_hconfig, get_hconfig_driver
from hier_config.models import (
    IdempotentCommandsRule,
    MatchRule,
    OrderingRule,
    SectionalOverwriteRule,
)

from egress.platforms.ios.config import load as load_tree
from egress.platforms.ios.review import review_diff
from egress.remediate.model import Foreign, Load, Remediation
from egress.remediate.owned import Line, covered, render_lines, same


@dataclass(frozen=True, slots=True)
class Rule:
    """An object (or a shared section) egress may hold at a key taken from the line."""

    pattern: re.Pattern[str]
    kind: str  # for messages: "IP SLA operation 1"
    whole: bool = True  # False: a shared section; ``children`` say what egress owns in it
    children: tuple[Rule, ...] = ()
    check: bool = True  # a different object here is foreign unless it carries a mark

    def key(self, text: str) -> str | None:
        match = self.pattern.match(text)
        if match is None:
            return None
        return self.kind + " " + " ".join(g for g in match.groups() if g is not None)


def _r(pattern: str, kind: str, *children: Rule, whole: bool = True, check: bool = True) -> Rule:
    return Rule(re.compile(pattern), kind, whole, children, check)


_INTERFACE_SETTINGS = (
    # The interface is the inventory's to assign (hosts.yaml names it): egress owns these
    # settings on it, the operator's others (negotiation, mtu, service-policy, ...) stay.
    _r(r"^(description) ", "", check=False),
    _r(r"^(ip address) (?!.* secondary$)", "", check=False),
    _r(r"^(?:no )?(shutdown)$", "", check=False),
    _r(r"^(bfd interval) ", "", check=False),
    _r(r"^(vrrp \d+) address-family ", "", check=False),
    _r(r"^(ip policy route-map) ", "", check=False),
)

RULES: tuple[Rule, ...] = (
    _r(r"^interface (\S+)$", "interface", *_INTERFACE_SETTINGS, whole=False),
    _r(r"^ip sla (\d+)$", "IP SLA operation"),
    # the schedule belongs to its operation: judged (and re-sent) with it
    _r(r"^ip sla schedule (\d+) ", "IP SLA schedule", check=False),
    _r(r"^track (\d+) ", "track"),
    _r(
        r"^ip route ((?:vrf \S+ )?\S+ \S+ "
        r"(?:[A-Za-z]\S*(?: \d+\.\d+\.\d+\.\d+)?|\d+\.\d+\.\d+\.\d+))(?: |$)",
        "static route",
    ),
    _r(r"^ip route static bfd (.+)$", "static route BFD", check=False),
    _r(r"^route-map (\S+ \S+ \d+)$", "route-map"),
    _r(r"^ip access-list (?:extended|standard) (\S+)$", "access-list"),
    # route injection (issue 19): the BGP outbound filters, entry by entry, and the BGP
    # process itself (one per router on IOS-XE: the design's local AS is egress's)
    _r(r"^ip prefix-list (\S+ seq \d+) ", "prefix-list"),
    _r(r"^router bgp (\d+)$", "BGP process"),
    _r(r"^(fhrp version) ", "", check=False),
    _r(r"^(ip cef load-sharing algorithm) ", "", check=False),
    _r(
        r"^(redundancy)$",
        "",
        _r(
            r"^(application redundancy)$", "", _r(r"^group (\d+)$", "redundancy group"), whole=False
        ),
        whole=False,
    ),
)

# Lines that say an object is egress's even when it differs from what egress writes now.
_MARKS = (re.compile(r"^description EGRESS\b"), re.compile(r"\bname EGRESS-"))
_TAG = re.compile(r"^tag (\S+)$")

# hier_config's IOS driver, plus what IOS-XE needs beyond it (issue 11).
_BASE = get_hconfig_driver(Platform.CISCO_IOS)
_BASE.rules.sectional_overwrite.append(
    # `ip sla N` cannot be entered once scheduled: `no ip sla N`, then the whole operation
    SectionalOverwriteRule(match_rules=(MatchRule(re_search=r"^ip sla \d+$"),))
)
for _line in ("bfd interval ",):
    # one per interface, and typing it again replaces it: no negation first
    _BASE.rules.idempotent_commands.append(
        IdempotentCommandsRule(
            match_rules=(MatchRule(startswith="interface "), MatchRule(startswith=_line))
        )
    )
# The order IOS-XE needs (the templates' order, kept when a section already exists on the
# device): VRRPv3 groups exist only after `fhrp version vrrp v3`; the redundancy group tracks
# objects and interfaces the same change may create, so it goes last (hier_config weighs
# every other line 0).
for _pattern, _weight in ((r"^fhrp version ", -100), (r"^redundancy$", 100)):
    _BASE.rules.ordering.append(
        OrderingRule(match_rules=(MatchRule(re_search=_pattern),), weight=_weight)
    )
DRIVER = _BASE

# An object known by its number is removed by its number: IOS-XE's `no track N` (Cisco
# command reference, `track`: "no track object-number"), whatever it tracked.
_SHORT_NEGATIONS = (
    (re.compile(r"^no (track \d+) .*$"), r"no \1"),
    (re.compile(r"^no (ip sla schedule \d+) .*$"), r"no \1"),
)
_SLA = re.compile(r"^ip sla (\d+)$")
_HEADER = re.compile(r"^(Building configuration|Current configuration :)")
_ACL = re.compile(r"^ip access-list (?:extended|standard) ")
_ACL_SEQUENCE = re.compile(r"^\d+ (?=permit|deny|remark)")
_SCHEDULE = "ip sla schedule {} "
# IOS prints these to close a sub-section; a candidate file keeps them for configure replace.
_EXITS = ((re.compile(r"^vrrp \d+ address-family "), "exit-vrrp"),)


def tree(text: str) -> Line:
    """An IOS config (running or rendered) as a tree; repeated sections merged."""
    root, _problems = load_tree(text)
    line = Line.of_tree(root)
    # `show running-config` headers are not configuration (a replace file must not carry them)
    line.children = [c for c in line.children if not _HEADER.match(c.text)]
    for section in line.children:
        if _ACL.match(section.text):
            # IOS numbers ACL entries itself and prints the numbers; a rendered ACL has none
            for entry in section.children:
                entry.text = _ACL_SEQUENCE.sub("", entry.text)
    return line


@lru_cache(maxsize=256)
def _read(text: str) -> Line:
    """``tree(text)``, parsed once per text: a commit plans the same rendered config (and
    its record, the same text again) for its pre-flight, verify and confirm, and the same
    running config twice. ``plan`` only reads these trees (it changes a copy), so they are
    shared."""
    return tree(text)


def plan(
    host: str,
    *,
    running: str,
    rendered: str,
    previous: str | None,
    take_over: bool,
    replace: bool,
    backup: str = "",  # noqa: ARG001 - the running config as printed: only Junos needs it
) -> Remediation:
    current, wanted = _read(running), _read(rendered)
    record = _read(previous) if previous else Line("")
    probes = {m.group(1) for line in wanted.walk() if (m := _TAG.match(line.text))}
    foreign: list[Foreign] = []
    intended = current.copy()
    _own(intended, wanted, record, RULES, host=host, probes=probes, foreign=foreign)
    if foreign and not take_over:
        return Remediation((), "", "", tuple(foreign))
    lines = remediation_lines(current, intended)
    review = (
        review_diff("ios", "\n".join(render_lines(current)), "\n".join(render_lines(intended)))
        if lines
        else ""
    )
    if replace:
        candidate = "\n".join(render_lines(intended, exits=_EXITS)) + "\nend\n"
        loads = (Load(candidate, replace=True),) if lines else ()
        return Remediation(loads, candidate, None, tuple(foreign), review)
    text = "".join(line + "\n" for line in lines)
    loads = (Load(text + "end\n"),) if lines else ()
    return Remediation(loads, text, shown(lines), tuple(foreign), review)


def shown(lines: list[str]) -> str:
    """The lines to send as napalm ``ios`` prints a merge diff: ``-`` before a ``no``
    command, ``+`` before the others, indentation kept (the candidate file has them bare)."""
    return "".join(
        ("-" if line.lstrip().startswith("no ") else "+") + line + "\n" for line in lines
    )


def remediation_lines(current: Line, intended: Line) -> list[str]:
    """hier_config's remediation, with each re-created IP SLA re-scheduled."""
    have, want = render_lines(current), render_lines(intended)
    if have == want:
        # the same lines: nothing to send, without two hier_config trees and a remediation
        # (a commit's verify and confirm, a dry-run of an unchanged device: ~10 ms each)
        return []
    running = get_hconfig(DRIVER, "\n".join(have))
    target = get_hconfig(DRIVER, "\n".join(want))
    remediation: HConfig = WorkflowRemediation(running, target).remediation_config
    lines: list[str] = []
    sent = {c.text for c in remediation.children}
    schedules = {
        m.group(1): c.text
        for c in intended.children
        if (m := re.match(r"^ip sla schedule (\d+) ", c.text))
    }
    for child in remediation.all_children_sorted():
        text = child.text
        if child.depth() == 1:
            for pattern, short in _SHORT_NEGATIONS:
                text = pattern.sub(short, text)
        lines.append(" " * (child.depth() - 1) + text)
    # `no ip sla N` removed its schedule too (Cisco: "including the schedule"): every
    # operation re-created here is scheduled again, right after its sub-commands, and a
    # removed one's schedule is not removed a second time.
    removed = {m.group(1) for line in lines if (m := re.match(r"^no ip sla (\d+)$", line))}
    lines = [
        line
        for line in lines
        if not ((m := re.match(r"^no ip sla schedule (\d+)$", line)) and m.group(1) in removed)
    ]
    out: list[str] = []
    pending: str | None = None
    for line in lines:
        if pending is not None and line[:1] != " ":
            out.append(pending)
            pending = None
        out.append(line)
        if (sla := _SLA.match(line)) is not None:
            schedule = schedules.get(sla.group(1))
            if schedule is not None and schedule not in sent:
                pending = schedule
    if pending is not None:
        out.append(pending)
    return out


def _own(
    have: Line,
    want: Line,
    record: Line,
    rules: Iterable[Rule],
    *,
    host: str,
    probes: set[str],
    foreign: list[Foreign],
) -> None:
    """Make ``have``'s owned children ``want``'s, in place; note the foreign ones."""
    rules = tuple(rules)

    def rule_of(text: str) -> tuple[Rule, str] | None:
        for rule in rules:
            key = rule.key(text)
            if key is not None:
                return rule, key
        return None

    wanted_keys: set[str] = set()
    for child in want.children:
        found = rule_of(child.text)
        if found is None:
            continue  # not owned (nothing renders such a line today)
        rule, key = found
        wanted_keys.add(key)
        index, existing = _find(have, rule, key)
        if not rule.whole:
            if existing is None:
                existing = Line(child.text)
                have.children.append(existing)
            previous = record.child(child.text) or Line(child.text)
            _own(
                existing, child, previous, rule.children, host=host, probes=probes, foreign=foreign
            )
            continue
        absent = child.text.startswith("no ")  # `no shutdown`: the setting must be absent
        if existing is None:
            if not absent:
                have.children.append(child.copy())
            continue
        if not absent and same(existing, child):
            continue
        if rule.check and not _egress_s(existing, child, record, rule, key, probes):
            foreign.append(Foreign(host, key.strip(), _holder(existing)))
        if absent:
            del have.children[index]
        else:
            have.children[index] = child.copy()
    # What egress wrote before and renders no more goes (a removed probe, PBR rule, ...).
    for child in list(have.children):
        found = rule_of(child.text)
        if found is None or found[1] in wanted_keys or not found[0].whole:
            continue
        _, earlier = _find(record, found[0], found[1])
        if earlier is not None and (covered(child, earlier) or _marked(child, probes)):
            have.children.remove(child)


def _find(node: Line, rule: Rule, key: str) -> tuple[int, Line | None]:
    for index, child in enumerate(node.children):
        if rule.key(child.text) == key:
            return index, child
    return -1, None


def _egress_s(
    existing: Line, wanted: Line, record: Line, rule: Rule, key: str, probes: set[str]
) -> bool:
    """Whether an object that differs from the intent is egress's own (see docs/adr.md)."""
    if covered(existing, wanted) or _marked(existing, probes):
        return True
    _, earlier = _find(record, rule, key)
    return earlier is not None and covered(existing, earlier)


def _marked(node: Line, probes: set[str]) -> bool:
    for line in node.walk():
        if any(m.search(line.text) for m in _MARKS):
            return True
        tag = _TAG.match(line.text)
        if tag is not None and tag.group(1) in probes:
            return True
    return False


def _holder(node: Line) -> str:
    lines = render_lines(Line("", [node]))
    shown = "; ".join(line.strip() for line in lines[:3])
    return shown + ("; ..." if len(lines) > 3 else "")
