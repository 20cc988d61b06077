"""Which parser reads which (platform, command): data, looked up, never an if-chain.

Each entry names the record kind it yields, how the text is read (a TTP template in
``templates/<platform>/parse/<slug>.ttp``, or for Junos "| display xml" / "| display json"
forms a reader giving the same rows as the text template) and the converter from rows to
records. Aliases are other commands
printing the same layout (``show vrrp all`` prints what ``show vrrp`` prints).

Template and fixture names follow one slug rule, :func:`command_slug`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from egress.errors import InputError
from egress.parse import bgp, fortios, frr, ios, junos, junos_json, junos_xml
from egress.parse.engine import Rows
from egress.parse.schema import BaseRecord, RecordKind

Converter = Callable[[Rows], Sequence[BaseRecord]]
Reader = Callable[[str], Rows]


def command_slug(command: str) -> str:
    """The file-name form of a command: lower case, ``|`` spelled ``pipe``, and every run
    of spaces or slashes one ``_`` (ttp_templates' convention for pipes).

    >>> command_slug("show vrrp summary | display xml")
    'show_vrrp_summary_pipe_display_xml'
    >>> command_slug("show route 0.0.0.0/0"), command_slug("get router info routing-table all")
    ('show_route_0.0.0.0_0', 'get_router_info_routing-table_all')
    """
    text = normalise_command(command).replace("|", " pipe ")
    return re.sub(r"[\s/]+", "_", text.strip())


def normalise_command(command: str) -> str:
    """Commands are matched case-insensitively and whitespace-insensitively.

    >>> normalise_command("  show  IP route ")
    'show ip route'
    """
    return " ".join(command.lower().split())


@dataclass(frozen=True, slots=True)
class RecordLine:
    """Lines that are records: each one matching ``pattern`` (its ``key`` group) must come
    out of the template as a row of ``group`` whose ``field`` has that value, or the parse
    fails naming the line. Headers, legends and blank lines never match a pattern."""

    pattern: str
    group: str
    field: str


@dataclass(frozen=True, slots=True)
class ParserSpec:
    platform: str
    command: str
    kind: RecordKind
    convert: Converter
    # None: the text is read by ``reader`` (XML) instead of a TTP template
    reader: Reader | None = None
    aliases: tuple[str, ...] = ()
    # argument forms printing the same layout, as regular expressions over the normalised
    # command ("show ip route vrf X", "show route table inet.3 10.0.0.0/8"); the exact
    # command and aliases are tried first
    patterns: tuple[str, ...] = ()
    # lines that must each yield a row (a record the template cannot read is an error)
    record_lines: tuple[RecordLine, ...] = ()
    # False where a template relies on indentation (none does today; see engine.dedent_lines)
    dedent: bool = True

    @property
    def slug(self) -> str:
        return command_slug(self.command)

    def template_path(self, root: Path) -> Path | None:
        if self.reader is not None:
            return None
        return root / self.platform / "parse" / f"{self.slug}.ttp"


# an IPv4 address, and the route sources "show ip route <source>" filters on
_V4 = r"\d{1,3}(?:\.\d{1,3}){3}"
_IOS_ROUTE_SOURCES = (
    "static|connected|bgp(?: \\d+)?|ospf(?: \\d+)?|eigrp(?: \\d+)?|rip|isis|summary"
)
# any selection of Junos routes; "show route forwarding-table", "summary" and
# "advertising-protocol" are other commands (other layouts)
_JUNOS_ROUTES = r"show route(?! forwarding-table| summary| advertising-protocol)(?: [^|]*)?"


_SPECS: tuple[ParserSpec, ...] = (
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
    ParserSpec(
        "junos",
        "show interfaces terse | display json",
        "interface",
        junos.interfaces_terse,
        reader=junos_json.interfaces_terse,
    ),
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


def _index(specs: Sequence[ParserSpec]) -> dict[tuple[str, str], ParserSpec]:
    index: dict[tuple[str, str], ParserSpec] = {}
    for spec in specs:
        for command in (spec.command, *spec.aliases):
            key = (spec.platform, normalise_command(command))
            if key in index:
                raise RuntimeError(f"two parsers registered for {key}")  # a registry typo
            index[key] = spec
    return index


SPECS: tuple[ParserSpec, ...] = _SPECS
_BY_COMMAND = _index(_SPECS)
PLATFORMS: tuple[str, ...] = tuple(dict.fromkeys(spec.platform for spec in _SPECS))


_PATTERNS: tuple[tuple[str, re.Pattern[str], ParserSpec], ...] = tuple(
    (spec.platform, re.compile(pattern), spec) for spec in _SPECS for pattern in spec.patterns
)


def _by_pattern(platform: str, command: str) -> ParserSpec | None:
    """The parser whose argument form matches the whole command (first registered wins)."""
    return next(
        (spec for plat, rx, spec in _PATTERNS if plat == platform and rx.fullmatch(command)),
        None,
    )


def expand_abbreviations(platform: str, command: str) -> str:
    """Keywords abbreviated as the device's CLI accepts them, written out: each word that is
    the start of exactly one keyword the registered commands have at that point (``sh vrrp
    br`` -> ``show vrrp brief``). The first word that starts no keyword there (an address, a
    VRF name) and everything after it stay as typed.

    >>> expand_abbreviations("ios", "sh ip ro 0.0.0.0")
    'show ip route 0.0.0.0'
    >>> expand_abbreviations("junos", "sh vrrp sum")
    'show vrrp summary'
    """
    words = command.split()
    node = _TRIES.get(platform, {})
    for index, word in enumerate(words):
        if word in node:
            node = node[word]
            continue
        matches = [k for k in node if k.startswith(word)]
        if len(matches) != 1:
            break  # not a keyword here (an argument), or ambiguous: the device would refuse
        words[index] = matches[0]
        node = node[matches[0]]
    return " ".join(words)


def _tries(commands: Sequence[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    tries: dict[str, dict[str, Any]] = {}
    for platform, command in commands:
        node = tries.setdefault(platform, {})
        for word in command.split():
            node = node.setdefault(word, {})
    return tries


# keyword tries of the registered commands, for abbreviations
_TRIES = _tries(list(_BY_COMMAND))


def known_commands(platform: str) -> list[str]:
    """Every command (aliases included) a platform's output can be parsed for."""
    return sorted(cmd for (plat, cmd) in _BY_COMMAND if plat == platform)


def lookup(*, platform: str, command: str) -> ParserSpec:
    """The parser for ``command`` on ``platform``; an :class:`InputError` listing what is
    known otherwise."""
    if platform not in PLATFORMS:
        raise InputError(
            f"unknown platform {platform!r}",
            hint=f"use one of: {', '.join(PLATFORMS)}",
        )
    normalised = expand_abbreviations(platform, normalise_command(command))
    spec = _BY_COMMAND.get((platform, normalised)) or _by_pattern(platform, normalised)
    if spec is None:
        known = "\n    ".join(known_commands(platform))
        raise InputError(
            f"no parser for {command!r} on {platform}",
            hint=f"commands {platform} output can be parsed for:\n    {known}",
        )
    return spec
