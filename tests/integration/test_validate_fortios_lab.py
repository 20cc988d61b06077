"""`egress validate` proves (and disproves) the design on the lab's FortiGates: the project's
FortiOS NAPALM driver runs the get/diagnose commands over netmiko, TTP parses them, the checks
compare with the intent — healthy, with an ISP link cut, and in a failover drill."""

from __future__ import annotations

from egress.lab.control import set_link
from tests.integration.conftest import Lab, releases_of
from tests.integration.deploy.helpers import egress, failing_checks, summary, validate_json

SYD = ("syd-fgt-01", "syd-fgt-02")
SIN = ("sin-fgt-01", "sin-fgt-02")


@releases_of(SYD, "6.0.17", "7.4.3")
def test_the_fgsp_pair_validates_then_a_cut_link_and_a_drill_show_up(lab: Lab) -> None:
    commit = egress(
        "commit", *lab.args(), "--hosts", ",".join(SYD), "--yes", "--json", "--no-post-check"
    )
    assert commit.exit_code == 0, commit.output
    assert {h: o["outcome"] for h, o in summary(commit)["hosts"].items()} == {
        h: "committed" for h in SYD
    }

    code, report = validate_json(lab, SYD)
    assert report["unreachable"] == {}
    failing = {h: failing_checks(report, h) for h in report["hosts"]}
    assert failing == {h: [] for h in SYD}, failing
    assert code == 0 and report["passed"] is True
    features = {c["feature"] for c in report["hosts"]["syd-fgt-01"]}
    assert features == {"vrrp", "bfd", "probes", "routing", "pbr", "ha_sync", "bgp"}
    sync = [c for c in report["hosts"]["syd-fgt-02"] if c["subject"].endswith(" in sync")]
    assert [c["observed"] for c in sync] == ["in sync"]

    # syd-fgt-01 loses its isp1 port: its BFD session, probe and ECMP path to 198.51.100.41
    set_link(lab.state, host="syd-fgt-01", interface="port3", up=False)
    code, report = validate_json(lab, SYD)
    assert code == 1
    failed = failing_checks(report, "syd-fgt-01")
    by_feature = {c["feature"]: c for c in failed}
    assert by_feature["bfd"]["subject"] == "bfd 198.51.100.41 (isp1)"
    assert by_feature["bfd"]["observed"] == "Down"
    assert by_feature["probes"]["subject"] == "probe isp1-icmp -> 192.0.2.10"
    assert by_feature["probes"]["observed"] == "fail"
    assert by_feature["routing"]["expected"] == "198.51.100.41, 203.0.113.41"
    assert by_feature["routing"]["observed"] == "203.0.113.41"
    assert {"bfd", "probes", "routing"} <= set(by_feature)
    # The lab's vrdst model drops the VRRP priority to vrdst-priority (98) when a monitored
    # destination fails, so the VIP moves to syd-fgt-02 (priority 100): VRRP fails too.
    # and its isp1 session went down with the port, its announcement with it (issue 19)
    assert set(by_feature) == {"bfd", "bgp", "probes", "routing", "vrrp"}
    bgp = sorted((c["subject"], c["observed"]) for c in failed if c["feature"] == "bgp")
    assert bgp == [
        ("bgp bfd 198.51.100.41 (isp1)", "Down"),
        ("bgp session 198.51.100.41 (isp1)", "Idle"),
        ("bgp to 198.51.100.41 (isp1) 192.0.2.208/28", "not advertised"),
    ]
    set_link(lab.state, host="syd-fgt-01", interface="port3", up=True)

    # the drill: syd-fgt-01's LAN port goes, syd-fgt-02 takes over the VIP
    set_link(lab.state, host="syd-fgt-01", interface="port2", up=False)
    code, report = validate_json(lab, SYD)
    assert code == 1  # without --expect-failover the hand-over is a failure
    vrrp = {
        h: next(c for c in report["hosts"][h] if c["subject"] == "vrrp 31 on port2") for h in SYD
    }
    assert vrrp["syd-fgt-02"]["observed"] == "Master"
    code, report = validate_json(lab, SYD, "--expect-failover", "syd-fgt-01")
    assert failing_checks(report, "syd-fgt-02") == []
    assert failing_checks(report, "syd-fgt-01") == []
    assert code == 0
    # the unit whose LAN is down has no VRRP role (INIT), which a drill accepts
    drilled = next(c for c in report["hosts"]["syd-fgt-01"] if c["subject"] == "vrrp 31 on port2")
    assert drilled["observed"] == "Init"
    # issue 19: the unit whose LAN is down withdrew the site's prefix from both ISPs (its
    # conditional advertisement tests the LAN's connected route), its sessions stay up; the
    # peer keeps announcing to both
    bgp = {
        h: {c["subject"]: c["observed"] for c in report["hosts"][h] if c["feature"] == "bgp"}
        for h in SYD
    }
    for isp in ("198.51.100.41 (isp1)", "203.0.113.41 (isp2)"):
        assert bgp["syd-fgt-01"][f"bgp to {isp}"] == "nothing"
        assert bgp["syd-fgt-01"][f"bgp session {isp}"] == "Established"
    assert sorted(v for k, v in bgp["syd-fgt-02"].items() if k.startswith("bgp to ")) == [
        "advertised",
        "advertised",
    ]


@releases_of(SIN, "6.0.17", "7.4.3")
def test_the_fgcp_cluster_validates_and_a_cut_heartbeat_splits_it(lab: Lab) -> None:
    # one commit on the primary: FGCP synchronises the configuration to the secondary
    commit = egress("commit", *lab.args(), "--hosts", SIN[0], "--yes", "--json", "--no-post-check")
    assert commit.exit_code == 0, commit.output

    code, report = validate_json(lab, SIN)
    failing = {h: failing_checks(report, h) for h in report["hosts"]}
    assert failing == {h: [] for h in SIN}, failing
    assert code == 0
    roles = {
        h: next(c["observed"] for c in report["hosts"][h] if c["subject"].endswith(" role"))
        for h in SIN
    }
    assert roles == {"sin-fgt-01": "Primary", "sin-fgt-02": "Secondary"}

    # the heartbeat link goes: each unit is alone, sync stops, and both act as primary
    set_link(lab.state, host="sin-fgt-01", interface="port5", up=False)
    code, report = validate_json(lab, SIN)
    assert code == 1
    failed = {
        h: sorted(
            (c["subject"].rsplit(" ", 1)[-1], c["observed"]) for c in failing_checks(report, h)
        )
        for h in SIN
    }
    assert failed == {
        "sin-fgt-01": [("sync", "NOT in sync")],
        "sin-fgt-02": [("role", "Primary"), ("sync", "NOT in sync")],
    }
