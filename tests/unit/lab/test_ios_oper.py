"""Operational show output of the IOS-XE emulator: parsed by egress's own IOS parsers, it says
what the network simulation decided (all up, then with the isp2 link cut)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from egress.lab.base import LabCredentials
from egress.lab.ios import oper, oper_routing
from egress.lab.ios.baseline import base_config
from egress.lab.ios.config import ConfigEditor, parse_config
from egress.lab.ios.facts import facts_from_config
from egress.lab.world import DeviceFacts, OpState, Topology, simulate
from egress.parse import parse_output

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "ams-edge-01.cfg"
NOW = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
ISP2 = "GigabitEthernet4"


@pytest.fixture(scope="module")
def facts() -> DeviceFacts:
    assert GOLDEN.exists(), "golden config not rendered yet"
    root = parse_config(base_config("ams-edge-01", credentials=LabCredentials()))
    editor = ConfigEditor(root)
    for line in GOLDEN.read_text().splitlines():
        editor.feed(line)
    return facts_from_config("ams-edge-01", root)


def state(facts: DeviceFacts, *down: str) -> OpState:
    cut = frozenset((facts.name, interface) for interface in down)
    return simulate({facts.name: facts}, Topology(segments=()), links_down=cut)[facts.name]


def parsed(command: str, text: str) -> list[dict[str, Any]]:
    return [r.model_dump() for r in parse_output(platform="ios", command=command, text=text)]


def test_vrrp(facts: DeviceFacts) -> None:
    (brief,) = parsed("show vrrp brief", oper.show_vrrp_brief(facts, state(facts)))
    assert (brief["interface"], brief["group"], brief["state"]) == (
        "GigabitEthernet2",
        10,
        "Master",
    )
    assert (brief["priority"], brief["vip"], brief["preempt"]) == (110, "10.10.0.1", True)
    text = oper.show_vrrp(facts, state(facts, ISP2), uptime_s=75.0)
    assert "Priority is 104 (Configured 110)" in text
    assert "Track object 2 state DOWN decrement 6" in text
    (detail,) = parsed("show vrrp", text)
    assert detail["priority"] == 104


def test_bfd(facts: DeviceFacts) -> None:
    sessions = parsed(
        "show bfd neighbors details",
        oper.show_bfd_neighbors_details(facts, state(facts, ISP2), uptime_s=3600.0),
    )
    assert [(s["peer"], s["interface"], s["state"]) for s in sessions] == [
        ("198.51.100.1", "GigabitEthernet3", "Up"),
        ("203.0.113.1", "GigabitEthernet4", "Down"),
    ]
    assert {(s["interval_ms"], s["multiplier"]) for s in sessions} == {(50, 3)}


def test_ip_sla_and_track(facts: DeviceFacts) -> None:
    op = state(facts, ISP2)
    stats = parsed(
        "show ip sla statistics", oper.show_ip_sla_statistics(facts, op, now=NOW, uptime_s=50.0)
    )
    assert [(p["name"], p["state"]) for p in stats] == [("1", "ok"), ("2", "fail")]
    # one operation per "frequency" since boot (sla 1 every 10 s, sla 2 every 15 s)
    text = oper.show_ip_sla_statistics(facts, op, now=NOW, uptime_s=50.0)
    assert "Number of successes: 6" in text and "Number of failures: 4" in text
    later = oper.show_ip_sla_statistics(facts, op, now=NOW, uptime_s=110.0)
    assert "Number of successes: 12" in later and "Number of failures: 8" in later
    summary = parsed("show ip sla summary", oper.show_ip_sla_summary(facts, op))
    assert [(p["name"], p["type"], p["target"]) for p in summary] == [
        ("1", "icmp", "192.0.2.10"),
        ("2", "http", "192.0.2.20"),
    ]
    track_text = oper.show_track(facts, op, uptime_s=60.0)
    assert "1 change, last change" in track_text and "2 changes, last change" in track_text
    tracks = parsed("show track", track_text)
    assert [(t["id"], t["object"], t["state"]) for t in tracks] == [
        (1, "ip sla 1 reachability", "Up"),
        (2, "ip sla 2 reachability", "Down"),
    ]


def test_routes_follow_the_probes(facts: DeviceFacts) -> None:
    both = parsed("show ip route", oper_routing.show_ip_route(facts, state(facts)))
    default = next(r for r in both if r["prefix"] == "0.0.0.0/0")
    assert [h["address"] for h in default["next_hops"]] == ["198.51.100.1", "203.0.113.1"]
    one = parsed("show ip route", oper_routing.show_ip_route(facts, state(facts, ISP2)))
    default = next(r for r in one if r["prefix"] == "0.0.0.0/0")
    assert [h["address"] for h in default["next_hops"]] == ["198.51.100.1"]
    assert not any(r["prefix"] == "203.0.113.0/29" for r in one)  # the cut link's subnet
    entry = oper_routing.show_ip_route_prefix(facts, state(facts), "0.0.0.0")
    assert "  * 198.51.100.1, via GigabitEthernet3\n" in entry
    assert "    203.0.113.1, via GigabitEthernet4\n" in entry
    assert oper_routing.show_ip_route_prefix(facts, state(facts), "10.99.0.0 255.255.0.0") == (
        "% Network not in table\n"
    )


def test_policy_routing(facts: DeviceFacts) -> None:
    (route_map,) = parsed(
        "show route-map", oper_routing.show_route_map(facts, state(facts), policy="EGRESS-PBR")
    )
    assert route_map["name"] == "EGRESS-PBR"
    assert [(e["seq"], e["next_hop"]) for e in route_map["entries"]] == [(10, "203.0.113.1")]
    down = oper_routing.show_route_map(facts, state(facts, ISP2), policy="EGRESS-PBR")
    assert "track 2  [down]" in down
    (policy,) = parsed("show ip policy", oper_routing.show_ip_policy(facts, policy="EGRESS-PBR"))
    assert policy["interfaces"] == ("GigabitEthernet2",)


def test_redundancy_group_alone(facts: DeviceFacts) -> None:
    text = oper_routing.show_redundancy_application_group(facts, state(facts), name="EGRESS-AMS")
    (group,) = parsed("show redundancy application group all", text)
    assert (group["group"], group["local_role"], group["in_sync"]) == (1, "Primary", False)


class _CutWorld:
    """A lab world in which one link of the router is cut."""

    def __init__(self, device: str, interface: str) -> None:
        self.cut = (device, interface)
        self.facts: DeviceFacts | None = None
        self.commits = 0

    def link_up(self, device: str, interface: str) -> bool:
        return (device, interface) != self.cut

    def config_committed(self, device: str) -> None:
        self.commits += 1

    def cluster_nodes(self, device: str) -> tuple[str, ...]:
        return ()

    def op_state(self, device: str) -> OpState:
        assert self.facts is not None
        return state(self.facts, self.cut[1])


def test_the_device_reads_the_lab_world(tmp_path: Path) -> None:
    from egress.lab.ios import IosDevice
    from egress.lab.ios.show import show_ip_interface_brief

    world = _CutWorld("ams-edge-01", ISP2)
    device = IosDevice(name="ams-edge-01", state_dir=tmp_path, world=world)
    assert GOLDEN.exists(), "golden config not rendered yet"
    assert device.merge(GOLDEN.read_text(), user="test") == []
    assert world.commits == 1  # the lab hears about every change of the running config
    world.facts = device.facts()
    brief = show_ip_interface_brief(device.running, device.op_state())
    assert "GigabitEthernet4       203.0.113.2     YES manual down                  down" in brief
    facts, op = device.network_state()
    assert [b.state for b in op.bfd] == ["Up", "Down"]


def _golden_facts(host: str) -> DeviceFacts:
    root = parse_config(base_config(host, credentials=LabCredentials()))
    editor = ConfigEditor(root)
    for line in (GOLDEN.parent / f"{host}.cfg").read_text().splitlines():
        editor.feed(line)
    return facts_from_config(host, root)


def test_redundancy_group_tracks_the_lan_port_and_hands_over() -> None:
    from egress.lab.world import HaFacts, Segment, VrrpTrackFacts

    pair = {h: _golden_facts(h) for h in ("fra-edge-01", "fra-edge-02")}
    ha = pair["fra-edge-01"].ha
    assert isinstance(ha, HaFacts)
    # the reducer reads `track 3 interface … line-protocol` and the ip sla one behind track 1
    assert ha.tracks == (
        VrrpTrackFacts(60, probe="isp1-tcp"),
        VrrpTrackFacts(60, interface="GigabitEthernet2"),
    )
    wiring = Topology(
        segments=(
            Segment("fra-ha", "ha", tuple((h, "GigabitEthernet5") for h in pair)),
            Segment("fra-lan", "lan", tuple((h, "GigabitEthernet2") for h in pair)),
        )
    )

    def roles(*down: tuple[str, str]) -> dict[str, list[str]]:
        states = simulate(pair, wiring, links_down=frozenset(down))
        shown = {}
        for host, facts in pair.items():
            text = oper_routing.show_redundancy_application_group(
                facts, states[host], name="EGRESS-FRA"
            )
            (group,) = parsed("show redundancy application group all", text)
            assert group["in_sync"] is True, host
            runtime = next(line for line in text.splitlines() if "Runtime priority" in line)
            shown[host] = [group["local_role"], runtime.strip()]
        return shown

    assert roles() == {
        "fra-edge-01": ["Primary", "Runtime priority: [150]"],
        "fra-edge-02": ["Secondary", "Runtime priority: [100]"],
    }
    assert roles(("fra-edge-01", "GigabitEthernet2")) == {
        "fra-edge-01": ["Secondary", "Runtime priority: [90]"],
        "fra-edge-02": ["Primary", "Runtime priority: [100]"],
    }


def test_vrrp_detail_prints_the_detail_layout_with_counters(facts: DeviceFacts) -> None:
    text = oper.show_vrrp(facts, state(facts), uptime_s=120.0, detail=True)
    # genieparser's IOS-XE ShowVrrpDetail capture: reason, advert and transition counters,
    # no blank line between groups
    assert "State change reason is VRRP_MASTER_NO_RESP" in text
    assert "VRRPv3 Advertisements: sent 120 (errors 0) - rcvd 0" in text
    assert "Group State transition:" in text and "\n\n" not in text
    (group,) = parsed("show vrrp detail", text)
    assert (group["state"], group["vip"]) == ("Master", "10.10.0.1")
    later = oper.show_vrrp(facts, state(facts), uptime_s=180.0, detail=True)
    assert "sent 180 (errors 0)" in later  # the counters move


def test_bfd_neighbors_is_the_one_line_table(facts: DeviceFacts) -> None:
    text = oper.show_bfd_neighbors(state(facts, ISP2))
    lines = [line for line in text.splitlines() if line]
    assert lines[:2] == [
        "IPv4 Sessions",
        "NeighAddr                              LD/RD         RH/RS     State     Int",
    ]
    assert [line.split()[0] for line in lines[2:]] == ["198.51.100.1", "203.0.113.1"]
    assert [line.split()[-2:] for line in lines[2:]] == [["Up", "Gi3"], ["Down", "Gi4"]]


def test_bfd_details_say_when_the_last_packet_came(facts: DeviceFacts) -> None:
    from ntc_templates.parse import parse_output as ntc_parse

    text = oper.show_bfd_neighbors_details(facts, state(facts, ISP2), uptime_s=3600.123)
    rows = ntc_parse(platform="cisco_ios", command="show bfd neighbors details", data=text)
    up, down = sorted(rows, key=lambda r: r["neighbor_addr"])
    assert int(up["rx_last"]) < 50 and int(up["tx_last"]) < 50  # within one 50 ms interval
    assert down["rx_count"] == "0" and int(down["rx_last"]) == 3600123


def test_redundancy_group_prints_log_counters_and_the_media_context(facts: DeviceFacts) -> None:
    text = oper_routing.show_redundancy_application_group(
        facts, state(facts), name="EGRESS-AMS", uptime_s=300.0
    )
    # genieparser's IOS-XE capture: RG Protocol and Media Context sections, indented with
    # spaces (the faults header keeps its tabs)
    assert "        Log counters:" in text and "RG Media Context for RG 1" in text
    assert "        Current Hello timer: 3000" in text
    protocol = text.split("RG Protocol RG 1", 1)[1]
    assert "\t" not in protocol
    assert "Pkts 100, Bytes 6200" in text  # one hello every 3 s for 300 s
    (group,) = parsed("show redundancy application group all", text)
    assert (group["group"], group["local_role"]) == (1, "Primary")


def test_older_ios_xe_prints_the_sla_summary_with_a_state_column(facts: DeviceFacts) -> None:
    op = state(facts, ISP2)
    text = oper.show_ip_sla_summary(facts, op, state_column=True)
    assert text.startswith("ID       Type      Destination  State   Stats(ms)  ReturnCode")
    probes = parsed("show ip sla summary", text)
    assert [(p["name"], p["state"], p["rtt_ms"]) for p in probes] == [
        ("1", "ok", 4.0),
        ("2", "fail", None),
    ]


def test_show_track_brief_is_the_table_of_show_track(facts: DeviceFacts) -> None:
    op = state(facts, ISP2)
    brief = parsed("show track brief", oper.show_track_brief(facts, op, uptime_s=60.0))
    full = parsed("show track", oper.show_track(facts, op, uptime_s=60.0))
    assert brief == full
