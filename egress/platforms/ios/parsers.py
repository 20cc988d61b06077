"""The ios platform's parser registrations: which show command each converter reads
(indexed by :mod:`egress.parse.registry`)."""

from __future__ import annotations

from egress.parse import bgp
from egress.parse.spec import ParserSpec, RecordLine
from egress.platforms.ios import parse as ios

# an IPv4 address, and the route sources "show ip route <source>" filters on
_V4 = r"\d{1,3}(?:\.\d{1,3}){3}"
_IOS_ROUTE_SOURCES = (
    "static|connected|bgp(?: \\d+)?|ospf(?: \\d+)?|eigrp(?: \\d+)?|rip|isis|summary"
)


PARSERS: tuple[ParserSpec, ...] = (
    # --- Cisco IOS / IOS-XE -------------------------------------------------------------
    ParserSpec("ios", "show vrrp brief", "vrrp", ios.vrrp, aliases=("show vrrp brief all",)),
    ParserSpec("ios", "show vrrp", "vrrp", ios.vrrp, aliases=("show vrrp all", "show vrrp detail")),
    ParserSpec("ios", "show bfd neighbors details", "bfd", ios.bfd),
    ParserSpec(
        "ios",
        "show ip sla statistics",
        "probe",
        ios.sla_statistics,
        # "details" adds lines (thresholds, operational state) to the same blocks
        aliases=("show ip sla statistics details",),
        patterns=(r"show ip sla statistics \d+(?: details)?",),
    ),
    ParserSpec(
        "ios",
        "show ip sla summary",
        "probe",
        ios.sla_summary,
        record_lines=(RecordLine(r"^[*^~]?(?P<key>\d+)\s+\S+\s+\S+\s+\S+", "sla", "id"),),
    ),
    ParserSpec(
        "ios",
        "show track",
        "track",
        ios.track,
        patterns=(r"show track \d+",),
        record_lines=(RecordLine(r"^Track (?P<key>\d+)$", "track", "id"),),
    ),
    ParserSpec(
        "ios",
        "show track brief",
        "track",
        ios.track_brief,
        record_lines=(
            RecordLine(
                r"^(?P<key>\d+)\s+(?:ip sla|ip route|interface|list|application|stub-object)\b",
                "track",
                "id",
            ),
        ),
    ),
    ParserSpec(
        "ios",
        "show ip route",
        "route",
        ios.route_table,
        aliases=("show ip route static",),
        # a VRF's table, or only the routes of one protocol: the same table layout
        patterns=(rf"show ip route(?: vrf \S+)?(?: (?:{_IOS_ROUTE_SOURCES}))?",),
    ),
    ParserSpec(
        "ios",
        "show ip route 0.0.0.0",
        "route",
        ios.route_entry,
        aliases=("show ip route 0.0.0.0 0.0.0.0",),
        # "show ip route [vrf X] <address> [<mask>]": one prefix's routing descriptor blocks
        patterns=(rf"show ip route(?: vrf \S+)? {_V4}(?: {_V4})?",),
    ),
    ParserSpec("ios", "show route-map", "pbr", ios.route_map, aliases=("show route-map all",)),
    ParserSpec("ios", "show ip policy", "pbr", ios.ip_policy),
    ParserSpec(
        "ios",
        "show redundancy application group all",
        "ha",
        ios.redundancy_groups,
        aliases=("show redundancy application group",),
    ),
    ParserSpec("ios", "show ip interface brief", "interface", ios.interface_brief),
    ParserSpec(
        "ios",
        "show ip bgp neighbors 0.0.0.0 advertised-routes",
        "bgp_route",
        bgp.ios_advertised,
        patterns=(
            rf"show ip bgp neighbors {_V4} advertised-routes",
            rf"show bgp ipv4 unicast neighbors {_V4} advertised-routes",
        ),
    ),
    ParserSpec(
        "ios",
        "show ip bgp summary",
        "bgp_session",
        bgp.summary,
        aliases=("show bgp ipv4 unicast summary",),
    ),
)
