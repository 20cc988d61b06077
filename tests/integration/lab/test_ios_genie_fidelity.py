"""The IOS-XE emulator checked by a second parser egress did not write: Cisco's Genie
(genieparser, written and tested against real IOS-XE output).

Every validation command the emulator prints and Genie has an IOS-XE parser for is read over
SSH from the ams pair (healthy and with isp1 cut, as test_ios_ntc_fidelity.py does) and
parsed by Genie; what Genie finds must be what the lab's own state says. A layout Genie
rejects (its schema raises) fails here: the lab must not drift into a layout only egress
reads.

Two commands Genie has a parser for but cannot read as real IOS-XE prints them for this
design, so they are checked by ntc-templates / egress only (named here so the gap is seen):
- ``show track``: Genie's ShowTrack reads one track per output and only "IP SLA N state"
  objects; IOS-XE prints every track, and an ``ip sla N reachability`` track as "IP SLA N
  reachability" / "Reachability is Up" (the form genieparser's own IP route captures use).
- ``show ip route 0.0.0.0`` descriptor blocks of a static route given with interface and next
  hop, "* 198.51.100.1, via GigabitEthernet3": Genie's ShowIpRouteWord reads that form only
  for "Repair Path:" lines; public captures of real routers print it for the active path
  ("* 121.23.11.5, via GigabitEthernet0/1"). Its routing entry (prefix, protocol) is checked.
"""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Any
from unittest.mock import Mock

import pytest
from genie.libs.parser.iosxe.show_bfd import ShowBfdNeighborsDetails
from genie.libs.parser.iosxe.show_interface import ShowIpInterfaceBrief
from genie.libs.parser.iosxe.show_ip import ShowIpPolicy, ShowIpSlaSummary
from genie.libs.parser.iosxe.show_redundancy import ShowRedundancyApplicationGroup
from genie.libs.parser.iosxe.show_route_map import ShowRouteMapAll
from genie.libs.parser.iosxe.show_routing import ShowIpRoute, ShowIpRouteWord
from genie.libs.parser.iosxe.show_vrrp import ShowVrrp, ShowVrrpBrief, ShowVrrpDetail
from netutils.interface import abbreviated_interface_name

from tests.integration.lab.test_ios_ntc_fidelity import PAIR, Pair, pair, scenario

__all__ = ["pair", "scenario"]  # the ams pair and its scenarios, shared with the ntc test
DEFAULT = IPv4Network("0.0.0.0/0")


def genie(parser: type, text: str, **args: Any) -> dict[str, Any]:
    result: dict[str, Any] = parser(device=Mock()).cli(output=text, **args)
    return result


def _show(pair: Pair, host: str, command: str) -> str:
    return pair.show(host, [command])[command]


@pytest.mark.parametrize("host", PAIR)
def test_vrrp_brief_detail_and_plain(pair: Pair, scenario: str, host: str) -> None:
    _, op = pair.state(host)
    (state,) = op.vrrp
    brief = genie(ShowVrrpBrief, _show(pair, host, "show vrrp brief"))
    (group,) = brief["interface"]["GigabitEthernet2"]["group"].values()
    assert (group["state"], group["pri"], group["group_addr"]) == (
        state.state.upper(),
        state.effective_priority,
        str(state.vip),
    )
    plain = genie(ShowVrrp, _show(pair, host, "show vrrp"))
    group = plain["interface"]["GigabitEthernet2"]["group"][state.group]
    assert (group["state"].upper(), group["virtual_ip_address"]) == (
        state.state.upper(),
        str(state.vip),
    )
    detail = genie(ShowVrrpDetail, _show(pair, host, "show vrrp detail"))
    group = detail["interface"]["GigabitEthernet2"]["group_number"][state.group]
    assert group["state"].split()[0].upper() == state.state.upper()
    if state.effective_priority == state.priority:
        assert group["priority"] == state.effective_priority
    else:
        # Genie's "show vrrp detail" parser reads only "Priority is N"; with a track down
        # IOS-XE prints "Priority is 70 (Configured 90)" (the real capture in genieparser's
        # own ShowVrrp tests), which its "show vrrp" parser reads: checked there
        assert "priority" not in group
        assert plain["interface"]["GigabitEthernet2"]["group"][state.group]["priority"] == (
            state.effective_priority
        )
    assert "group_state_transition" in group and "vrrpv3_advertisements" in group


@pytest.mark.parametrize("host", PAIR)
def test_bfd_neighbors_details(pair: Pair, scenario: str, host: str) -> None:
    _, op = pair.state(host)
    parsed = genie(ShowBfdNeighborsDetails, _show(pair, host, "show bfd neighbors details"))
    found = {
        (peer, body["state"])
        for ours in parsed["our_address"].values()
        for peer, body in ours["neighbor_address"].items()
    }
    assert found == {(str(s.peer), s.state) for s in op.bfd}


@pytest.mark.parametrize("host", PAIR)
def test_ip_sla_summary(pair: Pair, scenario: str, host: str) -> None:
    facts, op = pair.state(host)
    summary = genie(ShowIpSlaSummary, _show(pair, host, "show ip sla summary"))
    ok = {p.name: p.ok for p in op.probes}
    for probe in facts.probes:
        row = summary["ids"][str(probe.id)]
        assert row["destination"] == str(probe.target)
        assert (row["return_code"] == "OK") is ok[probe.name]


@pytest.mark.parametrize("host", PAIR)
def test_routes(pair: Pair, scenario: str, host: str) -> None:
    _, op = pair.state(host)
    (default,) = [r for r in op.routes if r.prefix == DEFAULT]
    table = genie(ShowIpRoute, _show(pair, host, "show ip route"))
    route = table["vrf"]["default"]["address_family"]["ipv4"]["routes"]["0.0.0.0/0"]
    hops = {h["next_hop"] for h in route["next_hop"]["next_hop_list"].values()}
    assert hops == {str(h.address) for h in default.next_hops}
    word = genie(ShowIpRouteWord, _show(pair, host, "show ip route 0.0.0.0"), route="0.0.0.0")
    entry = word["entry"]["0.0.0.0/0"]
    assert (entry["known_via"], entry["distance"]) == ("static", str(default.distance))


@pytest.mark.parametrize("host", PAIR)
def test_policy_routing(pair: Pair, scenario: str, host: str) -> None:
    policy = genie(ShowIpPolicy, _show(pair, host, "show ip policy"))
    assert policy  # the LAN interface and its route-map
    route_maps = genie(ShowRouteMapAll, _show(pair, host, "show route-map"))
    assert route_maps


@pytest.mark.parametrize("host", PAIR)
def test_redundancy_group(pair: Pair, scenario: str, host: str) -> None:
    _, op = pair.state(host)
    assert op.ha is not None
    parsed = genie(
        ShowRedundancyApplicationGroup, _show(pair, host, "show redundancy application group all")
    )
    (group,) = parsed["group_id"].values()
    role = "ACTIVE" if op.ha.local_role == "Primary" else "STANDBY"
    assert group["my_role"] == role


@pytest.mark.parametrize("host", PAIR)
def test_ip_interface_brief(pair: Pair, scenario: str, host: str) -> None:
    facts, op = pair.state(host)
    parsed = genie(ShowIpInterfaceBrief, _show(pair, host, "show ip interface brief"))
    for iface in facts.interfaces:
        row = parsed["interface"][iface.name]
        assert row["protocol"] == ("up" if iface.name in op.interfaces_up else "down")


@pytest.mark.parametrize("host", PAIR)
def test_vrrp_all_and_bfd_neighbors_table(pair: Pair, scenario: str, host: str) -> None:
    from genie.libs.parser.iosxe.show_bfd import ShowBfdNeighbors
    from genie.libs.parser.iosxe.show_vrrp import ShowVrrpAll

    _, op = pair.state(host)
    (state,) = op.vrrp
    every = genie(ShowVrrpAll, _show(pair, host, "show vrrp all"))
    group = every["interface"]["GigabitEthernet2"]["group"][state.group]
    assert group["state"].upper() == state.state.upper()
    table = genie(ShowBfdNeighbors, _show(pair, host, "show bfd neighbors"))
    found = {(peer, body["state"], body["interface"]) for peer, body in table["sessions"].items()}
    assert found == {
        (str(s.peer), s.state, abbreviated_interface_name(s.interface or "")) for s in op.bfd
    }


@pytest.mark.parametrize("host", PAIR)
def test_ip_sla_statistics_and_version(pair: Pair, scenario: str, host: str) -> None:
    from genie.libs.parser.iosxe.show_ip import ShowIpSlaStatistics
    from genie.libs.parser.iosxe.show_platform import ShowVersion

    facts, op = pair.state(host)
    stats = genie(ShowIpSlaStatistics, _show(pair, host, "show ip sla statistics"))
    ok = {p.name: p.ok for p in op.probes}
    for probe in facts.probes:
        row = stats["ids"][str(probe.id)]
        assert (row["return_code"] == "OK") is ok[probe.name]
        assert row["no_of_success"] + row["no_of_failures"] >= 1
    version = genie(ShowVersion, _show(pair, host, "show version"))["version"]
    assert version["hostname"] == host
    assert version["chassis_sn"] == pair.device(host).op_state().serial
