"""Cisco IOS-XE: the facts lint reads from a rendered config, in one pass over its lines.

The grammar tables and the walk are in ``egress.platforms.ios.configtree``: it keeps each
distinct command once (a list, no object per line), and ``parse`` reads the facts from what
it kept (docs/adr.md, "lint's readers in one pass"). ``load`` (the same walk as a node tree)
is re-exported here for the remediation planner.
"""

from __future__ import annotations

import re
from functools import lru_cache
from ipaddress import IPv4Interface
from typing import Any

from egress.lint.facts import (
    REFS,
    BfdFact,
    ConfigFacts,
    EcmpFact,
    HaFact,
    PbrRuleFact,
    ProbeFact,
    RouteFact,
    SyntaxProblem,
    TrackFact,
    VrrpFact,
    read_interface_address,
)
from egress.lint.memo import Memo
from egress.platforms.ios.configtree import (
    EXITS,
    SECRET_WORDS,
    SECTIONS,
    TOP_LEVEL,
    Entry,
    Kids,
    Section,
    load,
    read,
)

__all__ = ["EXITS", "SECTIONS", "TOP_LEVEL", "Section", "load", "parse"]


def parse(text: str) -> ConfigFacts:
    root, problems, secret_words = read(text)
    facts = ConfigFacts(problems=problems)
    # the top-level lines each step below reads, in one pass (the prefixes exclude each other)
    interfaces: list[tuple[str, Entry]] = []
    # the lines _global reads (most top-level lines are none), with what they say
    globals_: list[tuple[str, int, _Global]] = []
    routers: list[Entry] = []
    maps: list[tuple[str, Entry]] = []
    vtys: list[tuple[str, Entry]] = []
    redundancy = None
    tops = _TOPS
    for line, entry in root.items():
        kind, said = tops[line]
        if kind == _T_NONE:
            continue
        if kind == _T_INTERFACE:
            interfaces.append((line, entry))
        elif kind == _T_GLOBAL:
            globals_.append((line, entry[0], said))
        elif kind == _T_ROUTER:
            routers.append(entry)
        elif kind == _T_MAP:
            maps.append((line, entry))
        elif kind == _T_VTY:
            vtys.append((line, entry))
        elif redundancy is None:  # _T_REDUNDANCY: the first one is read
            redundancy = entry
    for line, entry in interfaces:
        _interface(facts, line, entry)
    for line, number, said in globals_:
        _global(facts, line, number, root, said)
    # a route-map a BGP neighbor filters with (`route-map R out`) or advertises by
    # (`advertise-map A exist-map E`) is BGP policy, not policy-based routing
    bgp_maps = {
        name
        for router in routers
        for text in _texts_two_deep(router)
        if len(words := text.split()) >= 4 and words[0] == "neighbor"
        for name in (
            [words[3]]
            if words[2] == "route-map"
            else words[3::2]
            if words[2] == "advertise-map"
            else []
        )
    }
    for line, entry in maps:
        if line.split()[1] not in bgp_maps:
            _route_map(facts, line, entry)
    app = _first(redundancy[1], "application redundancy") if redundancy else None
    group = _first(app[1][1], "group ") if app else None
    if group is not None:
        _ha(facts, *group)
    _security(facts, root, secret_words, vtys)
    return facts


_T_NONE, _T_INTERFACE, _T_GLOBAL, _T_ROUTER, _T_MAP, _T_VTY, _T_REDUNDANCY = range(7)


def _top_kind(line: str) -> tuple[int, _Global]:
    """Which step of ``parse`` reads a top-level command (the prefixes exclude each other),
    and for _global's lines what they say."""
    if line.startswith("interface "):
        return _T_INTERFACE, _SAYS_NOTHING
    if line.startswith(_GLOBAL_WORDS):
        # a global line no branch of _global reads is skipped here already
        said = _global_branch(line)
        return (_T_NONE, said) if said[0] == _G_NONE else (_T_GLOBAL, said)
    if line.startswith("router bgp "):
        return _T_ROUTER, _SAYS_NOTHING
    if line.startswith("route-map "):
        return _T_MAP, _SAYS_NOTHING
    if line.startswith("line vty"):
        return _T_VTY, _SAYS_NOTHING
    if line.startswith("redundancy"):
        return _T_REDUNDANCY, _SAYS_NOTHING
    return _T_NONE, _SAYS_NOTHING


# a top-level command's text -> which step reads it and, for _global's lines, what they say:
# once per distinct text of the run (most are the same on every device: the default route,
# the SLA schedules and tracks, the hash algorithm), one memo where a new line is one miss
_TOPS: Memo[str, tuple[int, _Global]] = Memo(_top_kind)


def _first(kids: Kids | None, prefix: str) -> tuple[str, Entry] | None:
    for text, entry in (kids or {}).items():
        if text.startswith(prefix):
            return text, entry
    return None


def _texts_two_deep(entry: Entry) -> list[str]:
    """A section's sub-commands and theirs, each section's before its children's."""
    kids: Kids = entry[1] or {}
    return [*kids, *(text for child in kids.values() for text in (child[1] or {}))]


def _interface(facts: ConfigFacts, line: str, entry: Entry) -> None:
    name = line.split(maxsplit=1)[1]
    iface = facts.interface(name, entry[0])
    known = _IFACE_LINES
    for text, child in (entry[1] or _NONE).items():
        kind, value = known[text]
        if kind == _I_ADDRESS:
            iface.address = value
            iface.address_line = child[0]
        elif kind == _I_BFD:
            iface.bfd, iface.bfd_line = True, child[0]
        elif kind == _I_POLICY:
            facts.pbr.applied.append((name, value, child[0]))
        elif kind == _I_VRRP:
            facts.vrrp.append(_vrrp(name, value, child))


_NONE: Kids = {}


_I_NONE, _I_ADDRESS, _I_BFD, _I_POLICY, _I_VRRP = range(5)


def _iface_line(text: str) -> tuple[int, Any]:
    words = text.split()
    if words[:2] == ["ip", "address"] and len(words) >= 4:
        # the line is read once per distinct text already: no second memo for its address
        return _I_ADDRESS, read_interface_address(f"{words[2]}/{words[3]}")
    if words[0] == "bfd" and "interval" in words:
        return _I_BFD, None
    if words[:2] == ["ip", "policy"] and len(words) >= 4:
        return _I_POLICY, words[3]
    if words[0] == "vrrp" and len(words) >= 2 and words[1].isdigit():
        return _I_VRRP, int(words[1])
    return _I_NONE, None


# an interface sub-command's text -> what it says (kind, value), once per distinct text
_IFACE_LINES: Memo[str, tuple[int, Any]] = Memo(_iface_line)


def _vrrp(interface: str, group: int, entry: Entry) -> VrrpFact:
    fact = VrrpFact(interface=interface, group=group, line=entry[0])
    for text, child in (entry[1] or _NONE).items():
        words = text.split()
        if words[0] == "address" and len(words) >= 2:
            fact.vip, fact.vip_line = words[1], child[0]
        elif words[0] == "priority" and len(words) >= 2 and words[1].isdigit():
            fact.priority, fact.priority_line = int(words[1]), child[0]
        elif words[0] == "preempt":
            # VRRPv3 preempts by default; only the delay (or `no preempt`) can differ
            fact.preempt = " ".join(["delay", words[-1]]) if "delay" in words else "on"
            fact.preempt_line = child[0]
        elif words[:2] == ["no", "preempt"]:
            fact.preempt, fact.preempt_line = "off", child[0]
        elif words[0] == "track" and len(words) >= 2:
            fact.tracks.append(REFS[words[1], child[0]])
    return fact


_ALGORITHM = "ip cef load-sharing algorithm "
# compiled once (re.match with a pattern string looks it up in re's cache at every line)
_SLA = re.compile(r"ip sla \d+$")
_URL_HOST = re.compile(r"https?://([^/:]+)")
_DOTTED = re.compile(r"\d+\.\d+\.\d+\.\d+$")


# every line _global reads starts with one of these
_GLOBAL_WORDS = ("ip ", "track ")


_G_NONE, _G_BFD, _G_ROUTE, _G_ECMP, _G_ACL, _G_SLA, _G_SCHEDULE, _G_TRACK = range(8)


# which of _global's branches reads a line, its words, and for an `ip route` what _route reads
_Global = tuple[int, list[str], "_Route | None"]


# what a line read by no branch of _global says (shared: never changed)
_SAYS_NOTHING: _Global = (_G_NONE, [], None)


def _global_branch(text: str) -> _Global:
    words = text.split()
    if text.startswith("ip route static bfd ") and len(words) >= 6:
        return _G_BFD, words, None
    if text.startswith("ip route ") and len(words) >= 5:
        return _G_ROUTE, words, _route(text)
    if text.startswith(_ALGORITHM):
        return _G_ECMP, words, None
    if text.startswith("ip access-list ") and len(words) >= 4:
        return _G_ACL, words, None
    if _SLA.match(text):
        return _G_SLA, words, None
    if text.startswith("ip sla schedule ") and len(words) >= 4:
        return _G_SCHEDULE, words, None
    if text.startswith("track ") and len(words) >= 4 and words[2:4] == ["ip", "sla"]:
        return _G_TRACK, words, None
    return _G_NONE, words, None


def _global(facts: ConfigFacts, text: str, line: int, root: Kids, said: _Global) -> None:
    branch, words, route_said = said
    if branch == _G_BFD:
        interface = facts.interfaces.get(words[4])
        fact = BfdFact(line=line, peer=words[5], interface=words[4])
        if interface is not None and interface.bfd_line is not None:
            _bfd_timers(fact, text=_bfd_line(root, words[4]), line=interface.bfd_line)
        facts.bfd.append(fact)
    elif branch == _G_ROUTE:
        assert route_said is not None
        prefix, gateway, interface_name, distance, track = route_said
        route = RouteFact(
            prefix=prefix, gateway=gateway, line=line, interface=interface_name, distance=distance
        )
        if track is not None:
            route.track = REFS[track, line]
        facts.routes.append(route)
    elif branch == _G_ECMP:
        facts.ecmp = EcmpFact(knob=text[len(_ALGORITHM) :], line=line)
    elif branch == _G_ACL:
        facts.pbr.classes[words[3]] = line
    elif branch == _G_SLA:
        _probe(facts, words[2], line, root[text])
    elif branch == _G_SCHEDULE:
        probe = facts.probes.get(words[3])
        if probe is not None:
            probe.scheduled = True
        else:  # schedule of an undefined operation: keep it as a reference to check
            facts.tracks[f"schedule {words[3]}"] = TrackFact(
                key=f"schedule {words[3]}", probe=REFS[words[3], line], line=line
            )
    else:  # _G_TRACK
        ref = words[4] if len(words) > 4 else ""
        facts.tracks[words[1]] = TrackFact(key=words[1], probe=REFS[ref, line], line=line)


def _bfd_line(root: Kids, interface: str) -> str:
    node = root.get(f"interface {interface}")
    found = _first(node[1], "bfd interval") if node else None
    return found[0] if found else ""


def _bfd_timers(fact: BfdFact, *, text: str, line: int) -> None:
    fact.tx_ms, fact.rx_ms, fact.multiplier = _TIMERS[text]
    fact.timers_line = line


def _read_timers(text: str) -> tuple[int | None, int | None, int | None]:
    words = text.split()
    values = {words[i]: words[i + 1] for i in range(len(words) - 1)}
    return (
        _int(values.get("interval")),
        _int(values.get("min_rx")),
        _int(values.get("multiplier")),
    )


# `bfd interval` line -> its (interval, min_rx, multiplier), once per distinct text
_TIMERS: Memo[str, tuple[int | None, int | None, int | None]] = Memo(_read_timers)


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


_Route = tuple[str, str, str | None, int | None, str | None]


def _route(text: str) -> _Route:
    """An `ip route` line's (prefix, gateway, interface, distance, track), whatever its line."""
    # ip route PREFIX MASK [INTERFACE] GATEWAY [DISTANCE] [name NAME] [track N]
    words = text.split()
    prefix = _prefix(words[2], words[3])
    rest = words[4:]
    interface = None
    if rest and not _DOTTED.match(rest[0]):
        interface, rest = rest[0], rest[1:]
    gateway = rest[0] if rest else ""
    distance = track = None
    for i, word in enumerate(rest[1:], start=1):
        if word.isdigit() and i == 1:
            distance = int(word)
        elif word == "track" and i + 1 < len(rest):
            track = rest[i + 1]
    return prefix, gateway, interface, distance, track


@lru_cache(maxsize=4096)
def _prefix(address: str, mask: str) -> str:
    """`ip route` ADDRESS MASK as a prefix (as written where it is none); cached: most
    routes of a fleet are the same few (the default route on every device)."""
    try:
        return str(IPv4Interface(f"{address}/{mask}").network)
    except ValueError:
        return f"{address}/{mask}"


def _probe(facts: ConfigFacts, key: str, line: int, entry: Entry) -> None:
    probe = ProbeFact(key=key, name=key, line=line, scheduled=False)
    known = _PROBE_LINES
    for text, child in (entry[1] or _NONE).items():
        sets, timing = known[text]
        if sets is None:
            facts.problems.append(_not_a_number(text, child[0]))
            continue
        for attr, value in sets:
            setattr(probe, attr, value)
        if timing:
            probe.timing_line = child[0]
    facts.probes[key] = probe


# the IP SLA timers IOS-XE takes as whole numbers: `threshold` and `timeout` in ms,
# `frequency` in seconds (Cisco IOS IP SLAs Command Reference); anything else is refused
_SLA_NUMBERS = {
    "threshold": ("threshold_ms", 1.0),
    "timeout": ("timeout_ms", 1.0),
    "frequency": ("interval_ms", 1000.0),
}


def _probe_line(text: str) -> tuple[tuple[tuple[str, Any], ...] | None, bool]:
    """The probe fields an `ip sla` sub-command sets and whether it is the timing line;
    None for the fields where a timer is not a whole number (a syntax problem)."""
    words = text.split()
    if words[0] in ("icmp-echo", "tcp-connect") and len(words) >= 2:
        source = _after(words, ("source-interface", "source-ip"))
        return (("type", words[0]), ("target", words[1]), ("source", source)), False
    if words[:2] == ["http", "get"] and len(words) >= 3:
        url = _URL_HOST.match(words[2])  # the host of the URL, or the word as it is
        target = url[1] if url else words[2]
        source = _after(words, ("source-interface", "source-ip"))
        return (("type", "http"), ("target", target), ("source", source)), False
    if words[0] == "tag" and len(words) >= 2:
        return (("name", words[1]),), False
    if words[0] in _SLA_NUMBERS and len(words) >= 2:
        attr, scale = _SLA_NUMBERS[words[0]]
        timing = words[0] == "timeout"
        if not words[1].isdigit():
            return None, timing
        return ((attr, float(words[1]) * scale),), timing
    return (), False


# an `ip sla` sub-command's text -> the probe fields it sets (in order) and whether its line
# is the probe's timing line; once per distinct text (the same few on every device)
_PROBE_LINES: Memo[str, tuple[tuple[tuple[str, Any], ...] | None, bool]] = Memo(_probe_line)


def _not_a_number(text: str, line: int) -> SyntaxProblem:
    """A command whose number is not one: IOS-XE answers `% Invalid input detected` and
    the line is not applied, so lint says so rather than reading it as a value."""
    return SyntaxProblem(
        "ios.value",
        line,
        f"{text!r}: IOS-XE takes a whole number here",
        "fix the template or the inventory value it prints",
    )


def _after(words: list[str], keys: tuple[str, ...]) -> str | None:
    for i, word in enumerate(words[:-1]):
        if word in keys:
            return words[i + 1]
    return None


def _route_map(facts: ConfigFacts, line: str, entry: Entry) -> None:
    words = line.split()
    facts.pbr.policies.setdefault(words[1], entry[0])
    rule = PbrRuleFact(name=f"{words[1]} {words[-1]}", line=entry[0])
    for text, child in (entry[1] or _NONE).items():
        cw = text.split()
        if cw[:3] == ["match", "ip", "address"]:
            rule.classes.extend(REFS[name, child[0]] for name in cw[3:])
        elif cw[:3] == ["set", "ip", "next-hop"] and len(cw) >= 4:
            hop = cw[4] if cw[3] == "verify-availability" and len(cw) > 4 else cw[3]
            rule.next_hop = REFS[hop, child[0]]
            if "track" in cw and cw.index("track") + 1 < len(cw):
                rule.classes.append(REFS[f"track {cw[cw.index('track') + 1]}", child[0]])
    facts.pbr.rules.append(rule)


def _ha(facts: ConfigFacts, line: str, group: Entry) -> None:
    # a box-to-box group is active/standby per group by nature: there is no mode to state
    ha = HaFact(line=group[0], form="sync-pair")
    number = line.split()[1]
    ha.group_id, ha.group_line = (int(number) if number.isdigit() else None), group[0]
    if ha.group_id is None:
        facts.problems.append(_not_a_number(line, group[0]))
    ha.session_sync, ha.session_line = False, group[0]
    for text, child in (group[1] or _NONE).items():
        words = text.split()
        if words[0] == "control" and len(words) >= 2:
            ha.links.append(REFS[words[1], child[0]])
            if "protocol" in words and words[-1].isdigit() and int(words[-1]) != ha.group_id:
                ha.group_id, ha.group_line = None, child[0]
        elif words[0] == "data" and len(words) >= 2:
            ha.links.append(REFS[words[1], child[0]])
            ha.session_sync, ha.session_line = True, child[0]
        elif words[0] == "track" and len(words) >= 2:
            ha.tracks.append(REFS[words[1], child[0]])
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
# a word every secret pattern above holds: a config none of whose kept commands holds one
# (most) holds no secret line, so no walk over every command is needed (the walk says)
assert all(any(word in p.pattern for word in SECRET_WORDS) for p, _ in _SECRETS)


def _security(
    facts: ConfigFacts, root: Kids, secret_words: bool, vtys: list[tuple[str, Entry]]
) -> None:
    """Secrets in clear, and ``vtys`` (the `line vty` sections) open to any source;
    ``secret_words``: whether a kept command holds one of SECRET_WORDS."""
    for command, line in _every_command(root) if secret_words else ():
        if not _ANY_SECRET.match(command):
            continue
        if _HASHED.search(command) or " password 6 " in command:
            continue
        for pattern, what in _SECRETS:
            if pattern.match(command):
                facts.secrets.append((what, line))
                break
    for vty, entry in vtys:
        if _first(entry[1], "access-class ") is None:
            facts.open_access.append((f"`{vty}` without an access-class", entry[0]))


def _every_command(root: Kids) -> list[tuple[str, int]]:
    """Every command kept, depth first, each (text, the line first seen)."""
    found: list[tuple[str, int]] = []
    todo = list(reversed(root.items()))
    while todo:
        text, entry = todo.pop()
        found.append((text, entry[0]))
        if entry[1]:
            todo.extend(reversed(entry[1].items()))
    return found
