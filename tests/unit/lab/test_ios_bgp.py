"""``show ip bgp neighbors X advertised-routes`` of the IOS-XE emulator (issue 19): parsed by
egress's own parser, the announcement follows the Null0 static's track (LAN line-protocol
and the link's probe) and the neighbor's outbound route-map."""

from __future__ import annotations

from pathlib import Path

from egress.lab.base import LabCredentials
from egress.lab.ios.baseline import base_config
from egress.lab.ios.config import ConfigEditor, Node, parse_config
from egress.lab.ios.facts import facts_from_config
from egress.lab.ios.oper_bgp import show_ip_bgp_neighbor_advertised, show_ip_bgp_summary
from egress.lab.world import Topology, simulate
from egress.parse import parse_output

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
LAN, ISP1, ISP2 = "GigabitEthernet2", "GigabitEthernet3", "GigabitEthernet4"


def _root(host: str) -> Node:
    root = parse_config(base_config(host, credentials=LabCredentials()))
    editor = ConfigEditor(root)
    for line in (GOLDEN / f"{host}.cfg").read_text().splitlines():
        editor.feed(line)
    return root


def _advertised(
    host: str, neighbor: str, *down: str, brownout: str | None = None
) -> tuple[list[str], str]:
    root = _root(host)
    facts = facts_from_config(host, root)
    cut = frozenset((host, interface) for interface in down)
    upstreams = frozenset({(host, brownout)} if brownout else ())
    op = simulate({host: facts}, Topology(segments=()), links_down=cut, upstreams_down=upstreams)[
        host
    ]
    text = show_ip_bgp_neighbor_advertised(root, facts, op, neighbor)
    command = f"show ip bgp neighbors {neighbor} advertised-routes"
    return [r.prefix for r in parse_output(platform="ios", command=command, text=text)], text


def test_announced_to_both_isps_while_healthy() -> None:
    assert _advertised("ams-edge-01", "198.51.100.1")[0] == ["192.0.2.128/28"]
    assert _advertised("ams-edge-01", "203.0.113.1")[0] == ["192.0.2.128/28"]


def test_lan_down_withdraws_from_every_isp() -> None:
    for neighbor in ("198.51.100.1", "203.0.113.1"):
        prefixes, text = _advertised("ams-edge-01", neighbor, LAN)
        assert prefixes == []
        assert "Total number of prefixes 0" in text


def test_cut_link_withdraws_from_its_isp_only() -> None:
    # the isp1 session is down (its link), isp2 still hears the prefix (its probe holds)
    assert _advertised("ams-edge-01", "198.51.100.1", ISP1)[0] == []
    assert _advertised("ams-edge-01", "203.0.113.1", ISP1)[0] == ["192.0.2.128/28"]


def test_prepend_in_the_path_column() -> None:
    _, text = _advertised("fra-edge-02", "198.51.100.9")
    assert "192.0.2.144/28" in text
    assert text.splitlines()[-3].endswith("32768 65011 65011 65011 i")


def test_unknown_neighbor() -> None:
    assert "No such neighbor" in _advertised("ams-edge-01", "192.0.2.1")[1]


def test_brownout_withdraws_from_the_browned_out_isp_only() -> None:
    # isp1's probe fails, its session stays up: the advertise-map follows isp1's marker
    # route (its probe track), so isp1 stops hearing the prefix and isp2 keeps it
    assert _advertised("ams-edge-01", "198.51.100.1", brownout=ISP1)[0] == []
    assert _advertised("ams-edge-01", "203.0.113.1", brownout=ISP1)[0] == ["192.0.2.128/28"]


def test_the_marker_routes_never_reach_an_isp() -> None:
    for neighbor in ("198.51.100.1", "203.0.113.1"):
        assert "198.18.255" not in _advertised("ams-edge-01", neighbor)[1]


def test_summary_sessions_follow_the_links() -> None:
    host = "ams-edge-01"
    root = _root(host)
    facts = facts_from_config(host, root)
    cut = frozenset({(host, ISP1)})
    for links_down, want in (
        (frozenset(), {"198.51.100.1": "Established", "203.0.113.1": "Established"}),
        (cut, {"198.51.100.1": "Idle", "203.0.113.1": "Established"}),
    ):
        op = simulate({host: facts}, Topology(segments=()), links_down=links_down)[host]
        text = show_ip_bgp_summary(root, facts, op, uptime_s=3725)
        records = parse_output(platform="ios", command="show ip bgp summary", text=text)
        assert {r.neighbor: r.state for r in records} == want  # type: ignore[attr-defined]
        assert {r.remote_as for r in records} == {64496, 64497}  # type: ignore[attr-defined]
