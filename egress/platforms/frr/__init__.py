"""The frr platform (FRR on Linux): its profile here; its config reader (``config``), show-output
converters (``parse``) and remediation planner (``remediate``) beside it."""

from __future__ import annotations

from egress.model.words import HaForm, Hashing
from egress.platforms import PlatformProfile

PROFILE = PlatformProfile(
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
    # lint's syntax rules: (rule id, problem kind its config reader reports, title)
    syntax_rules=(
        ("E131", "frr.unknown", "FRR unknown top-level command or stray text"),
        ("E132", "frr.unclosed", "FRR block never closed (exit / exit-address-family)"),
        ("E133", "frr.glue", "FRR config: unknown !@ glue kind (not applied by egress)"),
    ),
    listed=3,
    # FRR's JSON; VRRP is keepalived's, sync conntrackd's, probes the prober's
    validate_commands={
        "vrrp": "keepalived --signum=DATA",
        "bfd": "show bfd peers json",
        "probes": "cat /run/egress/probe/status.json",
        "routing": "show ip route 0.0.0.0/0 json",
        "pbr": "show pbr interface json",
        "ha_sync": "conntrackd -s",
    },
    supporting_commands={"pbr": ("show pbr map",)},
    pbr_attachment_listed=True,
    # net.ipv4.fib_multipath_hash_policy (3 = the fields of fib_multipath_hash_fields)
    hash_knobs={
        "net.ipv4.fib_multipath_hash_policy=1": Hashing.FIVE_TUPLE,
        "net.ipv4.fib_multipath_hash_policy=0": Hashing.SOURCE_DESTINATION_IP,
        "net.ipv4.fib_multipath_hash_policy=3": Hashing.SOURCE_IP,
    },
)
