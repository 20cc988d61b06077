"""The lab Junos prints its validation show commands so the project's parsers (and
ntc-templates) read back exactly the state the lab's simulation holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from ntc_templates.parse import parse_output as ntc_parse

from egress.lab.junos import JunosDevice
from egress.lab.server import LabNetwork
from egress.parse import parse_output
from egress.parse.schema import Bfd, Ha, Interface, Probe, Route, Vrrp
from tests.unit.lab.junos_net import apply_golden, cut, junos_network

TEXT_AND_XML = ["", " | display xml"]


def _device(network: LabNetwork, name: str) -> JunosDevice:
    device = network.devices[name]
    assert isinstance(device, JunosDevice)
    return device


def _parsed(device: JunosDevice, command: str) -> list[object]:
    return list(parse_output(platform="junos", command=command, text=device.cli(command)))


@pytest.fixture
def network(tmp_path: Path) -> LabNetwork:
    return junos_network(tmp_path, commit=("nyc-srx-01", "nyc-srx-02", "lon-srx-01"))


def test_vrrp_detail_and_summary_hold_the_election(network: LabNetwork) -> None:
    for name, state in (("nyc-srx-01", "Master"), ("nyc-srx-02", "Backup")):
        device = _device(network, name)
        op = device.network_state()[1]
        (detail,) = _parsed(device, "show vrrp detail")
        (summary,) = _parsed(device, "show vrrp summary")
        assert isinstance(detail, Vrrp) and isinstance(summary, Vrrp)
        assert (detail.state, summary.state) == (state, state) == (op.vrrp[0].state,) * 2
        assert detail.interface == summary.interface == "ge-0/0/1.0"
        assert detail.vip == summary.vip == "10.21.0.1"
        assert detail.priority == op.vrrp[0].effective_priority
        assert detail.preempt is True
    text = _device(network, "nyc-srx-02").cli("show vrrp summary")
    assert "mas    10.21.0.2" in text  # the backup names its master


@pytest.mark.parametrize("pipe", TEXT_AND_XML)
def test_bfd_rpm_and_route_healthy(network: LabNetwork, pipe: str) -> None:
    device = _device(network, "nyc-srx-01")
    op = device.network_state()[1]
    bfd = _parsed(device, f"show bfd session detail{pipe}")
    assert [
        (b.peer, b.state, b.interval_ms, b.multiplier, b.interface)
        for b in bfd
        if isinstance(b, Bfd)
    ] == [(str(s.peer), s.state, s.interval_ms, s.multiplier, f"{s.interface}.0") for s in op.bfd]
    probes = _parsed(device, f"show services rpm probe-results{pipe}")
    assert [
        (p.name, p.type, p.target, p.state, p.rtt_ms) for p in probes if isinstance(p, Probe)
    ] == [
        ("EGRESS-ISP1/isp1-http", "http", "192.0.2.20", "ok", 18.0),
        ("EGRESS-ISP2/isp2-icmp", "icmp", "192.0.2.10", "ok", 4.0),
    ]
    (route,) = _parsed(device, f"show route 0.0.0.0/0 exact{pipe}")
    assert isinstance(route, Route) and route.prefix == "0.0.0.0/0"
    # real Junos marks one next hop ">" even when both are in the forwarding table
    assert [(h.address, h.interface, h.selected) for h in route.next_hops] == [
        ("198.51.100.25", "ge-0/0/2.0", True),
        ("203.0.113.25", "ge-0/0/3.0", False),
    ]


@pytest.mark.parametrize("pipe", TEXT_AND_XML)
def test_a_cut_uplink_downs_its_bfd_probe_and_ecmp_path(
    network: LabNetwork, tmp_path: Path, pipe: str
) -> None:
    cut(tmp_path, ("nyc-srx-01", "ge-0/0/2"))
    device = _device(network, "nyc-srx-01")
    states = {
        b.peer: b.state
        for b in _parsed(device, f"show bfd session detail{pipe}")
        if isinstance(b, Bfd)
    }
    assert states == {"198.51.100.25": "Down", "203.0.113.25": "Up"}
    results = _parsed(device, f"show services rpm probe-results{pipe}")
    probes = {p.name: p.state for p in results if isinstance(p, Probe)}
    assert probes == {"EGRESS-ISP1/isp1-http": "fail", "EGRESS-ISP2/isp2-icmp": "ok"}
    (route,) = _parsed(device, f"show route 0.0.0.0/0 exact{pipe}")
    assert isinstance(route, Route)
    assert [h.address for h in route.next_hops] == ["203.0.113.25"]
    terse = {
        i.name: i.status
        for i in _parsed(device, "show interfaces terse")
        if isinstance(i, Interface)
    }
    assert terse["ge-0/0/2"] == "down" and terse["ge-0/0/2.0"] == "down"
    assert terse["ge-0/0/3"] == "up"
    # VRRP keeps its master: the failed isp1 probe's tracked route costs 6 (110 -> 104 > 100)
    (vrrp,) = _parsed(device, "show vrrp detail")
    assert isinstance(vrrp, Vrrp) and (vrrp.state, vrrp.priority) == ("Master", 104)


def test_a_cut_lan_hands_vrrp_to_the_peer(network: LabNetwork, tmp_path: Path) -> None:
    cut(tmp_path, ("nyc-srx-01", "ge-0/0/1"))
    (primary,) = _parsed(_device(network, "nyc-srx-01"), "show vrrp summary")
    (peer,) = _parsed(_device(network, "nyc-srx-02"), "show vrrp detail")
    assert isinstance(primary, Vrrp) and isinstance(peer, Vrrp)
    assert (primary.state, peer.state) == ("Init", "Master")


def test_standalone_everything_configured_is_up(tmp_path: Path) -> None:
    device = JunosDevice(name="nyc-srx-01", state_dir=tmp_path)
    apply_golden(device)
    (vrrp,) = _parsed(device, "show vrrp detail")
    assert isinstance(vrrp, Vrrp) and vrrp.state == "Master"
    (route,) = _parsed(device, "show route 0.0.0.0/0")
    assert isinstance(route, Route) and len(route.next_hops) == 2
    assert all(
        isinstance(b, Bfd) and b.state == "Up" for b in _parsed(device, "show bfd session detail")
    )
    with pytest.raises(Exception, match="Chassis cluster is not enabled"):
        device.cli("show chassis cluster status")


def test_plain_bfd_session_prints_the_detail_session_lines(network: LabNetwork) -> None:
    device = _device(network, "nyc-srx-01")
    plain = device.cli("show bfd session").splitlines()
    detail = device.cli("show bfd session detail").splitlines()
    assert plain[:2] == detail[:2] and plain[2] == detail[2]
    assert plain[-2:] == detail[-2:]


# -- the chassis cluster ----------------------------------------------------------------
def test_the_secondary_takes_the_primarys_commit(network: LabNetwork) -> None:
    primary, secondary = _device(network, "lon-srx-01"), _device(network, "lon-srx-02")
    assert secondary.committed_text() == primary.committed_text()
    assert secondary.db.history[0].log == "synchronized from the cluster peer"
    assert secondary.facts().ha is not None
    # a rollback that commits is mirrored too
    primary.db.candidate = primary.db.rollback_config(1)
    primary.commit(user="egress")
    assert secondary.committed_text() == primary.committed_text()
    assert secondary.facts().ha is None


def test_import_alone_commits_only_a_change(tmp_path: Path) -> None:
    device = JunosDevice(name="lon-srx-02", state_dir=tmp_path)
    source = JunosDevice(name="lon-srx-01", state_dir=tmp_path / "other")
    apply_golden(source)
    device.import_cluster_config(source.export_cluster_config())
    device.import_cluster_config(source.export_cluster_config())
    assert len(device.db.history) == 2
    assert device.committed_text() == source.committed_text()


@pytest.mark.parametrize("pipe", TEXT_AND_XML)
def test_cluster_status_names_the_local_node_and_the_peer(network: LabNetwork, pipe: str) -> None:
    for name, local, peer in (
        ("lon-srx-01", "Primary", "Secondary"),
        ("lon-srx-02", "Secondary", "Primary"),
    ):
        device = _device(network, name)
        text = device.cli(f"show chassis cluster status{pipe}")
        node = "node0" if name == "lon-srx-01" else "node1"
        assert f"{{{local.lower()}:{node}}}" in text
        records = [
            r
            for r in parse_output(
                platform="junos", command=f"show chassis cluster status{pipe}", text=text
            )
            if isinstance(r, Ha)
        ]
        assert [r.group for r in records] == [0, 1]
        for record in records:
            assert (record.local_role, record.peer_role, record.in_sync) == (local, peer, True)
            assert [(m.name, m.priority) for m in record.members] == [
                ("node0", 200),
                ("node1", 100),
            ]


def test_a_cut_fabric_loses_the_peer(network: LabNetwork, tmp_path: Path) -> None:
    cut(tmp_path, ("lon-srx-01", "ge-0/0/2"))
    records = _parsed(_device(network, "lon-srx-01"), "show chassis cluster status")
    assert all(
        isinstance(r, Ha) and (r.local_role, r.peer_role, r.in_sync) == ("Primary", "Lost", False)
        for r in records
    )


def test_cluster_status_parses_with_ntc_templates(network: LabNetwork) -> None:
    device = _device(network, "lon-srx-01")
    # the command's own output, without the CLI's node banner (the ntc captures have none)
    text = device.cli("show chassis cluster status").replace("{primary:node0}", "")
    rows = ntc_parse(platform="juniper_junos", command="show chassis cluster status", data=text)
    ours = [
        r
        for r in parse_output(
            platform="junos",
            command="show chassis cluster status",
            text=device.cli("show chassis cluster status"),
        )
        if isinstance(r, Ha)
    ]
    assert [row["redundancy_group_id"] for row in rows] == [str(r.group) for r in ours]
    for row, record in zip(rows, ours, strict=True):
        assert row["cluster_id"] == "1"
        assert row["node"] == [m.name for m in record.members]
        assert row["priority"] == [str(m.priority) for m in record.members]
        assert row["status"] == [m.role.lower() for m in record.members]
        assert row["monitor_failures"] == ["None", "None"]
    assert [row["preempt"] for row in rows] == [["no", "no"], ["yes", "yes"]]


@pytest.mark.parametrize(
    "command", ["show route 0.0.0.0/0 exact", "show interfaces terse", "show bfd session detail"]
)
def test_display_json_is_the_xml_reply_in_junos_json(network: LabNetwork, command: str) -> None:
    import json

    device = _device(network, "nyc-srx-01")
    text = device.cli(f"{command} | display json")
    document = json.loads(text)  # Junos answers JSON, not the text layout
    (root,) = document.values()
    assert isinstance(root, list) and isinstance(root[0], dict)
    if command != "show bfd session detail":  # egress reads route and terse JSON
        assert _parsed(device, f"{command} | display json") == _parsed(device, command)


def test_display_json_of_a_command_the_lab_prints_as_text_only_is_refused(
    network: LabNetwork,
) -> None:
    with pytest.raises(Exception, match="text only"):
        _device(network, "nyc-srx-01").cli("show vrrp detail | display json")


def test_the_forwarding_table_holds_every_ecmp_next_hop_only_with_load_balance_per_packet(
    network: LabNetwork,
) -> None:
    from egress.lab.junos.facts import load_balances
    from egress.lab.junos.fwdtable import show_forwarding_table

    device = _device(network, "nyc-srx-01")
    assert load_balances(device.db.committed())  # the ECMP template exports the policy
    command = "show route forwarding-table destination 0.0.0.0/0 table default"
    user = [r for r in _parsed(device, command) if isinstance(r, Route) and r.protocol == "user"]
    (route,) = user
    (shown,) = _parsed(device, "show route 0.0.0.0/0 exact")
    assert isinstance(shown, Route)
    # show route marks one hop; the forwarding table holds both
    assert sum(1 for h in shown.next_hops if h.selected) == 1
    assert {h.address for h in route.next_hops} == {h.address for h in shown.next_hops}
    facts, op = device.network_state()
    without = show_forwarding_table(facts, op, prefix=None, load_balance=False)
    assert "ulst" not in without and without.count(" ucst ") == 1
