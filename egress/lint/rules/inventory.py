"""E9xx: checks over the whole inventory: addresses and subnets shared across devices."""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network
from typing import NamedTuple

from egress.lint.facts import address_of
from egress.lint.findings import Issue, Where
from egress.lint.model import DeviceView, Pair
from egress.lint.registry import Fleet, Scope, rule
from egress.model.intent import HA, LAN
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
    """Where in the inventory an address or a prefix is written (small and picklable: lint's
    workers collect these and the parent judges them all)."""

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

    @property
    def key(self) -> tuple[str, tuple[str | int, ...]]:
        return (self.site_group if self.in_site else self.host, self.keys)


def _place(view: DeviceView, keys: tuple[str | int, ...], in_site: bool) -> Place:
    return Place(view.files, view.host, view.intent.site, view.site_group, keys, in_site)


def _addresses(view: DeviceView) -> Iterable[tuple[IPv4Address, Place]]:
    intent = view.intent
    cluster = intent.ha_sync is not None and intent.ha_sync.form == "cluster"
    for iface in intent.interfaces:
        if iface.address is None:
            continue
        if cluster and iface.role == LAN:
            yield address_of(iface.address), _place(view, ("lan", "vip"), True)
        elif not (cluster and intent.role == "secondary"):  # a cluster shares the primary's
            keys = ("data", "interfaces", iface.role, "address")
            yield address_of(iface.address), _place(view, keys, False)
    for group in intent.vrrp:
        yield address_of(group.vip), _place(view, ("lan", "vip"), True)


def _fresh_addresses(view: DeviceView) -> Iterable[tuple[IPv4Address, Place]]:
    return ((a, p) for a, p in _addresses(view) if a not in _LINK_LOCAL)


@rule(
    "E901",
    title="address used twice in the inventory",
    scope=Scope.INVENTORY,
    collect=_fresh_addresses,
)
def duplicate_address(fleet: Fleet) -> Iterable[Issue]:
    seen: dict[IPv4Address, Place] = {}
    for address, origin in fleet.items:
        first = seen.setdefault(address, origin)
        if first.key != origin.key:
            yield origin.issue(
                f"{address} is also used by {first.host} "
                f"({'site ' + first.site if first.in_site else 'hosts.yaml'})",
                "every interface address and VIP must be unique across the inventory",
            )


def _segments(view: DeviceView) -> Iterable[tuple[Segment, Place]]:
    """The site's prefixes as written in its design (LAN, links, sync link)."""
    intent = view.intent
    yield_lan = next((i for i in intent.interfaces if i.role == LAN), None)
    if yield_lan is not None and yield_lan.address and yield_lan.prefix_length:
        yield (
            _segment(yield_lan.address, yield_lan.prefix_length),
            _place(view, ("lan", "prefix"), True),
        )
    for index, uplink in enumerate(intent.uplinks):
        iface = next((i for i in intent.interfaces if i.role == uplink.link), None)
        if iface is not None and iface.address and iface.prefix_length:
            yield (
                _segment(iface.address, iface.prefix_length),
                _place(view, ("links", index, "prefix"), True),
            )
    ha = next((i for i in intent.interfaces if i.role == HA), None)
    if ha is not None and ha.address and ha.prefix_length:
        yield (
            _segment(ha.address, ha.prefix_length),
            _place(view, ("ha_sync", "prefix"), True),
        )


def _primary_segments(view: DeviceView) -> Iterable[tuple[Segment, Place]]:
    # one entry per segment: both members of a pair sit on the same segments; none inside
    # the link-local range (n.subnet_of(_LINK_LOCAL))
    if view.intent.role != "primary":
        return ()
    return ((n, p) for n, p in _segments(view) if not (n.start >= _LL_START and n.end <= _LL_END))


@rule(
    "E902",
    title="subnets of different segments overlap",
    scope=Scope.INVENTORY,
    collect=_primary_segments,
)
def overlapping_subnets(fleet: Fleet) -> Iterable[Issue]:
    segments: dict[tuple[str, tuple[str | int, ...]], tuple[Segment, Place]] = {}
    for segment, origin in fleet.items:
        segments.setdefault(origin.key, (segment, origin))
    ordered = sorted(segments.values(), key=lambda item: (item[0].start, -item[0].prefixlen))
    # sorted by start address: an overlap is always with an earlier, still-open segment;
    # (start, end, segment, where) in ints: IPv4Network's comparisons and its broadcast
    # address cost most of this check at 10,000 devices, in the parent after the workers
    open_: list[tuple[int, int, Segment, Place]] = []
    for segment, origin in ordered:
        start, end = segment.start, segment.end
        open_ = [o for o in open_ if o[1] >= start]
        for other_start, other_end, other, other_origin in open_:
            if other_start <= end and start <= other_end:  # network.overlaps(other)
                where = ".".join(map(str, other_origin.keys))
                yield origin.issue(
                    f"{segment.network} overlaps {other.network} "
                    f"(site {other_origin.site} {where})",
                    "segments of the inventory must not overlap: pick a free prefix",
                )
                break
        open_.append((start, end, segment, origin))


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
