"""The config readers' shortcuts give what the plain reading gives.

The readers read each distinct line of a run once and keep what it says (docs/adr.md,
"lint's readers"); addresses are read once per text, most of them without ipaddress' string
parser. Every result must be what a reader without any of that returns.
"""

from __future__ import annotations

import random
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Any

import pytest

from egress.lint import facts
from egress.lint.config import PARSERS
from egress.lint.rules import inventory
from egress.platforms.fortios import config as fortios
from egress.platforms.ios import config as ios
from egress.platforms.ios import configtree as ios_tree
from egress.platforms.junos import config as junos

EDGES = [
    "10.0.0.1/24",
    "10.0.0.1/255.255.255.0",
    "10.0.0.1/0.0.0.255",  # a host mask: ipaddress takes it too
    "010.0.0.1/24",  # a leading zero: refused
    "10.0.0.256/24",
    "10.0.0.1/33",
    "10.0.0.1/",
    "1.2.3.4/024",
    "1.2.3.4/255.0.255.0",
    "0.0.0.0/0",
    "255.255.255.255/255.255.255.255",
    "1.2.3/24",
    "\u0663.2.3.4/24",  # a non-ASCII digit
]


def _sections(section: ios_tree.Section) -> list[ios_tree.Section]:
    return [section, *(s for child in section.children for s in _sections(child))]


def _plain(spec: str) -> IPv4Interface | None:
    try:
        return IPv4Interface(spec)
    except ValueError:
        return None


def test_an_address_is_what_ipaddress_reads() -> None:
    rng = random.Random(18)
    specs = list(EDGES)
    for _ in range(20000):
        octets = [
            str(rng.choice([0, 1, 9, 10, 99, 100, 255, 256, rng.randint(0, 300)])) for _ in "abcd"
        ]
        length = rng.randint(0, 34)
        mask = rng.choice(
            [str(length), str(IPv4Interface(f"0.0.0.0/{min(length, 32)}").netmask), "255.0.255.0"]
        )
        specs.append(".".join(octets) + "/" + mask)
    for spec in specs:
        facts._ADDRESSES.clear()
        got, want = facts.interface_address(spec), _plain(spec)
        assert got == want and repr(got) == repr(want), spec
        if want is not None:
            assert got is not None and got.network == want.network and got.netmask == want.netmask
            # made without ipaddress' __init__: alike in everything it keeps
            assert facts.same_interface(got, want), spec


def _outcome(read: Any, spec: Any) -> tuple[object, object]:
    try:
        found = read(spec)
    except ValueError as exc:
        return None, (type(exc), str(exc))
    return (found, repr(found)), None


def test_an_interface_made_without_the_constructor_is_the_constructors() -> None:
    assert facts._interface is facts._made_interface  # the check at import passed here
    rng = random.Random(31)
    pairs = [(ip, n) for n in range(33) for ip in (0, 1, 0x7F000001, 0xFFFFFFFF)]
    pairs += [(rng.getrandbits(32), rng.randint(0, 32)) for _ in range(20000)]
    for ip, length in pairs:
        made, built = facts._made_interface(ip, length), IPv4Interface((ip, length))
        assert facts.same_interface(made, built), (ip, length)
        assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
        assert (made.ip, made.network, made.netmask, made.hostmask, made.with_prefixlen) == (
            built.ip,
            built.network,
            built.netmask,
            built.hostmask,
            built.with_prefixlen,
        )
        network = made.network
        assert network.broadcast_address == built.network.broadcast_address
        assert network.num_addresses == built.network.num_addresses
        if length >= 29:
            assert list(network.hosts()) == list(built.network.hosts())
        assert (made.ip in network) and (made.network.subnet_of(built.network))


def test_an_ipv4_address_is_what_ipaddress_reads() -> None:
    rng = random.Random(33)
    specs = ["1.2.3.4", "01.2.3.4", "1.2.3", "256.1.1.1", "\u0663.2.3.4", " 1.2.3.4", "1.2.3.4\n"]
    specs += ["0.0.0.0", "255.255.255.255", "1.2.3.4/24", "", "::1", "1.2.3.4.5"]
    for _ in range(20000):
        octets = [rng.choice([0, 1, 9, 10, 99, 100, 255, 256, rng.randint(0, 300)]) for _ in "abcd"]
        specs.append(".".join(map(str, octets[: rng.choice([3, 4, 4, 4])])))
    for spec in specs:
        facts._ADDRESS_TEXTS.clear()
        assert _outcome(facts.address_of, spec) == _outcome(IPv4Address, spec), spec
        assert _outcome(facts.address_of, spec) == _outcome(IPv4Address, spec), spec  # kept


def test_a_segment_is_the_network_ipaddress_makes() -> None:
    rng = random.Random(902)
    for _ in range(5000):
        address = ".".join(str(rng.randint(0, 255)) for _ in "abcd")
        if rng.random() < 0.3:  # the link-local range, which E902 leaves out
            address = "169.254." + address.split(".", 2)[2]
        length = rng.randint(0, 32)
        want = IPv4Network(f"{address}/{length}", strict=False)
        got = inventory._segment(address, length)
        assert got.network == want and str(got.network) == str(want)
        assert (got.start, got.end) == (int(want.network_address), int(want.broadcast_address))
        outside = not (got.start >= inventory._LL_START and got.end <= inventory._LL_END)
        assert outside == (not want.subnet_of(inventory._LINK_LOCAL))


IOS = """interface GigabitEthernet2
 ip address 10.0.0.2 255.255.255.0
 vrrp 1 address-family ipv4
  address 10.0.0.1
  priority 110
 exit-vrrp
!
ip route 0.0.0.0 0.0.0.0 GigabitEthernet3 100.64.0.1 1 name ISP1 track 11
ip sla 11
 icmp-echo 192.0.2.10 source-interface GigabitEthernet3
 frequency 10
ip sla schedule 11 life forever start-time now
track 11 ip sla 11 reachability
  stray
exit
bogus command
end
hostname after-end
"""
JUNOS = """set interfaces ge-0/0/1 unit 0 family inet address 10.0.0.2/24 vrrp-group 1 priority 110
set interfaces ge-0/0/1 unit 0 family inet address 10.0.0.2/24 vrrp-group 1 virtual-address 10.0.0.1
set routing-options static route 0.0.0.0/0 qualified-next-hop 100.64.0.1 preference 5
set services rpm probe P test t target address 192.0.2.10
set system services ssh
set "unbalanced
bogus line
delete interfaces ge-0/0/9
"""
FORTIOS = """config system interface
    edit "port2"
        set ip 10.0.0.2 255.255.255.0
        set allowaccess ping https
    next
end
config router static
    edit 1
        set gateway 100.64.0.1
        set device "port3"
    next
end
next
"""


# what each reader remembers between configs
CACHES: dict[str, list[dict[Any, Any]]] = {
    "ios": [
        ios_tree._LINES,
        ios._IFACE_LINES,
        ios._PROBE_LINES,
        ios._TOPS,
        ios._TIMERS,
        *(s.seen for s in _sections(ios_tree._TOP)),
    ],
    "junos": [junos._LINES],
    "fortios": [fortios._LINES, fortios._SETS],
}


@pytest.mark.parametrize(
    ("platform", "text"), [("ios", IOS), ("junos", JUNOS), ("fortios", FORTIOS)]
)
def test_a_config_reads_the_same_the_first_time_and_from_remembered_lines(
    platform: str, text: str
) -> None:
    caches = [facts._ADDRESSES, facts.REFS, *CACHES[platform]]
    for cache in caches:
        cache.clear()
    first = PARSERS[platform](text)
    again = PARSERS[platform](text)
    # the same lines in another place and order, read with what `text` left remembered:
    # their numbers come from where they are now
    moved = "\n".join(reversed(text.splitlines())) + "\n"
    moved_remembered = PARSERS[platform](moved)
    for cache in caches:
        cache.clear()
    assert first == again
    assert moved_remembered == PARSERS[platform](moved)
    assert first.problems  # each text holds a syntax problem: their lines are kept too
