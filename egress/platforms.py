"""What each platform can express and its defaults, as data (never `if platform == ...`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from egress.design import HaForm, Hashing


@dataclass(frozen=True, slots=True)
class PlatformProfile:
    slug: str
    vendor: str
    napalm_driver: str
    hashing: frozenset[Hashing]
    ha_forms: frozenset[HaForm]
    # administrative distance / preference of the default route on the primary (or every
    # load-sharing) link, and on a backup link in active-standby
    route_distance: int
    backup_route_distance: int
    bfd_min_interval_ms: int
    vrrp_priority_primary: int = 110
    vrrp_priority_secondary: int = 100
    ha_priority_primary: int = 200
    ha_priority_secondary: int = 100
    # A sync pair's HA group tracks what VRRP tracks plus the LAN port, so its role moves with
    # the LAN gateway (IOS-XE redundancy group `track N decrement`): in a failover drill the
    # peer must own the group. False where sync-pair members have no roles (FortiOS FGSP).
    sync_pair_role_follows_lan: bool = False
    # how a shared-config cluster names its logical interface number N (SRX reth)
    cluster_interface_format: str | None = None
    # a zone-based firewall in flow mode (SRX): an interface outside every security zone
    # drops all traffic, and one in a zone accepts only the host-inbound traffic its zone
    # allows, so the intent binds each interface and opens what egress's protocols need
    security_zones: bool = False
    # how the logical unit egress configures on interface NAME is named (Junos: unit 0)
    unit_format: str = "{name}"
    # OS release trains (major.minor) whose show output egress reads, and the release a
    # device runs when its inventory names none (HostDesign.os_release)
    release_trains: tuple[str, ...] = ()
    default_release: str = ""

    def release_train(self, release: str) -> str:
        """The major.minor train of a release: "17.9.4a" -> "17.9", "v7.2.8" -> "7.2",
        "21.4R3-S5.4" -> "21.4"."""
        match = re.match(r"v?(\d+)\.(\d+)", release)
        return f"{int(match.group(1))}.{int(match.group(2))}" if match else release
    # source NAT to pools announced by eBGP (design `nat`); elsewhere NAT is the security team's
    nat_pools: bool = False
    # the private AS (RFC 6996) a platform that reaches its ISPs by eBGP runs (FRR: BFD hangs
    # on BGP sessions because FRR 8.4 staticd has no BFD-tracked static routes)
    bgp_local_as: int | None = None
    # VRRP advertisement interval where the platform's rendering sets one (VRRPv3 centiseconds)
    vrrp_advert_ms: int = 1000


PLATFORMS: dict[str, PlatformProfile] = {
    "ios": PlatformProfile(
        slug="ios",
        vendor="Cisco IOS-XE",
        napalm_driver="ios",
        hashing=frozenset({Hashing.FIVE_TUPLE, Hashing.SOURCE_DESTINATION_IP}),
        ha_forms=frozenset({HaForm.SYNC_PAIR}),
        route_distance=1,
        backup_route_distance=10,
        bfd_min_interval_ms=50,
        ha_priority_primary=150,
        sync_pair_role_follows_lan=True,
        release_trains=("16.9", "16.12", "17.3", "17.6", "17.9", "17.12"),
        default_release="17.9.4a",
    ),
    "junos": PlatformProfile(
        slug="junos",
        vendor="Juniper Junos",
        napalm_driver="junos",
        hashing=frozenset({Hashing.FIVE_TUPLE, Hashing.SOURCE_DESTINATION_IP}),
        ha_forms=frozenset({HaForm.CLUSTER}),
        route_distance=5,
        backup_route_distance=10,
        bfd_min_interval_ms=10,
        cluster_interface_format="reth{index}",
        security_zones=True,
        unit_format="{name}.0",
        release_trains=("19.4", "20.4", "21.2", "21.4", "22.2", "22.4", "23.2", "23.4"),
        default_release="21.4R3-S5.4",
    ),
    "fortios": PlatformProfile(
        slug="fortios",
        vendor="Fortinet FortiOS",
        napalm_driver="fortios",
        hashing=frozenset({Hashing.SOURCE_IP, Hashing.SOURCE_DESTINATION_IP}),
        ha_forms=frozenset({HaForm.CLUSTER, HaForm.SYNC_PAIR}),
        route_distance=10,
        backup_route_distance=20,
        bfd_min_interval_ms=50,
        release_trains=("6.0", "6.2", "6.4", "7.0", "7.2", "7.4"),
        default_release="7.2.8",
    ),
    "frr": PlatformProfile(
        slug="frr",
        vendor="FRR on Linux",
        napalm_driver="frr",
        # net.ipv4.fib_multipath_hash_policy 0 (L3), 1 (L4), 3 (custom fields: source only)
        hashing=frozenset({Hashing.FIVE_TUPLE, Hashing.SOURCE_DESTINATION_IP, Hashing.SOURCE_IP}),
        # conntrackd syncs the session table between two independently configured boxes
        ha_forms=frozenset({HaForm.SYNC_PAIR}),
        route_distance=1,
        backup_route_distance=10,
        bfd_min_interval_ms=10,  # FRR bfdd: receive/transmit-interval 10-60000 ms
        nat_pools=True,
        bgp_local_as=64512,
        vrrp_advert_ms=100,
        # Debian bookworm ships 8.4.4 (what the drill runs); later trains print the same JSON
        release_trains=("8.4", "8.5", "9.0", "9.1", "10.0", "10.1"),
        default_release="8.4.4",
    ),
}

# When a platform lacks a hashing mode, the one that keeps the most of its intent.
NEAREST_HASHING: dict[Hashing, tuple[Hashing, ...]] = {
    Hashing.SOURCE_IP: (Hashing.SOURCE_DESTINATION_IP, Hashing.FIVE_TUPLE),
    Hashing.FIVE_TUPLE: (Hashing.SOURCE_DESTINATION_IP, Hashing.SOURCE_IP),
    Hashing.SOURCE_DESTINATION_IP: (Hashing.FIVE_TUPLE, Hashing.SOURCE_IP),
}

NEAREST_HA_FORM: dict[HaForm, HaForm] = {
    HaForm.CLUSTER: HaForm.SYNC_PAIR,
    HaForm.SYNC_PAIR: HaForm.CLUSTER,
}


def nearest_hashing(profile: PlatformProfile, wanted: Hashing) -> Hashing:
    return next(h for h in NEAREST_HASHING[wanted] if h in profile.hashing)
