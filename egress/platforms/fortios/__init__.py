"""The fortios platform (Fortinet FortiOS): its profile here; its config reader
(``config``), show-output converters (``parse``) and remediation planner (``remediate``)
beside it."""

from __future__ import annotations

from egress.design import HaForm, Hashing
from egress.platforms import PlatformProfile

PROFILE = PlatformProfile(
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
    listed=2,
)
