"""The Junos and FortiOS readers on every shape of line they read ahead of time.

The Junos reader works out once per distinct line what its handler will store (a VRRP
group's field, a static route or its BFD timer, a filter term's key, an ip-monitoring
policy's kind, a zone's unit) and the FortiOS reader finds a config's tables through each
block's list of blocks and tells the secret scan from the lines it keeps (issue 18, seventh
pass). Each shape is read here fresh, again from remembered lines, and moved to other lines.
"""

from __future__ import annotations

from typing import Any

import pytest

from egress.lint import facts as lint_facts
from egress.lint.facts import ConfigFacts
from egress.platforms.fortios import config as fortios
from egress.platforms.junos import config as junos

ADDR = "set interfaces ge-0/0/1 unit 0 family inet address 10.0.0.2/24"
STATIC = "set routing-options static route 0.0.0.0/0 qualified-next-hop 192.0.2.1"
ZONES = "set security zones security-zone"
MONITOR = "set services ip-monitoring policy P"
JUNOS = f"""{ADDR} vrrp-group 1 virtual-address 10.0.0.1
{ADDR} vrrp-group 1 priority 110
{ADDR} vrrp-group 1 preempt hold-time 30
{ADDR} vrrp-group 1 track interface ge-0/0/2 priority-cost 5
{ADDR} vrrp-group 1 track route 198.51.100.7/32 routing-instance default
set interfaces ge-0/0/3 unit 0 family inet address 10.0.3.2/24 vrrp-group 2 no-preempt
set interfaces ge-0/0/3 unit 0 family inet address 10.0.3.2/24 vrrp-group x priority 5
set interfaces ge-0/0/3 unit 0 family inet address 10.0.3.2/24 vrrp-group 2 priority high
{STATIC} bfd-liveness-detection minimum-interval 300
{STATIC} bfd-liveness-detection multiplier 3
{STATIC} bfd-liveness-detection minimum-interval fast
{STATIC} preference 5
set routing-options static route 10.9.0.0/16 qualified-next-hop 192.0.2.1
{STATIC} preference 7
set firewall family inet filter F term t1 then routing-instance R1
set firewall family inet filter F term t1 from dscp ef
set firewall family inet filter F term t2 then accept
{ZONES} untrust interfaces ge-0/0/1.0 host-inbound-traffic protocols bfd
{ZONES} untrust interfaces ge-0/0/1.0 host-inbound-traffic system-services ping
{ZONES} untrust host-inbound-traffic protocols all except
{ZONES} trust interfaces ge-0/0/3.0
{ZONES} trust host-inbound-traffic protocols ospf
{ZONES} trust interfaces ge-0/0/3.0 host-inbound-traffic protocols
{MONITOR} then preferred-route withdraw
{MONITOR} match rpm-probe PR
{MONITOR} then preferred-route route 0.0.0.0/0 next-hop 192.0.2.9
{MONITOR} then preferred-route withdraw
set services ip-monitoring policy Q then preferred-route route 0.0.0.0/0 next-hop 192.0.2.8
set system host-name r1
"""


def _read_three_ways(read: Any, text: str, caches: list[dict[Any, Any]]) -> ConfigFacts:
    """``read(text)`` with every memo empty; the same again with the lines remembered, and
    the lines reversed (read fresh and from memory) must agree with each other too."""
    for cache in caches:
        cache.clear()
    first = read(text)
    assert read(text) == first
    moved = "\n".join(reversed(text.splitlines())) + "\n"
    remembered = read(moved)
    for cache in caches:
        cache.clear()
    assert read(moved) == remembered
    return first


def test_junos_lines_read_ahead_give_each_fact() -> None:
    facts = _read_three_ways(junos.parse, JUNOS, [junos._LINES, lint_facts._ADDRESSES])
    one, two = facts.vrrp
    assert (one.vip, one.vip_line, one.priority, one.priority_line) == ("10.0.0.1", 1, 110, 2)
    assert (one.preempt, one.preempt_line) == ("delay 30", 3)
    assert [(r.value, r.line) for r in one.tracks] == [("ge-0/0/2", 4), ("198.51.100.7/32", 5)]
    # `vrrp-group x` names no group; `priority high` makes the group but sets nothing
    assert (two.group, two.line, two.preempt, two.preempt_line) == (2, 6, "off", 6)
    assert two.priority is None
    assert facts.interfaces["ge-0/0/1"].address_line == 1
    assert facts.interfaces["ge-0/0/3"].address_line == 6
    (bfd,) = facts.bfd
    assert (bfd.peer, bfd.line, bfd.tx_ms, bfd.rx_ms) == ("192.0.2.1", 9, 300, 300)
    assert (bfd.multiplier, bfd.timers_line) == (3, 9)
    assert [(r.prefix, r.gateway, r.line, r.distance) for r in facts.routes] == [
        ("0.0.0.0/0", "192.0.2.1", 14, 7),
        ("10.9.0.0/16", "192.0.2.1", 13, None),
    ]
    assert facts.pbr.policies == {"F": 15}
    assert [(r.name, r.line, [(c.value, c.line) for c in r.classes]) for r in facts.pbr.rules] == [
        ("F t1", 15, [("R1", 15)]),
        ("F t2", 17, []),
    ]
    untrust, trust = facts.zones["untrust"], facts.zones["trust"]
    assert untrust.units == {"ge-0/0/1.0": {"bfd": 18}} and untrust.protocols == {}
    assert trust.units == {"ge-0/0/3.0": {}} and trust.protocols == {"ospf": 22}
    assert trust.unit_lines == {"ge-0/0/3.0": 21}
    # a withdraw before its policy's match changes nothing; the one after it does
    track = facts.tracks["P"]
    assert (track.probe.value, track.line, track.withdraw) == ("PR", 25, True)
    assert (track.reroutes_to, track.routes) == ("192.0.2.9", ["0.0.0.0/0"])
    assert "Q" not in facts.tracks


def test_a_junos_reroute_without_its_hop_reads_as_before() -> None:
    # no word after `next-hop`: the reader takes the plain path for it; without a policy
    # matched first nothing is read, as before
    facts = junos.parse(f"{MONITOR} then preferred-route route 0.0.0.0/0 next-hop\n")
    assert facts.tracks == {}


VRRP_PORT = """config system interface
    edit "port2"
        set ip 10.0.0.2 255.255.255.0
        config vrrp
            edit 1
                set vrip 10.0.0.1
                set priority 200
            next
        end
    next
    edit "port3"
        set ip 10.0.3.2 255.255.255.0
    next
end
config system interface
    edit "port2"
        config vrrp
            edit 2
                set vrip 10.0.0.9
            next
        end
    next
end
"""


def test_fortios_tables_and_sub_blocks_are_read_through_their_blocks() -> None:
    caches: list[dict[Any, Any]] = [fortios._LINES, fortios._SETS, lint_facts._ADDRESSES]
    facts = _read_three_ways(fortios.parse, VRRP_PORT, caches)
    assert list(facts.interfaces) == ["port2", "port3"]
    # the re-opened interface and its re-opened `config vrrp` merge, as FortiOS does
    assert [(v.interface, v.group, v.vip, v.line) for v in facts.vrrp] == [
        ("port2", 1, "10.0.0.1", 5),
        ("port2", 2, "10.0.0.9", 18),
    ]


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        # inside a table, in clear and in FortiOS' own encrypted form
        (
            'config vpn ipsec phase1-interface\n    edit "t"\n        set psksecret s3cret\n'
            "        set passwd ENC abc\n    next\nend\n",
            [("pre-shared key", 3)],
        ),
        # a `set` outside any block is a syntax problem and still a secret in clear
        ("set password hunter2\n", [("password", 1)]),
        ("config system global\n    unset password\nend\nset key k\n", [("key", 4)]),
        # a secret's word in a value or a block's name: scanned, nothing found
        (
            'config system interface\n    edit "key"\n        set description "my key"\n'
            "    next\nend\n",
            [],
        ),
    ],
)
def test_fortios_secrets_are_found_from_the_lines_kept(
    text: str, secrets: list[tuple[str, int]]
) -> None:
    facts = _read_three_ways(fortios.parse, text, [fortios._LINES, fortios._SETS])
    assert facts.secrets == secrets
