"""`egress validate` proves (and disproves) the design on the lab's Junos devices: the
unmodified napalm junos driver runs the show commands, TTP parses them, the checks compare
with the intent — healthy, with an ISP link cut, and in a failover drill."""

from __future__ import annotations

from egress.lab.control import set_link
from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import (
    egress,
    failing_checks,
    running_config,
    summary,
    validate_json,
)

NYC = ("nyc-srx-01", "nyc-srx-02")
LON = ("lon-srx-01", "lon-srx-02")


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
    assert {"bfd", "probes", "routing", "ha_sync"} <= features
    roles = {
        h: next(c["observed"] for c in report["hosts"][h] if c["subject"].endswith(" role"))
        for h in LON
    }
    assert roles == {"lon-srx-01": "Primary", "lon-srx-02": "Secondary"}

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
    # the tracked interface lowers the master's priority (110 - 6) but it stays master
    assert set(failed) == {"bfd", "probes", "routing", "vrrp"}
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
