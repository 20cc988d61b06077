"""Expectations come from the intent; observed records pass or fail them, naming the peer."""

from __future__ import annotations

from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles, build_intents
from egress.parse.schema import Bfd, Ha, NextHop, Pbr, PbrEntry, Probe, Route, Vrrp
from egress.validate import commands_for, evaluate
from tests.conftest import EXAMPLE_INVENTORY

INTENTS = build_intents(
    load_nornir(EXAMPLE_INVENTORY).inventory, files=InventoryFiles.in_dir(EXAMPLE_INVENTORY)
)


def _healthy(host: str, *, state: str = "Master") -> dict[str, list]:  # type: ignore[type-arg]
    intent = INTENTS[host]
    return {
        "vrrp": [
            Vrrp(interface=g.interface, group=g.group, state=state, priority=g.priority, vip=g.vip)
            for g in intent.vrrp
        ],
        "bfd": [
            Bfd(
                peer=p.address,
                state="Up",
                interval_ms=intent.bfd.interval_ms,
                multiplier=intent.bfd.multiplier,
            )
            for p in intent.bfd.peers
        ],
        "probes": [
            Probe(name=str(p.id), target=p.target, state="ok", rtt_ms=4) for p in intent.probes
        ],
        "routing": [
            Route(
                prefix="0.0.0.0/0",
                next_hops=tuple(
                    NextHop(address=u.gateway)
                    for u in intent.uplinks
                    if intent.ecmp is not None or u.primary
                ),
            )
        ],
        "pbr": [
            Pbr(
                name="EGRESS-PBR",
                interfaces=(intent.pbr.in_interface,) if intent.pbr else (),
                entries=tuple(
                    PbrEntry(seq=r.seq, next_hop=r.next_hop)
                    for r in (intent.pbr.rules if intent.pbr else ())
                ),
            )
        ],
        "ha_sync": [
            Ha(
                in_sync=True,
                session_sync=True,
                local_role="Primary" if intent.role == "primary" else "Secondary",
            )
        ],
    }


def test_every_feature_of_a_healthy_device_passes() -> None:
    checks = evaluate(INTENTS["ams-edge-01"], _healthy("ams-edge-01"))
    assert {c.feature for c in checks} == {"vrrp", "bfd", "probes", "routing", "pbr", "ha_sync"}
    assert all(c.passed for c in checks), [c for c in checks if not c.passed]


def test_a_down_bfd_session_fails_naming_the_peer() -> None:
    parsed = _healthy("ams-edge-01")
    parsed["bfd"][0] = parsed["bfd"][0].model_copy(update={"state": "Down"})
    failed = [c for c in evaluate(INTENTS["ams-edge-01"], parsed) if not c.passed]
    assert [(c.feature, c.subject, c.observed) for c in failed] == [
        ("bfd", "bfd 198.51.100.1 (isp1)", "Down")
    ]


def test_ecmp_needs_every_uplink_and_active_standby_only_the_primary() -> None:
    parsed = _healthy("ams-edge-01")
    parsed["routing"] = [Route(prefix="0.0.0.0/0", next_hops=(NextHop(address="203.0.113.1"),))]
    (failed,) = [c for c in evaluate(INTENTS["ams-edge-01"], parsed) if not c.passed]
    assert (failed.expected, failed.observed) == ("198.51.100.1, 203.0.113.1", "203.0.113.1")
    standby = evaluate(INTENTS["fra-edge-01"], _healthy("fra-edge-01"))
    (route,) = [c for c in standby if c.feature == "routing"]
    assert route.passed and route.expected == "198.51.100.9"


def test_the_secondary_is_expected_backup_until_a_failover_drill() -> None:
    backup = evaluate(INTENTS["ams-edge-02"], _healthy("ams-edge-02", state="Backup"))
    assert all(c.passed for c in backup if c.feature == "vrrp")
    master = evaluate(INTENTS["ams-edge-02"], _healthy("ams-edge-02", state="Master"))
    assert not all(c.passed for c in master if c.feature == "vrrp")
    drill = evaluate(
        INTENTS["ams-edge-02"],
        _healthy("ams-edge-02", state="Master"),
        failover=frozenset({"ams-edge-01"}),
    )
    assert all(c.passed for c in drill if c.feature == "vrrp")


def _ha_role(host: str, observed: str, *, failover: frozenset[str]) -> tuple[str, bool]:
    parsed = _healthy(host)
    parsed["ha_sync"] = [Ha(in_sync=True, session_sync=True, local_role=observed)]
    (role,) = [
        c
        for c in evaluate(INTENTS[host], parsed, failover=failover)
        if c.feature == "ha_sync" and c.subject.endswith(" role")
    ]
    return role.expected, role.passed


def test_an_ios_drill_needs_the_peer_to_own_the_redundancy_group() -> None:
    drill = frozenset({"fra-edge-01"})
    # the old primary still owning the group in a drill is the fault the LAN track prevents
    assert _ha_role("fra-edge-01", "Primary", failover=drill) == ("Secondary", False)
    assert _ha_role("fra-edge-02", "Secondary", failover=drill) == ("Primary", False)
    assert _ha_role("fra-edge-01", "Secondary", failover=drill)[1]
    assert _ha_role("fra-edge-02", "Primary", failover=drill)[1]
    # no drill: the intended roles
    assert _ha_role("fra-edge-01", "Primary", failover=frozenset()) == ("Primary", True)


def test_an_fgsp_drill_still_accepts_either_role() -> None:
    # FortiOS FGSP peers have no roles that follow the LAN: in a drill, either is right
    drill = frozenset({"syd-fgt-01"})
    for host in ("syd-fgt-01", "syd-fgt-02"):
        for observed in ("Primary", "Secondary"):
            assert _ha_role(host, observed, failover=drill) == ("Primary or Secondary", True)
    assert _ha_role("syd-fgt-01", "Secondary", failover=frozenset()) == ("Primary", False)


def test_an_ipv6_group_of_the_same_number_does_not_hide_the_ipv4_one() -> None:
    parsed = _healthy("nyc-srx-01")
    (v4,) = parsed["vrrp"]
    v6 = v4.model_copy(update={"vip": "2001:db8::1", "state": "Backup"})
    parsed["vrrp"] = [v6, v4]
    vrrp = [c for c in evaluate(INTENTS["nyc-srx-01"], parsed) if c.feature == "vrrp"]
    assert vrrp and all(c.passed for c in vrrp), vrrp
    parsed["vrrp"] = [v6, v4.model_copy(update={"state": "Backup"})]
    checks = evaluate(INTENTS["nyc-srx-01"], parsed)
    failed = [(c.subject, c.observed) for c in checks if c.feature == "vrrp" and not c.passed]
    assert failed == [(f"vrrp {v4.group} on {v4.interface}", "Backup")]


def test_local_scope_accepts_either_vrrp_role_and_skips_pair_sync() -> None:
    parsed = _healthy("ams-edge-02", state="Master")
    parsed["ha_sync"] = [Ha(in_sync=False, session_sync=True)]
    checks = evaluate(INTENTS["ams-edge-02"], parsed, scope="local")
    assert all(c.passed for c in checks)
    assert not all(c.passed for c in evaluate(INTENTS["ams-edge-02"], parsed))


def test_missing_probe_and_unparsable_output_fail() -> None:
    parsed = _healthy("syd-fgt-01")
    parsed["probes"] = parsed["probes"][:1]
    checks = evaluate(INTENTS["syd-fgt-01"], parsed, unparsed={"bfd": "unparsable: boom"})
    failed = {(c.feature, c.observed) for c in checks if not c.passed}
    assert failed == {("probes", "absent"), ("bfd", "unparsable: boom")}


def test_commands_follow_the_platform_and_the_features() -> None:
    assert commands_for(INTENTS["lon-srx-01"]) == {
        "bfd": "show bfd session detail",
        "probes": "show services rpm probe-results",
        "routing": "show route 0.0.0.0/0 exact",
        "pbr": "show interfaces filters",
        "ha_sync": "show chassis cluster status",
    }
    assert "vrrp" in commands_for(INTENTS["syd-fgt-01"])


def _junos_pbr(host: str, records: list[Pbr]) -> list[tuple[str, str, str, bool]]:
    checks = evaluate(INTENTS[host], {**_healthy(host), "pbr": records})
    return [(c.subject, c.expected, c.observed, c.passed) for c in checks if c.feature == "pbr"]


def test_junos_pbr_passes_when_the_filter_is_the_lan_units_input_filter() -> None:
    # the filter and the unit come from the intent (EGRESS-PBR on the LAN port's unit 0)
    intent = INTENTS["nyc-srx-01"]
    assert intent.pbr is not None
    assert (intent.pbr.policy_name, intent.pbr.in_interface) == ("EGRESS-PBR", "ge-0/0/1")
    attached = [Pbr(name="EGRESS-PBR", interfaces=("ge-0/0/1.0",))]
    assert _junos_pbr("nyc-srx-01", attached) == [
        (
            "filter EGRESS-PBR on ge-0/0/1.0",
            "input filter EGRESS-PBR",
            "input filter EGRESS-PBR",
            True,
        )
    ]
    # a cluster's LAN is a reth interface
    assert _junos_pbr("lon-srx-01", [Pbr(name="EGRESS-PBR", interfaces=("reth0.0",))])[0][3]


def test_junos_pbr_fails_naming_interface_and_filter_when_not_attached() -> None:
    expected = ("filter EGRESS-PBR on ge-0/0/1.0", "input filter EGRESS-PBR")
    # "show interfaces filters" lists every attachment: a unit it names no filter on has none
    assert _junos_pbr("nyc-srx-01", []) == [(*expected, "no input filter", False)]
    # attached elsewhere (another unit, a port whose name starts the same) is not attached
    elsewhere = [Pbr(name="EGRESS-PBR", interfaces=("ge-0/0/2.0", "ge-0/0/10.0", "ge-0/0/1.5"))]
    assert _junos_pbr("nyc-srx-01", elsewhere) == [(*expected, "no input filter", False)]
    # another filter on the LAN unit is named in what was observed
    other = [Pbr(name="PROTECT", interfaces=("ge-0/0/1.0",))]
    assert _junos_pbr("nyc-srx-01", other) == [(*expected, "input filter PROTECT", False)]


def test_junos_ecmp_counts_every_next_hop_of_the_route_not_only_the_one_marked() -> None:
    # real Junos marks exactly one next hop ">" in "show route" even when load-balance
    # per-packet installs both in the forwarding table (the lab prints it so: lab__nyc_ecmp)
    intent = INTENTS["nyc-srx-01"]
    assert intent.ecmp is not None
    gateways = sorted(u.gateway for u in intent.uplinks)
    parsed = _healthy("nyc-srx-01")
    parsed["routing"] = [
        Route(
            prefix="0.0.0.0/0",
            next_hops=tuple(
                NextHop(address=g, interface=f"ge-0/0/{n}.0", selected=n == 0)
                for n, g in enumerate(gateways)
            ),
        )
    ]
    (route,) = [c for c in evaluate(intent, parsed) if c.feature == "routing"]
    assert route.passed, route
    parsed["routing"] = [
        Route(prefix="0.0.0.0/0", next_hops=(NextHop(address=gateways[0], selected=True),))
    ]
    (route,) = [c for c in evaluate(intent, parsed) if c.feature == "routing"]
    assert not route.passed and route.observed == gateways[0]
