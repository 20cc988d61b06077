"""One test per layout family of issue 12 that no whole capture in tests/fixtures/parse covers:
the lines are the ones real devices print (quoted in the issue from public captures)."""

from __future__ import annotations

import pytest

from egress.errors import InputError
from egress.lab.fortios.oper_ha import election_reason, member_line
from egress.parse import parse_output
from egress.parse.schema import Ha, Probe, Route


def _routes(text: str) -> dict[str, list[tuple[str | None, str | None]]]:
    records = parse_output(
        platform="fortios", command="get router info routing-table all", text=text
    )
    return {
        r.prefix: [(h.address, h.interface) for h in r.next_hops]
        for r in records
        if isinstance(r, Route)
    }


def test_fortios_routes_via_tunnels_and_recursive_next_hops_are_read() -> None:
    text = """Routing table for VRF=0
S*      0.0.0.0/0 [5/0] via 200.1.1.1, port2, [1/0]
S       10.10.10.0/24 [10/0] via SPOKE1 tunnel 100.1.1.2, [1/0]
C       10.10.10.2/32 is directly connected, SPOKE1
B  10.15.0.0/24 [200/333] via 10.17.2.2 (recursive via FGT-2 tunnel 34.74.104.177), 00:00:03, [1/0]
S       10.20.0.0/16 [10/0] via 10.10.10.2 (recursive is directly connected, HUB)
"""
    assert _routes(text) == {
        "0.0.0.0/0": [("200.1.1.1", "port2")],
        "10.10.10.0/24": [("100.1.1.2", "SPOKE1")],
        "10.10.10.2/32": [(None, "SPOKE1")],
        "10.15.0.0/24": [("10.17.2.2", "FGT-2")],
        "10.20.0.0/16": [("10.10.10.2", "HUB")],
    }


@pytest.mark.parametrize(
    "command",
    [
        "get router info routing-table details",
        "get router info routing-table bgp",
        "get router info routing-table static",
    ],
)
def test_fortios_routing_table_subsets_print_the_same_lines(command: str) -> None:
    (route,) = parse_output(
        platform="fortios",
        command=command,
        text="Routing table for VRF=0\nB  10.16.0.0/24 [200/100] via 10.17.2.2 (recursive via "
        "FGT-2 tunnel 34.74.104.177), 02:04:25, [1/0]\n",
    )
    assert isinstance(route, Route) and route.next_hops[0].address == "10.17.2.2"


@pytest.mark.parametrize("release", ["6.0.17", "6.4.9", "7.0.15", "7.4.3"])
def test_fortios_ha_member_lines_of_every_release_give_members_and_peer_role(
    release: str,
) -> None:
    lines = [
        "Mode: HA A-P",
        "Group: 1",
        "ses_pickup: enable, ses_pickup_delay=disable",
        member_line(release, True, "fgt-a", "FGVM01AAAAAAAAAA", 1),
        member_line(release, False, "fgt-b", "FGVM01BBBBBBBBBB", 0),
        "vcluster 1: work 169.254.0.1",
    ]
    (ha,) = parse_output(
        platform="fortios", command="get system ha status", text="\n".join(lines) + "\n"
    )
    assert isinstance(ha, Ha)
    assert [(m.name, m.role) for m in ha.members] == [
        ("FGVM01AAAAAAAAAA", "Primary"),
        ("FGVM01BBBBBBBBBB", "Secondary"),
    ]
    assert (ha.local_role, ha.peer_role) == ("Primary", "Secondary")


def test_the_lab_words_each_release_as_the_real_captures_do() -> None:
    assert member_line("6.0.17", True, "fgt-a", "FG1", 1) == "Master: fgt-a, FG1, cluster index = 1"
    assert member_line("6.0.17", False, "fgt-b", "FG2", 0).startswith("Slave : fgt-b, FG2,")
    assert member_line("7.0.15", True, "FGT-fw-a", "FGT40", 1) == (
        "Primary     : FGT-fw-a       , FGT40, HA cluster index = 1"
    )
    assert election_reason("7.2.8", "FGT40Y") == (
        "its override priority is larger than peer member FGT40Y"
    )
    assert election_reason("6.4.9", "FG2") == "it has the largest value of override priority"


def test_fortios_management_ip_before_ip_does_not_hide_the_address() -> None:
    text = (
        "== [ wan1 ]\nname: wan1   mode: static    management-ip: 0.0.0.0 0.0.0.0   "
        "ip: 198.51.100.2 255.255.255.248   status: up    type: physical\n"
    )
    (iface,) = parse_output(platform="fortios", command="get system interface", text=text)
    assert (iface.address, iface.prefix_length) == ("198.51.100.2", 29)  # type: ignore[attr-defined]


def test_a_junos_probe_whose_result_cannot_be_read_is_a_parse_error() -> None:
    text = """Owner: egress, Test: isp1-icmp
Target address: 198.51.100.1, Source address: 198.51.100.2, Probe type: icmp-ping, Icmp-id: 23
Probe results:
  Responded after 3 retries: 2 ms
"""
    with pytest.raises(InputError, match="egress/isp1-icmp"):
        parse_output(platform="junos", command="show services rpm probe-results", text=text)


def test_an_ios_sla_summary_with_the_state_column_gives_every_operation() -> None:
    text = """ID       Type      Destination  State   Stats(ms)  ReturnCode  LastRun
---      ----      -----------  -----   -------  ----------  -------
100   icmp-jitter   192.0.2.2    Active   100      OK       22:49:53 PST Tue May 3 2011
102   tcp-connect   192.0.2.2    Active    -      NoConnection  22:49:53 PST Tue May 3 2011
"""
    records = parse_output(platform="ios", command="show ip sla summary", text=text)
    assert [(p.name, p.type, p.state, p.rtt_ms) for p in records if isinstance(p, Probe)] == [
        ("100", "icmp", "ok", 100.0),
        ("102", "tcp", "fail", None),
    ]


@pytest.mark.parametrize(
    ("platform", "command", "text", "line"),
    [
        (
            "ios",
            "show ip sla summary",
            "ID           Type        Destination       Stats       ReturnCode  LastRun\n"
            "*1           icmp-echo   192.0.2.10        RTT=4       OK          3 seconds ago\n"
            "*2           icmp-echo   192.0.2.11        RTT=4       OK\n",
            3,
        ),
        (
            "fortios",
            "get router info routing-table all",
            "Codes: K - kernel, C - connected, S - static, R - RIP, B - BGP\n\n"
            "Routing table for VRF=0\n"
            "S*      0.0.0.0/0 [10/0] via 198.51.100.1, port2, [1/0]\n"
            "S       10.9.0.0/16 [10/0] blackhole via something new\n",
            5,
        ),
        (
            "fortios",
            "get system ha status",
            "Mode: HA A-P\nGroup: 1\nPrimary : fw-a, FGVM01AAAA, HA cluster index = 0\n"
            "Secondary : fw-b, FGVM01BBBB, HA cluster index = 1, priority 100\n",
            4,
        ),
        (
            "junos",
            "show bfd session detail",
            "Address                  State     Interface      Time     Interval  Multiplier\n"
            "198.51.100.1             Up        ge-0/0/1.0     0.150     0.050        3\n"
            "203.0.113.1              Up        ge-0/0/2.0     0.150\n",
            3,
        ),
        (
            "junos",
            "show services rpm probe-results",
            "Owner: egress, Test: isp1\nTarget: 198.51.100.1, Probe type: icmp-ping\n",
            1,
        ),
        ("ios", "show track", "Track 5\n  Boolean AND is Up\n", 1),
    ],
)
def test_a_record_line_the_parser_cannot_read_fails_naming_it(
    platform: str, command: str, text: str, line: int
) -> None:
    with pytest.raises(InputError) as caught:
        parse_output(platform=platform, command=command, text=text)
    message = str(caught.value)
    assert command in message
    if command != "show track" and command != "show services rpm probe-results":
        assert f"line {line} " in message, message
