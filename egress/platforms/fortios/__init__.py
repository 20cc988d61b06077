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
    # one device's change on the lab: ~40 commands at ~45 ms, its script a line a round trip
    change_seconds=3.0,
    # FGCP synchronises `config system console` (not among the per-unit settings of
    # "Synchronizing the configuration", FortiOS Handbook), which netmiko's `fortinet` sets
    # to `output standard` on open and puts back on close
    cluster_syncs_session_settings=True,
    # netmiko's `fortinet` driver, unless given a kex choice, disables every key exchange
    # outside {group14-sha1, group-exchange-sha1/-sha256, group1-sha1} (netmiko 4.8
    # fortinet/fortinet_ssh.py, for FortiOS 5.x); with paramiko 5.1, which offers no SHA-1
    # kex, that leaves diffie-hellman-group-exchange-sha256 alone: a 2048-bit DH group
    # exchange per session, ~45 ms of client CPU under the interpreter lock (py-spy, issue
    # 18) and as much on the unit. Naming a kex to disable (group1-sha1, which paramiko no
    # longer offers anyway) keeps paramiko's own list: curve25519-sha256 first, which a
    # FortiGate 7.x offers by default (Fortinet KB FD38109's capture of its proposal;
    # `ssh-kex-algo` of config system global), and group-exchange-sha256 still in it for a
    # unit that offers no other: no unit that negotiated before fails to now.
    session_options={"disabled_algorithms": {"kex": ["diffie-hellman-group1-sha1"]}},
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
