"""The derived intent: values computed once in Python, and designs a platform cannot express."""

from __future__ import annotations

import copy
import dataclasses
from ipaddress import IPv4Address
from typing import Any

import pytest
import yaml

from egress.errors import InputError, UnsupportedIntent
from egress.model.design import HostDesign, Site
from egress.model.intent import DesignError, DeviceIntent, Member, build_site_intents
from tests.conftest import EXAMPLE_INVENTORY

GROUPS = yaml.safe_load((EXAMPLE_INVENTORY / "groups.yaml").read_text())
HOSTS = yaml.safe_load((EXAMPLE_INVENTORY / "hosts.yaml").read_text())


def _site(name: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(GROUPS[f"site_{name}"]["data"]["site"])
    data.update(changes)
    return data


def _members(prefix: str, platform: str) -> list[Member]:
    return [
        Member(name=h, platform=platform, design=HostDesign.model_validate(HOSTS[h]["data"]))
        for h in HOSTS
        if h.startswith(prefix)
    ]


def _intents(site: str, platform: str, **changes: Any) -> dict[str, DeviceIntent]:
    prefix = {
        "ams": "ams-",
        "fra": "fra-",
        "lon": "lon-",
        "nyc": "nyc-",
        "sin": "sin-",
        "syd": "syd-",
    }[site]
    return build_site_intents(
        Site.model_validate(_site(site, **changes)), _members(prefix, platform)
    )


def test_vrrp_priorities_come_from_the_ha_role() -> None:
    intents = _intents("ams", "ios")
    assert intents["ams-edge-01"].vrrp[0].priority == 110
    assert intents["ams-edge-02"].vrrp[0].priority == 100


def test_active_standby_hands_over_when_the_primary_link_fails() -> None:
    (group,) = _intents("fra", "ios")["fra-edge-01"].vrrp
    assert [t.probe_name for t in group.tracks] == ["isp1-tcp"]
    assert group.failed_priority < 100  # below the secondary: the peer takes the gateway


def test_load_sharing_keeps_the_master_until_every_link_fails() -> None:
    (group,) = _intents("ams", "ios")["ams-edge-01"].vrrp
    decrements = [t.decrement for t in group.tracks]
    assert len(decrements) == 2
    assert group.priority - decrements[0] > 100  # one link down: still master
    assert group.failed_priority < 100  # both down: the peer takes over


def test_ios_redundancy_group_follows_the_lan_and_vrrps_tracks() -> None:
    intents = _intents("fra", "ios")
    one, two = intents["fra-edge-01"], intents["fra-edge-02"]
    assert one.ha_sync and two.ha_sync
    gap = one.ha_sync.priority - two.ha_sync.priority
    probe_tracks = {p.id for p in one.probes}
    (lan,) = [t for t in one.ha_sync.tracks if t.interface is not None]
    # its own line-protocol track, on the LAN port, with an id no probe's track uses
    assert lan.interface == one.vrrp[0].interface
    assert lan.track_id not in probe_tracks and lan.track_id == max(probe_tracks) + 1
    assert lan.decrement > gap  # the LAN port alone hands the group to the peer
    # and VRRP's own track (the primary link's probe) moves the group with the VIP
    followed = [(t.track_id, t.probe_name) for t in one.ha_sync.tracks if t.probe_name]
    assert followed == [(t.track_id, t.probe_name) for t in one.vrrp[0].tracks]
    assert all(t.decrement > gap for t in one.ha_sync.tracks)
    assert two.ha_sync.tracks == one.ha_sync.tracks  # both members track alike


def test_load_sharing_redundancy_group_moves_only_when_every_link_fails() -> None:
    ha = _intents("ams", "ios")["ams-edge-01"].ha_sync
    assert ha
    gap = ha.priority - 100
    probes = [t.decrement for t in ha.tracks if t.probe_name]
    assert len(probes) == 2
    assert probes[0] <= gap < sum(probes)  # one link down keeps the group; both hand it over
    assert [t.decrement for t in ha.tracks if t.interface] == [gap + 10]


def test_the_lan_track_id_stays_clear_of_every_probe_track() -> None:
    site = _site("fra")
    extra = {**site["probes"][0], "name": "isp1-extra"}
    intent = _intents("fra", "ios", probes=[*site["probes"], extra])["fra-edge-01"]
    assert intent.ha_sync
    (lan,) = [t for t in intent.ha_sync.tracks if t.interface]
    assert lan.track_id == len(intent.probes) + 1
    assert lan.track_id not in {p.id for p in intent.probes}


def test_fgsp_and_clusters_track_nothing_for_their_ha_group() -> None:
    for site, platform in (("syd", "fortios"), ("sin", "fortios"), ("lon", "junos")):
        for intent in _intents(site, platform).values():
            assert intent.ha_sync and intent.ha_sync.tracks == (), intent.host


def test_route_distances_follow_the_mode() -> None:
    standby = _intents("fra", "ios")["fra-edge-01"].uplinks
    assert standby[0].distance < standby[1].distance and standby[0].primary
    sharing = _intents("ams", "ios")["ams-edge-01"].uplinks
    assert sharing[0].distance == sharing[1].distance
    assert _intents("ams", "ios")["ams-edge-01"].ecmp is not None
    assert _intents("fra", "ios")["fra-edge-01"].ecmp is None


def test_routes_and_pbr_follow_their_links_probe() -> None:
    intent = _intents("ams", "ios")["ams-edge-01"]
    assert [(u.link, u.track_id) for u in intent.uplinks] == [("isp1", 1), ("isp2", 2)]
    (voice,) = intent.pbr.rules if intent.pbr else ()
    assert (voice.next_hop, voice.track_id, voice.tos) == ("203.0.113.1", 2, "0xb8")


def test_srx_cluster_shares_one_config_with_reth_interfaces_and_no_vrrp() -> None:
    intents = _intents("lon", "junos")
    primary, secondary = intents["lon-srx-01"], intents["lon-srx-02"]
    assert primary.vrrp == () and "vrrp" not in primary.features
    assert [i.name for i in primary.interfaces] == ["reth0", "reth1", "reth2"]
    assert primary.interfaces[1].members == ("ge-0/0/4", "ge-5/0/4")
    assert primary.interfaces[0].address == "10.20.0.1"  # the cluster is the gateway
    assert secondary.interfaces == primary.interfaces
    assert primary.ha_sync and primary.ha_sync.monitored == (
        "ge-0/0/4",
        "ge-5/0/4",
        "ge-0/0/5",
        "ge-5/0/5",
    )


def test_fgsp_members_point_at_each_other() -> None:
    intents = _intents("syd", "fortios")
    one, two = intents["syd-fgt-01"].ha_sync, intents["syd-fgt-02"].ha_sync
    assert one and two
    assert (one.peer_address, two.peer_address) == ("169.254.31.2", "169.254.31.1")
    assert (one.node_id, two.node_id) == (0, 1)


def test_five_tuple_on_fortios_is_refused_naming_the_nearest() -> None:
    with pytest.raises(UnsupportedIntent) as info:
        _intents("syd", "fortios", hashing="five-tuple")
    error = info.value
    assert error.location.host == "syd-fgt-01" and error.location.field == "site.hashing"
    assert "five-tuple" in error.message
    assert "hashing: source-destination-ip" in error.hint


def test_cluster_form_on_ios_is_refused_naming_the_nearest() -> None:
    with pytest.raises(UnsupportedIntent) as info:
        _intents("ams", "ios", ha_sync={"form": "cluster", "group_id": 1})
    assert "'sync-pair'" in info.value.hint


def test_a_site_needs_exactly_one_primary_and_one_secondary() -> None:
    members = _members("ams-", "ios")
    both_primary = [
        members[0],
        Member(members[1].name, "ios", members[1].design.model_copy(update={"role": "primary"})),
    ]
    with pytest.raises(DesignError, match="one primary and one secondary"):
        build_site_intents(Site.model_validate(_site("ams")), both_primary)
    with pytest.raises(DesignError, match="exactly two members"):
        build_site_intents(Site.model_validate(_site("ams")), members[:1])


def test_address_outside_its_segment_is_refused() -> None:
    members = _members("ams-", "ios")
    moved = members[0].design.model_copy(
        update={
            "interfaces": {
                **members[0].design.interfaces,
                "isp1": members[0]
                .design.interfaces["isp1"]
                .model_copy(update={"address": IPv4Address("198.51.100.9")}),
            }
        }
    )
    with pytest.raises(DesignError, match="not a usable address in isp1 subnet") as info:
        build_site_intents(
            Site.model_validate(_site("ams")), [Member(members[0].name, "ios", moved), members[1]]
        )
    assert info.value.location.field == "data.interfaces.isp1.address"


@pytest.mark.parametrize(
    "bad",
    [
        {"probes": [{"name": "p", "type": "tcp", "link": "isp1", "target": "192.0.2.1"}]},
        {"probes": [{"name": "p", "type": "icmp", "link": "isp9", "target": "192.0.2.1"}]},
        {"pbr": [{"name": "voice", "match": {"dscp": "ef"}, "via": "isp9"}]},
        {"pbr": [{"name": "voice", "match": {}, "via": "isp1"}]},
        {"ha_sync": {"form": "sync-pair", "group_id": 1}},
        {"mode": "hot-potato"},
    ],
)
def test_inconsistent_site_designs_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # pydantic ValidationError is a ValueError
        Site.model_validate(_site("ams", **bad))


def test_errors_keep_their_location_across_processes() -> None:
    import pickle

    from egress.errors import Location

    error = InputError("boom", location=Location(host="h", field="f", line=3), hint="fix")
    again = pickle.loads(pickle.dumps(error))
    assert (again.location, again.hint, again.exit_code) == (error.location, "fix", 2)


def _zones(intent: DeviceIntent) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    return [(z.zone, z.interface, z.protocols, z.services) for z in intent.security_zones]


def test_srx_cluster_zones_its_reth_units_with_bfd_on_uplinks_and_no_vrrp() -> None:
    intents = _intents("lon", "junos")
    primary, secondary = intents["lon-srx-01"], intents["lon-srx-02"]
    # the factory zone names by default; the fabric link is the cluster's own, in no zone
    assert _zones(primary) == [
        ("trust", "reth0.0", (), ("ping",)),
        ("untrust", "reth1.0", ("bfd",), ("ping",)),
        ("untrust", "reth2.0", ("bfd",), ("ping",)),
    ]
    assert secondary.security_zones == primary.security_zones


def test_srx_vrrp_pair_admits_vrrp_on_its_lan_in_the_sites_own_zones() -> None:
    intents = _intents("nyc", "junos", security_zones={"lan": "inside", "uplinks": "internet"})
    for intent in intents.values():
        assert _zones(intent) == [
            ("inside", "ge-0/0/1.0", ("vrrp",), ("ping",)),
            ("internet", "ge-0/0/2.0", ("bfd",), ("ping",)),
            ("internet", "ge-0/0/3.0", ("bfd",), ("ping",)),
        ]
    defaults = _intents("nyc", "junos", security_zones=None)["nyc-srx-01"]
    assert [z.zone for z in defaults.security_zones] == ["trust", "untrust", "untrust"]


def test_platforms_without_zones_carry_none_and_refuse_the_setting() -> None:
    assert all(i.security_zones == () for i in _intents("ams", "ios").values())
    assert all(i.security_zones == () for i in _intents("syd", "fortios").values())
    with pytest.raises(UnsupportedIntent) as info:
        _intents("ams", "ios", security_zones={"lan": "trust"})
    assert info.value.location.field == "site.security_zones"
    assert "remove `security_zones`" in info.value.hint


@pytest.mark.parametrize("name", ["in side", "trust\nset system", "", "a;b"])
def test_a_zone_name_that_would_inject_config_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="security_zones"):
        Site.model_validate(_site("nyc", security_zones={"lan": name}))


def test_an_os_release_outside_the_platforms_trains_is_refused_naming_host_and_field() -> None:
    from egress.platforms import PLATFORMS

    assert PLATFORMS["junos"].release_train("22.2R3-S2") == "22.2"
    assert PLATFORMS["fortios"].release_train("v7.4.3") == "7.4"
    assert PLATFORMS["ios"].release_train("16.12.5") == "16.12"
    members = _members("nyc-", "junos")
    assert {m.design.os_release for m in members} == {"19.4R3-S9"}
    bad = dataclasses.replace(
        members[0], design=members[0].design.model_copy(update={"os_release": "12.1X46"})
    )
    with pytest.raises(DesignError) as caught:
        build_site_intents(Site.model_validate(_site("nyc")), [bad, members[1]])
    assert caught.value.location.field == "data.os_release", caught.value.location
    assert "nyc-srx-01" in str(caught.value.location.host)


def test_intents_compare_and_hash_by_value() -> None:
    """The intent types (egress.model.intent_types.intent_type): equal and hashed by their
    fields, as the frozen dataclasses they were, and copied with changes by
    dataclasses.replace; assignment is refused by mypy, not at run time (docs/adr.md)."""
    first = _intents("ams", "ios")
    again = _intents("ams", "ios")
    for host, intent in first.items():
        assert intent == again[host] and hash(intent) == hash(again[host])
        assert intent is not again[host]
    intent = next(iter(first.values()))
    moved = dataclasses.replace(intent, site_description="elsewhere")
    assert moved != intent and moved.host == intent.host
    assert len({intent, again[intent.host], moved}) == 2
