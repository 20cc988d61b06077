"""The per-device BGP intent (route injection, issue 19), derived from the design's `bgp:`.

Everything the templates need is computed here: which prefixes this member announces to
which ISP, under which health conditions, with which prepends, and the ids/names of the
vendor objects that tie an announcement to health. The cross-checks that need the whole
site (a neighbor inside its link's segment, a prefix the site owns, links that exist) raise
DesignError naming the exact `site.bgp...` field, so the loader adds file and line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network

from egress.model.design import HaForm, Mode, Site
from egress.model.design_bgp import Bgp, Health, Standby
from egress.model.intent_types import (
    LAN,
    DesignError,
    FieldRef,
    Interface,
    Member,
    Probe,
    Uplink,
    VrrpGroup,
    intent_type,
)
from egress.platforms import PLATFORMS, PlatformProfile

# Releases before which a platform takes one condition per conditional advertisement:
# FortiOS 5.2-6.4 `config conditional-advertise` / `set condition-routemap <name>` (FortiOS
# 5.2 "BGP Conditional Advertising"); 7.0+ ANDs several route-maps (FortiOS 7.0
# Administration Guide, "BGP conditional advertisement": "treated as an AND operator").
ONE_CONDITION_BEFORE: dict[str, tuple[int, int]] = {"fortios": (7, 0)}

# IOS-XE track object id of the LAN condition: above every probe's `track <id>` and the HA
# LAN track (probe count + 1), below IOS-XE's 1000 limit.
TRACK_BASE = 500

# The per-link marker routes a conditional advertisement tests (IOS-XE `exist-map`, FortiOS
# `condition-routemap`; one /32 per link, in the order of `bgp.peers`), from 198.18.0.0/15,
# the block RFC 2544/RFC 6890 reserve for benchmarking and never routed on the internet; the
# outbound prefix-lists never let them out.
MARKER_BASE = IPv4Address("198.18.255.1")


@intent_type
class BgpPrefix:
    prefix: str
    network: str
    netmask: str
    length: int
    nat: bool  # one of the site's NAT pools
    lan: bool  # withdrawn while the member's LAN port is down
    probe_tracks: tuple[int, ...]  # the probe tracks of the links it goes to
    name: str  # the vendor object (prefix-list, policy term) that names it
    index: int  # its place in the design's `bgp.announce` (where lint points)


@intent_type
class BgpNeighbor:
    link: str
    provider: str
    address: str
    remote_as: int
    local_address: str | None
    interface: str
    prefixes: tuple[str, ...]  # what this member announces to this ISP
    policy: str  # the outbound route-map / export policy
    probe_route: str | None  # Junos: the /32 ip-monitoring installs while the probe succeeds
    # the link's probe track (IOS-XE), a /32 marker route that is in the RIB only while that
    # probe succeeds (IOS-XE: to Null0 on the track; FortiOS: via the link's gateway, removed
    # by the link-monitor), and the prefixes whose announcement to this neighbor follows it
    # (conditional advertisement)
    probe_track: int | None = None
    marker: str | None = None
    conditional: tuple[str, ...] = ()
    gateway: str | None = None  # the link's gateway (FortiOS: the marker's next hop)


@intent_type
class BgpIntent:
    local_as: int
    router_id: str
    bfd: bool
    lan_interface: str
    lan_prefix: str
    lan_network: str
    lan_netmask: str
    lan_track_id: int  # IOS-XE: the LAN port's line-protocol track
    prepend: int  # how often this member repeats its AS (0: not prepending)
    as_path_prepend: str  # the prepended AS path, "65010 65010 65010"
    prefixes: tuple[BgpPrefix, ...]
    neighbors: tuple[BgpNeighbor, ...]
    # the release takes one condition per conditional advertisement (the LAN's is kept: a
    # member whose LAN is down must withdraw; a cut link still withdraws through BFD)
    one_condition: bool = False


def _ref(host: str, *path: str | int) -> FieldRef:
    return FieldRef(host, "site", ("bgp", *path))


def _check(site: Site, bgp: Bgp, host: str) -> None:
    links = {link.name: link for link in site.links}
    for name, peer in bgp.peers.items():
        if name not in links:
            raise DesignError(
                f"bgp peer for unknown link {name!r}",
                ref=_ref(host, "peers", name),
                hint=f"peers are keyed by link name: {', '.join(links)}",
            )
        link = links[name]
        neighbor = peer.neighbor or link.gateway
        if neighbor not in link.prefix or neighbor in (
            link.prefix.network_address,
            link.prefix.broadcast_address,
        ):
            raise DesignError(
                f"neighbor {neighbor} is not a usable address in link {name}'s segment "
                f"{link.prefix}",
                ref=_ref(host, "peers", name, "neighbor"),
                hint="an eBGP neighbor is the ISP's address on the link (default: its gateway)",
            )
    pools = set(site.nat.pools.values()) if site.nat else set()
    for index, item in enumerate(bgp.announce):
        owned = item.prefix in pools or any(item.prefix.subnet_of(p) for p in bgp.public)
        if not owned:
            raise DesignError(
                f"prefix {item.prefix} is not the site's: neither inside `bgp.public` "
                f"({', '.join(map(str, bgp.public)) or 'none'}) nor a NAT pool",
                ref=_ref(host, "announce", index, "prefix"),
                hint="announce only address space the site owns (a hijack otherwise)",
            )
        for name in item.links or ():
            if name not in bgp.peers:
                raise DesignError(
                    f"announcement over link {name!r}, which has no bgp peer",
                    ref=_ref(host, "announce", index, "links"),
                    hint=f"use one of {', '.join(bgp.peers)}",
                )


def _one_condition(platform: str, release: str) -> bool:
    before = ONE_CONDITION_BEFORE.get(platform)
    match = re.match(r"v?(\d+)\.(\d+)", release)
    return before is not None and match is not None and (int(match[1]), int(match[2])) < before


def bgp_local_as(site: Site, profile: PlatformProfile) -> int | None:
    """The AS of a platform that runs its own eBGP (FRR): the design's where it names one."""
    if profile.bgp_local_as is None:
        return None
    return site.bgp.local_as if site.bgp else profile.bgp_local_as


def build_bgp(
    site: Site,
    member: Member,
    by_role: dict[str, Interface],
    uplinks: Sequence[Uplink],
    probes: Sequence[Probe],
    vrrp: Sequence[VrrpGroup],
) -> BgpIntent | None:
    """This member's BGP intent, or None when the site has no `bgp:` block.

    ``vrrp``: its tracks are the probes VRRP follows; on Junos each one's ip-monitoring policy
    installs a /32 to its target only while it succeeds, a route a `condition` can test.
    """
    bgp = site.bgp
    if bgp is None:
        return None
    host, role = member.name, member.design.role.value
    release = member.design.os_release or PLATFORMS[member.platform].default_release
    _check(site, bgp, host)
    pools = set(site.nat.pools.values()) if site.nat else set()
    by_link = {u.link: u for u in uplinks}
    route_probe = {p.link: p.id for p in probes if p.follows_route}
    tracked = {t.probe_name for group in vrrp for t in group.tracks}
    probe_routes = {p.link: f"{p.target}/32" for p in probes if p.name in tracked}
    # a shared-config cluster is one BGP speaker (the active node): nothing to prepend
    cluster = site.ha_sync is not None and site.ha_sync.form is HaForm.CLUSTER
    backup = site.mode is Mode.ACTIVE_STANDBY and role != "primary" and not cluster
    prepend = bgp.prepend if backup and bgp.standby is Standby.PREPEND else 0
    prefixes = []
    announced: dict[str, list[str]] = {name: [] for name in bgp.peers}
    conditional: dict[str, list[str]] = {name: [] for name in bgp.peers}
    for index, item in enumerate(bgp.announce):
        if role not in item.members:
            continue
        over = item.links or list(bgp.peers)
        for name in over:
            announced[name].append(str(item.prefix))
            if Health.PROBE in item.when and name in route_probe:
                conditional[name].append(str(item.prefix))
        tracks = (
            tuple(route_probe[n] for n in over if n in route_probe)
            if Health.PROBE in item.when
            else ()
        )
        net = IPv4Network(item.prefix)
        prefixes.append(
            BgpPrefix(
                prefix=str(net),
                network=str(net.network_address),
                netmask=str(net.netmask),
                length=net.prefixlen,
                nat=item.prefix in pools,
                lan=Health.LAN in item.when,
                probe_tracks=tracks,
                name=f"EGRESS-BGP-{index + 1}",
                index=index,
            )
        )
    neighbors = tuple(
        BgpNeighbor(
            link=name,
            provider=by_link[name].provider,
            address=str(peer.neighbor or IPv4Address(by_link[name].gateway)),
            remote_as=peer.peer_as,
            local_address=by_link[name].address,
            interface=by_link[name].interface,
            prefixes=tuple(announced[name]),
            policy=f"EGRESS-BGP-OUT-{name.upper()}",
            probe_route=probe_routes.get(name),
            probe_track=route_probe.get(name) if conditional[name] else None,
            marker=str(MARKER_BASE + position) if conditional[name] else None,
            conditional=tuple(conditional[name]),
            gateway=by_link[name].gateway,
        )
        for position, (name, peer) in enumerate(bgp.peers.items())
    )
    addresses = [u.address for u in uplinks if u.address]
    return BgpIntent(
        local_as=bgp.local_as,
        router_id=addresses[0] if addresses else str(site.lan.vip),
        bfd=bgp.bfd,
        lan_interface=by_role[LAN].name,
        lan_prefix=str(site.lan.prefix),
        lan_network=str(site.lan.prefix.network_address),
        lan_netmask=str(site.lan.prefix.netmask),
        lan_track_id=TRACK_BASE,
        prepend=prepend,
        as_path_prepend=" ".join([str(bgp.local_as)] * prepend),
        prefixes=tuple(prefixes),
        neighbors=neighbors,
        one_condition=_one_condition(member.platform, release),
    )
