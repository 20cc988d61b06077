"""Cisco IOS-XE: the indentation tree (line-numbered nodes) and the facts lint reads from it.

hier_config's own loaders refuse a section that appears twice (DuplicateChildError), which
every rendered merge snippet does (`interface X` for addresses, BFD, VRRP and PBR), and they
drop line numbers. So the walk below is ours: it builds the tree with its lines, and knows
which commands open a sub-mode, which close one, and which top-level words exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from ipaddress import IPv4Interface
from typing import Any

from egress.lint.config.tree import Node, first, line_of, text_of
from egress.lint.facts import (
    BfdFact,
    ConfigFacts,
    EcmpFact,
    HaFact,
    PbrRuleFact,
    ProbeFact,
    Ref,
    RouteFact,
    SyntaxProblem,
    TrackFact,
    VrrpFact,
    interface_address,
)


@dataclass(frozen=True, slots=True)
class Section:
    """A command that opens a sub-mode, the sub-modes it may hold and its explicit exit."""

    pattern: re.Pattern[str]
    children: tuple[Section, ...] = ()
    exit: str = "exit"
    # the children's patterns as one alternation, group cN for child N: the first child
    # whose pattern matches a line, in one match instead of one per child
    picker: re.Pattern[str] | None = None
    # line -> the child section it opens, for every line seen under this section in the run
    # (a fleet's configs repeat their lines: one match per distinct line, not per line)
    seen: dict[str, Section | None] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def opened_by(self, line: str) -> Section | None:
        """The first child section ``line`` opens, if any."""
        try:
            return self.seen[line]
        except KeyError:
            pass
        if self.picker is None:
            opened = None
        else:
            found = self.picker.match(line)
            opened = self.children[int(found.lastgroup[1:])] if found and found.lastgroup else None
        if len(self.seen) >= _LINES_MAX:
            self.seen.clear()
        self.seen[line] = opened
        return opened


def _s(pattern: str, *children: Section, exit: str = "exit") -> Section:
    return Section(re.compile(pattern), children, exit, _picker(children))


def _picker(children: tuple[Section, ...]) -> re.Pattern[str] | None:
    if not children:
        return None
    return re.compile(
        "|".join(f"(?P<c{index}>{child.pattern.pattern})" for index, child in enumerate(children))
    )


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
_TOP = Section(re.compile(""), SECTIONS, picker=_picker(SECTIONS))


# A frame of the open sections: (indent, node, the section it opened or None for a leaf
# command under which nothing may be indented, whether it is the root). A tuple: one per
# line, and a dataclass instance costs a Python-level __init__ call each.
_Frame = tuple[int, Node, "Section | None", bool]

# what a line says whatever its number: (stripped, indent, kind, first word, a known top-level
# word). Read once per distinct line of the run: a fleet's configs repeat their lines (at
# 2,000 generated devices an IOS line is one of ~8,500 distinct among ~61,000; docs/adr.md).
_LINES: dict[str, tuple[str, int, int, str, bool]] = {}
_LINES_MAX = 100_000  # bounded: lines unique to one device never come back
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


def load(text: str) -> tuple[Node, list[SyntaxProblem]]:
    """Parse IOS text into a tree with line numbers, and its syntax problems."""
    root = Node()
    problems: list[SyntaxProblem] = []
    stack: list[_Frame] = [(-1, root, _TOP, True)]
    ended = 0
    lines = _LINES
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            stripped, indent, kind, word, known = lines[raw]
        except KeyError:
            if len(lines) >= _LINES_MAX:
                lines.clear()
            stripped, indent, kind, word, known = lines[raw] = _read_line(raw)
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
        _, parent_node, parent_section, parent_top = stack[-1]
        if kind == _EXIT:
            _exit(stripped, number, stack, sibling, problems)
            continue
        if parent_top and indent > 0:
            problems.append(
                SyntaxProblem(
                    "ios.indent",
                    number,
                    f"{stripped!r} is indented but no section is open",
                    "indent only the commands of a section (interface, ip sla, route-map, ...)",
                )
            )
        elif parent_section is None:
            problems.append(
                SyntaxProblem(
                    "ios.indent",
                    number,
                    f"{stripped!r} is indented under {text_of(parent_node)!r}, "
                    "which opens no section",
                    "align it with its section's other commands",
                )
            )
        if parent_top and indent == 0 and not known:
            problems.append(
                SyntaxProblem(
                    "ios.unknown",
                    number,
                    f"unknown top-level command {word!r} (stray text?)",
                    "fix the template: every top-level line must be an IOS-XE global command",
                )
            )
        # add(parent_node, stripped, number), inlined: once per line
        child = parent_node.children.get(stripped)
        if child is None:
            child = parent_node.children[stripped] = Node(stripped)
        child.lines.append(number)
        # the sub-mode this line opens, if any
        section = parent_section.opened_by(stripped) if parent_section is not None else None
        stack.append((indent, child, section, False))
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
    _, node, section, top = stack[-1]
    if not top and section is not None and section.exit == word:
        stack.pop()
        return
    if sibling is not None and sibling[2] is not None and sibling[2].exit == word:
        return
    where = "at top level" if top else f"in {text_of(node)!r}"
    hint = (
        "at top level `exit` leaves configuration mode: every later line fails"
        if top
        else "an exit must end the sub-mode it belongs to (exit-vrrp ends "
        "`vrrp N address-family ...`)"
    )
    problems.append(
        SyntaxProblem("ios.exit", number, f"`{word}` {where} closes no open sub-mode", hint)
    )


def parse(text: str) -> ConfigFacts:
    root, problems = load(text)
    facts = ConfigFacts(problems=problems)
    # the top-level lines each step below reads, in one pass (the prefixes exclude each other)
    interfaces: list[Node] = []
    globals_: list[Node] = []  # the lines _global reads (most top-level lines are none)
    routers: list[Node] = []
    maps: list[Node] = []
    vtys: list[Node] = []
    for line, node in root.children.items():
        if line.startswith("interface "):
            interfaces.append(node)
        elif line.startswith(_GLOBAL_WORDS):
            globals_.append(node)
        elif line.startswith("route"):
            if line.startswith("router bgp "):
                routers.append(node)
            elif line.startswith("route-map "):
                maps.append(node)
        elif line.startswith("line vty"):
            vtys.append(node)
    for node in interfaces:
        _interface(facts, node)
    for node in globals_:
        _global(facts, node, root)
    # a route-map a BGP neighbor filters with (`route-map R out`) or advertises by
    # (`advertise-map A exist-map E`) is BGP policy, not policy-based routing
    bgp_maps = {
        name
        for router in routers
        for node in (*router.children, *(c for af in router.children for c in af.children))
        if len(words := node.text.split()) >= 4 and words[0] == "neighbor"
        for name in (
            [words[3]]
            if words[2] == "route-map"
            else words[3::2]
            if words[2] == "advertise-map"
            else []
        )
    }
    for node in maps:
        if node.text.split()[1] not in bgp_maps:
            _route_map(facts, node)
    redundancy = first(root, "redundancy")
    app = first(redundancy, "application redundancy") if redundancy else None
    group = first(app, "group ") if app else None
    if group is not None:
        _ha(facts, group)
    _security(facts, root, text, vtys)
    return facts


def _interface(facts: ConfigFacts, node: Node) -> None:
    name = node.text.split(maxsplit=1)[1]
    iface = facts.interface(name, line_of(node))
    known = _IFACE_LINES
    for text, child in node.children.items():
        try:
            kind, value = known[text]
        except KeyError:
            if len(known) >= _LINES_MAX:
                known.clear()
            kind, value = known[text] = _iface_line(text)
        if kind == _I_ADDRESS:
            iface.address = value
            iface.address_line = child.lines[0]
        elif kind == _I_BFD:
            iface.bfd, iface.bfd_line = True, child.lines[0]
        elif kind == _I_POLICY:
            facts.pbr.applied.append((name, value, child.lines[0]))
        elif kind == _I_VRRP:
            facts.vrrp.append(_vrrp(name, value, child))


# an interface sub-command's text -> what it says (kind, value), once per distinct text
_IFACE_LINES: dict[str, tuple[int, Any]] = {}
_I_NONE, _I_ADDRESS, _I_BFD, _I_POLICY, _I_VRRP = range(5)


def _iface_line(text: str) -> tuple[int, Any]:
    words = text.split()
    if words[:2] == ["ip", "address"] and len(words) >= 4:
        return _I_ADDRESS, interface_address(f"{words[2]}/{words[3]}")
    if words[0] == "bfd" and "interval" in words:
        return _I_BFD, None
    if words[:2] == ["ip", "policy"] and len(words) >= 4:
        return _I_POLICY, words[3]
    if words[0] == "vrrp" and len(words) >= 2 and words[1].isdigit():
        return _I_VRRP, int(words[1])
    return _I_NONE, None


def _vrrp(interface: str, group: int, node: Node) -> VrrpFact:
    fact = VrrpFact(interface=interface, group=group, line=line_of(node))
    for child in node.children:
        words = child.text.split()
        if words[0] == "address" and len(words) >= 2:
            fact.vip, fact.vip_line = words[1], line_of(child)
        elif words[0] == "priority" and len(words) >= 2 and words[1].isdigit():
            fact.priority, fact.priority_line = int(words[1]), line_of(child)
        elif words[0] == "preempt":
            # VRRPv3 preempts by default; only the delay (or `no preempt`) can differ
            fact.preempt = " ".join(["delay", words[-1]]) if "delay" in words else "on"
            fact.preempt_line = line_of(child)
        elif words[:2] == ["no", "preempt"]:
            fact.preempt, fact.preempt_line = "off", line_of(child)
        elif words[0] == "track" and len(words) >= 2:
            fact.tracks.append(Ref(words[1], line_of(child)))
    return fact


_ALGORITHM = "ip cef load-sharing algorithm "
# compiled once (re.match with a pattern string looks it up in re's cache at every line)
_SLA = re.compile(r"ip sla \d+$")
_DOTTED = re.compile(r"\d+\.\d+\.\d+\.\d+$")


# every line _global reads starts with one of these
_GLOBAL_WORDS = ("ip ", "track ")


# a top-level line's text -> (which of _global's branches reads it, its words): once per
# distinct line of the run (most are the same on every device: the default route, the SLA
# schedules and tracks, the hash algorithm)
_GLOBALS: dict[str, tuple[int, list[str]]] = {}
_G_NONE, _G_BFD, _G_ROUTE, _G_ECMP, _G_ACL, _G_SLA, _G_SCHEDULE, _G_TRACK = range(8)


def _global_branch(text: str) -> tuple[int, list[str]]:
    words = text.split()
    if text.startswith("ip route static bfd ") and len(words) >= 6:
        return _G_BFD, words
    if text.startswith("ip route ") and len(words) >= 5:
        return _G_ROUTE, words
    if text.startswith(_ALGORITHM):
        return _G_ECMP, words
    if text.startswith("ip access-list ") and len(words) >= 4:
        return _G_ACL, words
    if _SLA.match(text):
        return _G_SLA, words
    if text.startswith("ip sla schedule ") and len(words) >= 4:
        return _G_SCHEDULE, words
    if text.startswith("track ") and len(words) >= 4 and words[2:4] == ["ip", "sla"]:
        return _G_TRACK, words
    return _G_NONE, words


def _global(facts: ConfigFacts, node: Node, root: Node) -> None:
    text, line = node.text, node.lines[0]
    try:
        branch, words = _GLOBALS[text]
    except KeyError:
        if len(_GLOBALS) >= _LINES_MAX:
            _GLOBALS.clear()
        branch, words = _GLOBALS[text] = _global_branch(text)
    if branch == _G_NONE:
        return
    if branch == _G_BFD:
        interface = facts.interfaces.get(words[4])
        fact = BfdFact(line=line, peer=words[5], interface=words[4])
        if interface is not None and interface.bfd_line is not None:
            _bfd_timers(fact, text=_bfd_line(root, words[4]), line=interface.bfd_line)
        facts.bfd.append(fact)
    elif branch == _G_ROUTE:
        facts.routes.append(_route(words, line))
    elif branch == _G_ECMP:
        facts.ecmp = EcmpFact(knob=text[len(_ALGORITHM) :], line=line)
    elif branch == _G_ACL:
        facts.pbr.classes[words[3]] = line
    elif branch == _G_SLA:
        _probe(facts, words[2], node)
    elif branch == _G_SCHEDULE:
        probe = facts.probes.get(words[3])
        if probe is not None:
            probe.scheduled = True
        else:  # schedule of an undefined operation: keep it as a reference to check
            facts.tracks[f"schedule {words[3]}"] = TrackFact(
                key=f"schedule {words[3]}", probe=Ref(words[3], line), line=line
            )
    else:  # _G_TRACK
        ref = words[4] if len(words) > 4 else ""
        facts.tracks[words[1]] = TrackFact(key=words[1], probe=Ref(ref, line), line=line)


def _bfd_line(root: Node, interface: str) -> str:
    node = root.children.get(f"interface {interface}")
    found = first(node, "bfd interval") if node else None
    return found.text if found else ""


def _bfd_timers(fact: BfdFact, *, text: str, line: int) -> None:
    words = text.split()
    values = {words[i]: words[i + 1] for i in range(len(words) - 1)}
    fact.tx_ms = _int(values.get("interval"))
    fact.rx_ms = _int(values.get("min_rx"))
    fact.multiplier = _int(values.get("multiplier"))
    fact.timers_line = line


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _route(words: list[str], line: int) -> RouteFact:
    # ip route PREFIX MASK [INTERFACE] GATEWAY [DISTANCE] [name NAME] [track N]
    prefix = _prefix(words[2], words[3])
    rest = words[4:]
    interface = None
    if rest and not _DOTTED.match(rest[0]):
        interface, rest = rest[0], rest[1:]
    gateway = rest[0] if rest else ""
    route = RouteFact(prefix=prefix, gateway=gateway, line=line, interface=interface)
    for i, word in enumerate(rest[1:], start=1):
        if word.isdigit() and i == 1:
            route.distance = int(word)
        elif word == "track" and i + 1 < len(rest):
            route.track = Ref(rest[i + 1], line)
    return route


@lru_cache(maxsize=4096)
def _prefix(address: str, mask: str) -> str:
    """`ip route` ADDRESS MASK as a prefix (as written where it is none); cached: most
    routes of a fleet are the same few (the default route on every device)."""
    try:
        return str(IPv4Interface(f"{address}/{mask}").network)
    except ValueError:
        return f"{address}/{mask}"


def _probe(facts: ConfigFacts, key: str, node: Node) -> None:
    probe = ProbeFact(key=key, name=key, line=line_of(node), scheduled=False)
    known = _PROBE_LINES
    for text, child in node.children.items():
        try:
            sets, timing = known[text]
        except KeyError:
            if len(known) >= _LINES_MAX:
                known.clear()
            sets, timing = known[text] = _probe_line(text)
        for attr, value in sets:
            setattr(probe, attr, value)
        if timing:
            probe.timing_line = child.lines[0]
    facts.probes[key] = probe


# an `ip sla` sub-command's text -> the probe fields it sets (in order) and whether its line
# is the probe's timing line; once per distinct text (the same few on every device)
_PROBE_LINES: dict[str, tuple[tuple[tuple[str, Any], ...], bool]] = {}


def _probe_line(text: str) -> tuple[tuple[tuple[str, Any], ...], bool]:
    words = text.split()
    if words[0] in ("icmp-echo", "tcp-connect") and len(words) >= 2:
        source = _after(words, ("source-interface", "source-ip"))
        return (("type", words[0]), ("target", words[1]), ("source", source)), False
    if words[:2] == ["http", "get"] and len(words) >= 3:
        target = re.sub(r"^https?://([^/:]+).*", r"\1", words[2])
        source = _after(words, ("source-interface", "source-ip"))
        return (("type", "http"), ("target", target), ("source", source)), False
    if words[0] == "tag" and len(words) >= 2:
        return (("name", words[1]),), False
    if words[0] == "threshold" and len(words) >= 2:
        return (("threshold_ms", float(words[1])),), False
    if words[0] == "timeout" and len(words) >= 2:
        return (("timeout_ms", float(words[1])),), True
    if words[0] == "frequency" and len(words) >= 2:
        return (("interval_ms", float(words[1]) * 1000),), False
    return (), False


def _after(words: list[str], keys: tuple[str, ...]) -> str | None:
    for i, word in enumerate(words[:-1]):
        if word in keys:
            return words[i + 1]
    return None


def _route_map(facts: ConfigFacts, node: Node) -> None:
    words = node.text.split()
    facts.pbr.policies.setdefault(words[1], line_of(node))
    rule = PbrRuleFact(name=f"{words[1]} {words[-1]}", line=line_of(node))
    for child in node.children:
        cw = child.text.split()
        if cw[:3] == ["match", "ip", "address"]:
            rule.classes.extend(Ref(name, line_of(child)) for name in cw[3:])
        elif cw[:3] == ["set", "ip", "next-hop"] and len(cw) >= 4:
            hop = cw[4] if cw[3] == "verify-availability" and len(cw) > 4 else cw[3]
            rule.next_hop = Ref(hop, line_of(child))
            if "track" in cw and cw.index("track") + 1 < len(cw):
                rule.classes.append(Ref(f"track {cw[cw.index('track') + 1]}", line_of(child)))
    facts.pbr.rules.append(rule)


def _ha(facts: ConfigFacts, group: Node) -> None:
    # a box-to-box group is active/standby per group by nature: there is no mode to state
    ha = HaFact(line=line_of(group), form="sync-pair")
    ha.group_id, ha.group_line = int(group.text.split()[1]), line_of(group)
    ha.session_sync, ha.session_line = False, line_of(group)
    for child in group.children:
        words = child.text.split()
        if words[0] == "control" and len(words) >= 2:
            ha.links.append(Ref(words[1], line_of(child)))
            if "protocol" in words and words[-1].isdigit() and int(words[-1]) != ha.group_id:
                ha.group_id, ha.group_line = None, line_of(child)
        elif words[0] == "data" and len(words) >= 2:
            ha.links.append(Ref(words[1], line_of(child)))
            ha.session_sync, ha.session_line = True, line_of(child)
        elif words[0] == "track" and len(words) >= 2:
            ha.tracks.append(Ref(words[1], line_of(child)))
    facts.ha = ha


_SECRETS = (
    (re.compile(r"^enable password "), "enable password"),
    (re.compile(r"^username \S+ (password|secret) (0 |7 )?\S"), "local user password"),
    (re.compile(r"^snmp-server community \S+"), "SNMP community"),
    (re.compile(r"^crypto isakmp key \S+"), "IKE pre-shared key"),
    (re.compile(r"^pre-shared-key (local |remote )?(0 |6 )?\S+"), "IKEv2 pre-shared key"),
    (re.compile(r"^key-string (0 |7 )?\S+"), "key-chain key"),
    (re.compile(r"^(password|secret) (0 |7 )?\S+"), "line password"),
)
_HASHED = re.compile(r"\b(secret|password) [5689] \S+|key-string 6 \S+")
# any of them at all: one match per line instead of one per pattern (most lines hold none)
_ANY_SECRET = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _SECRETS))
# a word every secret pattern above holds: a config without any of them (most) holds no
# secret line, and a node's text is one of its lines, so no walk over every node is needed
_SECRET_WORDS = ("password", "secret", "community", "key")
assert all(any(word in p.pattern for word in _SECRET_WORDS) for p, _ in _SECRETS)


def _may_hold_secret(text: str) -> bool:
    return any(word in text for word in _SECRET_WORDS)


def _security(facts: ConfigFacts, root: Node, text: str, vtys: list[Node]) -> None:
    """Secrets in clear, and ``vtys`` (the `line vty` sections) open to any source."""
    for node in root.all_children() if _may_hold_secret(text) else ():
        text = node.text
        if not _ANY_SECRET.match(text):
            continue
        if _HASHED.search(text) or " password 6 " in text:
            continue
        for pattern, what in _SECRETS:
            if pattern.match(text):
                facts.secrets.append((what, line_of(node)))
                break
    for line in vtys:
        if first(line, "access-class ") is None:
            facts.open_access.append((f"`{line.text}` without an access-class", line_of(line)))
