"""E9xx: checks over the whole inventory: addresses and subnets shared across devices."""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network
from operator import itemgetter
from typing import NamedTuple

from egress.lint.facts import address_of
from egress.lint.findings import Issue, Where
from egress.lint.model import DeviceView, Pair
from egress.lint.registry import Fleet, Scope, rule
from egress.model.intent import HA, LAN, Interface
from egress.model.sites import InventoryFiles
from egress.model.yamlfile import line_of

# A pair's HA sync link is a cable between two boxes: link-local, reused by every site.
_LINK_LOCAL = IPv4Network("169.254.0.0/16")
_ALL_ONES = 0xFFFFFFFF


class Segment(NamedTuple):
    """A prefix as its first address and length (an int each): what lint's workers send the
    parent for E902, which pickles as two ints where an IPv4Network pickles as its text and
    is parsed again, 5,000 of them at 10,000 devices."""

    start: int
    prefixlen: int

    @property
    def end(self) -> int:
        return self.start | (_ALL_ONES >> self.prefixlen)

    @property
    def network(self) -> IPv4Network:
        return IPv4Network((self.start, self.prefixlen))


def _segment(address: str, prefix: int) -> Segment:
    """``IPv4Network(f"{address}/{prefix}", strict=False)`` as a Segment."""
    if 0 <= prefix <= 32:
        mask = (_ALL_ONES << (32 - prefix)) & _ALL_ONES
        return Segment(int(address_of(address)) & mask, prefix)
    network = IPv4Network(f"{address}/{prefix}", strict=False)  # raises, as it always did
    return Segment(int(network.network_address), network.prefixlen)


_LL_START = int(_LINK_LOCAL.network_address)
_LL_END = int(_LINK_LOCAL.broadcast_address)


class Place(NamedTuple):
    """Where in the inventory an address or a prefix is written."""

    files: InventoryFiles
    host: str
    site: str
    site_group: str
    keys: tuple[str | int, ...]
    in_site: bool  # groups.yaml site design (else the host's entry in hosts.yaml)

    def issue(self, message: str, hint: str) -> Issue:
        if self.in_site:
            path = self.files.groups
            keys: list[str | int] = [self.site_group, "data", "site", *self.keys]
        else:
            path = self.files.hosts
            keys = [self.host, *self.keys]
        return Issue(self.host, Where(path, line_of(path, keys)), message, hint)


# What lint's workers send the parent for E901 and E902, one plain tuple per address or
# prefix: strings and ints, which pickle and unpickle in C (a NamedTuple, an IPv4Address or an
# InventoryFiles per item each cost a Python call to rebuild in the parent, serially after the
# workers: 0.06 CPU-s to pickle a worker's share of 10,000 devices and 0.02 to unpickle it,
# 0.01 and 0.004 as tuples). Address = (address, owner, keys, host, site, in_site), owner
# the site group (in_site) or the host whose entry writes it. Prefix = (order, first address
# as an int, length, site group, keys, host, site), order the sort key E902 judges in (first
# address, then the longer prefix first) as one int, so the parent sorts with a key in C. The
# parent makes a Place of one only for a finding. An address is its text: the intent's are
# ``str(IPv4Address)`` (egress/model/intent.py), one text per address, so equal texts are
# equal addresses and no worker parses 20,000 of them (a third of E901's collect) to
# compare them.
Address = tuple[str, str, tuple[str | int, ...], str, str, bool]
Prefix = tuple[int, int, int, str, tuple[str | int, ...], str, str]

_LAN_VIP: tuple[str | int, ...] = ("lan", "vip")
_LAN_PREFIX: tuple[str | int, ...] = ("lan", "prefix")
_HA_PREFIX: tuple[str | int, ...] = ("ha_sync", "prefix")
# one keys tuple per interface role and per link: the items of a worker share them
_ROLE_ADDRESS: dict[str, tuple[str | int, ...]] = {}
_LINK_PREFIX: dict[int, tuple[str | int, ...]] = {}


def _role_address(role: str) -> tuple[str | int, ...]:
    keys = _ROLE_ADDRESS.get(role)
    if keys is None:
        keys = _ROLE_ADDRESS[role] = ("data", "interfaces", role, "address")
    return keys


def _link_prefix(index: int) -> tuple[str | int, ...]:
    keys = _LINK_PREFIX.get(index)
    if keys is None:
        keys = _LINK_PREFIX[index] = ("links", index, "prefix")
    return keys


def _int_of(address: str) -> int:
    """``int(IPv4Address(address))`` of the canonical dotted quad an intent holds (4x faster
    than the memo of IPv4Address a prefix's address, unique to its site, would miss)."""
    a, b, c, d = map(int, address.split("."))
    return a << 24 | b << 16 | c << 8 | d


def _fresh_addresses(view: DeviceView) -> list[Address]:
    """The device's addresses and VIPs as written in the design, none in the link-local
    range (169.254.0.0/16, as a canonical text starts)."""
    intent = view.intent
    host, site, group = intent.host, intent.site, view.site_group
    cluster = intent.ha_sync is not None and intent.ha_sync.form == "cluster"
    found: list[Address] = []
    for iface in intent.interfaces:
        address = iface.address
        if address is None or address.startswith("169.254."):
            continue
        if cluster and iface.role == LAN:
            found.append((address, group, _LAN_VIP, host, site, True))
        elif not (cluster and intent.role == "secondary"):  # a cluster shares the primary's
            found.append((address, host, _role_address(iface.role), host, site, False))
    for vrrp in intent.vrrp:
        if not vrrp.vip.startswith("169.254."):
            found.append((vrrp.vip, group, _LAN_VIP, host, site, True))
    return found


@rule(
    "E901",
    title="address used twice in the inventory",
    scope=Scope.INVENTORY,
    collect=_fresh_addresses,
)
def duplicate_address(fleet: Fleet) -> Iterable[Issue]:
    seen: dict[str, Address] = {}
    for item in fleet.items:
        first = seen.setdefault(item[0], item)
        if first is not item and (first[1] != item[1] or first[2] != item[2]):
            assert fleet.files is not None  # items come from devices, devices from files
            address, owner, keys, host, site, in_site = item
            yield Place(fleet.files, host, site, owner, keys, in_site).issue(
                f"{address} is also used by {first[3]} "
                f"({'site ' + first[4] if first[5] else 'hosts.yaml'})",
                "every interface address and VIP must be unique across the inventory",
            )


def _prefix(address: str, prefix: int) -> tuple[int, int]:
    """(first address, length) of ``IPv4Network(f"{address}/{prefix}", strict=False)``."""
    if 0 <= prefix <= 32:
        return _int_of(address) & (_ALL_ONES << (32 - prefix)) & _ALL_ONES, prefix
    return _segment(address, prefix)  # raises, as it always did


def _end(start: int, prefixlen: int) -> int:
    return start | (_ALL_ONES >> prefixlen)


def _primary_segments(view: DeviceView) -> list[Prefix]:
    """The site's prefixes as written in its design (LAN, links, sync link): one entry per
    segment, from its primary (both members of a pair sit on the same segments), none inside
    the link-local range (n.subnet_of(_LINK_LOCAL))."""
    intent = view.intent
    if intent.role != "primary":
        return []
    first: dict[str, Interface] = {}
    for iface in intent.interfaces:
        first.setdefault(iface.role, iface)  # a role's first interface, as next() found it
    wanted = [(LAN, _LAN_PREFIX)]
    wanted += [(uplink.link, _link_prefix(i)) for i, uplink in enumerate(intent.uplinks)]
    wanted.append((HA, _HA_PREFIX))
    host, site, group = intent.host, intent.site, view.site_group
    found: list[Prefix] = []
    for role, keys in wanted:
        assigned = first.get(role)
        if assigned is None or not assigned.address or not assigned.prefix_length:
            continue
        start, length = _prefix(assigned.address, assigned.prefix_length)
        if not (start >= _LL_START and _end(start, length) <= _LL_END):
            found.append((start << 6 | (32 - length), start, length, group, keys, host, site))
    return found


@rule(
    "E902",
    title="subnets of different segments overlap",
    scope=Scope.INVENTORY,
    collect=_primary_segments,
)
def overlapping_subnets(fleet: Fleet) -> Iterable[Issue]:
    segments: dict[tuple[str, tuple[str | int, ...]], Prefix] = {}
    for item in fleet.items:
        segments.setdefault((item[3], item[4]), item)  # one per site group and keys
    # by first address, the longer prefix first (stable: ties in inventory order)
    ordered = sorted(segments.values(), key=itemgetter(0))
    if _disjoint(ordered):
        return
    # sorted by start address: an overlap is always with an earlier, still-open segment;
    # (start, end, item) in ints: IPv4Network's comparisons and its broadcast address cost
    # most of this check at 10,000 devices, in the parent after the workers
    open_: list[tuple[int, int, Prefix]] = []
    for item in ordered:
        start, end = item[1], _end(item[1], item[2])
        open_ = [o for o in open_ if o[1] >= start]
        for other_start, other_end, other in open_:
            if other_start <= end and start <= other_end:  # network.overlaps(other)
                assert fleet.files is not None  # items come from devices, devices from files
                where = ".".join(map(str, other[4]))
                _, _, _, group, keys, host, site = item
                yield Place(fleet.files, host, site, group, keys, True).issue(
                    f"{Segment(item[1], item[2]).network} overlaps "
                    f"{Segment(other[1], other[2]).network} (site {other[6]} {where})",
                    "segments of the inventory must not overlap: pick a free prefix",
                )
                break
        open_.append((start, end, item))


def _disjoint(ordered: list[Prefix]) -> bool:
    """Whether each of the segments (sorted by start) starts after the previous one ends: so
    after every earlier one, and none overlaps (a clean inventory). One plain pass, 5x faster
    than the sweep above, which then finds nothing."""
    last_end = -1
    for item in ordered:
        if item[1] <= last_end:
            return False
        last_end = item[1] | (_ALL_ONES >> item[2])
    return True


@rule("E903", title="pair members address one segment with different subnets", scope=Scope.PAIR)
def segment_mismatch(pair: Pair) -> Iterable[Issue]:
    if pair.cluster:
        return  # one shared config: nothing to compare
    theirs_by_role = {i.role: i.name for i in pair.secondary.intent.interfaces}
    for iface in pair.primary.intent.interfaces:
        ours = pair.primary.facts.interfaces.get(iface.name)
        name = theirs_by_role.get(iface.role)
        theirs = pair.secondary.facts.interfaces.get(name) if name else None
        if ours is None or theirs is None or ours.address is None or theirs.address is None:
            continue
        if ours.address.network != theirs.address.network:
            yield pair.secondary.at(
                theirs.address_line or theirs.line,
                f"{iface.role} segment: {theirs.name} is in {theirs.address.network}, the "
                f"primary's {ours.name} in {ours.address.network}",
                "both members of a segment use the same prefix and mask",
            )
