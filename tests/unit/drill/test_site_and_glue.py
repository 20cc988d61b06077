"""The drill's re-rendering of an inventory site for frr, and the glue lines it pushes."""

from __future__ import annotations

import pytest

from egress.drill import glue
from egress.drill.site import TIME_SCALE, load_site
from egress.errors import InputError
from egress.render import render_device
from tests.conftest import EXAMPLE_INVENTORY, TEMPLATES


def test_the_pair_becomes_frr_with_ports_named_after_their_roles() -> None:
    site = load_site(EXAMPLE_INVENTORY, "ams")
    assert [i.platform for i in site.intents.values()] == ["frr", "frr"]
    assert site.primary.host == "ams-edge-01"
    assert {i.name for i in site.primary.interfaces} == {"lan", "isp1", "isp2", "ha"}
    # the addresses stay the inventory's
    lan = next(i for i in site.primary.interfaces if i.role == "lan")
    assert (lan.address, lan.prefix_length) == ("10.10.0.2", 24)
    # the design leaves NAT to the security team: the drill adds a pool per link,
    # announced only by the VRRP master
    assert site.primary.nat is not None and site.primary.nat.follows_vrrp
    assert [p.prefix for p in site.primary.nat.pools] == ["100.64.1.0/30", "100.64.2.0/30"]


def test_probe_and_preempt_timers_run_faster_and_bfd_vrrp_do_not() -> None:
    site = load_site(EXAMPLE_INVENTORY, "ams")
    scaled, real = site.primary, site.reference["ams-edge-01"]
    assert real.probes[0].interval_ms == 10_000
    assert scaled.probes[0].interval_ms == 10_000 // TIME_SCALE
    assert scaled.vrrp[0].preempt_delay_s == 1 and real.vrrp[0].preempt_delay_s == 30
    assert scaled.bfd == real.bfd
    assert scaled.vrrp[0].advert_ms == real.vrrp[0].advert_ms == 100


def test_an_override_changes_what_runs_and_not_the_promises() -> None:
    site = load_site(EXAMPLE_INVENTORY, "ams", overrides=("bfd.multiplier=10",))
    assert site.primary.bfd.multiplier == 10
    assert site.reference["ams-edge-01"].bfd.multiplier == 3


@pytest.mark.parametrize(
    ("name", "overrides", "words"),
    [
        ("nowhere", (), "no site 'nowhere'"),
        ("ams", ("bfd.multiplier",), "bad --set"),
        ("ams", ("bfd.nothing.deeper=1",), "no key 'nothing'"),
        ("ams", ("bfd.multiplier=0",), "invalid design"),
    ],
)
def test_bad_sites_and_overrides_are_input_errors(
    name: str, overrides: tuple[str, ...], words: str
) -> None:
    with pytest.raises(InputError) as info:
        load_site(EXAMPLE_INVENTORY, name, overrides=overrides)
    assert words in info.value.message
    assert info.value.exit_code == 2


def test_glue_splits_from_the_frr_config_and_joins_back() -> None:
    site = load_site(EXAMPLE_INVENTORY, "ams")
    config = render_device(site.primary, templates_dir=TEMPLATES)
    parts = glue.split(config)
    assert "!@" not in parts.frr
    assert "router bgp 65010" in parts.frr  # the design's `bgp.local_as`
    assert set(parts.glue) == {"sysctl", "iproute", "nftables", "keepalived", "conntrackd", "probe"}
    assert "net.ipv4.fib_multipath_hash_policy=1" in parts.glue["sysctl"]
    assert glue.nft_tables(parts.glue_text("nftables")) == ["ip egress_nat", "ip egress_pbr"]
    again = glue.split(glue.join(parts.frr, parts.glue))
    assert again.glue == parts.glue


def test_an_unknown_glue_kind_is_refused_with_its_line() -> None:
    with pytest.raises(ValueError, match="line 2: unknown glue kind 'shell'"):
        glue.split("frr defaults traditional\n!@shell rm -rf /\n")


def test_probe_lines_say_what_the_prober_runs() -> None:
    site = load_site(EXAMPLE_INVENTORY, "fra")
    parts = glue.split(render_device(site.primary, templates_dir=TEMPLATES))
    first, second = glue.probes(parts.glue["probe"])
    assert first["type"] == "tcp" and first["port"] == "443" and first["withdraw"] == "198.51.100.9"
    assert second["type"] == "icmp" and "port" not in second
    assert first["interval_ms"] == str(10_000 // TIME_SCALE)


def test_srx_zones_are_dropped_and_clusters_refused() -> None:
    from egress.errors import UnsupportedIntent

    nyc = load_site(EXAMPLE_INVENTORY, "nyc")  # an SRX VRRP pair with its own zones
    assert nyc.site.security_zones is not None  # the inventory's design keeps them
    assert nyc.primary.security_zones == () and nyc.primary.platform == "frr"
    with pytest.raises(UnsupportedIntent) as info:
        load_site(EXAMPLE_INVENTORY, "lon")  # an SRX chassis cluster: one shared config
    assert info.value.location.field == "site.ha_sync.form"
