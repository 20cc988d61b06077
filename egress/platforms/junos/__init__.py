"""The junos platform (Juniper Junos): its profile here; its config reader (``config``), show-output
converters (``parse``) and remediation planner (``remediate``) beside it."""

from __future__ import annotations

import re

from egress.model.words import HaForm, Hashing
from egress.platforms import PlatformProfile, TimerRule

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
    # lint's syntax rules: (rule id, problem kind its config reader reports, title)
    syntax_rules=(
        ("E111", "junos.verb", "Junos line is not a set/delete statement"),
        ("E112", "junos.hierarchy", "Junos statement under an unknown top-level hierarchy"),
        ("E113", "junos.quote", "Junos unbalanced quotes or brackets"),
    ),
    listed=1,
    session="netconf",
    # one device's change on the lab: ~23 NETCONF RPCs, ~100 ms each (ncclient's send tick)
    change_seconds=2.2,
    # napalm junos: `commit confirmed <minutes>` (Junos: 1-65535 minutes; napalm converts s)
    confirm_timer=TimerRule(60, 86400, 60, "Junos commit confirmed: whole minutes"),
    volatile_lines=(re.compile(r"^#"), re.compile(r"^## ")),
    # Junos: napalm's `overwrite` takes text, not the set lines the remediation reads
    running_format="set",
    replace_on_running_text=True,
    pbr_applied_lists_every_filter=True,
    validate_commands={
        "vrrp": "show vrrp detail",
        "bfd": "show bfd session detail",
        "probes": "show services rpm probe-results",
        "routing": "show route 0.0.0.0/0 exact",
        "pbr": "show interfaces filters",
        "ha_sync": "show chassis cluster status",
    },
    pbr_attachment_listed=True,
    # filter-based forwarding: templates/junos/pbr.j2 and interfaces.j2 put everything on unit 0
    pbr_input_filter_unit=0,
    hash_knobs={
        "layer-3 layer-4": Hashing.FIVE_TUPLE,
        "layer-3": Hashing.SOURCE_DESTINATION_IP,
    },
)
