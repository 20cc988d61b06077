"""The FortiOS emulator's BGP (issue 19): ``get router info bgp neighbors X advertised-routes``
follows the template's conditional advertisement (the LAN's connected route and the link's
default route, which the link-monitor removes while its probe fails), and ``get router info
bgp summary`` the links; both parsed by egress's own parsers."""

from __future__ import annotations

from pathlib import Path

from egress.lab.fortios.facts import facts_from_config
from egress.lab.fortios.oper_bgp import (
    get_router_info_bgp_neighbor_advertised,
    get_router_info_bgp_summary,
)
from egress.lab.world import OpState, Topology, simulate
from egress.parse import parse_output
from napalm_fortios.tree import Node, parse

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
HOST = "syd-fgt-01"
ISP1, ISP2 = "198.51.100.41", "203.0.113.41"
PREFIX = "192.0.2.208/28"
TOPOLOGY = Topology(segments=())


def _state(**kwargs: frozenset[tuple[str, str]]) -> tuple[Node, OpState]:
    root = parse((GOLDEN / f"{HOST}.cfg").read_text())
    facts = facts_from_config(HOST, root)
    return root, simulate({HOST: facts}, TOPOLOGY, **kwargs)[HOST]


def _advertised(
    neighbor: str, release: str = "7.4.3", **kwargs: frozenset[tuple[str, str]]
) -> list[str]:
    root, op = _state(**kwargs)
    facts = facts_from_config(HOST, root)
    lines = get_router_info_bgp_neighbor_advertised(root, facts, op, neighbor, release=release)
    command = f"get router info bgp neighbors {neighbor} advertised-routes"
    records = parse_output(platform="fortios", command=command, text="\n".join(lines))
    return [r.prefix for r in records]  # type: ignore[attr-defined]


def test_announced_to_both_isps_while_healthy() -> None:
    assert _advertised(ISP1) == [PREFIX]
    assert _advertised(ISP2) == [PREFIX]


def test_brownout_withdraws_from_the_browned_out_isp_only() -> None:
    brownout = frozenset({(HOST, "port3")})
    assert _advertised(ISP1, upstreams_down=brownout) == []
    assert _advertised(ISP2, upstreams_down=brownout) == [PREFIX]


def test_lan_down_withdraws_from_every_isp() -> None:
    lan = frozenset({(HOST, "port2")})
    assert _advertised(ISP1, links_down=lan) == []
    assert _advertised(ISP2, links_down=lan) == []


def test_cut_link_drops_its_session_and_its_announcement() -> None:
    cut = frozenset({(HOST, "port3")})
    assert _advertised(ISP1, links_down=cut) == []
    assert _advertised(ISP2, links_down=cut) == [PREFIX]
    root, op = _state(links_down=cut)
    facts = facts_from_config(HOST, root)
    text = "\n".join(get_router_info_bgp_summary(root, facts, op, uptime_s=90000))
    records = parse_output(platform="fortios", command="get router info bgp summary", text=text)
    assert {r.neighbor: r.state for r in records} == {  # type: ignore[attr-defined]
        ISP1: "Idle",
        ISP2: "Established",
    }


def test_the_6x_layout_has_no_vrf_line() -> None:
    root, op = _state()
    facts = facts_from_config(HOST, root)
    lines = get_router_info_bgp_neighbor_advertised(root, facts, op, ISP1, release="6.0.17")
    assert lines[0].startswith("BGP table version") and "<-/->" not in "\n".join(lines)
    assert _advertised(ISP1, release="6.0.17") == [PREFIX]


def test_the_isp_routers_answer_at_their_segments_gateway_only() -> None:
    from ipaddress import IPv4Address

    from egress.lab.world import Segment

    root = parse((GOLDEN / f"{HOST}.cfg").read_text())
    facts = facts_from_config(HOST, root)
    wired = Topology(
        segments=(
            Segment("isp1", "isp", ((HOST, "port3"),), gateway=IPv4Address(ISP1)),
            Segment("isp2", "isp", ((HOST, "port4"),), gateway=IPv4Address("203.0.113.46")),
        )
    )
    op = simulate({HOST: facts}, wired)[HOST]
    # the design's isp2 neighbor is not where the lab's isp2 router sits: no session there
    assert op.isp_routers == {IPv4Address(ISP1), IPv4Address("203.0.113.46")}
    text = "\n".join(get_router_info_bgp_summary(root, facts, op, uptime_s=60))
    records = parse_output(platform="fortios", command="get router info bgp summary", text=text)
    assert {r.neighbor: r.state for r in records} == {  # type: ignore[attr-defined]
        ISP1: "Established",
        ISP2: "Active",
    }
    assert _state()[1].isp_routers is None  # simulated alone: every neighbour answers
