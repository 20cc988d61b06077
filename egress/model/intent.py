"""The per-device intent: everything a template needs, derived once, in Python.

``build_site_intents`` takes one site's design and its two members and returns one
:class:`DeviceIntent` per member. Every derived value (priorities from roles, distances,
track ids, VRRP decrements, peer addresses, names of policies) is computed here, so the
templates hold only loops and vendor syntax. The intent's types are in
:mod:`egress.model.intent_types` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network

from egress.errors import Location, UnsupportedIntent
from egress.model.design import (
    DSCP_NAMES,
    HaForm,
    Mode,
    NatAnnounce,
    ProbeType,
    Role,
    SecurityZones,
    Site,
)
from egress.model.intent_ha import ha_sync as derive_ha_sync
from egress.model.intent_ha import ha_tracks as derive_ha_tracks
from egress.model.intent_types import (
    FEATURES,
    HA,
    LAN,
    ZONE_SERVICES,
    Bfd,
    BfdPeer,
    DesignError,
    DeviceIntent,
    Ecmp,
    FieldRef,
    HaMember,
    HaSync,
    HaTrack,
    Interface,
    Member,
    Nat,
    NatPool,
    Pbr,
    PbrRule,
    Probe,
    Uplink,
    VrrpGroup,
    VrrpTrack,
    ZoneInterface,
)
from egress.platforms import NEAREST_HA_FORM, PLATFORMS, PlatformProfile, nearest_hashing


def build_site_intents(site: Site, members: Sequence[Member]) -> dict[str, DeviceIntent]:
    """Derive the intent of both members of ``site``; raise DesignError naming host and field."""
    pair = _check_pair(site, members)
    return {m.name: _device_intent(site, m, pair) for m in pair}


def _check_pair(site: Site, members: Sequence[Member]) -> tuple[Member, Member]:
    first = members[0].name if members else site.name
    if len(members) != 2:
        names = ", ".join(m.name for m in members) or "none"
        raise DesignError(
            f"site {site.name!r} needs exactly two members (an HA pair), has {names}",
            ref=FieldRef(first, "site", ("name",)),
        )
    platforms = {m.platform for m in members}
    if len(platforms) != 1:
        raise DesignError(
            f"both members of site {site.name!r} must be one platform, got {sorted(platforms)}",
            ref=FieldRef(members[1].name, "host", ("platform",)),
        )
    by_role = {m.design.role: m for m in members}
    if set(by_role) != {Role.PRIMARY, Role.SECONDARY}:
        raise DesignError(
            f"site {site.name!r} needs one primary and one secondary member",
            ref=FieldRef(members[1].name, "host", ("data", "role")),
            hint="set `role: primary` on one member and `role: secondary` on the other",
        )
    primary, secondary = by_role[Role.PRIMARY], by_role[Role.SECONDARY]
    profile = PLATFORMS[primary.platform]
    for member in members:
        release = member.design.os_release
        if release is not None and profile.release_train(release) not in profile.release_trains:
            raise DesignError(
                f"{profile.vendor} release {release!r} is not one whose show output egress reads",
                ref=FieldRef(member.name, "host", ("data", "os_release")),
                hint=f"use a release of the trains {', '.join(profile.release_trains)}",
            )
    if site.ha_sync is not None and site.ha_sync.form not in profile.ha_forms:
        raise UnsupportedIntent(
            f"{profile.vendor} cannot do ha_sync form {site.ha_sync.form.value!r}",
            location=Location(host=primary.name, field="site.ha_sync.form"),
            hint=f"use form {NEAREST_HA_FORM[site.ha_sync.form].value!r}",
        )
    if site.hashing not in profile.hashing:
        nearest = nearest_hashing(profile, site.hashing)
        raise UnsupportedIntent(
            f"{profile.vendor} cannot hash ECMP by {site.hashing.value}",
            location=Location(host=primary.name, field="site.hashing"),
            hint=f"the nearest {profile.slug} supports is `hashing: {nearest.value}`",
        )
    if site.security_zones is not None and not profile.security_zones:
        raise UnsupportedIntent(
            f"{profile.vendor} binds no interface to a security zone for egress's protocols",
            location=Location(host=primary.name, field="site.security_zones"),
            hint="remove `security_zones` from this site: it is for zone-based firewalls (SRX)",
        )
    if site.nat is not None and not profile.nat_pools:
        raise UnsupportedIntent(
            f"{profile.vendor}: egress renders no source NAT there (it is the security team's)",
            location=Location(host=primary.name, field="site.nat"),
            hint="remove `nat` from this site, or use a platform that renders it (frr)",
        )
    needed = [LAN, *(link.name for link in site.links)]
    if site.ha_sync is not None:
        needed.append(HA)
    for member in (primary, secondary):
        for role in needed:
            if role not in member.design.interfaces:
                raise DesignError(
                    f"no interface assigned to {role!r}",
                    ref=FieldRef(member.name, "host", ("data", "interfaces")),
                    hint=f"add `{role}: {{name: ..., address: ...}}` under interfaces",
                )
        _check_addresses(site, member, needed)
    if not _is_cluster(site):
        prio = {m.name: _vrrp_priority(m, profile) for m in (primary, secondary)}
        if prio[primary.name] == prio[secondary.name]:
            raise DesignError(
                f"both members of site {site.name!r} have VRRP priority {prio[primary.name]}; "
                "the master would be chosen by address, not by design",
                ref=FieldRef(secondary.name, "host", ("data", "vrrp_priority")),
                hint="give the primary the higher priority, or drop the override",
            )
    return primary, secondary


def _segment(site: Site, role: str) -> IPv4Network | None:
    if role == LAN:
        return site.lan.prefix
    if role == HA:
        return site.ha_sync.prefix if site.ha_sync else None
    return next(link.prefix for link in site.links if link.name == role)


def _check_addresses(site: Site, member: Member, roles: Sequence[str]) -> None:
    cluster = _is_cluster(site)
    for role in roles:
        assigned = member.design.interfaces[role]
        segment = _segment(site, role)
        ref = FieldRef(member.name, "host", ("data", "interfaces", role, "address"))
        if cluster and (role in (LAN, HA)):
            if assigned.address is not None:
                raise DesignError(
                    f"a {site.ha_sync.form.value if site.ha_sync else ''} cluster owns its "
                    f"{role} address; do not set one per member",
                    ref=ref,
                )
            continue
        if cluster and member.design.role is Role.SECONDARY:
            if assigned.address is not None:
                raise DesignError(
                    "a cluster shares the primary's addresses; the secondary sets none",
                    ref=ref,
                )
            continue
        if assigned.address is None:
            raise DesignError(f"interface {role!r} needs an address", ref=ref)
        if segment is None:
            continue
        if assigned.address not in segment or assigned.address in (
            segment.network_address,
            segment.broadcast_address,
        ):
            raise DesignError(
                f"address {assigned.address} is not a usable address in {role} subnet {segment}",
                ref=ref,
            )
        if role == LAN and assigned.address == site.lan.vip:
            raise DesignError(f"address {assigned.address} is the VRRP virtual address", ref=ref)


def _is_cluster(site: Site) -> bool:
    return site.ha_sync is not None and site.ha_sync.form is HaForm.CLUSTER


def _vrrp_priority(member: Member, profile: PlatformProfile) -> int:
    if member.design.vrrp_priority is not None:
        return member.design.vrrp_priority
    if member.design.role is Role.PRIMARY:
        return profile.vrrp_priority_primary
    return profile.vrrp_priority_secondary


def _device_intent(site: Site, member: Member, pair: tuple[Member, Member]) -> DeviceIntent:
    from egress.model.bgp_intent import bgp_local_as, build_bgp  # built on this module's types

    profile = PLATFORMS[member.platform]
    primary, secondary = pair
    peer = secondary if member is primary else primary
    cluster = _is_cluster(site)
    # A shared-config cluster renders one config: the primary's addresses, both nodes' ports.
    source = primary if cluster else member

    roles = [LAN, *(link.name for link in site.links)] + ([HA] if site.ha_sync else [])
    all_interfaces = tuple(
        _interface(site, role, index, source, pair, profile, cluster)
        for index, role in enumerate(roles)
    )
    by_role = {i.role: i for i in all_interfaces}
    # a cluster's HA link is the cluster's own fabric/heartbeat: no address, no L3 config
    interfaces = tuple(i for i in all_interfaces if not (cluster and i.role == HA))

    probes = _probes(site, by_role)
    route_probe = {p.link: p for p in probes if p.follows_route}
    uplinks = tuple(
        Uplink(
            route_id=900 + index,
            link=link.name,
            provider=link.provider,
            interface=by_role[link.name].name,
            address=by_role[link.name].address,
            gateway=str(link.gateway),
            distance=(
                profile.route_distance
                if site.mode is Mode.LOAD_SHARING or link.name == site.primary
                else profile.backup_route_distance
            ),
            primary=link.name == site.primary,
            track_id=route_probe[link.name].id if link.name in route_probe else None,
            probe_name=route_probe[link.name].name if link.name in route_probe else None,
        )
        for index, link in enumerate(site.links, start=1)
    )

    vrrp: tuple[VrrpGroup, ...] = ()
    if not cluster:
        vrrp = (_vrrp(site, member, profile, by_role, route_probe),)

    bfd = Bfd(
        interval_ms=site.bfd.interval_ms,
        multiplier=site.bfd.multiplier,
        peers=tuple(BfdPeer(u.link, u.interface, u.gateway) for u in uplinks),
    )
    ecmp = Ecmp(site.hashing.value, uplinks) if site.mode is Mode.LOAD_SHARING else None
    pbr = _pbr(site, by_role, uplinks)
    zones = _security_zones(site, profile, interfaces, vrrp, bfd) if profile.security_zones else ()
    ha = None
    if site.ha_sync is not None:
        ha_tracks = derive_ha_tracks(site, profile, by_role, probes, vrrp)
        ha = derive_ha_sync(site, member, peer, pair, profile, by_role, uplinks, ha_tracks)

    present = {
        "interfaces": True,
        "probes": bool(probes),
        "bfd": True,
        "routing": True,
        "vrrp": bool(vrrp),
        "ecmp": ecmp is not None,
        "pbr": pbr is not None,
        "ha_sync": ha is not None,
        "bgp": site.bgp is not None,
    }
    features = [f for f in FEATURES if present[f]]
    return DeviceIntent(
        host=member.name,
        platform=member.platform,
        site=site.name,
        site_description=site.description,
        role=member.design.role.value,
        os_release=member.design.os_release or PLATFORMS[member.platform].default_release,
        mode=site.mode.value,
        hashing=site.hashing.value,
        interfaces=interfaces,
        uplinks=uplinks,
        vrrp=vrrp,
        bfd=bfd,
        ecmp=ecmp,
        pbr=pbr,
        probes=probes,
        ha_sync=ha,
        peer=peer.name,
        features=tuple(features),
        security_zones=zones,
        nat=_nat(site, by_role, uplinks),
        bgp_local_as=bgp_local_as(site, profile),
        bgp=build_bgp(site, member, by_role, uplinks, probes, vrrp),
    )


def _nat(site: Site, by_role: dict[str, Interface], uplinks: tuple[Uplink, ...]) -> Nat | None:
    if site.nat is None:
        return None
    gateways = {u.link: u.gateway for u in uplinks}
    pools = tuple(
        NatPool(
            link=link,
            prefix=str(pool),
            address=str(pool.network_address if pool.prefixlen == 32 else pool[1]),
            interface=by_role[link].name,
            neighbor=gateways[link],
        )
        for link, pool in site.nat.pools.items()
    )
    return Nat(
        source=str(site.lan.prefix),
        pools=pools,
        follows_vrrp=site.nat.announce is NatAnnounce.FOLLOWS_VRRP,
    )


def _interface(
    site: Site,
    role: str,
    index: int,
    source: Member,
    pair: tuple[Member, Member],
    profile: PlatformProfile,
    cluster: bool,
) -> Interface:
    assigned = source.design.interfaces[role]
    segment = _segment(site, role)
    address: IPv4Address | None = assigned.address
    if cluster and role == LAN:
        address = site.lan.vip  # the cluster itself is the LAN gateway
    description = assigned.description or _description(site, role)
    name = assigned.name
    members: tuple[str, ...] = ()
    redundancy_group = None
    if cluster and profile.cluster_interface_format and role != HA:
        members = tuple(m.design.interfaces[role].name for m in pair)
        name = profile.cluster_interface_format.format(index=index)
        redundancy_group = 1
    elif cluster and role == HA:
        members = tuple(m.design.interfaces[role].name for m in pair)
    return Interface(
        role=role,
        name=name,
        description=description,
        address=str(address) if address is not None else None,
        prefix_length=segment.prefixlen if segment and address is not None else None,
        netmask=str(segment.netmask) if segment and address is not None else None,
        members=members,
        redundancy_group=redundancy_group,
    )


def _security_zones(
    site: Site,
    profile: PlatformProfile,
    interfaces: tuple[Interface, ...],
    vrrp: tuple[VrrpGroup, ...],
    bfd: Bfd,
) -> tuple[ZoneInterface, ...]:
    """Each LAN/uplink unit's zone and the host-inbound protocols the device's own features
    need on it: VRRP where a VRRP group lives (never in a cluster, which has none), BFD where
    a BFD peer is reached. The HA/fabric link is the cluster's own and is in no zone."""
    names = site.security_zones or SecurityZones()
    runs = {"vrrp": {g.interface for g in vrrp}, "bfd": {p.interface for p in bfd.peers}}
    zones = []
    for iface in interfaces:
        if iface.role == HA:
            continue
        zone = names.lan if iface.role == LAN else names.uplinks
        protocols = tuple(proto for proto, where in runs.items() if iface.name in where)
        zones.append(
            ZoneInterface(
                zone=zone,
                interface=profile.unit_format.format(name=iface.name),
                role=iface.role,
                protocols=protocols,
                services=ZONE_SERVICES,
            )
        )
    return tuple(zones)


def _description(site: Site, role: str) -> str:
    if role == LAN:
        return f"EGRESS {site.name} LAN"
    if role == HA:
        return f"EGRESS {site.name} HA sync"
    link = next(link for link in site.links if link.name == role)
    provider = f" {link.provider}" if link.provider else ""
    return f"EGRESS {site.name} uplink {link.name}{provider}"


def _probes(site: Site, by_role: dict[str, Interface]) -> tuple[Probe, ...]:
    gateways = {link.name: str(link.gateway) for link in site.links}
    seen_links: set[str] = set()
    probes = []
    for number, spec in enumerate(site.probes, start=1):
        follows = spec.link not in seen_links  # the first probe of a link steers its route
        seen_links.add(spec.link)
        others = [g for name, g in gateways.items() if name != spec.link]
        port = spec.port
        url = None
        if spec.type is ProbeType.HTTP:
            port = port or 80
            path = spec.path or "/"
            url = f"http://{spec.target}{'' if port == 80 else f':{port}'}{path}"
        iface = by_role[spec.link]
        probes.append(
            Probe(
                id=number,
                name=spec.name,
                type=spec.type.value,
                target=str(spec.target),
                port=port,
                path=spec.path or ("/" if spec.type is ProbeType.HTTP else None),
                url=url,
                interval_s=spec.interval_s,
                timeout_ms=spec.timeout_ms,
                threshold_ms=spec.threshold_ms,
                failures=spec.failures,
                link=spec.link,
                source_interface=iface.name,
                source_address=iface.address,
                gateway=gateways[spec.link],
                follows_route=follows,
                failover_gateway=others[0] if others else None,
                owner=f"EGRESS-{spec.link.upper()}",
                interval_ms=spec.interval_s * 1000,
                threshold_us=spec.threshold_ms * 1000,
            )
        )
    return tuple(probes)


def _vrrp(
    site: Site,
    member: Member,
    profile: PlatformProfile,
    by_role: dict[str, Interface],
    route_probe: dict[str, Probe],
) -> VrrpGroup:
    priority = _vrrp_priority(member, profile)
    gap = profile.vrrp_priority_primary - profile.vrrp_priority_secondary
    if site.mode is Mode.ACTIVE_STANDBY:
        # losing the primary link alone must hand the gateway to the peer
        tracked = [site.primary]
        decrement = gap + 10
    else:
        # losing one link keeps the master; losing every link hands it over
        tracked = [link.name for link in site.links]
        decrement = gap // len(tracked) + 1
    tracks = tuple(
        VrrpTrack(
            track_id=route_probe[name].id,
            probe_name=route_probe[name].name,
            target=route_probe[name].target,
            interface=by_role[name].name,
            decrement=decrement,
            owner=route_probe[name].owner,
            gateway=route_probe[name].gateway,
            policy=f"EGRESS-TRACK-{name.upper()}",
        )
        for name in tracked
        if name in route_probe
    )
    lan = by_role[LAN]
    assert lan.address is not None and lan.prefix_length is not None
    return VrrpGroup(
        interface=lan.name,
        address=lan.address,
        prefix_length=lan.prefix_length,
        group=site.lan.vrrp_group,
        vip=str(site.lan.vip),
        priority=priority,
        preempt=True,
        preempt_delay_s=30,
        tracks=tracks,
        failed_priority=max(1, priority - sum(t.decrement for t in tracks)),
        advert_ms=profile.vrrp_advert_ms,
    )


def _pbr(site: Site, by_role: dict[str, Interface], uplinks: tuple[Uplink, ...]) -> Pbr | None:
    if not site.pbr:
        return None
    by_link = {u.link: u for u in uplinks}
    rules = []
    for seq, spec in enumerate(site.pbr, start=1):
        uplink = by_link[spec.via]
        dscp = DSCP_NAMES[spec.match.dscp] if spec.match.dscp else None
        source = spec.match.source
        rules.append(
            PbrRule(
                name=spec.name,
                seq=seq * 10,
                acl_name=f"EGRESS-PBR-{spec.name.upper()}",
                dscp=dscp,
                dscp_name=spec.match.dscp,
                tos=f"0x{dscp << 2:02x}" if dscp is not None else None,
                source=str(source) if source else None,
                source_network=str(source.network_address) if source else None,
                source_netmask=str(source.netmask) if source else None,
                source_wildcard=str(source.hostmask) if source else None,
                link=spec.via,
                next_hop=uplink.gateway,
                out_interface=uplink.interface,
                track_id=uplink.track_id,
            )
        )
    return Pbr(policy_name="EGRESS-PBR", in_interface=by_role[LAN].name, rules=tuple(rules))


__all__ = [
    "Bfd",
    "BfdPeer",
    "DesignError",
    "DeviceIntent",
    "Ecmp",
    "FEATURES",
    "FieldRef",
    "HA",
    "HaMember",
    "HaSync",
    "HaTrack",
    "Interface",
    "LAN",
    "Member",
    "Nat",
    "NatPool",
    "Pbr",
    "PbrRule",
    "Probe",
    "Uplink",
    "VrrpGroup",
    "VrrpTrack",
    "ZONE_SERVICES",
    "ZoneInterface",
    "build_site_intents",
]
