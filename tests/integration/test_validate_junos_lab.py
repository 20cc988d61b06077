"""`egress validate` proves (and disproves) the design on the lab's Junos devices: the
unmodified napalm junos driver runs the show commands, TTP parses them, the checks compare
with the intent — healthy, with an ISP link cut, and in a failover drill."""

from __future__ import annotations

from egress.lab.control import set_link
from tests.integration.conftest import Lab, releases_of
from tests.integration.deploy.helpers import (
    commit_on_device,
    egress,
    failing_checks,
    lab_facts,
    running_config,
    summary,
    validate_json,
)

NYC = ("nyc-srx-01", "nyc-srx-02")
LON = ("lon-srx-01", "lon-srx-02")


@releases_of((*NYC, *LON), "19.4R3-S9", "22.2R3-S2")
def test_the_design_validates_then_a_cut_link_and_a_drill_show_up(lab: Lab) -> None:
    # the nyc pair and the lon cluster's primary; the cluster mirrors node0's config to node1
    commit = egress(
        "commit",
        *lab.args(),
        "--hosts",
        ",".join((*NYC, LON[0])),
        "--yes",
        "--json",
        "--no-post-check",
    )
    assert commit.exit_code == 0, commit.output
    assert {h: o["outcome"] for h, o in summary(commit)["hosts"].items()} == {
        h: "committed" for h in (*NYC, LON[0])
    }
    # the same configuration (the "## Last commit" header names each node's own commit)
    node0, node1 = (running_config(lab, h).split("\n", 1)[1] for h in LON)
    assert node1 == node0 and "redundancy-group 1" in node1

    code, report = validate_json(lab, (*NYC, *LON))
    assert report["unreachable"] == {}
    failing = {h: failing_checks(report, h) for h in report["hosts"]}
    assert failing == {h: [] for h in (*NYC, *LON)}, failing
    assert code == 0 and report["passed"] is True
    features = {c["feature"] for c in report["hosts"]["lon-srx-01"]}
    assert {"bfd", "probes", "routing", "pbr", "ha_sync"} <= features
    # filter-based forwarding: the design's filter is the LAN unit's input filter
    pbr = {h: [c for c in report["hosts"][h] if c["feature"] == "pbr"] for h in (*NYC, *LON)}
    lan = {"nyc-srx-01": "ge-0/0/1.0", "nyc-srx-02": "ge-0/0/1.0"}
    lan |= {h: "reth0.0" for h in LON}
    assert {h: [(c["subject"], c["observed"], c["passed"]) for c in pbr[h]] for h in pbr} == {
        h: [(f"filter EGRESS-PBR on {lan[h]}", "input filter EGRESS-PBR", True)] for h in pbr
    }
    roles = {
        h: next(c["observed"] for c in report["hosts"][h] if c["subject"].endswith(" role"))
        for h in LON
    }
    assert roles == {"lon-srx-01": "Primary", "lon-srx-02": "Secondary"}
    # one shared configuration, each node named by its own `groups nodeN` host-name
    assert {h: lab_facts(lab, h)["hostname"] for h in LON} == {h: h for h in LON}

    # nyc-srx-01 loses its isp1 port: its BFD session, probe and ECMP path to 198.51.100.25
    set_link(lab.state, host="nyc-srx-01", interface="ge-0/0/2", up=False)
    code, report = validate_json(lab, NYC)
    assert code == 1
    failed = {c["feature"]: c for c in failing_checks(report, "nyc-srx-01")}
    assert failed["bfd"]["subject"].startswith("bfd 198.51.100.25")
    assert failed["bfd"]["observed"] == "Down"
    assert failed["probes"]["subject"] == "probe isp1-http -> 192.0.2.20"
    assert failed["probes"]["observed"] == "fail"
    assert failed["routing"]["expected"] == "198.51.100.25, 203.0.113.25"
    assert failed["routing"]["observed"] == "203.0.113.25"
    # the failed isp1 probe withdraws its tracked route: the master's priority drops by the
    # decrement (110 - 6), but load-sharing keeps it master while isp2 is healthy
    # and its isp1 BGP session went with the link: nothing is announced to isp1 (issue 19)
    assert set(failed) == {"bfd", "bgp", "probes", "routing", "vrrp"}
    assert failed["vrrp"]["subject"].endswith("priority")
    assert failed["vrrp"]["observed"] == "104"
    assert [c["feature"] for c in failing_checks(report, "nyc-srx-02")] == []
    set_link(lab.state, host="nyc-srx-01", interface="ge-0/0/2", up=True)

    # the drill: nyc-srx-01's LAN goes, nyc-srx-02 takes over the VIP
    set_link(lab.state, host="nyc-srx-01", interface="ge-0/0/1", up=False)
    code, report = validate_json(lab, NYC)
    assert code == 1  # without --expect-failover the hand-over is a failure
    vrrp = {
        h: next(c for c in report["hosts"][h] if c["subject"] == "vrrp 21 on ge-0/0/1") for h in NYC
    }
    assert vrrp["nyc-srx-02"]["observed"] == "Master"
    code, report = validate_json(lab, NYC, "--expect-failover", "nyc-srx-01")
    assert {h: failing_checks(report, h) for h in NYC} == {h: [] for h in NYC}
    assert code == 0 and report["passed"] is True
    # the host that handed over has no VRRP role while its LAN is down (Junos "idle")
    observed = {
        h: next(c["observed"] for c in report["hosts"][h] if c["subject"] == "vrrp 21 on ge-0/0/1")
        for h in NYC
    }
    assert observed == {"nyc-srx-01": "Init", "nyc-srx-02": "Master"}


def test_a_filter_taken_off_the_lan_fails_the_pbr_check(lab: Lab) -> None:
    commit = egress(
        "commit", *lab.args(), "--hosts", ",".join(NYC), "--yes", "--json", "--no-post-check"
    )
    assert commit.exit_code == 0, commit.output
    code, report = validate_json(lab, NYC)
    assert code == 0, {h: failing_checks(report, h) for h in NYC}

    # someone takes the FBF filter off nyc-srx-01's LAN unit: voice follows the default route
    commit_on_device(lab, "nyc-srx-01", "delete interfaces ge-0/0/1 unit 0 family inet filter\n")
    running = running_config(lab, "nyc-srx-01")
    assert "filter EGRESS-PBR {" in running and "input EGRESS-PBR;" not in running
    code, report = validate_json(lab, NYC)
    assert code == 1 and report["passed"] is False
    # the device's own table of checks names it; the check names the unit and the filter
    (failed,) = failing_checks(report, "nyc-srx-01")
    assert failed["feature"] == "pbr"
    assert failed["subject"] == "filter EGRESS-PBR on ge-0/0/1.0"
    assert (failed["expected"], failed["observed"]) == (
        "input filter EGRESS-PBR",
        "no input filter",
    )
    assert failing_checks(report, "nyc-srx-02") == []


def test_bfd_not_admitted_host_inbound_fails_the_bfd_check(lab: Lab) -> None:
    commit = egress(
        "commit", *lab.args(), "--hosts", ",".join(NYC), "--yes", "--json", "--no-post-check"
    )
    assert commit.exit_code == 0, commit.output
    running = running_config(lab, "nyc-srx-01")
    # the site's own zone names (inventory: security_zones {lan: inside, uplinks: internet})
    assert "security-zone internet {" in running and "security-zone inside {" in running
    code, report = validate_json(lab, NYC)
    assert code == 0, {h: failing_checks(report, h) for h in NYC}

    # someone drops BFD from isp1's host-inbound traffic: an SRX in flow mode now drops the
    # ISP router's BFD packets, so the session never comes up and the route loses that hop
    commit_on_device(
        lab,
        "nyc-srx-01",
        "delete security zones security-zone internet interfaces ge-0/0/2.0 "
        "host-inbound-traffic protocols bfd\n",
    )
    code, report = validate_json(lab, NYC)
    assert code == 1 and report["passed"] is False
    failed = {c["feature"]: c for c in failing_checks(report, "nyc-srx-01")}
    assert failed["bfd"]["subject"].startswith("bfd 198.51.100.25")
    assert failed["bfd"]["observed"] == "Down"
    assert failed["routing"]["observed"] == "203.0.113.25"
    # BGP with BFD liveness drops the session while BFD is down: isp1 hears nothing
    assert set(failed) == {"bfd", "bgp", "routing"}
    assert failing_checks(report, "nyc-srx-02") == []
