"""`egress commit` and `egress validate` on the lab's IOS-XE pairs, end to end: the unmodified
napalm ios driver commits with the post-checks gating the confirm, the show commands are run,
TTP parses them and the checks compare with the intent — healthy, with an ISP uplink cut, in
a failover drill, and a commit whose post-check cannot pass ends rolled back."""

from __future__ import annotations

import json
from typing import Any

from egress.change.changes import ChangeDir
from egress.devices.configtext import normalise
from egress.lab.control import set_link
from tests.integration.conftest import Lab, releases_of
from tests.integration.deploy.helpers import (
    _driver,
    egress,
    failing_checks,
    running_config,
    summary,
    validate_json,
)

AMS = ("ams-edge-01", "ams-edge-02")
FRA = ("fra-edge-01", "fra-edge-02")
ISP1_GATEWAY = "198.51.100.1"  # ams isp1 (KPN): the peer ams-edge-01 loses with its uplink


def _commit(lab: Lab, hosts: tuple[str, ...], *extra: str) -> tuple[int, dict[str, Any]]:
    result = egress("commit", *lab.args(), "--hosts", ",".join(hosts), "--yes", "--json", *extra)
    return result.exit_code, summary(result)


def _ha_role(report: dict[str, Any], host: str) -> tuple[str, str, bool]:
    check = next(
        c
        for c in report["hosts"][host]
        if c["feature"] == "ha_sync" and c["subject"].endswith(" role")
    )
    return check["expected"], check["observed"], check["passed"]


def _rg_roles(lab: Lab, host: str) -> list[str]:
    """The `My Role:` lines of the device's own `show redundancy application group all`."""
    driver = _driver(lab, host)
    driver.open()
    try:
        command = "show redundancy application group all"
        text = str(driver.cli([command])[command])
    finally:
        driver.close()
    return [line.strip() for line in text.splitlines() if line.startswith("My Role:")]


@releases_of((*AMS, *FRA), "16.12.5", "17.9.4a")
def test_commit_with_post_checks_then_validate_a_cut_uplink_and_a_drill(lab: Lab) -> None:
    # the post-checks run before each confirm: both pairs commit only because they pass
    for pair in (AMS, FRA):
        code, result = _commit(lab, pair)
        assert code == 0, result
        assert {h: o["outcome"] for h, o in result["hosts"].items()} == {
            h: "committed" for h in pair
        }
        post = lab.changes / result["change_id"]
        for host in pair:
            checks = json.loads((post / host / "post-validate.json").read_text())
            assert checks and all(c["passed"] for c in checks), checks

    code, report = validate_json(lab, (*AMS, *FRA))
    assert report["unreachable"] == {}
    assert {h: failing_checks(report, h) for h in report["hosts"]} == {h: [] for h in (*AMS, *FRA)}
    assert code == 0 and report["passed"] is True
    for host in (*AMS, *FRA):
        features = {c["feature"] for c in report["hosts"][host]}
        assert features == {"vrrp", "bfd", "probes", "routing", "pbr", "ha_sync", "bgp"}, host
    ecmp = next(c for c in report["hosts"]["ams-edge-01"] if c["feature"] == "routing")
    assert ecmp["observed"] == "198.51.100.1, 203.0.113.1"  # both uplinks (load-sharing)
    primary_link = next(c for c in report["hosts"]["fra-edge-01"] if c["feature"] == "routing")
    assert primary_link["observed"] == "198.51.100.9"  # active-standby: isp1 only

    # ams-edge-01 loses its isp1 uplink: BFD to the gateway, the probe over it, the ECMP path
    set_link(lab.state, host="ams-edge-01", interface="GigabitEthernet3", up=False)
    code, report = validate_json(lab, AMS)
    assert code == 1 and report["passed"] is False
    failed = {c["feature"]: c for c in failing_checks(report, "ams-edge-01")}
    assert failed["bfd"]["subject"] == f"bfd {ISP1_GATEWAY} (isp1)"
    assert (failed["bfd"]["expected"], failed["bfd"]["observed"]) == ("Up", "Down")
    # the isp1 probe (sent via 198.51.100.1) fails; the isp2 one still answers
    assert failed["probes"]["subject"] == "probe isp1-icmp -> 192.0.2.10"
    assert failed["probes"]["observed"] == "fail"
    assert failed["routing"]["expected"] == f"{ISP1_GATEWAY}, 203.0.113.1"
    assert failed["routing"]["observed"] == "203.0.113.1"
    # the failed probe's track lowers the master's priority (110 - 6): it stays master
    # and its isp1 announcement went with the session (issue 19)
    assert set(failed) == {"bfd", "bgp", "probes", "routing", "vrrp"}
    assert failed["vrrp"]["subject"] == "vrrp 10 on GigabitEthernet2 priority"
    assert failed["vrrp"]["observed"] == "104"
    assert failing_checks(report, "ams-edge-02") == []
    set_link(lab.state, host="ams-edge-01", interface="GigabitEthernet3", up=True)

    # the drill: fra-edge-01's LAN port goes, fra-edge-02 takes the VIP over
    set_link(lab.state, host="fra-edge-01", interface="GigabitEthernet2", up=False)
    code, report = validate_json(lab, FRA)
    assert code == 1  # without --expect-failover the hand-over is a failure
    vrrp = {h: next(c for c in failing_checks(report, h) if c["feature"] == "vrrp") for h in FRA}
    assert (vrrp["fra-edge-01"]["expected"], vrrp["fra-edge-01"]["observed"]) == (
        "Master",
        "Init",  # its LAN is down: VRRP has no role there at all
    )
    assert (vrrp["fra-edge-02"]["expected"], vrrp["fra-edge-02"]["observed"]) == (
        "Backup",
        "Master",
    )
    # the redundancy group tracks the LAN port: it went with the VIP, the session table too
    assert _ha_role(report, "fra-edge-01") == ("Primary", "Secondary", False)
    assert _ha_role(report, "fra-edge-02") == ("Secondary", "Primary", False)
    assert _rg_roles(lab, "fra-edge-01") == ["My Role: STANDBY"]
    assert _rg_roles(lab, "fra-edge-02") == ["My Role: ACTIVE"]
    code, report = validate_json(lab, FRA, "--expect-failover", "fra-edge-01")
    assert {h: failing_checks(report, h) for h in FRA} == {h: [] for h in FRA}
    assert code == 0 and report["passed"] is True
    roles = {
        h: next(
            c["observed"]
            for c in report["hosts"][h]
            if c["subject"] == "vrrp 11 on GigabitEthernet2"
        )
        for h in FRA
    }
    assert roles == {"fra-edge-01": "Init", "fra-edge-02": "Master"}
    # strict for IOS: in the drill the peer must own the redundancy group, not just the VIP
    assert _ha_role(report, "fra-edge-01") == ("Secondary", "Secondary", True)
    assert _ha_role(report, "fra-edge-02") == ("Primary", "Primary", True)

    # the LAN is back: preempt returns the VIP and the group to the primary
    set_link(lab.state, host="fra-edge-01", interface="GigabitEthernet2", up=True)
    code, report = validate_json(lab, FRA)
    assert {h: failing_checks(report, h) for h in FRA} == {h: [] for h in FRA}
    assert _ha_role(report, "fra-edge-01") == ("Primary", "Primary", True)
    assert _rg_roles(lab, "fra-edge-01") == ["My Role: ACTIVE"]

    # a link-cut drill: fra-edge-01 loses isp1, its primary link; the probe's track takes
    # its VRRP priority below the peer's, which takes the VIP. What rode on isp1 is expected
    # down (`HOST:LINK`); the failover alone does not excuse a dead BFD session
    set_link(lab.state, host="fra-edge-01", interface="GigabitEthernet3", up=False)
    try:
        code, report = validate_json(lab, FRA, "--expect-failover", "fra-edge-01")
        assert code == 1
        assert {c["feature"] for c in failing_checks(report, "fra-edge-01")} >= {"bfd", "probes"}
        code, report = validate_json(lab, FRA, "--expect-failover", "fra-edge-01:isp1")
        assert {h: failing_checks(report, h) for h in FRA} == {h: [] for h in FRA}, report
        assert code == 0
        rows = {c["subject"]: c for c in report["hosts"]["fra-edge-01"]}
        bfd = rows["bfd 198.51.100.9 (isp1)"]
        assert (bfd["expected"], bfd["observed"]) == ("not Up (link cut)", "Down")
        route = next(c for c in report["hosts"]["fra-edge-01"] if c["feature"] == "routing")
        assert route["subject"] == "default route (the backup link; isp1 cut)"
        assert route["observed"] == route["expected"] != "198.51.100.9"
        # the CLI's features filter: only the show commands of the features asked for
        code, report = validate_json(
            lab, FRA, "--expect-failover", "fra-edge-01:isp1", "--features", "vrrp,bfd"
        )
        assert code == 0
        assert {c["feature"] for h in FRA for c in report["hosts"][h]} == {"vrrp", "bfd"}
        # a link the host does not have: input error, exit 2, nothing asked of a device
        args = lab.args()
        del args[args.index("--changes-dir") : args.index("--changes-dir") + 2]
        bad = egress(
            "validate", *args, "--hosts", "fra-edge-01", "--expect-failover", "fra-edge-01:isp9"
        )
        assert bad.exit_code == 2 and "has no link 'isp9'" in bad.output, bad.output
    finally:
        set_link(lab.state, host="fra-edge-01", interface="GigabitEthernet3", up=True)


def test_a_commit_whose_post_check_cannot_pass_is_rolled_back(lab: Lab) -> None:
    host = AMS[1]
    before = running_config(lab, host)
    # with its isp1 uplink cut, BFD to 198.51.100.1 can never come up: the gate must hold
    set_link(lab.state, host=host, interface="GigabitEthernet3", up=False)
    code, result = _commit(lab, (host,), "--settle", "1")
    assert code == 1
    outcome = result["hosts"][host]
    assert outcome["outcome"] == "rolled-back", outcome
    assert outcome["config"] == "pre-change"
    assert "post-check failed" in outcome["message"] and ISP1_GATEWAY in json.dumps(
        json.loads((lab.changes / result["change_id"] / host / "post-validate.json").read_text())
    )
    backup = ChangeDir.open(lab.changes, result["change_id"]).verified_backup(host)
    assert backup == before
    assert normalise("ios", running_config(lab, host)) == normalise("ios", before)
