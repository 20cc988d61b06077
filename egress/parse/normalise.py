"""Vendor words to the schema's words: pure functions, one per vocabulary.

Every function raises ``ValueError`` naming the word and the accepted vocabulary when it meets
a word it does not know: a new vendor word must be added here on purpose, never guessed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final, TypeVar

from egress.parse.schema import (
    BfdState,
    HaMode,
    HaRole,
    LinkStatus,
    ProbeState,
    ProbeType,
    TrackState,
    VrrpState,
)

# IOS prints "Vlan10" in full; netutils' default table would spell it "VLAN10".
_IOS_NAME_MAP: Final = {"Vl": "Vlan", "Vlan": "Vlan", "VLAN": "Vlan"}

_T = TypeVar("_T")


def _key(word: str) -> str:
    """Case, spaces, dashes and underscores never carry meaning in these vocabularies."""
    return re.sub(r"[\s_\-]+", "", word).lower()


def _lookup(table: dict[str, _T], word: str, *, what: str) -> _T:
    try:
        return table[_key(word)]
    except KeyError:
        known = ", ".join(sorted(table))
        raise ValueError(f"unknown {what} {word!r}; known words: {known}") from None


_VRRP_STATES: Final[dict[str, VrrpState]] = {
    "master": "Master",
    "primary": "Master",  # FortiOS 7.x
    "backup": "Backup",
    "secondary": "Backup",
    "init": "Init",
    "initialize": "Init",
    "idle": "Init",  # Junos: VRRP configured, interface not yet up
    "transition": "Init",  # Junos: between states, not yet serving either role
}


def vrrp_state(word: str) -> VrrpState:
    """Normalise a VRRP state word.

    >>> [vrrp_state(w) for w in ("master", "PRIMARY", "Master", "BACKUP", "INIT")]
    ['Master', 'Master', 'Master', 'Backup', 'Init']
    """
    return _lookup(_VRRP_STATES, word, what="VRRP state")


_BFD_STATES: Final[dict[str, BfdState]] = {
    "up": "Up",
    "down": "Down",
    "init": "Init",
    "admindown": "AdminDown",
    "adminstrativelydown": "AdminDown",
    "administrativelydown": "AdminDown",
}


def bfd_state(word: str) -> BfdState:
    """Normalise a BFD session state.

    >>> [bfd_state(w) for w in ("UP", "Down", "AdminDown", "admin_down", "Init")]
    ['Up', 'Down', 'AdminDown', 'AdminDown', 'Init']
    """
    return _lookup(_BFD_STATES, word, what="BFD state")


_HA_ROLES: Final[dict[str, HaRole]] = {
    "primary": "Primary",
    "master": "Primary",  # FortiOS before 6.4
    "active": "Primary",  # IOS-XE redundancy group
    "work": "Primary",  # FortiOS vcluster state of the node that forwards
    "secondary": "Secondary",
    "secondaryhold": "Secondary",  # SRX: secondary, inside the hold-down timer
    "slave": "Secondary",  # FortiOS before 6.4
    "standby": "Secondary",
    "backup": "Secondary",
    "init": "Init",
    "hold": "Init",  # SRX: node starting, not yet eligible
    "ineligible": "Init",
    "lost": "Lost",  # SRX: peer unreachable over control/fabric link
    "disabled": "Disabled",
    "unknown": "Unknown",
    "none": "Unknown",
    "n/a": "Unknown",
}


def ha_role(word: str) -> HaRole:
    """Normalise an HA / redundancy-group role.

    >>> [ha_role(w) for w in ("ACTIVE", "STANDBY", "primary", "Slave", "lost", "work")]
    ['Primary', 'Secondary', 'Primary', 'Secondary', 'Lost', 'Primary']
    """
    return _lookup(_HA_ROLES, word, what="HA role")


_HA_MODES: Final[dict[str, HaMode]] = {
    "haap": "active-passive",
    "ap": "active-passive",
    "activepassive": "active-passive",
    "haaa": "active-active",
    "aa": "active-active",
    "activeactive": "active-active",
    "standalone": "standalone",
}


def ha_mode(word: str) -> HaMode:
    """Normalise an HA mode.

    >>> [ha_mode(w) for w in ("HA A-P", "HA A-A", "Standalone", "a-p")]
    ['active-passive', 'active-active', 'standalone', 'active-passive']
    """
    return _lookup(_HA_MODES, word, what="HA mode")


_PROBE_TYPES: Final[dict[str, ProbeType]] = {
    "icmp": "icmp",
    "icmpecho": "icmp",  # IOS IP SLA
    "icmpping": "icmp",  # Junos RPM
    "icmppingtimestamp": "icmp",  # Junos RPM, ICMP timestamp requests
    "icmpjitter": "icmp",
    "ping": "icmp",  # FortiOS link-monitor
    "tcp": "tcp",
    "tcpconnect": "tcp",
    "tcpping": "tcp",
    "tcpecho": "tcp",
    "http": "http",
    "https": "http",
    "httpget": "http",
    "httpgetmetadata": "http",
    "httpraw": "http",
}


def probe_type(word: str) -> ProbeType:
    """Normalise a probe/operation type; types egress never renders become ``other``.

    >>> [probe_type(w) for w in ("icmp-echo", "icmp-ping", "tcp-connect", "http-get", "dns")]
    ['icmp', 'icmp', 'tcp', 'http', 'other']
    """
    return _PROBE_TYPES.get(_key(word), "other")


_PROBE_OK: Final = {"ok", "alive", "responsereceived", "success", "up"}
_PROBE_UNKNOWN: Final = {"", "unknown", "-", "notapplicable", "notstarted", "pending"}


def probe_state(word: str) -> ProbeState:
    """Normalise a probe result; any other vendor return code is a failure reason.

    IOS alone has dozens of return codes (Timeout, No connection, Socket connect error, ...):
    listing them all would only turn a new failure reason into a parse error.

    >>> [probe_state(w) for w in ("OK", "alive", "Response received", "Timeout", "dead", "")]
    ['ok', 'ok', 'ok', 'fail', 'fail', 'unknown']
    """
    key = _key(word)
    if key in _PROBE_OK:
        return "ok"
    if key in _PROBE_UNKNOWN:
        return "unknown"
    return "fail"


_LINK: Final[dict[str, LinkStatus]] = {
    "up": "up",
    "down": "down",
    "administrativelydown": "down",
    "admindown": "down",
    "deleted": "down",
    "lowerlayerdown": "down",
    "notpresent": "down",
    "testing": "down",
    "dormant": "down",
}


def link_status(word: str) -> LinkStatus:
    """Normalise an interface admin or oper status.

    >>> [link_status(w) for w in ("up", "administratively down", "deleted", "DOWN")]
    ['up', 'down', 'down', 'down']
    """
    return _lookup(_LINK, word, what="interface status")


_TRACK: Final[dict[str, TrackState]] = {"up": "Up", "down": "Down"}


def track_state(word: str) -> TrackState:
    """Normalise a tracked object's state.

    >>> track_state("Up"), track_state("DOWN")
    ('Up', 'Down')
    """
    return _lookup(_TRACK, word, what="track state")


@lru_cache(maxsize=16384)
def ios_interface(name: str) -> str:
    """Expand an IOS abbreviation so records name interfaces as the config does.

    >>> [ios_interface(n) for n in ("Gi0/0.4010", "Vl10", "Te1/1/4", "Loopback0")]
    ['GigabitEthernet0/0.4010', 'Vlan10', 'TenGigabitEthernet1/1/4', 'Loopback0']
    """
    # imported here: only IOS names need it, and netutils' tables cost ~7 ms at start
    from netutils.interface import canonical_interface_name

    return canonical_interface_name(name, addl_name_map=_IOS_NAME_MAP)


def yes_no(word: str) -> bool:
    """Normalise yes/no, enabled/disabled, Y/N and 1/0.

    >>> [yes_no(w) for w in ("Y", "no", "enabled", "disable", "1")]
    [True, False, True, False, True]
    """
    return _lookup(_YES_NO, word, what="yes/no word")


_YES_NO: Final = {
    "y": True,
    "yes": True,
    "true": True,
    "enable": True,
    "enabled": True,
    "1": True,
    "n": False,
    "no": False,
    "false": False,
    "disable": False,
    "disabled": False,
    "0": False,
}


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# dotted quads are already canonical: skip ipaddress (the hot path of a 20,000-route table)
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
_IPV4_PREFIX = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}/(?:3[0-2]|[12]?\d)")


def ip_or_none(text: str | None) -> str | None:
    """An IP address in canonical form, or None for the words vendors print instead.

    IPv6 is lower-cased and compressed so "FE80:0::1" on IOS equals "fe80::1" on Junos.

    >>> [ip_or_none(t) for t in ("10.0.0.1", "unassigned", None, "FE80:0::1", "10.0.0.256")]
    ['10.0.0.1', None, None, 'fe80::1', None]
    """
    if text is None:
        return None
    return _canonical_ip(text.strip())


@lru_cache(maxsize=65536)
def _canonical_ip(text: str) -> str | None:
    if _IPV4.fullmatch(text):
        return text
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def prefix(text: str) -> str:
    """A route prefix in canonical form; text that is not a prefix is kept as printed.

    >>> prefix("2001:DB8:0::/64"), prefix("10.0.0.0/8"), prefix("118420")
    ('2001:db8::/64', '10.0.0.0/8', '118420')
    """
    text = text.strip()
    if _IPV4_PREFIX.fullmatch(text):
        return text
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        return text


_ROUTE_CODES: Final = {
    "S": "static",
    "U": "static",  # per-user static
    "P": "static",  # periodic downloaded static
    "C": "connected",
    "L": "local",
    "O": "ospf",
    "B": "bgp",
    "D": "eigrp",
    "R": "rip",
    "i": "isis",
    "K": "kernel",
    "m": "omp",
    "n": "nat",
    "l": "lisp",
    "o": "odr",
    "H": "nhrp",
    "M": "mobile",
    "a": "application",
}
_ROUTE_WORDS: Final = {"direct": "connected", "access-internal": "access", "is-is": "isis"}


def route_code(code: str) -> str:
    """Name the source of an IOS / FortiOS route from its code column.

    >>> [route_code(c) for c in ("S*", "O E2", "i*L1", "n*Nd", "B")]
    ['static', 'ospf', 'isis', 'nat', 'bgp']
    """
    code = code.strip()
    return _ROUTE_CODES.get(code[:1], code.lower())


def route_source(name: str) -> str:
    """Name the source of a route from a protocol word (Junos "[Direct/0]", IOS "Known via").

    >>> [route_source(n) for n in ("Direct", "OSPF", '"bgp 65001"', "Static", "LDP")]
    ['connected', 'ospf', 'bgp', 'static', 'ldp']
    """
    words = name.strip().strip('"').split()
    word = words[0].lower() if words else ""
    return _ROUTE_WORDS.get(word, word)


def split_prefix(text: str) -> tuple[str | None, int | None]:
    """Split "10.0.0.1/24" or "10.0.0.1 255.255.255.0" into address and prefix length.

    >>> split_prefix("10.0.0.1/24"), split_prefix("10.0.0.1 255.255.255.0"), split_prefix("x")
    (('10.0.0.1', 24), ('10.0.0.1', 24), (None, None))
    >>> split_prefix("0.0.0.0 0.0.0.0"), split_prefix("10.0.0.1 255.0.255.0")
    (('0.0.0.0', 0), ('10.0.0.1', None))
    """
    parts = re.split(r"[/\s]+", text.strip())
    address = ip_or_none(parts[0]) if parts else None
    if address is None:
        return None, None
    if len(parts) < 2:
        return address, None
    length = parts[1]
    if length.isdigit():
        return address, int(length)
    try:  # a dotted mask; 0.0.0.0 is a valid one (netutils refuses it)
        return address, ipaddress.ip_network(f"0.0.0.0/{length}").prefixlen
    except ValueError:
        return address, None


def seconds_to_ms(text: str) -> int:
    """Junos prints BFD intervals in seconds ("0.050").

    >>> seconds_to_ms("0.050"), seconds_to_ms("3.000")
    (50, 3000)
    """
    return round(float(text) * 1000)


def microseconds_to_ms(text: str) -> int:
    """IOS prints BFD MinTxInt in microseconds ("50000").

    >>> microseconds_to_ms("50000"), microseconds_to_ms("1000000")
    (50, 1000)
    """
    return round(int(text) / 1000)


def key_values(text: str) -> dict[str, str]:
    """FortiOS diagnose lines are ``key=value`` runs; values may carry "(name)".

    >>> key_values("id=1 iif=7(port2) sport=0-65535 gwy=10.0.0.1")
    {'id': '1', 'iif': '7(port2)', 'sport': '0-65535', 'gwy': '10.0.0.1'}
    """
    return dict(re.findall(r"([\w\-]+)=(\S+)", text))


def first_vip(addresses: Sequence[str | None]) -> str | None:
    """The group's virtual address: the first one that is not IPv6 link-local.

    An IPv6 group lists its link-local virtual address (fe80::200:5eff:fe00:2xx) before the
    global one(s); the global address is the gateway the hosts use, so it is the one reported.
    The link-local address is returned only when the group has nothing else.

    >>> first_vip(["FE80::1", "17::154/64"]), first_vip(["10.0.0.1"]), first_vip([])
    ('17::154', '10.0.0.1', None)
    """
    vips = [ip for ip in (ip_or_none(a.split("/")[0]) for a in addresses if a) if ip]
    routable = (ip for ip in vips if not (":" in ip and ipaddress.ip_address(ip).is_link_local))
    return next(routable, vips[0] if vips else None)
