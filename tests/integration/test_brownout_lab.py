"""An ISP brownout (`egress lab upstream`), validated over the real transports: the primary
member's primary link and its ISP router stay up (BFD Up) while the internet behind that
router is gone, so the primary link's probe fails — and the VRRP gateway, which follows the
probe, must move to the peer on every platform of an active-standby site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from egress.lab.control import set_upstream
from tests.integration.conftest import Lab, lab_of
from tests.integration.deploy.helpers import egress, failing_checks, summary, validate_json


@dataclass(frozen=True)
class Site:
    name: str
    hosts: tuple[str, str]  # (primary, secondary)
    isp1: str  # the primary member's primary-link port
    gateway: str  # isp1's ISP router
    isp2_gateway: str
    probe: str  # the subject of isp1's probe check
    vrrp: str  # the subject of the VRRP state check
    ha_role: bool = False  # the site's HA check reports a role (IOS redundancy group)
    # made active-standby on isp1 in the lab's copy of the inventory (the example runs it
    # load-sharing, where losing one link only lowers the master's priority)
    make_active_standby: bool = False
    # issue 19: with `--expect-failover PRIMARY` (no link named) validate expects the primary's
    # announcements withdrawn from every ISP, as when its LAN goes. In a brownout each vendor's
    # per-link construct withdraws from the browned-out link's ISP only, so isp2 still hears
    # the prefix: IOS-XE's advertise-map follows isp1's marker route (its probe track), Junos's
    # condition route goes with the probe, FortiOS's condition route-map matches isp1's default
    # route, which the link-monitor removes.
    still_announced: tuple[str, ...] = ()
    # releases whose construct differs: FortiOS before 7.0 takes one condition route-map per
    # conditional advertisement (BgpIntent.one_condition) and egress keeps the LAN's, so a
    # brownout of one link withdraws from neither ISP there (docs/adr.md, known limits)
    still_announced_on: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def announced(self, release: str) -> tuple[str, ...]:
        return dict(self.still_announced_on).get(release, self.still_announced)


SITES = [
    Site(
        "fra",
        ("fra-edge-01", "fra-edge-02"),
        "GigabitEthernet3",
        "198.51.100.9",
        "203.0.113.9",
        "probe isp1-tcp -> 192.0.2.30",
        "vrrp 11 on GigabitEthernet2",
        ha_role=True,
        still_announced=("bgp to 203.0.113.9 (isp2) 192.0.2.144/28",),
    ),
    Site(
        "nyc",
        ("nyc-srx-01", "nyc-srx-02"),
        "ge-0/0/2",
        "198.51.100.25",
        "203.0.113.25",
        "probe isp1-http -> 192.0.2.20",
        "vrrp 21 on ge-0/0/1",
        make_active_standby=True,
        still_announced=("bgp to 203.0.113.25 (isp2) 192.0.2.176/28",),
    ),
    Site(
        "syd",
        ("syd-fgt-01", "syd-fgt-02"),
        "port3",
        "198.51.100.41",
        "203.0.113.41",
        "probe isp1-icmp -> 192.0.2.10",
        "vrrp 31 on port2",
        make_active_standby=True,
        still_announced=("bgp to 203.0.113.41 (isp2) 192.0.2.208/28",),
        still_announced_on=(
            (
                "6.0.17",
                (
                    "bgp to 198.51.100.41 (isp1) 192.0.2.208/28",
                    "bgp to 203.0.113.41 (isp2) 192.0.2.208/28",
                ),
            ),
        ),
    ),
]


def _active_standby(lab: Lab, site: str) -> None:
    groups = lab.inventory / "groups.yaml"
    text = groups.read_text()
    at = text.index(f"site_{site}:")
    head, tail = text[:at], text[at:]
    assert "mode: load-sharing\n" in tail
    tail = tail.replace(
        "mode: load-sharing\n", "mode: active-standby\n      primary_link: isp1\n", 1
    )
    groups.write_text(head + tail)


def _brief(checks: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(c["feature"], c["subject"], c["observed"]) for c in checks]


def _check(report: dict[str, Any], host: str, subject: str) -> dict[str, Any]:
    return next(c for c in report["hosts"][host] if c["subject"] == subject)


def _bfd(report: dict[str, Any], host: str, gateway: str) -> dict[str, Any]:
    return next(
        c
        for c in report["hosts"][host]
        if c["feature"] == "bfd" and c["subject"].startswith(f"bfd {gateway}")
    )


# Each site runs once on the oldest and once on the newest release train egress reads for its
# platform (the example inventory's own releases are among them): the lab prints each
# release's layouts, so the brownout is proven on every layout family validate reads.
RELEASES = {
    "fra": ("16.12.5", "17.9.4a"),
    "nyc": ("19.4R3-S9", "22.2R3-S2"),
    "syd": ("6.0.17", "7.4.3"),
}
CASES = [(site, release) for site in SITES for release in RELEASES[site.name]]


@pytest.mark.parametrize(("site", "release"), CASES, ids=[f"{s.name}-{r}" for s, r in CASES])
def test_a_brownout_of_the_primary_link_hands_vrrp_to_the_peer(
    tmp_path: Path, site: Site, release: str
) -> None:
    with lab_of(tmp_path, releases={h: release for h in site.hosts}) as lab:
        assert {lab.spec.device(h).os_release for h in site.hosts} == {release}
        _brownout(lab, site, release)


def _brownout(lab: Lab, site: Site, release: str) -> None:
    if site.make_active_standby:
        _active_standby(lab, site.name)
    primary, secondary = site.hosts
    commit = egress(
        "commit", *lab.args(), "--hosts", ",".join(site.hosts), "--yes", "--json", "--no-post-check"
    )
    assert commit.exit_code == 0, commit.output
    assert {h: o["outcome"] for h, o in summary(commit)["hosts"].items()} == {
        h: "committed" for h in site.hosts
    }
    code, report = validate_json(lab, site.hosts)
    assert {h: failing_checks(report, h) for h in site.hosts} == {h: [] for h in site.hosts}
    assert code == 0

    set_upstream(lab.state, host=primary, interface=site.isp1, up=False)
    code, report = validate_json(lab, site.hosts)
    assert code == 1
    # the hand-off is up: BFD to the ISP router stays Up, only the probe behind it fails
    bfd = _bfd(report, primary, site.gateway)
    assert (bfd["observed"], bfd["passed"]) == ("Up", True)
    probe = _check(report, primary, site.probe)
    assert (probe["observed"], probe["passed"]) == ("fail", False)
    # the probe lowered the primary's VRRP priority below the peer's: the peer is master
    assert {h: _check(report, h, site.vrrp)["observed"] for h in site.hosts} == {
        primary: "Backup",
        secondary: "Master",
    }
    code, report = validate_json(lab, site.hosts, "--expect-failover", primary)
    vrrp = {h: [c for c in failing_checks(report, h) if c["feature"] == "vrrp"] for h in site.hosts}
    assert vrrp == {h: [] for h in site.hosts}
    assert (_check(report, secondary, site.vrrp)["observed"], code) == ("Master", 1)
    assert _bfd(report, primary, site.gateway)["passed"] is True
    # what stays failed is the probe and what follows it: the primary's default route left
    # the primary link for isp2 (the route is withdrawn with its probe)
    bgp = [c for c in failing_checks(report, primary) if c["feature"] == "bgp"]
    assert sorted((c["subject"], c["expected"], c["observed"]) for c in bgp) == [
        (subject, "withdrawn", "advertised") for subject in site.announced(release)
    ]
    # the brownout left both sessions Established (the hand-off and BFD are up) and the
    # healthy peer announcing to both ISPs
    sessions = {
        c["subject"]: c["observed"]
        for h in site.hosts
        for c in report["hosts"][h]
        if c["subject"].startswith("bgp session ")
    }
    assert set(sessions.values()) == {"Established"} and len(sessions) == 2
    peer = [c for c in report["hosts"][secondary] if c["subject"].startswith("bgp to ")]
    assert len(peer) == 2 and {c["observed"] for c in peer} == {"advertised"}
    assert not report.get("not_checked")
    failing = {
        h: [c for c in failing_checks(report, h) if c["feature"] != "bgp"] for h in site.hosts
    }
    assert {h: _brief(cs) for h, cs in failing.items()} == {
        primary: [
            ("probes", site.probe, "fail"),
            ("routing", "default route (the primary link)", site.isp2_gateway),
        ],
        secondary: [],
    }
    # a redundancy group that tracks the probe (IOS B2B) hands its role over too
    roles = {
        h: c["observed"]
        for h in site.hosts
        for c in report["hosts"][h]
        if c["feature"] == "ha_sync" and c["subject"].endswith(" role")
    }
    assert roles == ({primary: "Secondary", secondary: "Primary"} if site.ha_role else {})

    set_upstream(lab.state, host=primary, interface=site.isp1, up=True)
    code, report = validate_json(lab, site.hosts)
    assert {h: failing_checks(report, h) for h in site.hosts} == {h: [] for h in site.hosts}
    assert code == 0 and report["passed"] is True
