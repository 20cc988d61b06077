"""A toy platform, registered from this folder by tests/unit/test_platforms.py: adding a
vendor touches only its folder (this package), its templates (``templates/toy/``) and the
inventory. It renders interfaces and BFD, and declares every other feature unsupported."""

from __future__ import annotations

from egress.model.design import HaForm, Hashing
from egress.model.intent import FEATURES
from egress.platforms import PlatformProfile

PROFILE = PlatformProfile(
    slug="toy",
    vendor="Toy OS",
    napalm_driver="toy",
    hashing=frozenset({Hashing.FIVE_TUPLE}),
    ha_forms=frozenset({HaForm.SYNC_PAIR, HaForm.CLUSTER}),
    route_distance=1,
    backup_route_distance=10,
    bfd_min_interval_ms=50,
    release_trains=("1.0",),
    default_release="1.0.0",
    listed=99,
    volatile_lines=(),
    validate_commands={
        "bfd": "show bfd",
        "routing": None,
        "vrrp": None,
        "probes": None,
        "pbr": None,
        "ha_sync": None,
    },
    hash_knobs={"hash five-tuple": Hashing.FIVE_TUPLE},
    syntax_rules=(("E191", "toy.unknown", "Toy OS unknown line"),),
    unsupported_features=frozenset(FEATURES) - {"interfaces", "bfd"},
)
