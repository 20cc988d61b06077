"""The junos platform's parser registrations: which show command each converter reads
(indexed by :mod:`egress.parse.registry`)."""

from __future__ import annotations

from egress.parse import bgp
from egress.parse.spec import ParserSpec, RecordLine
from egress.platforms.junos import parse as junos
from egress.platforms.junos import parse_json as junos_json
from egress.platforms.junos import parse_xml as junos_xml

# any selection of Junos routes; "show route forwarding-table", "summary" and
# "advertising-protocol" are other commands (other layouts)
_JUNOS_ROUTES = r"show route(?! forwarding-table| summary| advertising-protocol)(?: [^|]*)?"

PARSERS: tuple[ParserSpec, ...] = (
    # --- Juniper Junos ------------------------------------------------------------------
    ParserSpec("junos", "show vrrp summary", "vrrp", junos.vrrp_summary, aliases=("show vrrp",)),
    ParserSpec(
        "junos", "show vrrp detail", "vrrp", junos.vrrp_detail, aliases=("show vrrp extensive",)
    ),
    ParserSpec(
        "junos",
        "show bfd session detail",
        "bfd",
        junos.bfd,
        record_lines=(
            RecordLine(
                r"^(?P<key>(?:\d{1,3}\.){3}\d{1,3}|[0-9a-fA-F]*:[0-9a-fA-F:.]+)\s+"
                r"(?:Up|Down|Init|AdminDown|Failing)\s",
                "bfd",
                "peer",
            ),
        ),
        # the plain form prints the same session lines without the client lines
        aliases=("show bfd session extensive", "show bfd session"),
        patterns=(r"show bfd session address \S+ (?:detail|extensive)",),
    ),
    ParserSpec(
        "junos",
        "show bfd session detail | display xml",
        "bfd",
        junos.bfd,
        reader=junos_xml.bfd_sessions,
        aliases=("show bfd session extensive | display xml",),
        patterns=(r"show bfd session(?: address \S+)?(?: detail| extensive)? \| display xml",),
    ),
    ParserSpec(
        "junos",
        "show services rpm probe-results",
        "probe",
        junos.rpm,
        record_lines=(RecordLine(r"^Owner: (?P<key>[^,]+), Test: ", "rpm", "owner"),),
    ),
    ParserSpec(
        "junos",
        "show services rpm probe-results | display xml",
        "probe",
        junos.rpm,
        reader=junos_xml.rpm_results,
    ),
    ParserSpec(
        "junos",
        "show route",
        "route",
        junos.route_table,
        aliases=("show route 0.0.0.0/0", "show route 0.0.0.0/0 exact", "show route table inet.0"),
        # any selection of routes (a table, a protocol, a destination) prints the same
        # layout; "show route forwarding-table" is another command (a different layout)
        patterns=(_JUNOS_ROUTES,),
    ),
    ParserSpec(
        "junos",
        "show route | display xml",
        "route",
        junos.route_table,
        reader=junos_xml.route_information,
        aliases=("show route 0.0.0.0/0 | display xml", "show route 0.0.0.0/0 exact | display xml"),
        patterns=(_JUNOS_ROUTES + r" \| display xml",),
    ),
    ParserSpec(
        "junos",
        "show route | display json",
        "route",
        junos.route_table,
        reader=junos_json.route_information,
        patterns=(_JUNOS_ROUTES + r" \| display json",),
    ),
    ParserSpec(
        "junos",
        "show route forwarding-table",
        "route",
        junos.forwarding_table,
        patterns=(r"show route forwarding-table(?: [^|]*)?",),
    ),
    ParserSpec("junos", "show chassis cluster status", "ha", junos.cluster_status),
    ParserSpec(
        "junos",
        "show chassis cluster status | display xml",
        "ha",
        junos.cluster_status,
        reader=junos_xml.cluster_status,
    ),
    ParserSpec(
        "junos",
        "show interfaces terse",
        "interface",
        junos.interfaces_terse,
        patterns=(r"show interfaces terse [^|\s]+",),
    ),
    ParserSpec("junos", "show interfaces filters", "pbr", junos.interface_filters),
    ParserSpec(
        "junos",
        "show route advertising-protocol bgp 0.0.0.0",
        "bgp_route",
        bgp.junos_advertised,
        patterns=(r"show route advertising-protocol bgp \S+(?: [^|]*)?",),
    ),
    ParserSpec("junos", "show bgp summary", "bgp_session", bgp.summary),
    ParserSpec(
        "junos",
        "show interfaces terse | display json",
        "interface",
        junos.interfaces_terse,
        reader=junos_json.interfaces_terse,
    ),
)
