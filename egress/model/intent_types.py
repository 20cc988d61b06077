"""The per-device intent's types: everything a template needs, as plain dataclasses (frozen for
the type checker: see intent_type).

They are built (in :mod:`egress.model.intent`) from already-validated input, and rendering 10,000
of them must stay cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar, dataclass_transform

from egress.errors import InputError, Location
from egress.model.design import (
    HostDesign,
)

if TYPE_CHECKING:
    from egress.model.bgp_intent import BgpIntent

_T = TypeVar("_T")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def intent_type(cls: type[_T]) -> type[_T]:
    """An intent type: for type checkers a frozen dataclass (mypy refuses any assignment to
    a field), at run time a slots dataclass with the same ``__eq__``, ``__hash__`` and
    ``__repr__`` but a plain ``__init__``. A frozen dataclass sets every field through
    ``object.__setattr__``: ~5x the cost of a plain slot store, a quarter of deriving the
    intents, which `egress render` and `egress lint` do for every device (issue 18;
    docs/adr.md)."""
    made: Callable[[type[_T]], type[_T]] = dataclass(slots=True, unsafe_hash=True)
    return made(cls)


LAN = "lan"
HA = "ha"
# Every feature a platform renders, in the order a device needs them: an object (interface,
# probe/track) is defined before a later feature refers to it.
FEATURES = ("interfaces", "probes", "bfd", "routing", "vrrp", "ecmp", "pbr", "ha_sync", "bgp")
# What every zoned interface must accept host-inbound: operators ping the interface addresses.
ZONE_SERVICES = ("ping",)


@intent_type
class FieldRef:
    """Which input a problem is in: the host's own data or its site's design, and where."""

    host: str
    source: str  # "host" (hosts.yaml data) or "site" (the site group's `site` block)
    path: tuple[str | int, ...]


class DesignError(InputError):
    """A design problem found while deriving intents; the loader adds file and line."""

    def __init__(self, message: str, *, ref: FieldRef, hint: str = "") -> None:
        dotted = ".".join(str(p) for p in ref.path)
        field_name = f"site.{dotted}" if ref.source == "site" else dotted
        super().__init__(message, location=Location(host=ref.host, field=field_name), hint=hint)
        self.ref = ref


@intent_type
class Interface:
    role: str  # "lan", a link name, or "ha"
    name: str
    description: str
    address: str | None = None
    prefix_length: int | None = None
    netmask: str | None = None
    # shared-config clusters: the physical member port of each node, in node order
    members: tuple[str, ...] = ()
    redundancy_group: int | None = None


@intent_type
class ZoneInterface:
    """An interface bound to a security zone and the host-inbound traffic it must accept.

    Only on a zone-based firewall (``PlatformProfile.security_zones``): there an interface
    outside every zone drops all traffic, and a zoned one accepts only what its zone allows
    host-inbound, so VRRP adverts and BFD packets need opening here.
    """

    zone: str
    interface: str  # the logical unit egress configures (Junos ``ge-0/0/1.0``, ``reth0.0``)
    role: str  # "lan" or a link name
    protocols: tuple[str, ...]  # host-inbound protocols: vrrp on a VRRP LAN, bfd on uplinks
    services: tuple[str, ...]  # host-inbound system services


@intent_type
class Uplink:
    route_id: int  # a stable id for the route entry (FortiOS `config router static` edit)
    link: str
    provider: str
    interface: str
    address: str | None
    gateway: str
    distance: int
    primary: bool
    track_id: int | None  # the probe this link's default route follows
    probe_name: str | None


@intent_type
class VrrpTrack:
    track_id: int
    probe_name: str
    target: str
    interface: str
    decrement: int
    owner: str  # the probe's RPM owner (Junos)
    gateway: str  # the probe's link gateway
    # Junos: the ip-monitoring policy that installs a /32 to ``target`` via ``gateway`` while
    # the probe succeeds; VRRP tracks that route, so the priority follows the probe
    policy: str


@intent_type
class VrrpGroup:
    interface: str
    address: str  # the interface's own address (Junos hangs the group under it)
    prefix_length: int
    group: int
    vip: str
    priority: int
    preempt: bool
    preempt_delay_s: int
    tracks: tuple[VrrpTrack, ...]
    failed_priority: int  # once every tracked object is down (FortiOS vrdst-priority)
    advert_ms: int = 1000  # advertisement interval (PlatformProfile.vrrp_advert_ms)


@intent_type
class BfdPeer:
    link: str
    interface: str
    address: str


@intent_type
class Bfd:
    interval_ms: int
    multiplier: int
    peers: tuple[BfdPeer, ...]


@intent_type
class Ecmp:
    hashing: str
    paths: tuple[Uplink, ...]


@intent_type
class PbrRule:
    name: str
    seq: int
    acl_name: str  # also the Junos forwarding instance the rule steers into
    dscp: int | None
    dscp_name: str | None
    tos: str | None  # the ToS byte FortiOS matches: DSCP << 2, as hex
    source: str | None
    source_network: str | None
    source_netmask: str | None
    source_wildcard: str | None
    link: str
    next_hop: str
    out_interface: str
    track_id: int | None


@intent_type
class Pbr:
    policy_name: str
    in_interface: str
    rules: tuple[PbrRule, ...]


@intent_type
class Probe:
    id: int
    name: str
    type: str
    target: str
    port: int | None
    path: str | None
    url: str | None
    interval_s: int
    timeout_ms: int
    threshold_ms: int
    failures: int
    link: str
    source_interface: str
    source_address: str | None
    gateway: str
    follows_route: bool  # the default route via this link is withdrawn when it fails
    failover_gateway: str | None  # where the default goes while it fails (Junos ip-monitoring)
    owner: str  # the group of tests one link's health is judged by (Junos RPM owner)
    interval_ms: int  # FortiOS link-monitor counts in ms
    threshold_us: int  # Junos RPM rtt thresholds count in microseconds


@intent_type
class HaMember:
    node_id: int
    name: str
    role: str
    priority: int
    ha_interface: str


@intent_type
class HaTrack:
    """A tracked object whose failure lowers this member's HA group priority by ``decrement``.

    Either the LAN port's line protocol (a track object the HA feature defines itself) or a
    probe's track, the one VRRP already follows.
    """

    track_id: int
    decrement: int
    interface: str | None = None  # a line-protocol track on this interface
    probe_name: str | None = None  # or the track of this probe


@intent_type
class HaSync:
    form: str
    group_id: int
    name: str
    mode: str  # "a-p" or "a-a"
    node_id: int
    priority: int
    preempt: bool
    session_sync: bool
    interface: str
    local_address: str | None
    peer_address: str | None
    prefix_length: int | None
    monitored: tuple[str, ...]  # physical ports whose failure moves the cluster
    members: tuple[HaMember, ...]
    cluster_interface_count: int  # logical interfaces a shared-config cluster spans (reth-count)
    # a sync pair whose group follows the LAN gateway (PlatformProfile.sync_pair_role_follows_lan)
    tracks: tuple[HaTrack, ...] = ()


@intent_type
class NatPool:
    link: str
    prefix: str  # the pool as announced upstream
    address: str  # its first address, the one LAN sources are translated to
    interface: str  # the uplink whose traffic is translated
    neighbor: str  # the eBGP peer (the link's gateway) the pool is announced to


@intent_type
class Nat:
    source: str  # the LAN prefix that is translated
    pools: tuple[NatPool, ...]
    # the pool's route (so its announcement) exists only while this member is VRRP master
    follows_vrrp: bool


@intent_type
class DeviceIntent:
    host: str
    platform: str
    site: str
    site_description: str
    role: str
    mode: str
    hashing: str
    interfaces: tuple[Interface, ...]
    uplinks: tuple[Uplink, ...]
    vrrp: tuple[VrrpGroup, ...]
    bfd: Bfd
    ecmp: Ecmp | None
    pbr: Pbr | None
    probes: tuple[Probe, ...]
    ha_sync: HaSync | None
    peer: str
    features: tuple[str, ...] = field(default=())
    # empty unless the platform is a zone-based firewall (the templates only loop over it)
    security_zones: tuple[ZoneInterface, ...] = field(default=())
    # the OS release the device runs (inventory data.os_release, else the platform default)
    os_release: str = ""
    # source NAT to pools announced by eBGP (only where the platform renders it)
    nat: Nat | None = None
    # eBGP towards the ISPs (only where the platform reaches them by BGP: FRR)
    bgp_local_as: int | None = None
    bgp: BgpIntent | None = None  # the design's `bgp:` block (egress.model.bgp_intent)


@intent_type
class Member:
    """One host of a site as the inventory gives it."""

    name: str
    platform: str
    design: HostDesign
