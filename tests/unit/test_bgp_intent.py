"""The BGP intent (issue 19): who announces what to which ISP, tied to which health."""

from __future__ import annotations

from typing import Any

from egress.model.design import Site
from egress.model.intent import build_site_intents
from tests.unit.test_intent import _intents, _members, _site


def _bgp(site: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = _site(site)["bgp"]
    data.update(changes)
    return data


def test_active_standby_backup_prepends_and_primary_does_not() -> None:
    intents = _intents("fra", "ios")
    primary, backup = intents["fra-edge-01"].bgp, intents["fra-edge-02"].bgp
    assert primary is not None and backup is not None
    assert primary.prepend == 0 and primary.as_path_prepend == ""
    assert backup.prepend == 3 and backup.as_path_prepend == "65011 65011 65011"


def test_equal_standby_and_load_sharing_do_not_prepend() -> None:
    equal = _intents("fra", "ios", bgp=_bgp("fra", standby="equal"))["fra-edge-02"].bgp
    shared = _intents("ams", "ios")["ams-edge-02"].bgp
    assert equal is not None and equal.prepend == 0
    assert shared is not None and shared.prepend == 0


def test_a_cluster_is_one_speaker_and_never_prepends() -> None:
    bgp = _intents("lon", "junos")["lon-srx-02"].bgp
    assert bgp is not None and bgp.prepend == 0


def test_each_neighbor_hears_only_the_prefixes_announced_over_its_link() -> None:
    announce = [
        {"prefix": "192.0.2.128/29", "links": ["isp1"]},
        {"prefix": "192.0.2.136/29"},
    ]
    bgp = _intents("ams", "ios", bgp=_bgp("ams", announce=announce))["ams-edge-01"].bgp
    assert bgp is not None
    heard = {n.link: n.prefixes for n in bgp.neighbors}
    assert heard == {"isp1": ("192.0.2.128/29", "192.0.2.136/29"), "isp2": ("192.0.2.136/29",)}


def test_an_announcement_follows_the_lan_and_its_links_probe_tracks() -> None:
    bgp = _intents("ams", "ios")["ams-edge-01"].bgp
    assert bgp is not None
    (prefix,) = bgp.prefixes
    assert prefix.lan and prefix.probe_tracks == (1, 2)  # isp1-icmp, isp2-http
    untied = _bgp("ams", announce=[{"prefix": "192.0.2.128/28", "when": ["lan"]}])
    (loose,) = _intents("ams", "ios", bgp=untied)["ams-edge-01"].bgp.prefixes  # type: ignore[union-attr]
    assert loose.lan and loose.probe_tracks == ()


def test_the_neighbor_defaults_to_the_gateway_and_may_be_another_address() -> None:
    peers = {"isp1": {"peer_as": 64496, "neighbor": "198.51.100.6"}, "isp2": {"peer_as": 64497}}
    bgp = _intents("ams", "ios", bgp=_bgp("ams", peers=peers))["ams-edge-01"].bgp
    assert bgp is not None
    assert {n.link: n.address for n in bgp.neighbors} == {
        "isp1": "198.51.100.6",
        "isp2": "203.0.113.1",
    }


def test_junos_conditions_test_the_route_ip_monitoring_installs_per_probe() -> None:
    bgp = _intents("nyc", "junos")["nyc-srx-01"].bgp
    assert bgp is not None
    assert {n.link: n.probe_route for n in bgp.neighbors} == {
        "isp1": "192.0.2.20/32",
        "isp2": "192.0.2.10/32",
    }


def test_a_site_without_bgp_renders_no_bgp_feature() -> None:
    site = _site("ams")
    site.pop("bgp")
    intents = build_site_intents(Site.model_validate(site), _members("ams-", "ios"))
    assert all(i.bgp is None and "bgp" not in i.features for i in intents.values())


def test_fortios_before_7_0_takes_one_condition_per_advertisement() -> None:
    old = _intents("sin", "fortios")["sin-fgt-01"].bgp  # 6.0.17
    new = _intents("syd", "fortios")["syd-fgt-01"].bgp  # 7.4.3
    assert old is not None and old.one_condition
    assert new is not None and not new.one_condition
