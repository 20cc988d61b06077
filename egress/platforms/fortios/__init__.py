"""The fortios platform (Fortinet FortiOS): its profile here; its config reader
(``config``), show-output converters (``parse``) and remediation planner (``remediate``)
beside it."""

from __future__ import annotations

import re

from egress.model.words import HaForm, Hashing
from egress.platforms import PlatformProfile, TimerRule

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
    # lint's syntax rules: (rule id, problem kind its config reader reports, title)
    syntax_rules=(
        ("E121", "fortios.config", "FortiOS unbalanced config/end"),
        ("E122", "fortios.edit", "FortiOS unbalanced edit/next"),
        ("E123", "fortios.statement", "FortiOS statement outside a block or stray text"),
    ),
    listed=2,
    session="netmiko",
    # FortiOS CLI reference, config system global: "cfg-revert-timeout: Time-out for
    # reverting to the last saved configuration (10 - 4294967295, default = 600)"
    confirm_timer=TimerRule(10, 86400, 1, "FortiOS cfg-revert-timeout: 10-4294967295 s"),
    volatile_lines=(re.compile(r"^#"), re.compile(r"^\s*set conf_file_ver ")),
    running_format="text",
    bfd_per_interface=True,
    validate_commands={
        "vrrp": "get router info vrrp",
        "bfd": "get router info bfd neighbor",
        "probes": "diagnose sys link-monitor status",
        "routing": "get router info routing-table all",
        "pbr": "diagnose firewall proute list",
        "ha_sync": "get system ha status",
    },
    # FGSP members print the standalone form of "get system ha status", without sync state;
    # "diagnose sys session sync" (Fortinet's FGSP verification) says whether it runs
    supporting_commands={"ha_sync": ("diagnose sys session sync",)},
    hash_knobs={
        "source-ip-based": Hashing.SOURCE_IP,
        "source-dest-ip-based": Hashing.SOURCE_DESTINATION_IP,
    },
)
