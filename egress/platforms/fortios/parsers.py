"""The fortios platform's parser registrations: which show command each converter reads
(indexed by :mod:`egress.parse.registry`)."""

from __future__ import annotations

from egress.parse import bgp
from egress.parse.spec import ParserSpec, RecordLine
from egress.platforms.fortios import parse as fortios

PARSERS: tuple[ParserSpec, ...] = (
    # --- Fortinet FortiOS ---------------------------------------------------------------
    ParserSpec("fortios", "get router info vrrp", "vrrp", fortios.vrrp),
    ParserSpec("fortios", "get router info bfd neighbor", "bfd", fortios.bfd),
    ParserSpec("fortios", "diagnose sys link-monitor status", "probe", fortios.link_monitor),
    ParserSpec(
        "fortios",
        "get router info routing-table all",
        "route",
        fortios.route_table,
        # a route line: its code, then its prefix (legend lines carry no prefix)
        record_lines=(
            RecordLine(
                r"^[A-Za-z][A-Za-z0-9*]{0,3}(?: [A-Za-z][A-Za-z0-9]?)?\s+"
                r"(?P<key>\d+\.\d+\.\d+\.\d+/\d+)\s",
                "ev",
                "prefix",
            ),
        ),
        # one protocol's routes, or every route with its details: the same route lines
        aliases=(
            "get router info routing-table details",
            "get router info routing-table bgp",
            "get router info routing-table static",
            "get router info routing-table connected",
        ),
    ),
    ParserSpec(
        "fortios",
        "get system ha status",
        "ha",
        fortios.ha_status,
        # a member line names host and serial ("Primary : fw-a, FG100..., HA cluster index =
        # 0"); the vcluster lines below it name only the serial
        record_lines=(
            RecordLine(
                r"^\S+\s*:\s*\S+?\s*,\s*(?P<key>\S+),\s*(?:HA )?cluster index = \d+",
                "members",
                "serial",
            ),
        ),
    ),
    ParserSpec("fortios", "diagnose sys ha checksum cluster", "ha", fortios.ha_checksum),
    ParserSpec("fortios", "diagnose sys session sync", "ha", fortios.session_sync),
    ParserSpec("fortios", "diagnose firewall proute list", "pbr", fortios.proute),
    ParserSpec("fortios", "get system interface", "interface", fortios.interfaces),
    ParserSpec("fortios", "get router info bgp summary", "bgp_session", bgp.summary),
    ParserSpec(
        "fortios",
        "get router info bgp neighbors 0.0.0.0 advertised-routes",
        "bgp_route",
        bgp.fortios_advertised,
        patterns=(r"get router info bgp neighbors \d{1,3}(?:\.\d{1,3}){3} advertised-routes",),
    ),
)
