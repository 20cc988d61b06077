"""`egress validate` proves the BGP sessions and what each ISP hears (issue 19) on the lab's
IOS-XE, Junos and FortiOS pairs: `show ip bgp summary` / `show bgp summary` / `get router info
bgp summary`, the BFD sessions, and `show ip bgp neighbors X advertised-routes` / `show route
advertising-protocol bgp X` / `get router info bgp neighbors X advertised-routes`, run over the
unmodified napalm/netmiko drivers and parsed. Healthy, both members hold both sessions
Established with BFD Up and announce the site's prefix to both ISPs; with the primary's isp1
uplink cut, the primary's isp1 session is down and its announcement gone, while its isp2
session and the healthy peer keep announcing."""

from __future__ import annotations

from typing import Any

from egress.lab.control import set_link
from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import egress, failing_checks, summary, validate_json

AMS = ("ams-edge-01", "ams-edge-02")  # IOS-XE, announces 192.0.2.128/28
NYC = ("nyc-srx-01", "nyc-srx-02")  # Junos, announces 192.0.2.176/28
SYD = ("syd-fgt-01", "syd-fgt-02")  # FortiOS 7.4 / 7.0, announces 192.0.2.208/28
HOSTS = (*AMS, *NYC, *SYD)
# the primary's isp1 port, its ISP's address and the site's prefix
CUT = {
    "ams-edge-01": ("GigabitEthernet3", "198.51.100.1", "192.0.2.128/28"),
    "nyc-srx-01": ("ge-0/0/2", "198.51.100.25", "192.0.2.176/28"),
    "syd-fgt-01": ("port3", "198.51.100.41", "192.0.2.208/28"),
}
ISP2 = {"ams-edge-01": "203.0.113.1", "nyc-srx-01": "203.0.113.25", "syd-fgt-01": "203.0.113.41"}


def _bgp(report: dict[str, Any], host: str) -> dict[str, dict[str, Any]]:
    return {c["subject"]: c for c in report["hosts"][host] if c["feature"] == "bgp"}


def _kinds(rows: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """subject kind (session, bfd, an advertised prefix) -> the observed values."""
    kinds: dict[str, set[str]] = {}
    for subject, row in rows.items():
        kind = subject.split()[1] if subject.split()[1] in ("session", "bfd") else "prefix"
        kinds.setdefault(kind, set()).add(row["observed"])
    return kinds


def test_validate_sees_the_sessions_and_the_withdraw_of_a_cut_uplink(lab: Lab) -> None:
    commit = egress(
        "commit", *lab.args(), "--hosts", ",".join(HOSTS), "--yes", "--json", "--no-post-check"
    )
    assert commit.exit_code == 0, commit.output
    assert {h: o["outcome"] for h, o in summary(commit)["hosts"].items()} == {
        h: "committed" for h in HOSTS
    }
    code, report = validate_json(lab, HOSTS)
    assert {h: failing_checks(report, h) for h in HOSTS} == {h: [] for h in HOSTS}
    assert code == 0
    assert report.get("not_checked", {}) == {}  # every vendor's BGP is checked
    for host in HOSTS:
        rows = _bgp(report, host)
        # two sessions Established with BFD Up, one prefix to each of two ISPs
        assert len(rows) == 6, rows
        assert _kinds(rows) == {
            "session": {"Established"},
            "bfd": {"Up"},
            "prefix": {"advertised"},
        }

    for host, (port, _, _) in CUT.items():
        set_link(lab.state, host=host, interface=port, up=False)
    try:
        code, report = validate_json(lab, HOSTS, "--features", "bgp")
        assert code == 1  # the withdraw is a failure until the drill names it
        for host, (_, isp1, prefix) in CUT.items():
            failed = failing_checks(report, host)
            assert sorted((c["subject"], c["expected"], c["observed"]) for c in failed) == [
                (f"bgp bfd {isp1} (isp1)", "Up", "Down"),
                (f"bgp session {isp1} (isp1)", "Established", "Idle"),
                (f"bgp to {isp1} (isp1) {prefix}", "advertised", "not advertised"),
            ], host
            rows = _bgp(report, host)
            isp2 = rows[f"bgp to {ISP2[host]} (isp2) {prefix}"]
            assert (isp2["observed"], isp2["passed"]) == ("advertised", True)
            session = rows[f"bgp session {ISP2[host]} (isp2)"]
            assert (session["observed"], session["passed"]) == ("Established", True)
        for peer in ("ams-edge-02", "nyc-srx-02", "syd-fgt-02"):
            rows = _bgp(report, peer)
            assert len(rows) == 6 and all(r["passed"] for r in rows.values()), rows

        drill = ",".join(f"{h}:isp1" for h in CUT)
        code, report = validate_json(lab, HOSTS, "--features", "bgp", "--expect-failover", drill)
        assert {h: failing_checks(report, h) for h in HOSTS} == {h: [] for h in HOSTS}
        assert code == 0
        for host, (_, isp1, _) in CUT.items():
            rows = _bgp(report, host)
            gone = rows[f"bgp to {isp1} (isp1)"]
            assert (gone["expected"], gone["observed"]) == ("nothing advertised", "nothing")
            down = rows[f"bgp session {isp1} (isp1)"]
            assert (down["expected"], down["observed"]) == ("not Established (link cut)", "Idle")
        # a drill that names the member but expects the prefix still announced fails: the
        # failed member's isp1 announcement is really gone (not merely excused)
        code, report = validate_json(lab, HOSTS, "--features", "bgp")
        assert code == 1
    finally:
        for host, (port, _, _) in CUT.items():
            set_link(lab.state, host=host, interface=port, up=True)
    code, report = validate_json(lab, HOSTS, "--features", "bgp")
    assert {h: failing_checks(report, h) for h in HOSTS} == {h: [] for h in HOSTS}
