"""FRR on Linux: the rendered frr.conf (vtysh grammar) and its ``!@<kind>`` glue lines.

FRR's own parser is vtysh (`vtysh -C -f` checks a file, but needs the daemons' command
tables and runs outside a unit test's reach); the grammar here is the small part egress
renders: blocks opened by ``interface``, ``router bgp``, ``address-family``, ``bfd`` /
``profile``, ``route-map``, ``pbr-map`` and closed by ``exit`` / ``exit-address-family``,
plus one-line commands. Facts come from FRR (interfaces, BFD profiles on BGP neighbours,
pbr-maps, maximum-paths) and from the glue (keepalived's VRRP instance and track files, the
prober's probes, conntrackd's sync peer, the multipath hash sysctl).
"""

from __future__ import annotations

import re
from ipaddress import IPv4Interface

from egress.drill.glue import KINDS
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
    VrrpFact,
)

# block opener -> the word that closes it
_OPENERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^interface \S+$"), "exit"),
    (re.compile(r"^router bgp \d+$"), "exit"),
    (re.compile(r"^ address-family ipv4 unicast$"), "exit-address-family"),
    (re.compile(r"^bfd$"), "exit"),
    (re.compile(r"^ profile \S+$"), "exit"),
    (re.compile(r"^route-map \S+ (permit|deny) \d+$"), "exit"),
    (re.compile(r"^pbr-map \S+ seq \d+$"), "exit"),
)
_TOP = re.compile(
    r"^(frr defaults \w+|service integrated-vtysh-config|no zebra nexthop kernel enable|"
    r"ip forwarding|bgp route-map delay-timer \d+|ip prefix-list \S+ seq \d+ (permit|deny) \S+|"
    r"ip route \S+ \S+( table \d+)?|ip route \S+ blackhole|end|!.*)$"
)
_GLUE = re.compile(r"^!@(\S+)")


def parse(text: str) -> ConfigFacts:
    facts = ConfigFacts()
    stack: list[tuple[str, str, int]] = []  # (opening line, closing word, line number)
    profiles: dict[str, dict[str, int]] = {}
    profile_lines: dict[str, int] = {}
    neighbours: dict[str, int] = {}
    bfd_of: dict[str, tuple[str, int]] = {}
    weights: dict[str, int] = {}  # route-map -> the weight it sets
    imports: dict[str, tuple[str, int]] = {}  # neighbour -> (inbound route-map, line)
    current_map: str | None = None
    current_iface: str | None = None
    current_profile: str | None = None
    current_pbr: PbrRuleFact | None = None
    keepalived: list[tuple[int, str]] = []
    conntrackd: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        glue = _GLUE.match(line)
        if glue:
            kind = glue[1]
            if kind not in KINDS:
                facts.problems.append(
                    SyntaxProblem(
                        "frr.glue",
                        number,
                        f"unknown glue kind {kind!r}",
                        f"known: {', '.join(KINDS)}",
                    )
                )
                continue
            rest = line[len(kind) + 2 :].strip()
            _glue_line(facts, kind, rest, number, keepalived, conntrackd)
            continue
        if stack and line.strip() == stack[-1][1]:
            opener = stack.pop()[0]
            if opener.startswith("interface "):
                current_iface = None
            if opener.startswith(" profile "):
                current_profile = None
            if opener.startswith("pbr-map "):
                current_pbr = None
            if opener.startswith("route-map "):
                current_map = None
            continue
        opened = next((close for pattern, close in _OPENERS if pattern.match(line)), None)
        if opened is not None:
            stack.append((line, opened, number))
            if line.startswith("interface "):
                current_iface = line.split()[1]
                facts.interface(current_iface, number)
            elif line.startswith(" profile "):
                current_profile = line.split()[1]
                profiles[current_profile] = {}
                profile_lines[current_profile] = number
            elif line.startswith("route-map "):
                current_map = line.split()[1]
            elif line.startswith("pbr-map "):
                _, name, _, seq = line.split()
                facts.pbr.policies.setdefault(name, number)
                current_pbr = PbrRuleFact(name=f"{name} {seq}", line=number)
                facts.pbr.rules.append(current_pbr)
            continue
        words = line.split()
        if not stack:
            if not _TOP.match(line):
                facts.problems.append(
                    SyntaxProblem(
                        "frr.unknown",
                        number,
                        f"unknown top-level command {line!r}",
                        "an FRR configuration command, or a !@<kind> glue line for Linux",
                    )
                )
            elif words[:2] == ["ip", "route"] and "blackhole" not in words:
                table = words[words.index("table") + 1] if "table" in words else None
                facts.routes.append(
                    RouteFact(
                        prefix=words[2],
                        gateway=words[3],
                        line=number,
                        instance=f"table {table}" if table else None,
                    )
                )
            continue
        if current_iface and words[:2] == ["ip", "address"]:
            iface = facts.interfaces[current_iface]
            iface.address, iface.address_line = IPv4Interface(words[2]), number
        elif current_iface and words[0] == "pbr-policy":
            facts.pbr.applied.append((current_iface, words[1], number))
        elif current_profile and words[0] in (
            "detect-multiplier",
            "receive-interval",
            "transmit-interval",
        ):
            profiles[current_profile][words[0]] = int(words[1])
        elif current_pbr is not None and words[:2] == ["set", "nexthop"]:
            current_pbr.next_hop = Ref(words[2], number)
        elif current_pbr is not None and words[0] == "match":
            match = " ".join(words[1:])
            current_pbr.classes.append(Ref(match, number))
            if words[1] == "src-ip":  # a prefix: defined by itself
                facts.pbr.classes.setdefault(match, number)
        elif words[0] == "neighbor" and words[2] == "remote-as":
            neighbours.setdefault(words[1], number)
        elif current_map is not None and words[:2] == ["set", "weight"]:
            weights[current_map] = int(words[2])
        elif words[0] == "neighbor" and words[2] == "route-map" and words[-1] == "in":
            imports[words[1]] = (words[3], number)
        elif words[0] == "neighbor" and words[2:4] == ["bfd", "profile"]:
            bfd_of[words[1]] = (words[4], number)
        elif words[0] == "maximum-paths":
            facts.ecmp = facts.ecmp or EcmpFact(knob=f"maximum-paths {words[1]}", line=number)
    # Each ISP's default arrives by eBGP (default-originate): one default route per neighbour,
    # preferred by the weight its inbound route-map sets (rendered as 1000 - the intent's
    # distance), guarded by the neighbour's BFD.
    for peer, (route_map, number) in imports.items():
        if peer in neighbours and route_map in weights:
            facts.routes.append(
                RouteFact(
                    prefix="0.0.0.0/0",
                    gateway=peer,
                    line=number,
                    distance=1000 - weights[route_map],
                    bfd=peer in bfd_of,
                )
            )
    for peer, (profile, number) in bfd_of.items():
        timers = profiles.get(profile, {})
        facts.bfd.append(
            BfdFact(
                line=number,
                peer=peer,
                interface=None,
                tx_ms=timers.get("transmit-interval"),
                rx_ms=timers.get("receive-interval"),
                multiplier=timers.get("detect-multiplier"),
                timers_line=profile_lines.get(profile),
            )
        )
    for opener, _, number in stack:
        facts.problems.append(
            SyntaxProblem(
                "frr.unclosed",
                number,
                f"{opener.strip()!r} is never closed",
                "close the block with `exit` (`exit-address-family` for an address family)",
            )
        )
    _keepalived(facts, keepalived)
    _conntrackd(facts, conntrackd)
    return facts


def _glue_line(
    facts: ConfigFacts,
    kind: str,
    rest: str,
    number: int,
    keepalived: list[tuple[int, str]],
    conntrackd: list[tuple[int, str]],
) -> None:
    if kind == "keepalived":
        keepalived.append((number, rest))
    elif kind == "conntrackd":
        conntrackd.append((number, rest))
    elif kind == "nftables" and (mark := re.search(r"meta mark set (\d+)", rest)):
        # the classifier a pbr-map's `match mark N` relies on
        facts.pbr.classes.setdefault(f"mark {mark[1]}", number)
    elif kind == "sysctl" and rest.startswith("net.ipv4.fib_multipath_hash_policy="):
        facts.ecmp = EcmpFact(knob=rest, line=number)
    elif kind == "probe":
        fields = dict(item.split("=", 1) for item in rest.split())
        facts.probes[fields["name"]] = ProbeFact(
            key=fields["name"],
            name=fields["name"],
            line=number,
            type=fields.get("type"),
            target=fields.get("target"),
            source=fields.get("source"),
            gateway=fields.get("withdraw"),
            timeout_ms=float(fields["timeout_ms"]),
            interval_ms=float(fields["interval_ms"]),
            timing_line=number,
            follows_route="withdraw" in fields,
            follows_line=number,
        )


def _keepalived(facts: ConfigFacts, lines: list[tuple[int, str]]) -> None:
    """The VRRP instance(s) of keepalived.conf."""
    fact: VrrpFact | None = None
    in_tracks = in_vips = False
    for number, text in lines:
        words = text.split()
        if not words:
            continue
        if words[0] == "vrrp_instance":
            fact = VrrpFact(interface="", group=0, line=number)
            facts.vrrp.append(fact)
            continue
        if fact is None:
            continue
        if words == ["}"]:
            in_tracks = in_vips = False
            continue
        if in_tracks:
            fact.tracks.append(Ref(words[0], number))
        elif in_vips:
            fact.vip, fact.vip_line = words[0].split("/")[0], number
        elif words[0] == "interface":
            fact.interface = words[1]
        elif words[0] == "virtual_router_id":
            fact.group = int(words[1])
        elif words[0] == "priority":
            fact.priority, fact.priority_line = int(words[1]), number
        elif words[0] == "preempt_delay":
            fact.preempt, fact.preempt_line = f"delay {words[1]}", number
        elif words[0] == "nopreempt":
            fact.preempt, fact.preempt_line = "off", number
        elif words[:2] == ["track_file", "{"]:
            in_tracks = True
        elif words[:2] == ["virtual_ipaddress", "{"]:
            in_vips = True


def _conntrackd(facts: ConfigFacts, lines: list[tuple[int, str]]) -> None:
    if not lines:
        return
    # conntrackd has no active/passive notion: both members sync (mode not stated)
    ha = HaFact(line=lines[0][0], form="sync-pair", session_sync=True, session_line=lines[0][0])
    for number, text in lines:
        words = text.split()
        if words[:1] == ["IPv4_Destination_Address"]:
            ha.peer_address, ha.peer_line = words[1], number
        elif words[:1] == ["Interface"]:
            ha.links.append(Ref(words[1], number))
    facts.ha = ha
