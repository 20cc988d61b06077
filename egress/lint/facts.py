"""The vendor-neutral facts lint reads back out of a rendered configuration.

Each platform module (``egress.lint.config.<platform>``) parses its grammar and fills one
:class:`ConfigFacts`; the rules compare facts with the intent and with the peer's facts, so a
rule is written once for three vendors. Every fact keeps the line it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from socket import inet_aton

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


def _ref(key: tuple[str, int]) -> Ref:
    return Ref(*key)


# (value, line) -> its Ref, for every reader of a run: a fleet's configs put the same
# references on the same lines (1,668 generated IOS configs make 14 each, 854 distinct), and
# a frozen dataclass costs ~0.33 µs to make against ~0.08 µs for this look-up. A Ref is never
# changed, so one object serves every config that holds it (as an IPv4Interface does).
REFS: Memo[tuple[str, int], Ref] = Memo(_ref)


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


def read_interface_address(spec: str) -> IPv4Interface | None:
    """``interface_address`` without its memo: for a reader that already reads each distinct
    line once (IOS's interface lines), where a second memo level is a second miss per new
    address (~0.4 µs) and keeps nothing the first does not."""
    address = _plain_interface(spec)
    if address is None:
        try:
            address = IPv4Interface(spec)
        except ValueError:
            address = None
    return address


# `a.b.c.d/len` or `a.b.c.d/mask` as a rendered config writes it: read here in a fifth of
# what ipaddress' string parser takes; anything else (a leading zero, a host mask, a bad
# octet) is left to IPv4Interface itself, so both give the same object or the same error
_OCTET = r"(?:0|[1-9][0-9]{0,2})"
_PLAIN = re.compile(rf"({_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET})/(\S+)")
_LENGTHS = {str(n): n for n in range(33)}
_LENGTHS.update({str(IPv4Network(f"0.0.0.0/{n}").netmask): n for n in range(33)})


def _plain_interface(spec: str) -> IPv4Interface | None:
    found = _PLAIN.fullmatch(spec)
    if found is None:
        return None
    quad, length = found.groups()
    prefix = _LENGTHS.get(length)
    if prefix is None:
        return None
    try:
        # the pattern let through four decimal octets without a leading zero, where
        # inet_aton reads what ipaddress reads, and refuses an octet over 255 as it does
        packed = inet_aton(quad)
    except OSError:
        return None
    return _interface(int.from_bytes(packed, "big"), prefix)


# IPv4Interface((ip, prefix)) is ~1.8 µs: its __init__ re-splits the tuple and builds the
# network through IPv4Network's own __init__. The objects below are what those leave behind
# (ipaddress 3.11: the address's `_ip`; the interface's and the network's `netmask` and
# `_prefixlen`; the network's `network_address`), made in ~0.5 µs. /31 and /32, where the
# network also gets a `hosts` of its own, go to the constructor. Checked at import against the
# constructor, attribute by attribute, on every prefix length: a Python whose ipaddress keeps
# something else uses the constructor throughout (tests/unit/lint/test_reader_cache.py).
_NETMASKS = tuple(IPv4Network(f"0.0.0.0/{n}").netmask for n in range(33))


def _made_interface(ip: int, prefix: int) -> IPv4Interface:
    if prefix >= 31:
        return IPv4Interface((ip, prefix))
    netmask = _NETMASKS[prefix]
    network = IPv4Network.__new__(IPv4Network)
    network.network_address = IPv4Address(ip & int(netmask))
    network.netmask = netmask
    network._prefixlen = prefix  # type: ignore[attr-defined]
    interface = IPv4Interface.__new__(IPv4Interface)
    interface._ip = ip  # type: ignore[attr-defined]
    interface.network = network
    interface.netmask = netmask
    interface._prefixlen = prefix  # type: ignore[attr-defined]
    return interface


def _constructed(ip: int, prefix: int) -> IPv4Interface:
    return IPv4Interface((ip, prefix))


def same_interface(made: IPv4Interface, built: IPv4Interface) -> bool:
    """Whether two interfaces are alike in everything ipaddress keeps on them (a /31 or /32
    network's own ``hosts``, a function made per network, by name only)."""
    slots = ("_ip", "_prefixlen")
    mine, theirs = vars(made.network), vars(built.network)
    return (
        type(made) is type(built)
        and all(getattr(made, a) == getattr(built, a) for a in slots)
        and vars(made).keys() == vars(built).keys()
        and all(v == vars(built)[k] for k, v in vars(made).items() if k != "network")
        and type(made.network) is type(built.network)
        and mine.keys() == theirs.keys()
        and all(v == theirs[k] for k, v in mine.items() if k != "hosts")
    )


_interface = (
    _made_interface
    if all(
        same_interface(_made_interface(ip, n), IPv4Interface((ip, n)))
        for n in range(31)  # /31 and /32 are the constructor's anyway
        for ip in (0, 0x0A000102, 0xFFFFFFFF)
    )
    else _constructed
)


# spec -> its IPv4Interface (None: not an address), for every reader of a run: a fleet's
# configs repeat their addresses (a pair shares its subnets, a Junos VRRP group repeats its
# interface's address on every line), and parsing one costs ~10 µs. Sharing one object between
# configs is safe: an IPv4Interface is never changed once made.
_ADDRESSES: Memo[str, IPv4Interface | None] = Memo(read_interface_address)


def address_of(spec: str) -> IPv4Address:
    """``IPv4Address(spec)`` (its ValueError too), read once per text of the run: the rules
    and the inventory checks read every device's addresses, ~10 per device."""
    return _ADDRESS_TEXTS[spec]


_QUAD = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")


def _read_ipv4(spec: str) -> IPv4Address:
    # a dotted quad as egress writes it, without ipaddress' string parser (a third of its
    # time); anything else goes to IPv4Address itself: the same object or the same error
    if _QUAD.fullmatch(spec) is not None:
        try:
            # four decimal octets without a leading zero: inet_aton reads them as ipaddress
            # does and refuses an octet over 255 as it does
            return IPv4Address(int.from_bytes(inet_aton(spec), "big"))
        except OSError:
            pass
    return IPv4Address(spec)


_ADDRESS_TEXTS: Memo[str, IPv4Address] = Memo(_read_ipv4)
