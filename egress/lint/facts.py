"""The vendor-neutral facts lint reads back out of a rendered configuration.

Each platform module (``egress.lint.config.<platform>``) parses its grammar and fills one
:class:`ConfigFacts`; the rules compare facts with the intent and with the peer's facts, so a
rule is written once for three vendors. Every fact keeps the line it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from egress.lint.memo import Memo


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    kind: str  # a key of the syntax rule that reports it, e.g. "ios.indent"
    line: int
    message: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference from one object to another (a track id, an interface, a probe name)."""

    value: str
    line: int


@dataclass(slots=True)
class IfaceFact:
    name: str
    line: int  # where the interface is first declared
    address: IPv4Interface | None = None
    address_line: int | None = None
    allowaccess: tuple[str, ...] = ()
    allowaccess_line: int | None = None
    bfd: bool = False
    bfd_line: int | None = None


@dataclass(slots=True)
class VrrpFact:
    interface: str
    group: int
    line: int
    vip: str | None = None
    vip_line: int | None = None
    priority: int | None = None
    priority_line: int | None = None
    preempt: str = "on"  # "on", "off" or "delay N": what must agree across the pair
    preempt_line: int | None = None
    tracks: list[Ref] = field(default_factory=list)


@dataclass(slots=True)
class BfdFact:
    """BFD towards one peer (IOS/Junos), or on one interface (FortiOS: the peer is implied)."""

    line: int
    peer: str | None
    interface: str | None
    tx_ms: int | None = None
    rx_ms: int | None = None
    multiplier: int | None = None
    timers_line: int | None = None


@dataclass(slots=True)
class RouteFact:
    prefix: str
    gateway: str
    line: int
    interface: str | None = None
    distance: int | None = None
    track: Ref | None = None
    bfd: bool = False
    instance: str | None = None  # a routing instance (Junos forwarding instance), else main


@dataclass(slots=True)
class EcmpFact:
    knob: str  # the rendered hash setting, vendor words
    line: int


@dataclass(slots=True)
class PbrRuleFact:
    name: str
    line: int
    classes: list[Ref] = field(default_factory=list)
    next_hop: Ref | None = None
    out_interface: Ref | None = None


@dataclass(slots=True)
class PbrFact:
    policies: dict[str, int] = field(default_factory=dict)  # policy name -> line
    classes: dict[str, int] = field(default_factory=dict)  # class/ACL/instance -> line
    rules: list[PbrRuleFact] = field(default_factory=list)
    applied: list[tuple[str, str, int]] = field(default_factory=list)  # (interface, policy, line)


@dataclass(slots=True)
class ProbeFact:
    key: str  # what references name (IOS sla id, Junos RPM owner, FortiOS monitor name)
    name: str
    line: int
    type: str | None = None
    target: str | None = None
    source: str | None = None
    gateway: str | None = None
    threshold_ms: float | None = None
    timeout_ms: float | None = None
    interval_ms: float | None = None
    timing_line: int | None = None
    scheduled: bool = True
    follows_route: bool | None = None  # FortiOS update-static-route
    follows_line: int | None = None


@dataclass(slots=True)
class TrackFact:
    """An object that follows a probe: IOS track, Junos ip-monitoring policy."""

    key: str
    probe: Ref
    line: int
    reroutes_to: str | None = None  # Junos preferred-route next hop while the probe fails
    # Junos `preferred-route withdraw`: the routes are held while the probe succeeds instead
    withdraw: bool = False
    routes: list[str] = field(default_factory=list)  # Junos preferred-route prefixes


@dataclass(slots=True)
class HaFact:
    line: int
    form: str  # "sync-pair" or "cluster"
    group_id: int | None = None
    group_line: int | None = None
    peer_address: str | None = None
    peer_line: int | None = None
    links: list[Ref] = field(default_factory=list)  # heartbeat/control/session-sync links
    session_sync: bool | None = None
    session_line: int | None = None
    mode: str | None = None  # "a-p"/"a-a" where the platform states it
    mode_line: int | None = None
    tracks: list[Ref] = field(default_factory=list)  # what the group's priority follows


@dataclass(slots=True)
class ZoneFact:
    """A security zone (SRX): its bound units and the host-inbound protocols it admits."""

    name: str
    line: int
    protocols: dict[str, int] = field(default_factory=dict)  # zone-wide: protocol -> line
    # unit (``ge-0/0/1.0``) -> its own host-inbound protocols (None: the zone's apply)
    units: dict[str, dict[str, int] | None] = field(default_factory=dict)
    unit_lines: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class ConfigFacts:
    problems: list[SyntaxProblem] = field(default_factory=list)
    interfaces: dict[str, IfaceFact] = field(default_factory=dict)
    vrrp: list[VrrpFact] = field(default_factory=list)
    bfd: list[BfdFact] = field(default_factory=list)
    routes: list[RouteFact] = field(default_factory=list)
    ecmp: EcmpFact | None = None
    pbr: PbrFact = field(default_factory=PbrFact)
    probes: dict[str, ProbeFact] = field(default_factory=dict)
    tracks: dict[str, TrackFact] = field(default_factory=dict)
    ha: HaFact | None = None
    secrets: list[tuple[str, int]] = field(default_factory=list)  # (what, line)
    open_access: list[tuple[str, int]] = field(default_factory=list)  # (what, line)
    zones: dict[str, ZoneFact] = field(default_factory=dict)

    def zone_of(self, unit: str) -> ZoneFact | None:
        return next((z for z in self.zones.values() if unit in z.units), None)

    def admits(self, unit: str, protocol: str) -> bool:
        """Whether ``unit`` is in a zone admitting ``protocol`` host-inbound (an interface's
        own list overrides its zone's; ``all`` admits every protocol)."""
        zone = self.zone_of(unit)
        if zone is None:
            return False
        own = zone.units[unit]
        admitted = own if own is not None else zone.protocols
        return protocol in admitted or "all" in admitted

    def interface(self, name: str, line: int) -> IfaceFact:
        found = self.interfaces.get(name)
        if found is None:
            found = self.interfaces[name] = IfaceFact(name=name, line=line)
        return found

    def default_routes(self) -> list[RouteFact]:
        return [r for r in self.routes if r.prefix == "0.0.0.0/0" and r.instance is None]


def interface_address(spec: str) -> IPv4Interface | None:
    """``IPv4Interface(spec)``, or None where that raises ValueError."""
    return _ADDRESSES[spec]


def _read_address(spec: str) -> IPv4Interface | None:
    address = _plain_interface(spec)
    if address is None:
        try:
            address = IPv4Interface(spec)
        except ValueError:
            address = None
    return address


# `a.b.c.d/len` or `a.b.c.d/mask` as a rendered config writes it: read here in a third of
# what ipaddress' string parser takes; anything else (a leading zero, a host mask, a bad
# octet) is left to IPv4Interface itself, so both give the same object or the same error
_OCTET = r"(0|[1-9][0-9]{0,2})"
_PLAIN = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}/(\S+)")
_LENGTHS = {str(n): n for n in range(33)}
_LENGTHS.update({str(IPv4Network(f"0.0.0.0/{n}").netmask): n for n in range(33)})


def _plain_interface(spec: str) -> IPv4Interface | None:
    found = _PLAIN.fullmatch(spec)
    if found is None:
        return None
    a, b, c, d, length = found.groups()
    prefix = _LENGTHS.get(length)
    octets = (int(a), int(b), int(c), int(d))
    if prefix is None or max(octets) > 255:
        return None
    return IPv4Interface(
        ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3], prefix)
    )


# spec -> its IPv4Interface (None: not an address), for every reader of a run: a fleet's
# configs repeat their addresses (a pair shares its subnets, a Junos VRRP group repeats its
# interface's address on every line), and parsing one costs ~10 µs. Sharing one object between
# configs is safe: an IPv4Interface is never changed once made.
_ADDRESSES: Memo[str, IPv4Interface | None] = Memo(_read_address)


def address_of(spec: str) -> IPv4Address:
    """``IPv4Address(spec)`` (its ValueError too), read once per text of the run: the rules
    and the inventory checks read every device's addresses, ~10 per device."""
    return _ADDRESS_TEXTS[spec]


_QUAD = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")


def _read_ipv4(spec: str) -> IPv4Address:
    # a dotted quad as egress writes it, without ipaddress' string parser (a third of its
    # time); anything else goes to IPv4Address itself: the same object or the same error
    found = _QUAD.fullmatch(spec)
    if found is not None:
        a, b, c, d = (int(octet) for octet in found.groups())
        if a <= 255 and b <= 255 and c <= 255 and d <= 255:
            return IPv4Address((a << 24) | (b << 16) | (c << 8) | d)
    return IPv4Address(spec)


_ADDRESS_TEXTS: Memo[str, IPv4Address] = Memo(_read_ipv4)
