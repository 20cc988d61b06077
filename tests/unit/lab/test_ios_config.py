"""The IOS-XE emulator's running-config model: config-mode editing, merge and replace rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from egress.lab.base import LabCredentials
from egress.lab.ios.archive import incremental_diff
from egress.lab.ios.baseline import base_config
from egress.lab.ios.config import ConfigEditor, Node, Outcome, parse_config, render_body


def render(root: Node) -> str:
    return "\n".join(render_body(root))


def edit(root: Node, *lines: str, reject: str | None = None) -> list[Outcome]:
    editor = ConfigEditor(root, reject=re.compile(reject) if reject else None)
    return [editor.feed(line).outcome for line in lines]


@pytest.fixture
def base() -> Node:
    return parse_config(base_config("edge1", credentials=LabCredentials()))


def test_base_config_round_trips(base: Node) -> None:
    again = parse_config(render(base))
    assert render(again) == render(base)
    assert base.child("ip scp server enable") is not None
    archive = base.child("archive")
    assert archive is not None and archive.child("path flash:archive") is not None


def test_indentation_builds_the_hierarchy() -> None:
    root = parse_config(
        "interface GigabitEthernet2\n"
        " vrrp 1 address-family ipv4\n"
        "  address 198.51.100.254 primary\n"
        "  priority 110\n"
        " ip policy route-map VOICE\n"
        "ip sla 10\n"
        " icmp-echo 8.8.8.8 source-interface GigabitEthernet2\n"
        " frequency 5\n"
        "redundancy\n"
        " application redundancy\n"
        "  group 1\n"
        "   name RG1\n"
    )
    iface = root.child("interface GigabitEthernet2")
    assert iface is not None
    assert [c.text for c in iface.children] == [
        "vrrp 1 address-family ipv4",
        "ip policy route-map VOICE",
    ]
    vrrp = iface.child("vrrp 1 address-family ipv4")
    assert vrrp is not None and [c.text for c in vrrp.children][1] == "priority 110"
    sla = root.child("ip sla 10")
    assert sla is not None and len(sla.children) == 2  # icmp-echo's options stay siblings
    assert "redundancy\n application redundancy\n  group 1\n   name RG1" in render(root)


def test_typed_lines_stay_in_the_sub_mode_until_a_global_command() -> None:
    root = Node()
    editor = ConfigEditor(root)
    for line in (
        "interface GigabitEthernet3",
        "description typed",
        "ip address 10.0.0.1 255.0.0.0",
    ):
        editor.feed(line)
    assert editor.mode == "config-if"
    editor.feed("ip route 0.0.0.0 0.0.0.0 10.0.0.2")
    assert editor.mode == "config"
    assert "interface GigabitEthernet3\n description typed\n ip address 10.0.0.1 255.0.0.0" in (
        render(root)
    )
    assert root.child("ip route 0.0.0.0 0.0.0.0 10.0.0.2") is not None


def test_exit_end_and_section_exits() -> None:
    root = Node()
    editor = ConfigEditor(root)
    editor.feed("router bgp 65000")
    editor.feed(" address-family ipv4")
    assert editor.mode == "config-router-af"
    assert editor.feed(" exit-address-family").outcome is Outcome.APPLIED
    assert editor.mode == "config-router"
    editor.feed("exit")
    assert editor.mode == "config"
    assert editor.feed("exit").outcome is Outcome.END
    assert editor.feed("end").outcome is Outcome.END
    assert "router bgp 65000\n address-family ipv4\n exit-address-family" in render(root)


def test_merge_replaces_single_value_commands(base: Node) -> None:
    edit(
        base,
        "hostname edge9",
        "interface GigabitEthernet1",
        " description new",
        " ip address 192.0.2.99 255.255.255.0",
        " ip address 192.0.2.100 255.255.255.0 secondary",
    )
    iface = base.child("interface GigabitEthernet1")
    assert iface is not None
    texts = [c.text for c in iface.children]
    assert texts.count("description new") == 1 and "description OOB management" not in texts
    assert "ip address 192.0.2.99 255.255.255.0" in texts
    assert "ip address 192.0.2.100 255.255.255.0 secondary" in texts
    assert base.child("hostname edge9") is not None and base.child("hostname edge1") is None


def test_no_removes_and_stored_negations(base: Node) -> None:
    edit(base, "interface GigabitEthernet2", " ip address 198.51.100.2 255.255.255.252")
    iface = base.child("interface GigabitEthernet2")
    assert iface is not None and iface.child("no ip address") is None
    edit(base, "interface GigabitEthernet2", " no shutdown", " no ip address")
    assert iface.child("shutdown") is None
    assert iface.child("no ip address") is not None
    assert not any(c.text.startswith("ip address") for c in iface.children)
    edit(base, "no interface GigabitEthernet4", "no ip domain lookup")
    assert base.child("interface GigabitEthernet4") is None
    assert base.child("no ip domain lookup") is not None


def test_rejected_section_rejects_its_children() -> None:
    root = Node()
    outcomes = edit(
        root,
        "interface GigabitEthernet2",
        " bfd interval 50 min_rx 50 multiplier 3",
        "track 1 ip sla 1 reachability",
        " delay down 5 up 5",
        "ip route 0.0.0.0 0.0.0.0 198.51.100.1",
        reject=r"^track ",
    )
    assert outcomes == [
        Outcome.APPLIED,
        Outcome.APPLIED,
        Outcome.REJECTED,
        Outcome.REJECTED,
        Outcome.APPLIED,
    ]
    assert "delay" not in render(root)
    assert root.child("ip route 0.0.0.0 0.0.0.0 198.51.100.1") is not None


def test_show_order_is_ios_order_not_typing_order() -> None:
    root = parse_config(
        "ip route 0.0.0.0 0.0.0.0 198.51.100.1\n"
        "interface GigabitEthernet3\n shutdown\n"
        "interface Loopback0\n ip address 10.255.0.1 255.255.255.255\n"
        "interface GigabitEthernet2\n shutdown\n description late\n"
        "hostname r1\n"
    )
    text = render(root)
    order = [
        text.index("hostname r1"),
        text.index("interface Loopback0"),
        text.index("interface GigabitEthernet2"),
        text.index("interface GigabitEthernet3"),
        text.index("ip route"),
    ]
    assert order == sorted(order)
    assert "interface GigabitEthernet2\n description late\n shutdown" in text


def test_parse_ignores_saved_config_noise() -> None:
    text = (
        "Building configuration...\n\nCurrent configuration : 10 bytes\n!\n"
        "! Last configuration change at 10:00:00 UTC Thu Nov 26 2026\n!\nhostname r1\n!\nend\n"
    )
    assert render(parse_config(text)) == "hostname r1"


GOLDEN = Path(__file__).parents[2] / "golden"


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*-edge-*.cfg")) or ["missing"])
def test_rendered_config_merges_idempotently(base: Node, name: str) -> None:
    """A rendered IOS config merged twice changes nothing the second time (napalm's
    compare_config after a commit is empty)."""
    path = GOLDEN / f"{name}.cfg"
    assert path.exists(), "no rendered IOS golden configs"
    text = path.read_text()
    editor = ConfigEditor(base)
    assert all(editor.feed(line).outcome is not Outcome.REJECTED for line in text.splitlines())
    assert incremental_diff(base, text, ignorecase=True, reject=None).endswith(
        "end\n!No changes were found\n"
    )
    shown = render(base)
    assert "  exit-vrrp" in shown  # IOS closes VRRPv3 blocks in show running-config
    assert re.search(r"ip access-list extended \S+\n 10 permit ", shown)
    assert render(parse_config(shown)) == shown


def test_static_routes_acl_entries_and_vrrp_preempt() -> None:
    root = Node()
    edit(
        root,
        "ip route 0.0.0.0 0.0.0.0 GigabitEthernet3 198.51.100.1 1 name A track 1",
        "ip route 0.0.0.0 0.0.0.0 GigabitEthernet3 198.51.100.1 5 name A track 1",
        "ip route 0.0.0.0 0.0.0.0 GigabitEthernet4 203.0.113.1",
        "ip access-list extended PBR",
        " permit ip any any dscp ef",
        " permit ip any any dscp ef",
        " deny ip any any",
        "interface GigabitEthernet2",
        " vrrp 10 address-family ipv4",
        "  no preempt",
    )
    routes = [c.text for c in root.children if c.text.startswith("ip route")]
    assert routes == [
        "ip route 0.0.0.0 0.0.0.0 GigabitEthernet3 198.51.100.1 5 name A track 1",
        "ip route 0.0.0.0 0.0.0.0 GigabitEthernet4 203.0.113.1",
    ]
    acl = root.child("ip access-list extended PBR")
    assert acl is not None
    assert [c.text for c in acl.children] == ["10 permit ip any any dscp ef", "20 deny ip any any"]
    edit(root, "ip access-list extended PBR", " no permit ip any any dscp ef")
    assert [c.text for c in acl.children] == ["20 deny ip any any"]
    assert "  no preempt\n  exit-vrrp" in render(root)
    edit(
        root,
        "interface GigabitEthernet2",
        " vrrp 10 address-family ipv4",
        "  preempt delay minimum 30",
    )
    assert "  preempt delay minimum 30\n  exit-vrrp" in render(root)


# -- issue 11: a scheduled IP SLA operation refuses re-entry, as on IOS-XE -----------------
SLA = (
    "ip sla 1\n"
    " icmp-echo 192.0.2.10 source-interface GigabitEthernet3\n"
    " frequency 10\n"
    "ip sla schedule 1 life forever start-time now\n"
    "track 1 ip sla 1 reachability\n"
)


def test_scheduled_sla_refuses_reentry_and_its_subcommands(base: Node) -> None:
    editor = ConfigEditor(base)
    for line in SLA.splitlines():
        assert editor.feed(line).outcome is not Outcome.REJECTED
    refused = editor.feed("ip sla 1")
    assert refused.outcome is Outcome.REJECTED
    assert refused.message.startswith("%Entry already running and cannot be modified")
    assert editor.mode == "config"  # IOS stays in global configuration mode
    # the operation's sub-commands then fail, indented (a file) or not (typed)
    assert editor.feed(" icmp-echo 192.0.2.99 source-interface GigabitEthernet3").outcome is (
        Outcome.REJECTED
    )
    assert editor.feed("frequency 20").outcome is Outcome.REJECTED
    assert editor.feed("hostname edge2").outcome is Outcome.APPLIED  # a global command again
    sla = base.child("ip sla 1")
    assert sla is not None and sla.child("frequency 10") is not None


def test_no_ip_sla_removes_its_schedule_and_allows_recreation(base: Node) -> None:
    edit(base, *SLA.splitlines())
    outcomes = edit(
        base,
        "no ip sla 1",
        "ip sla 1",
        " icmp-echo 192.0.2.99 source-interface GigabitEthernet3",
        "ip sla schedule 1 life forever start-time now",
    )
    assert Outcome.REJECTED not in outcomes
    text = render(base)
    assert "icmp-echo 192.0.2.99" in text and "icmp-echo 192.0.2.10" not in text
    assert text.count("ip sla schedule 1 ") == 1
    assert "track 1 ip sla 1 reachability" in text  # the track is kept and follows again


def test_unscheduled_sla_can_be_edited(base: Node) -> None:
    edit(base, "ip sla 5", " icmp-echo 192.0.2.1", " frequency 10")
    assert Outcome.REJECTED not in edit(base, "ip sla 5", " frequency 20")


def test_incremental_diff_lists_a_parent_once(base: Node) -> None:
    merge = (
        "interface GigabitEthernet3\n description uplink\n!\n"
        "hostname edge9\n"
        "interface GigabitEthernet3\n bfd interval 50 min_rx 50 multiplier 3\n"
    )
    out = incremental_diff(base, merge, ignorecase=True, reject=None)
    assert out.count("interface GigabitEthernet3") == 1
    assert " description uplink" in out and " bfd interval 50 min_rx 50 multiplier 3" in out
