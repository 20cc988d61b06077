"""Cutting a large lab into server processes (egress/lab/scale.py): whole sites per server,
balanced, and one file name per server."""

from __future__ import annotations

from ipaddress import IPv4Address

from egress.lab.scale import assign_servers, components, default_servers, file_of
from egress.lab.world import Segment, Topology


def test_devices_joined_by_any_link_stay_together() -> None:
    topology = Topology(
        (
            Segment("a-lan", "lan", (("a1", "lan"), ("a2", "lan"))),
            Segment("a-ha", "ha", (("a2", "ha"), ("a3", "ha"))),
            Segment("b-isp1", "isp", (("b1", "wan"),), IPv4Address("192.0.2.1")),
        )
    )
    assert components(["a1", "a2", "a3", "b1", "c1"], topology) == [
        ["a1", "a2", "a3"],
        ["b1"],
        ["c1"],
    ]


def test_sites_are_spread_evenly_and_never_split() -> None:
    groups = [[f"s{i}-1", f"s{i}-2"] for i in range(7)] + [["big-1", "big-2", "big-3"]]
    placed = assign_servers(groups, 3)
    for group in groups:
        assert len({placed[name] for name in group}) == 1
    load = [sum(1 for s in placed.values() if s == k) for k in range(3)]
    assert max(load) - min(load) <= 1, load


def test_a_small_lab_is_one_server_and_server_files_keep_the_single_name() -> None:
    assert default_servers(12) == 1
    assert file_of("lab.pid", 0) == "lab.pid"
    assert file_of("lab.pid", 2) == "lab.2.pid"
    assert file_of("ready", 1) == "ready.1"
