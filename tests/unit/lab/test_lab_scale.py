"""Cutting a large lab into server processes (egress/lab/scale.py): whole sites per server,
balanced, and one file name per server."""

from __future__ import annotations

from ipaddress import IPv4Address
from pathlib import Path

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


def test_a_large_lab_lists_every_port_on_two_known_hosts_lines(tmp_path: Path) -> None:
    """Past SHARED_KEYS_ABOVE devices: one key pair, two known_hosts lines (paramiko parses
    the whole file at every connection), and each device's key still checked by port."""
    import paramiko

    from egress.lab.control import _write_known_hosts
    from egress.lab.server import host_keys
    from egress.lab.spec import SHARED_KEYS, LabDeviceSpec, LabSpec

    devices = [LabDeviceSpec(name=f"d{i}", platform="ios", port=40000 + i) for i in range(3)]
    spec = LabSpec(inventory="x", devices=devices, segments=[], shared_host_keys=True)
    _write_known_hosts(spec, tmp_path)
    lines = (tmp_path / "known_hosts").read_text().splitlines()
    assert len(lines) == 2 and [line.split()[1] for line in lines] == ["ssh-rsa", "ssh-ed25519"]
    known = paramiko.HostKeys(str(tmp_path / "known_hosts"))
    served = host_keys(tmp_path, SHARED_KEYS)[1].export_public_key().decode().split()[1]
    for device in devices:
        entry = known.lookup(f"[127.0.0.1]:{device.port}")
        assert entry is not None and entry["ssh-ed25519"].get_base64() == served
    assert known.lookup("[127.0.0.1]:39999") is None
    assert spec.key_name("d1") == SHARED_KEYS
