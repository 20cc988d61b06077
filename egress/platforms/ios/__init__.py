"""The ios platform (Cisco IOS-XE): its profile here; its config reader (``config``), show-output
converters (``parse``) and remediation planner (``remediate``) beside it."""

from __future__ import annotations

from egress.design import HaForm, Hashing
from egress.platforms import PlatformProfile

PROFILE = PlatformProfile(
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
    listed=0,
)
