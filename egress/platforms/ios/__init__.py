"""The ios platform (Cisco IOS-XE): its profile here; its config reader (``config``), show-output
converters (``parse``) and remediation planner (``remediate``) beside it."""

from __future__ import annotations

import re

from egress.model.words import HaForm, Hashing
from egress.platforms import PlatformProfile, TimerRule

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
    # lint's syntax rules: (rule id, problem kind its config reader reports, title)
    syntax_rules=(
        ("E101", "ios.indent", "IOS-XE indentation does not follow the section hierarchy"),
        ("E102", "ios.unknown", "IOS-XE unknown top-level command or stray text"),
        ("E103", "ios.exit", "IOS-XE unbalanced exit / end"),
        ("E104", "ios.value", "IOS-XE value that is not the whole number the command takes"),
    ),
    listed=0,
    session="netmiko",
    # one device's change on the lab: ~37 netmiko commands at 90-130 ms, and the SCP load
    change_seconds=4.0,
    # napalm ios: `configure terminal revert timer <minutes>`, revert_in a multiple of 60 in
    # 60..7200 (napalm/ios/ios.py commit_config; Cisco: `revert timer` 1-120 minutes)
    confirm_timer=TimerRule(60, 7200, 60, "IOS-XE revert timer: 1-120 whole minutes"),
    volatile_lines=(
        re.compile(r"^Building configuration"),
        re.compile(r"^Current configuration :"),
        re.compile(
            r"^! (Last configuration change|NVRAM config last updated|No configuration change)"
        ),
        re.compile(r"^!\s*$"),
        re.compile(r"^ntp clock-period"),
        # not `file prompt quiet`: napalm's session setting is put back by egress
        # (egress/devices/session.py); where it stays behind it is a line the device holds
    ),
    running_format="text",
    bfd_binds_route_interface=True,
    validate_commands={
        "vrrp": "show vrrp brief",
        "bfd": "show bfd neighbors details",
        "probes": "show ip sla summary",
        "routing": "show ip route 0.0.0.0",
        "pbr": "show ip policy",
        "ha_sync": "show redundancy application group all",
    },
    # "show ip policy" names where each route-map is attached, never its next hops, which
    # only "show route-map" prints (see the real captures of both under tests/fixtures/parse/ios)
    supporting_commands={"pbr": ("show route-map",)},
    pbr_attachment_listed=True,
    hash_knobs={
        "include-ports source destination": Hashing.FIVE_TUPLE,
        "universal": Hashing.SOURCE_DESTINATION_IP,
        "original": Hashing.SOURCE_DESTINATION_IP,
    },
)
