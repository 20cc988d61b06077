"""The one parsed schema every vendor's show output is turned into.

Records are frozen and forbid extra fields: the validator compares them with what the intent
asks for, so a vendor word that slipped through normalisation must fail here, not later.
Collections are tuples so records stay hashable and comparable; they dump to JSON lists.
Fields a command does not print are ``None`` (unknown), never a guessed default.
"""

from __future__ import annotations

from typing import Literal

from egress.parse.record import Record

VrrpState = Literal["Master", "Backup", "Init"]
BfdState = Literal["Up", "Down", "Init", "AdminDown"]
ProbeType = Literal["icmp", "tcp", "http", "other"]
ProbeState = Literal["ok", "fail", "unknown"]
HaMode = Literal["active-passive", "active-active", "standalone"]
HaRole = Literal["Primary", "Secondary", "Init", "Lost", "Disabled", "Unknown"]
LinkStatus = Literal["up", "down"]
TrackState = Literal["Up", "Down"]


class BaseRecord(Record):
    """Frozen, extra fields forbidden, validated as pydantic validates (egress.parse.record:
    without importing pydantic when every value is already of its field's type)."""


class Vrrp(BaseRecord):
    kind: Literal["vrrp"] = "vrrp"
    interface: str
    group: int
    state: VrrpState
    priority: int | None = None
    vip: str | None = None
    preempt: bool | None = None


class Bfd(BaseRecord):
    kind: Literal["bfd"] = "bfd"
    peer: str
    interface: str | None = None
    state: BfdState
    interval_ms: int | None = None
    multiplier: int | None = None


class NextHop(BaseRecord):
    address: str | None = None
    interface: str | None = None
    # Junos marks the next hops in the forwarding table with ">" (several with load
    # balancing); None where the vendor installs every listed path (IOS, FortiOS)
    selected: bool | None = None


class Route(BaseRecord):
    kind: Literal["route"] = "route"
    prefix: str
    # None is the global/default table; otherwise the VRF / routing-instance name
    vrf: str | None = None
    protocol: str | None = None
    next_hops: tuple[NextHop, ...] = ()


class PbrEntry(BaseRecord):
    seq: int
    action: Literal["permit", "deny"] = "permit"
    # clauses as the vendor prints them ("ip address (access-lists): 101", "dscp 46", ...)
    match: tuple[str, ...] = ()
    # the preferred next hop; later ones of an IOS fallback list are in next_hop_fallbacks
    next_hop: str | None = None
    next_hop_fallbacks: tuple[str, ...] = ()


class Pbr(BaseRecord):
    kind: Literal["pbr"] = "pbr"
    name: str
    interfaces: tuple[str, ...] = ()
    entries: tuple[PbrEntry, ...] = ()


class Probe(BaseRecord):
    kind: Literal["probe"] = "probe"
    name: str
    type: ProbeType | None = None
    target: str | None = None
    state: ProbeState
    rtt_ms: float | None = None


class HaMember(BaseRecord):
    name: str
    role: HaRole
    priority: int | None = None


class Ha(BaseRecord):
    kind: Literal["ha"] = "ha"
    # redundancy group (IOS RG, SRX RG); None where the platform has a single cluster
    group: int | None = None
    mode: HaMode | None = None
    local_role: HaRole = "Unknown"
    peer_role: HaRole | None = None
    in_sync: bool | None = None
    session_sync: bool | None = None
    members: tuple[HaMember, ...] = ()


class Interface(BaseRecord):
    kind: Literal["interface"] = "interface"
    name: str
    address: str | None = None
    prefix_length: int | None = None
    # operational (line protocol / link) state; None where the command does not print it
    status: LinkStatus | None = None
    admin_status: LinkStatus | None = None


class Track(BaseRecord):
    kind: Literal["track"] = "track"
    id: int
    # what is tracked, as printed: "ip sla 10 reachability", "interface Gi1 line-protocol"
    object: str
    state: TrackState


class BgpRoute(BaseRecord):
    """A prefix a device advertises to one BGP neighbor (the neighbor is the command's:
    "show ip bgp neighbors X advertised-routes", "show route advertising-protocol bgp X")."""

    kind: Literal["bgp_route"] = "bgp_route"
    prefix: str
    # the next hop as printed; None where the device prints itself ("Self", 0.0.0.0)
    next_hop: str | None = None


class BgpSession(BaseRecord):
    """One BGP neighbor's session as the summary prints it ("show ip bgp summary", "show bgp
    summary", "get router info bgp summary")."""

    kind: Literal["bgp_session"] = "bgp_session"
    neighbor: str
    remote_as: int | None = None
    # "Established", or the FSM state printed while it is not (Idle, Active, Connect, ...)
    state: str
    # the prefixes received from it, where the summary prints them (Established only)
    received: int | None = None


RecordKind = Literal[
    "vrrp", "bfd", "route", "pbr", "probe", "ha", "interface", "track", "bgp_route", "bgp_session"
]

RECORD_TYPES: dict[str, type[BaseRecord]] = {
    "vrrp": Vrrp,
    "bfd": Bfd,
    "route": Route,
    "pbr": Pbr,
    "probe": Probe,
    "ha": Ha,
    "interface": Interface,
    "track": Track,
    "bgp_route": BgpRoute,
    "bgp_session": BgpSession,
}
