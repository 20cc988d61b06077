"""``show route advertising-protocol bgp X`` of the Junos emulator (issue 19): parsed by
egress's own parser, the announcement follows the export chain's conditions (the LAN's
interface route, the ip-monitoring /32 held up by the link's RPM probe)."""

from __future__ import annotations

from pathlib import Path

from egress.lab.junos.bgp_adv import show_bgp_summary, show_route_advertising_bgp
from egress.lab.junos.config import new_root
from egress.lab.junos.facts import facts_from_config
from egress.lab.junos.setfmt import apply_set
from egress.lab.world import Topology, simulate
from egress.parse import parse_output

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
HOST, ISP1, ISP2 = "nyc-srx-01", "198.51.100.25", "203.0.113.25"


def _advertised(neighbor: str, *, down: tuple[str, ...] = ()) -> tuple[list[str], str]:
    root = new_root()
    assert apply_set(root, (GOLDEN / f"{HOST}.cfg").read_text()) == []
    facts = facts_from_config(HOST, root)
    cut = frozenset((HOST, port) for port in down)
    op = simulate({HOST: facts}, Topology(()), links_down=cut)[HOST]
    text = show_route_advertising_bgp(root, facts, op, neighbor)
    command = f"show route advertising-protocol bgp {neighbor}"
    return [r.prefix for r in parse_output(platform="junos", command=command, text=text)], text


def _port(address: str) -> str:
    root = new_root()
    apply_set(root, (GOLDEN / f"{HOST}.cfg").read_text())
    facts = facts_from_config(HOST, root)
    return next(i.name for i in facts.interfaces if i.address and address in str(i.address))


def test_announced_to_both_isps_while_healthy() -> None:
    assert _advertised(ISP1)[0] == ["192.0.2.176/28"]
    prefixes, text = _advertised(ISP2)
    assert prefixes == ["192.0.2.176/28"]
    assert "Prefix                  Nexthop              MED     Lclpref    AS path" in text


def test_lan_down_withdraws_from_every_isp() -> None:
    lan = _port("10.21.0.")
    assert _advertised(ISP1, down=(lan,)) == ([], "")
    assert _advertised(ISP2, down=(lan,)) == ([], "")


def test_cut_link_withdraws_from_its_isp_only() -> None:
    isp1 = _port("198.51.100.")
    assert _advertised(ISP1, down=(isp1,))[0] == []
    assert _advertised(ISP2, down=(isp1,))[0] == ["192.0.2.176/28"]


def test_brownout_withdraws_from_the_browned_out_isp_only() -> None:
    root = new_root()
    assert apply_set(root, (GOLDEN / f"{HOST}.cfg").read_text()) == []
    facts = facts_from_config(HOST, root)
    brownout = frozenset({(HOST, _port("198.51.100.2"))})
    op = simulate({HOST: facts}, Topology(()), upstreams_down=brownout)[HOST]
    command = "show route advertising-protocol bgp {}"
    got = {
        n: [
            r.prefix  # type: ignore[attr-defined]
            for r in parse_output(
                platform="junos",
                command=command.format(n),
                text=show_route_advertising_bgp(root, facts, op, n),
            )
        ]
        for n in (ISP1, ISP2)
    }
    assert got == {ISP1: [], ISP2: ["192.0.2.176/28"]}


def test_summary_sessions_follow_the_links() -> None:
    root = new_root()
    assert apply_set(root, (GOLDEN / f"{HOST}.cfg").read_text()) == []
    facts = facts_from_config(HOST, root)
    cut = frozenset({(HOST, _port("198.51.100.2"))})
    for links_down, want in (
        (frozenset(), {ISP1: "Established", ISP2: "Established"}),
        (cut, {ISP1: "Idle", ISP2: "Established"}),
    ):
        op = simulate({HOST: facts}, Topology(()), links_down=links_down)[HOST]
        text = show_bgp_summary(root, facts, op, uptime_s=700000)
        records = parse_output(platform="junos", command="show bgp summary", text=text)
        assert {r.neighbor: r.state for r in records} == want  # type: ignore[attr-defined]
        assert f"Down peers: {1 if links_down else 0}" in text
