"""The junos platform (Juniper Junos): its profile here; its config reader (``config``), show-output
converters (``parse``) and remediation planner (``remediate``) beside it."""

from __future__ import annotations

from egress.design import HaForm, Hashing
from egress.platforms import PlatformProfile

PROFILE = PlatformProfile(
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
    listed=1,
)
