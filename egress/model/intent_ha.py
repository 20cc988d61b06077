"""The HA part of a device's intent: session sync (cluster or sync pair) and what its
group tracks, derived from the site's design (called by :mod:`egress.model.intent`)."""

from __future__ import annotations

from egress.model.design import HaForm, Mode, Role, Site
from egress.model.intent_types import (
    HA,
    LAN,
    HaMember,
    HaSync,
    HaTrack,
    Interface,
    Member,
    Probe,
    Uplink,
    VrrpGroup,
)
from egress.platforms import PlatformProfile


def ha_sync(
    site: Site,
    member: Member,
    peer: Member,
    pair: tuple[Member, Member],
    profile: PlatformProfile,
    by_role: dict[str, Interface],
    uplinks: tuple[Uplink, ...],
    tracks: tuple[HaTrack, ...],
) -> HaSync:
    assert site.ha_sync is not None
    spec = site.ha_sync

    def node_id(m: Member) -> int:
        return 0 if m.design.role is Role.PRIMARY else 1

    def priority(m: Member) -> int:
        if m.design.role is Role.PRIMARY:
            return profile.ha_priority_primary
        return profile.ha_priority_secondary

    members = tuple(
        HaMember(
            node_id=node_id(m),
            name=m.name,
            role=m.design.role.value,
            priority=priority(m),
            ha_interface=m.design.interfaces[HA].name,
        )
        for m in pair
    )
    own = member.design.interfaces[HA]
    peer_address = peer.design.interfaces[HA].address
    uplink_ports = [by_role[u.link] for u in uplinks]
    monitored = tuple(port for iface in uplink_ports for port in (iface.members or (iface.name,)))
    return HaSync(
        form=spec.form.value,
        group_id=spec.group_id,
        name=f"EGRESS-{site.name.upper()}",
        mode="a-a" if site.mode is Mode.LOAD_SHARING else "a-p",
        node_id=node_id(member),
        priority=priority(member),
        preempt=True,
        session_sync=spec.session_sync,
        interface=own.name,
        local_address=str(own.address) if own.address else None,
        peer_address=str(peer_address) if peer_address else None,
        prefix_length=spec.prefix.prefixlen if spec.prefix else None,
        monitored=monitored,
        members=members,
        cluster_interface_count=sum(1 for i in by_role.values() if i.redundancy_group),
        tracks=tracks,
    )


def ha_tracks(
    site: Site,
    profile: PlatformProfile,
    by_role: dict[str, Interface],
    probes: tuple[Probe, ...],
    vrrp: tuple[VrrpGroup, ...],
) -> tuple[HaTrack, ...]:
    """What a sync pair's HA group follows so that it stays with the LAN gateway.

    The group owns the session table; it must sit on the box VRRP makes the gateway. So it
    drops by more than the primary/secondary gap when this member's LAN port goes (VRRP is
    gone there) and follows VRRP's own tracks scaled to the HA priorities: the same failures
    that hand the VIP over hand the group over. The LAN track takes the first id after the
    probes' (every probe owns ``track <probe id>``), so it cannot collide with one.
    """
    assert site.ha_sync is not None
    if site.ha_sync.form is not HaForm.SYNC_PAIR or not profile.sync_pair_role_follows_lan:
        return ()
    gap = profile.ha_priority_primary - profile.ha_priority_secondary
    lan = HaTrack(
        track_id=max((p.id for p in probes), default=0) + 1,
        decrement=gap + 10,
        interface=by_role[LAN].name,
    )
    # as VRRP's: losing the primary link hands over (active-standby), or losing every link
    share = gap + 10 if site.mode is Mode.ACTIVE_STANDBY else gap // len(site.links) + 1
    followed = [t for group in vrrp for t in group.tracks]
    probe_tracks = (
        HaTrack(track_id=t.track_id, decrement=share, probe_name=t.probe_name) for t in followed
    )
    return tuple(sorted((lan, *probe_tracks), key=lambda t: t.track_id))
