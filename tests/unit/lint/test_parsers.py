"""The grammar checks of each platform parser, on small texts."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from egress.lint.facts import SyntaxProblem
from egress.platforms.fortios import config as fortios
from egress.platforms.ios import config as ios
from egress.platforms.junos import config as junos


def _kinds(problems: Sequence[SyntaxProblem]) -> list[tuple[str, int]]:
    return [(p.kind, p.line) for p in problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("interface Gi1\n ip address 10.0.0.1 255.255.255.0\n!\nend\n", []),
        ("interface Gi1\n description x\nend\nhostname r1\n", [("ios.exit", 4)]),
        ("interface Gi1\n description x\n", [("ios.exit", 2)]),
        (" description x\nend\n", [("ios.indent", 1)]),
        ("ip route 0.0.0.0 0.0.0.0 192.0.2.1\n name x\nend\n", [("ios.indent", 2)]),
        ("hostnme r1\nend\n", [("ios.unknown", 1)]),
        ("exit\nend\n", [("ios.exit", 1)]),
        ("interface Gi1\n vrrp 1 address-family ipv4\n  priority 110\n  exit-vrrp\n!\nend\n", []),
        ("router bgp 1\n address-family ipv4\n exit-address-family\nend\n", []),
    ],
)
def test_ios_grammar(text: str, expected: list[tuple[str, int]]) -> None:
    assert _kinds(ios.parse(text).problems) == expected


def test_ios_timers_and_group_that_are_not_whole_numbers_are_problems_not_values() -> None:
    # IOS-XE refuses each of these lines (% Invalid input detected): a template or inventory
    # that prints one is a finding at its line, never a crash of the reader nor a value read
    text = (
        "ip sla 10\n icmp-echo 192.0.2.1 source-interface Gi1\n threshold 5x\n"
        " timeout 500.0\n frequency 5\n"
        "redundancy\n application redundancy\n  group one\n   control Gi3 protocol 1\n"
        "end\n"
    )
    facts = ios.parse(text)
    # `group one` opens no sub-mode either: its commands are indented under nothing
    assert sorted(_kinds(facts.problems)) == [
        ("ios.indent", 9),
        ("ios.value", 3),
        ("ios.value", 4),
        ("ios.value", 8),
    ]
    probe = facts.probes["10"]
    assert probe.threshold_ms is None and probe.timeout_ms is None
    assert probe.interval_ms == 5000.0 and probe.timing_line is None  # the line is refused
    assert facts.ha is not None and facts.ha.group_id is None


def test_ios_tree_merges_repeated_sections_and_keeps_lines() -> None:
    root, _ = ios.load(
        "interface Gi1\n description a\n!\ninterface Gi1\n bfd interval 50 "
        "min_rx 50 multiplier 3\n!\nend\n"
    )
    node = root.children.get("interface Gi1")
    assert node is not None and node.lines == [1]  # where the section is first seen
    assert [c.text for c in node.children] == [
        "description a",
        "bfd interval 50 min_rx 50 multiplier 3",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('set interfaces ge-0/0/1 description "a b"\n', []),
        ("set routing-options rib-groups X import-rib [ inet.0 A.inet.0 ]\n", []),
        ('set interfaces ge-0/0/1 description "a b\n', [("junos.quote", 1)]),
        ("set routing-options rib-groups X import-rib [ inet.0\n", [("junos.quote", 1)]),
        ("set routing-options rib-groups X import-rib ] inet.0 [\n", [("junos.quote", 1)]),
        ("interfaces ge-0/0/1 disable\n", [("junos.verb", 1)]),
        ("set interface ge-0/0/1 disable\n", [("junos.hierarchy", 1)]),
        ("delete interfaces ge-0/0/1\n# comment\n", []),
    ],
)
def test_junos_grammar(text: str, expected: list[tuple[str, int]]) -> None:
    _, problems = junos.load(text)
    assert _kinds(problems) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'config system interface\n    edit "port1"\n        set ip 1.1.1.1 255.0.0.0\n'
            "    next\nend\n",
            [],
        ),
        (
            "config system standalone-cluster\n    config cluster-peer\n        edit 1\n"
            "        next\n    end\nend\n",
            [],
        ),
        ("config system settings\n    set bfd enable\n", [("fortios.config", 1)]),
        ("end\n", [("fortios.config", 1)]),
        ("config router policy\n    edit 1\n    end\n", [("fortios.edit", 3)]),
        ("config router policy\n    next\nend\n", [("fortios.edit", 2)]),
        ("edit 1\nnext\n", [("fortios.edit", 1)]),
        # an `edit` outside any table closed by `end`: reported, and the reader goes on (it
        # raised IndexError on the next line, popping the root itself)
        (
            "edit 1\nend\nend\nset hostname x\n",
            [
                ("fortios.edit", 1),
                ("fortios.edit", 2),
                ("fortios.config", 3),
                ("fortios.statement", 4),
            ],
        ),
        ("set hostname x\n", [("fortios.statement", 1)]),
        ("config system global\n    sett hostname x\nend\n", [("fortios.statement", 2)]),
    ],
)
def test_fortios_grammar(text: str, expected: list[tuple[str, int]]) -> None:
    _, problems = fortios.load(text)
    assert _kinds(problems) == expected


def test_secrets_and_open_management_are_read_from_each_grammar() -> None:
    ios_facts = ios.parse(
        "username admin secret 9 $9$abc\nusername ops password 0 pw\n"
        "line vty 0 4\n transport input ssh\nend\n"
    )
    assert ios_facts.secrets == [("local user password", 2)]
    assert ios_facts.open_access == [("`line vty 0 4` without an access-class", 3)]
    junos_facts = junos.parse(
        "set snmp community public authorization read-only\n"
        "set system services ssh\n"
        'set system root-authentication encrypted-password "$6$x"\n'
    )
    assert junos_facts.secrets == [("SNMP community", 1)]
    assert [line for _, line in junos_facts.open_access] == [2]
    forti = fortios.parse(
        'config system admin\n    edit "admin"\n        set password ENC x\n'
        "        set trusthost1 10.0.0.0 255.0.0.0\n    next\nend\n"
        'config vpn ipsec phase1-interface\n    edit "t"\n'
        "        set psksecret s3cret\n    next\nend\n"
    )
    assert forti.secrets == [("pre-shared key", 9)]
    assert forti.open_access == []


def test_junos_vrrp_tracks_the_route_a_withdraw_policy_holds() -> None:
    from egress.platforms.junos.lint import trackable as junos_trackable

    vrrp = "set interfaces ge-0/0/1 unit 0 family inet address 10.0.0.2/24 vrrp-group 1"
    facts = junos.parse(
        "set services ip-monitoring policy FAILOVER match rpm-probe P\n"
        "set services ip-monitoring policy FAILOVER then preferred-route route 0.0.0.0/0"
        " next-hop 192.0.2.9\n"
        "set services ip-monitoring policy HOLD match rpm-probe P\n"
        "set services ip-monitoring policy HOLD then preferred-route withdraw\n"
        "set services ip-monitoring policy HOLD then preferred-route route 198.51.100.7/32"
        " next-hop 192.0.2.1\n"
        f"{vrrp} track route 198.51.100.7/32 routing-instance default priority-cost 20\n"
        f"{vrrp} track interface ge-0/0/2 priority-cost 5\n"
    )
    (group,) = facts.vrrp
    assert [(r.value, r.line) for r in group.tracks] == [("198.51.100.7/32", 6), ("ge-0/0/2", 7)]
    assert facts.tracks["HOLD"].withdraw and facts.tracks["HOLD"].routes == ["198.51.100.7/32"]
    assert not facts.tracks["FAILOVER"].withdraw
    trackable = junos_trackable(facts)
    assert "198.51.100.7/32" in trackable
    # a plain preferred route exists only while its probe fails: not a route to track
    assert "0.0.0.0/0" not in trackable
