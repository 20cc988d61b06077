"""Every platform has every feature template, and the example exercises all of them."""

from __future__ import annotations

from collections import defaultdict

import pytest

from egress.drill.site import load_site
from egress.model.intent import FEATURES
from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles, build_intents
from egress.platforms import PLATFORMS
from egress.render import render_device
from tests.conftest import EXAMPLE_INVENTORY, TEMPLATES

# The vendor's real construct for each feature: what an engineer greps for on the box.
CONSTRUCTS: dict[str, dict[str, list[str]]] = {
    "ios": {
        "interfaces": ["interface GigabitEthernet2\n", " ip address 10.10.0.2 255.255.255.0"],
        "routing": ["ip route 0.0.0.0 0.0.0.0 GigabitEthernet3 198.51.100.1 1 name EGRESS-ISP1"],
        "vrrp": [
            "fhrp version vrrp v3",
            " vrrp 10 address-family ipv4\n",
            "  address 10.10.0.1 primary",
        ],
        "bfd": ["bfd interval 50 min_rx 50 multiplier 3", "ip route static bfd GigabitEthernet3"],
        "ecmp": ["ip cef load-sharing algorithm include-ports source destination"],
        "pbr": [
            "route-map EGRESS-PBR permit 10",
            "set ip next-hop verify-availability 203.0.113.1",
            "ip policy route-map EGRESS-PBR",
            "dscp ef",
        ],
        "probes": [
            "ip sla 1\n icmp-echo",
            "tcp-connect 192.0.2.30 443",
            "http get http://",
            "ip sla schedule 1 life forever start-time now",
            "track 1 ip sla 1 reachability",
        ],
        "ha_sync": ["redundancy\n application redundancy\n  group 1", "control GigabitEthernet5"],
        "bgp": [
            "track 500 interface GigabitEthernet2 line-protocol",
            "ip route 192.0.2.144 255.255.255.240 Null0 track 500",
            "ip route 198.18.255.1 255.255.255.255 Null0 track 1 name EGRESS-BGP-OUT-ISP1-UP",
            "  neighbor 198.51.100.9 advertise-map EGRESS-BGP-OUT-ISP1-ADV"
            " exist-map EGRESS-BGP-OUT-ISP1-UP",
            "  network 192.0.2.144 mask 255.255.255.240",
            " neighbor 198.51.100.9 fall-over bfd",
            " set as-path prepend 65011 65011 65011",
        ],
    },
    "junos": {
        "interfaces": [
            "set interfaces reth0 unit 0 family inet address 10.20.0.1/24",
            "gigether-options redundant-parent reth1",
        ],
        "routing": ["static route 0.0.0.0/0 qualified-next-hop 198.51.100.17 preference 5"],
        "vrrp": ["vrrp-group 21 virtual-address 10.21.0.1", "vrrp-group 21 priority 110"],
        "bfd": [
            "bfd-liveness-detection minimum-interval 50",
            "bfd-liveness-detection multiplier 3",
        ],
        "ecmp": [
            "policy-statement EGRESS-ECMP then load-balance per-packet",
            "forwarding-table export EGRESS-ECMP",
            "hash-key family inet layer-4",
        ],
        "pbr": [
            "filter EGRESS-PBR term voice then routing-instance EGRESS-PBR-VOICE",
            "routing-instances EGRESS-PBR-VOICE instance-type forwarding",
        ],
        "probes": [
            "set services rpm probe",
            "probe-type icmp-ping",
            "probe-type tcp-ping",
            "probe-type http-get",
            "set services ip-monitoring policy",
        ],
        "ha_sync": [
            "set chassis cluster reth-count 3",
            "set chassis cluster redundancy-group 1 node 0 priority 200",
            "fab1 fabric-options member-interfaces ge-5/0/2",
        ],
        "bgp": [
            "set routing-options static route 192.0.2.176/28 discard",
            "condition EGRESS-BGP-LAN-UP if-route-exists 10.21.0.0/24 table inet.0",
            "condition EGRESS-BGP-OUT-ISP1-UP if-route-exists 192.0.2.20/32 table inet.0",
            "term EGRESS-BGP-1 from condition EGRESS-BGP-OUT-ISP1-UP",
            "export [ EGRESS-BGP-LAN EGRESS-BGP-OUT-ISP1 ]",
            "host-inbound-traffic protocols bgp",
        ],
    },
    "fortios": {
        "interfaces": [
            'config system interface\n    edit "port2"',
            "set ip 10.31.0.2 255.255.255.0",
        ],
        "routing": ["config router static", "set gateway 198.51.100.41"],
        "vrrp": ["config vrrp\n            edit 31", "set vrip 10.31.0.1"],
        "bfd": ["set bfd enable", "set bfd-desired-min-tx 50", "set bfd-detect-mult 3"],
        "ecmp": ["set v4-ecmp-mode source-ip-based"],
        "pbr": ["config router policy", "set tos 0xb8", "set gateway 203.0.113.41"],
        "probes": [
            "config system link-monitor",
            "set protocol ping",
            "set protocol tcp-echo",
            "set protocol http",
            "set update-static-route enable",
        ],
        "ha_sync": [
            "config system ha",
            "set session-pickup enable",
            "set mode a-p",
            "config system standalone-cluster",
            "set peerip 169.254.31.2",
        ],
        "bgp": [
            "config conditional-advertise",
            'set condition-routemap "EGRESS-BGP-LAN-UP" "EGRESS-BGP-OUT-ISP1-UP"',
            "set blackhole enable",
        ],
    },
    # FRR + the Linux glue (!@<kind> lines), from the drill's re-rendering of ams and fra
    "frr": {
        "interfaces": ["interface lan\n", " ip address 10.10.0.2/24", "no zebra nexthop kernel"],
        "routing": [
            "router bgp 65010",
            " neighbor 198.51.100.1 remote-as external",
            "  network 100.64.1.0/30",
            'oifname "isp1" snat to 100.64.1.1',
        ],
        "vrrp": ["!@keepalived vrrp_instance EGRESS_10 {", "!@keepalived   10.10.0.1/24"],
        "bfd": ["bfd\n profile egress", "  detect-multiplier 3", "bfd profile egress"],
        "ecmp": ["maximum-paths 2", "!@sysctl net.ipv4.fib_multipath_hash_policy=1"],
        "pbr": [
            "pbr-map EGRESS-PBR seq 10",
            " match mark 46",
            " set nexthop 203.0.113.1",
            " pbr-policy EGRESS-PBR",
            "ip dscp 46 meta mark set 46",
        ],
        "probes": [
            "!@probe name=isp1-icmp type=icmp",
            "type=tcp target=192.0.2.30 port=443",
            "type=http target=192.0.2.20 port=80 path=/health",
            "ip route 0.0.0.0/0 198.51.100.1 table 901",
        ],
        "ha_sync": ["!@conntrackd  Mode FTFW {", "IPv4_Destination_Address 169.254.10.2"],
        "bgp": [
            "!@keepalived   blackhole 192.0.2.128/28",
            "route-map EGRESS-OUT-ISP1 permit 20",
            "  network 192.0.2.128/28",
        ],
    },
}

_nr = load_nornir(EXAMPLE_INVENTORY)
_INTENTS = build_intents(_nr.inventory, files=InventoryFiles.in_dir(EXAMPLE_INVENTORY))
# frr hosts are not in the example inventory: `egress drill` re-renders a site for frr
_FRR = [
    *load_site(EXAMPLE_INVENTORY, "ams", time_scale=1).intents.values(),
    *load_site(EXAMPLE_INVENTORY, "fra", time_scale=1).intents.values(),
]
_CONFIG_BY_PLATFORM: dict[str, str] = defaultdict(str)
for _intent in [*_INTENTS.values(), *_FRR]:
    _CONFIG_BY_PLATFORM[_intent.platform] += render_device(_intent, templates_dir=TEMPLATES)


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("feature", FEATURES)
def test_platform_has_feature_template(platform: str, feature: str) -> None:
    assert (TEMPLATES / platform / f"{feature}.j2").is_file()
    assert f'"{platform}/" ~ feature' in (TEMPLATES / platform / "main.j2").read_text()


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("feature", FEATURES)
def test_example_exercises_feature_on_platform(platform: str, feature: str) -> None:
    intents = [*_INTENTS.values(), *_FRR]
    hosts = [i.host for i in intents if i.platform == platform and feature in i.features]
    assert hosts, f"no {platform} host in the example inventory uses {feature}"
    for construct in CONSTRUCTS[platform][feature]:
        assert construct in _CONFIG_BY_PLATFORM[platform], f"{platform} lacks {construct!r}"


def test_example_covers_both_modes_all_probe_types_and_hashings() -> None:
    modes = {i.mode for i in _INTENTS.values()}
    probe_types = {p.type for i in _INTENTS.values() for p in i.probes}
    hashings = {i.hashing for i in _INTENTS.values()}
    assert modes == {"active-standby", "load-sharing"}
    assert probe_types == {"icmp", "tcp", "http"}
    assert {"source-ip", "five-tuple"} <= hashings


def test_voice_is_steered_to_the_backup_link_everywhere() -> None:
    for host, intent in _INTENTS.items():
        assert intent.pbr is not None, host
        (voice,) = intent.pbr.rules
        backup = next(u for u in intent.uplinks if u.link == "isp2")
        assert (voice.dscp, voice.next_hop) == (46, backup.gateway), host


def test_junos_configs_start_with_set_so_napalm_loads_them_as_set_format() -> None:
    for host, intent in _INTENTS.items():
        if intent.platform == "junos":
            text = render_device(intent, templates_dir=TEMPLATES)
            assert text.split(" ", 1)[0] == "set", host
            assert all(line.startswith("set ") for line in text.splitlines()), host


def test_cluster_members_render_one_identical_config() -> None:
    lon = [
        render_device(_INTENTS[h], templates_dir=TEMPLATES) for h in ("lon-srx-01", "lon-srx-02")
    ]
    assert lon[0] == lon[1]
    assert "vrrp" not in lon[0]
