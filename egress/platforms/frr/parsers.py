"""The frr platform's parser registrations: which show command each converter reads
(indexed by :mod:`egress.parse.registry`)."""

from __future__ import annotations

from egress.parse.spec import ParserSpec
from egress.platforms.frr import parse as frr

PARSERS: tuple[ParserSpec, ...] = (
    # --- FRR on Linux (FRR's JSON; keepalived, conntrackd and egress's prober as text) ---
    ParserSpec("frr", "show bfd peers json", "bfd", frr.bfd, reader=frr.bfd_rows),
    ParserSpec(
        "frr",
        "show ip route 0.0.0.0/0 json",
        "route",
        frr.route,
        reader=frr.route_rows,
        aliases=("show ip route json",),
    ),
    ParserSpec("frr", "show pbr map", "pbr", frr.pbr_map, reader=frr.pbr_map_rows),
    ParserSpec(
        "frr", "show pbr interface json", "pbr", frr.pbr_interface, reader=frr.pbr_interface_rows
    ),
    ParserSpec(
        "frr", "keepalived --signum=DATA", "vrrp", frr.keepalived, reader=frr.keepalived_rows
    ),
    ParserSpec("frr", "conntrackd -s", "ha", frr.conntrackd, reader=frr.conntrackd_rows),
    ParserSpec(
        "frr", "cat /run/egress/probe/status.json", "probe", frr.prober, reader=frr.prober_rows
    ),
    ParserSpec(
        "frr", "show interface brief json", "interface", frr.interface, reader=frr.interface_rows
    ),
)
