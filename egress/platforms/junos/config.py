"""Juniper Junos in `set` form: the facts lint reads from a config's statements.

The statements themselves (tokenised, or their syntax problem) come from
:mod:`egress.platforms.junos.setform`; :func:`load` is that module's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import itemgetter
from typing import Any

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
    ZoneFact,
    interface_address,
)
from egress.lint.memo import Memo
from egress.platforms.junos.setform import TOKEN, TOP_LEVEL, load

MANAGEMENT = frozenset({"ssh", "telnet", "web-management"})


def _match(words: tuple[str, ...], pattern: str) -> tuple[str, ...] | None:
    """The words a pattern's ``*`` stand for, then the words after it, when ``words`` starts
    with ``pattern`` (space-separated words, ``*`` for any one word)."""
    size, fixed, wants, stars = _PATTERNS.get(pattern) or _compile(pattern)
    if len(words) < size or fixed(words) != wants:
        return None
    return stars(words) + words[size:]


# pattern -> (its length, a getter of the words it fixes, those words, a getter of the words
# its `*` stand for): each pattern is read once, and matching it is two C calls (itemgetter)
# and a tuple comparison, not a Python loop over its words (~0.35 µs a match, ~0.6 before)
_Compiled = tuple[int, Callable[[tuple[str, ...]], Any], Any, Callable[[tuple[str, ...]], Any]]
_PATTERNS: dict[str, _Compiled] = {}


def _compile(pattern: str) -> _Compiled:
    words = pattern.split()
    fixed = [i for i, want in enumerate(words) if want != "*"]
    stars = [i for i, want in enumerate(words) if want == "*"]
    # itemgetter of one position gives the word itself, of several a tuple of them
    wants = tuple(words[i] for i in fixed) if len(fixed) > 1 else words[fixed[0]]
    if len(stars) > 1:
        get_stars: Callable[[tuple[str, ...]], Any] = itemgetter(*stars)
    elif stars:
        get_stars = itemgetter(slice(stars[0], stars[0] + 1))
    else:
        get_stars = itemgetter(slice(0, 0))
    compiled = _PATTERNS[pattern] = (len(words), itemgetter(*fixed), wants, get_stars)
    return compiled


# what one line of a config does to the facts, read once per distinct line of the whole
# run: a fleet's configs are mostly the same lines (at 2,000 generated devices a Junos line is
# one of ~11,000 distinct among ~50,000), so tokenising and matching each distinct line once
# leaves a dict look-up and one handler call per line (docs/adr.md, "lint's readers")
# (the handler, its arguments): the loop calls ``handler(state, args, line)``; a syntax
# problem and a secret in clear are handlers too, so a line costs one look-up and one call
_Handler = Callable[["_Parse", tuple[Any, ...], int], None]
_Op = tuple[_Handler, tuple[Any, ...]]


class _Parse:
    """One config's reading: the facts and what parse gathers before it fills some in."""

    __slots__ = (
        "facts",
        "vrrp",
        "filters",
        "routes",
        "bfd",
        "hash_layers",
        "services",
        "filtered_lo0",
    )

    def __init__(self, facts: ConfigFacts) -> None:
        self.facts = facts
        self.vrrp: dict[tuple[str, int], VrrpFact] = {}
        self.filters: dict[str, PbrRuleFact] = {}
        # facts.routes of the main table by (prefix, next hop), facts.bfd by peer: a look-up,
        # not a scan of the list per static-route line (only the static-route handlers
        # append those routes and the BFD peers, one per key)
        self.routes: dict[tuple[str, str], RouteFact] = {}
        self.bfd: dict[str, BfdFact] = {}
        self.hash_layers: list[tuple[str, int]] = []
        self.services: list[tuple[str, int]] = []
        self.filtered_lo0 = False


def parse(text: str) -> ConfigFacts:
    problems: list[SyntaxProblem] = []
    facts = ConfigFacts(problems=problems)
    state = _Parse(facts)
    # every line has a handler (a line without effect a no-op: cheaper than testing for one);
    # the memo is read at C speed through map, only a miss calls back into Python
    for number, (handler, args) in enumerate(map(_LINES.__getitem__, text.splitlines()), 1):
        handler(state, args, number)
    facts.vrrp.extend(state.vrrp.values())
    hash_layers = state.hash_layers
    if hash_layers:
        facts.ecmp = EcmpFact(" ".join(sorted({h for h, _ in hash_layers})), hash_layers[0][1])
    if not state.filtered_lo0:
        facts.open_access.extend(
            (f"system services {s} with no lo0 input filter", n) for s, n in state.services
        )
    return facts


def _classify(raw: str) -> _Op:
    """What ``raw`` does, whatever its line number: as :func:`load` then the statement's
    branch of the dispatch below would read it."""
    line = raw.strip()
    listed = "[" in line or "]" in line
    tokens = line.split() if '"' not in line and not listed else []
    quoted = [] if tokens or listed or "\\" in line or line.count('"') % 2 else TOKEN.findall(line)
    if tokens and tokens[0] == "set" and len(tokens) > 1 and tokens[1] in TOP_LEVEL:
        w = tuple(tokens[1:])  # a plain `set` statement (most lines): what load makes of it
    elif quoted and quoted[0] == "set" and len(quoted) > 1 and quoted[1].strip('"') in TOP_LEVEL:
        # balanced quotes, no list, no escape (a description): what load makes of it too
        w = tuple(token.strip('"') for token in quoted[1:])
    else:
        statements, problems = load(raw)
        if problems:
            return _on_problem, (problems[0].kind, problems[0].message, problems[0].hint)
        if not statements or statements[0].verb != "set":
            return _NOTHING
        w = statements[0].words
    handler, args = _dispatch(w)
    secret = None if _SECRET_WORDS.keys().isdisjoint(w) else _secret_what(w)
    if secret is not None:
        return _on_secret, (handler, args, secret)
    if handler is None:
        return _NOTHING
    return handler, args


def _on_nothing(state: _Parse, args: tuple[Any, ...], n: int) -> None:
    """A line that changes no fact (a host name, a `delete`, a comment)."""


_NOTHING: _Op = (_on_nothing, ())

# a line -> its handler and arguments: once per distinct line of the run
_LINES: Memo[str, _Op] = Memo(_classify)


def _on_problem(state: _Parse, args: tuple[Any, ...], n: int) -> None:
    state.facts.problems.append(SyntaxProblem(args[0], n, args[1], args[2]))


def _on_secret(state: _Parse, args: tuple[Any, ...], n: int) -> None:
    handler, inner, what = args
    if handler is not None:
        handler(state, inner, n)
    state.facts.secrets.append((what, n))


def _dispatch(
    w: tuple[str, ...],
) -> tuple[Callable[[_Parse, tuple[Any, ...], int], None] | None, tuple[Any, ...]]:
    """The handler of a `set` statement's words and its arguments (the pattern's ``*``)."""
    top = w[0]
    # dispatch on the hierarchy first: most statements are tried against one pattern
    if top == "interfaces":
        if m := _match(w, "interfaces * unit * family inet address *"):
            return _on_address, _address_args(m)
        if m := _match(w, "interfaces * unit * family inet filter input"):
            return (_on_filter_input, m) if len(m) > 2 else (None, ())
        if m := _match(w, "interfaces * fabric-options member-interfaces *"):
            return _on_fabric, m
        if len(w) > 1:
            return _on_interface, (w[1],)
    elif top == "routing-options":
        if m := _match(w, "routing-options static route * qualified-next-hop *"):
            return _static_op(m)
    elif top == "routing-instances":
        if m := _match(w, "routing-instances * routing-options static route * next-hop *"):
            return _on_instance_route, m
        if m := _match(w, "routing-instances * instance-type"):
            return _on_instance, m
    elif top == "forwarding-options":
        if m := _match(w, "forwarding-options hash-key family inet *"):
            return _on_hash, m
    elif top == "firewall":
        if m := _match(w, "firewall family inet filter * term *"):
            rest = m[2:]
            routes_to = (
                rest[2] if rest[:2] == ("then", "routing-instance") and len(rest) > 2 else None
            )
            return _on_term, (m[0], f"{m[0]} {m[1]}", routes_to)
    elif top == "services":
        if m := _match(w, "services rpm probe * test *"):
            return _on_rpm, _rpm_args(m)
        if m := _match(w, "services ip-monitoring policy *"):
            return _monitoring_op(m)
    elif top == "chassis":
        if (m := _match(w, "chassis cluster")) is not None:
            return _on_cluster, m
    elif top == "security":
        if m := _match(w, "security zones security-zone *"):
            return _on_zone, _zone_args(m)
    elif top == "system":
        m = _match(w, "system services *")
        if m and m[0] in MANAGEMENT:
            return _on_service, m
    return None, ()


def _on_filter_input(state: _Parse, m: tuple[Any, ...], n: int) -> None:
    state.facts.pbr.applied.append((m[0], m[2], n))
    state.filtered_lo0 = state.filtered_lo0 or m[0] == "lo0"


def _on_fabric(state: _Parse, m: tuple[Any, ...], n: int) -> None:
    state.facts.interface(m[0], n)
    _on_cluster(state, ("fabric", m[1]), n)


def _on_interface(state: _Parse, args: tuple[Any, ...], n: int) -> None:
    if args[0] not in state.facts.interfaces:
        state.facts.interface(args[0], n)


def _on_instance_route(state: _Parse, m: tuple[Any, ...], n: int) -> None:
    state.facts.routes.append(RouteFact(prefix=m[1], gateway=m[2], line=n, instance=m[0]))


def _on_instance(state: _Parse, m: tuple[Any, ...], n: int) -> None:
    state.facts.pbr.classes.setdefault(m[0], n)


def _on_hash(state: _Parse, m: tuple[Any, ...], n: int) -> None:
    state.hash_layers.append((m[0], n))


def _on_service(state: _Parse, m: tuple[Any, ...], n: int) -> None:
    state.services.append((m[0], n))


def _address_args(m: tuple[str, ...]) -> tuple[Any, ...]:
    """An address line's (interface, address, VRRP group key or None, the group's field the
    line sets or None, that field's line attribute, its value): read once per distinct line,
    so the handler of each line only stores."""
    name, spec, rest = m[0], m[2], m[3:]
    if len(rest) < 3 or rest[0] != "vrrp-group" or not rest[1].isdigit():
        return name, spec, None, None, None, None
    key = (name, int(rest[1]))
    what = rest[2:]
    if what[0] == "virtual-address" and len(what) > 1:
        return name, spec, key, "vip", "vip_line", what[1]
    if what[0] == "priority" and len(what) > 1 and what[1].isdigit():
        return name, spec, key, "priority", "priority_line", int(what[1])
    if what[0] == "preempt":  # Junos preempts by default; hold-time is what can differ
        return (
            name,
            spec,
            key,
            "preempt",
            "preempt_line",
            f"delay {what[2]}" if len(what) > 2 else "on",
        )
    if what[0] == "no-preempt":
        return name, spec, key, "preempt", "preempt_line", "off"
    if what[0] == "track" and len(what) > 2 and what[1] in ("interface", "route"):
        return name, spec, key, "tracks", None, what[2]  # an interface, or a route's prefix
    return name, spec, key, None, None, None


def _on_address(state: _Parse, args: tuple[Any, ...], n: int) -> None:
    name, spec, key, field, field_line, value = args
    iface = state.facts.interface(name, n)
    if iface.address is None:
        # read once per address of the run, shared (an IPv4Interface never changes)
        address = interface_address(spec)
        if address is not None:
            iface.address = address
        iface.address_line = n
    if key is None:
        return
    vrrp = state.vrrp
    group = vrrp.get(key)
    if group is None:
        group = vrrp[key] = VrrpFact(interface=name, group=key[1], line=n)
    if field_line is not None:
        setattr(group, field, value)
        setattr(group, field_line, n)
    elif field is not None:
        group.tracks.append(Ref(value, n))


def _static_op(m: tuple[str, ...]) -> _Op:
    """A static route's line: BFD towards its next hop (a timer or not), or the route (its
    preference or not); read once per distinct line."""
    prefix, hop, rest = m[0], m[1], m[2:]
    if rest and rest[0] == "bfd-liveness-detection":
        if len(rest) > 2 and rest[1] in ("minimum-interval", "multiplier") and rest[2].isdigit():
            return _on_static_bfd, (hop, rest[1], int(rest[2]))
        return _on_static_bfd, (hop, None, None)
    distance = (
        int(rest[1]) if len(rest) > 1 and rest[0] == "preference" and rest[1].isdigit() else None
    )
    return _on_static, ((prefix, hop), distance)


def _on_static_bfd(state: _Parse, args: tuple[Any, ...], n: int) -> None:
    hop, timer, value = args
    bfd = state.bfd.get(hop)
    if bfd is None:
        bfd = state.bfd[hop] = BfdFact(line=n, peer=hop, interface=None)
        state.facts.bfd.append(bfd)
    if timer == "minimum-interval":
        bfd.tx_ms = bfd.rx_ms = value
        bfd.timers_line = n
    elif timer == "multiplier":
        bfd.multiplier = value


def _on_static(state: _Parse, args: tuple[Any, ...], n: int) -> None:
    key, distance = args
    route = state.routes.get(key)
    if route is None:
        route = state.routes[key] = RouteFact(prefix=key[0], gateway=key[1], line=n)
        state.facts.routes.append(route)
    if distance is not None:
        route.distance = distance
        route.line = n


def _on_term(state: _Parse, args: tuple[Any, ...], n: int) -> None:
    # args: (filter, "filter term", the routing instance the term sends to or None)
    name, key, routes_to = args
    facts, filters = state.facts, state.filters
    facts.pbr.policies.setdefault(name, n)
    rule = filters.get(key)
    if rule is None:
        rule = filters[key] = PbrRuleFact(name=key, line=n)
        facts.pbr.rules.append(rule)
    if routes_to is not None:
        rule.classes.append(Ref(routes_to, n))


def _on_rpm(state: _Parse, m: tuple[Any, ...], n: int) -> None:
    # m: (owner, test, the probe field the line sets or None, its value, sets the timing line)
    probes = state.facts.probes
    probe = probes.get(m[0])
    if probe is None:
        probe = probes[m[0]] = ProbeFact(key=m[0], name=m[1], line=n)
    if m[2] is not None:
        setattr(probe, m[2], m[3])
        if m[4]:
            probe.timing_line = n


_URL_HOST = re.compile(r"^https?://([^/:]+).*")


def _rpm_args(m: tuple[str, ...]) -> tuple[Any, ...]:
    """What an RPM test's line sets, read once per distinct line (see _on_rpm)."""
    owner, test, rest = m[0], m[1], m[2:]
    if len(rest) < 2:
        return owner, test, None, None, False
    key, value = rest[0], rest[1]
    if key == "probe-type":
        return owner, test, "type", value, False
    if key == "target" and len(rest) > 2:
        return owner, test, "target", _URL_HOST.sub(r"\1", rest[2]), False
    if key == "source-address":
        return owner, test, "source", value, False
    if key == "next-hop":
        return owner, test, "gateway", value, False
    if key == "test-interval" and value.isdigit():
        return owner, test, "interval_ms", float(value) * 1000, True
    if key == "probe-timeout" and value.isdigit():
        return owner, test, "timeout_ms", float(value) * 1000, False
    if key == "thresholds" and value == "rtt" and len(rest) > 2 and rest[2].isdigit():
        return owner, test, "threshold_ms", int(rest[2]) / 1000, False
    return owner, test, None, None, False


def _monitoring_op(m: tuple[str, ...]) -> tuple[_Handler | None, tuple[Any, ...]]:
    """An ip-monitoring policy's line, read once per distinct line: the probe it matches, a
    withdraw, or the next hop (and route) it reroutes to; what is odd goes to the handler
    that reads the words at each line (_on_monitoring)."""
    policy, rest = m[0], m[1:]
    if rest[:2] == ("match", "rpm-probe") and len(rest) > 2:
        return _on_monitoring_match, (policy, rest[2])
    if rest[:3] == ("then", "preferred-route", "withdraw"):
        return _on_monitoring_withdraw, (policy,)
    if "preferred-route" in rest and "next-hop" in rest:
        hop = rest.index("next-hop") + 1
        if hop >= len(rest):  # no hop after the word: as the plain handler reads it
            return _on_monitoring, m
        route = (
            rest[3] if rest[:3] == ("then", "preferred-route", "route") and len(rest) > 3 else None
        )
        return _on_monitoring_reroute, (policy, rest[hop], route)
    return None, ()


def _on_monitoring_match(state: _Parse, args: tuple[Any, ...], n: int) -> None:
    policy, probe = args
    state.facts.tracks[policy] = TrackFact(key=policy, probe=Ref(probe, n), line=n)


def _on_monitoring_withdraw(state: _Parse, args: tuple[Any, ...], n: int) -> None:
    track = state.facts.tracks.get(args[0])
    if track is not None:
        track.withdraw = True


def _on_monitoring_reroute(state: _Parse, args: tuple[Any, ...], n: int) -> None:
    policy, hop, route = args
    track = state.facts.tracks.get(policy)
    if track is not None:
        track.reroutes_to = hop
        if route is not None:
            track.routes.append(route)


def _on_monitoring(state: _Parse, m: tuple[Any, ...], n: int) -> None:
    facts = state.facts
    policy, rest = m[0], m[1:]
    if rest[:2] == ("match", "rpm-probe") and len(rest) > 2:
        facts.tracks[policy] = TrackFact(key=policy, probe=Ref(rest[2], n), line=n)
    elif rest[:3] == ("then", "preferred-route", "withdraw") and policy in facts.tracks:
        facts.tracks[policy].withdraw = True
    elif "preferred-route" in rest and "next-hop" in rest and policy in facts.tracks:
        facts.tracks[policy].reroutes_to = rest[rest.index("next-hop") + 1]
        if rest[:3] == ("then", "preferred-route", "route") and len(rest) > 3:
            facts.tracks[policy].routes.append(rest[3])


def _zone_args(m: tuple[str, ...]) -> tuple[Any, ...]:
    """A zone's line, read once per distinct line: (zone, the unit it binds or None, whether
    the line sets that unit's own host-inbound protocols, the protocol it admits or None)."""
    name, rest = m[0], m[1:]
    unit, own = None, False
    if rest[:1] == ("interfaces",) and len(rest) > 1:
        unit, rest = rest[1], rest[2:]
        own = rest[:2] == ("host-inbound-traffic", "protocols")
        if not own:
            return name, unit, False, None
    protocol = (
        rest[2]
        if rest[:2] == ("host-inbound-traffic", "protocols")
        and len(rest) > 2
        and ("except" not in rest[3:])
        else None
    )
    return name, unit, own, protocol


def _on_zone(state: _Parse, args: tuple[Any, ...], n: int) -> None:
    name, unit, own, protocol = args
    zones = state.facts.zones
    zone = zones.get(name)
    if zone is None:
        zone = zones[name] = ZoneFact(name=name, line=n)
    protocols = zone.protocols
    if unit is not None:
        zone.unit_lines.setdefault(unit, n)
        units = zone.units
        units.setdefault(unit, None)
        if not own:
            return
        protocols = units[unit] = units[unit] or {}
    if protocol is not None:
        protocols.setdefault(protocol, n)


def _on_cluster(state: _Parse, m: tuple[Any, ...], n: int) -> None:
    facts = state.facts
    if facts.ha is None:
        facts.ha = HaFact(line=n, form="cluster", mode="a-p")
    if m and m[0] == "fabric":  # SRX replicates sessions over the fabric link: sync is on
        facts.ha.links.append(Ref(m[1], n))
        facts.ha.session_sync, facts.ha.session_line = True, n


_SECRET_WORDS = {
    "authentication-key": "authentication key",
    "pre-shared-key": "pre-shared key",
    "plain-text-password-value": "password",
    "secret": "secret",
    "community": "SNMP community",
}


def _secret_what(words: tuple[str, ...]) -> str | None:
    """What secret a statement's words set in clear, if any."""
    for i, word in enumerate(words[:-1]):
        what = _SECRET_WORDS.get(word)
        if what is None:
            continue
        value = (
            words[i + 2]
            if words[i + 1] in ("ascii-text", "hexadecimal") and i + 2 < len(words)
            else words[i + 1]
        )
        # $9$ is Junos' own encrypted form
        return None if value.startswith("$9$") else what
    return None
