"""Releases as data, over the real transports: each lab device prints the layouts of the OS
release the example inventory gives it (IOS-XE 16.12 / 17.6 / 17.9, Junos 19.4 / 22.2, FortiOS
6.0 / 7.0 / 7.4), and egress validate passes on every one of them."""

from __future__ import annotations

from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import (
    egress,
    failing_checks,
    lab_cli,
    summary,
    validate_json,
)

HOSTS = (
    "fra-edge-01",
    "ams-edge-01",
    "nyc-srx-01",
    "lon-srx-01",
    "lon-srx-02",
    "sin-fgt-01",
    "sin-fgt-02",
    "syd-fgt-01",
    "syd-fgt-02",
)


def test_every_device_prints_its_releases_layouts_and_validates(lab: Lab) -> None:
    commit = egress("commit", *lab.args(), "--yes", "--json", "--no-post-check")  # all twelve
    assert commit.exit_code == 0, commit.output
    assert all(o["outcome"] in ("committed", "mirrored") for o in summary(commit)["hosts"].values())
    releases = {d.name: d.os_release for d in lab.spec.devices}
    assert releases["fra-edge-01"] == "16.12.5" and releases["ams-edge-01"] == "17.9.4a"
    assert releases["sin-fgt-01"] == "6.0.17" and releases["syd-fgt-01"] == "7.4.3"

    # IOS-XE: 16.x prints the SLA summary with a State column, 17.x the code-prefixed one
    old = lab_cli(lab, "fra-edge-01", ["show ip sla summary"])["show ip sla summary"]
    new = lab_cli(lab, "ams-edge-01", ["show ip sla summary"])["show ip sla summary"]
    assert old.lstrip().startswith("ID       Type      Destination  State   Stats(ms)")
    assert new.lstrip().startswith("IPSLAs Latest Operation Summary")
    version = lab_cli(lab, "fra-edge-01", ["show version"])["show version"]
    assert "Cisco IOS XE Software, Version 16.12.05" in version

    # Junos: the release is what show version reports; a cluster lists both nodes
    nyc = lab_cli(lab, "nyc-srx-01", ["show version"])["show version"]
    assert "Junos: 19.4R3-S9" in nyc
    lon = lab_cli(lab, "lon-srx-01", ["show version"])["show version"]
    assert "node0:" in lon and "node1:" in lon and lon.count("Junos: 22.2R3-S2") == 2
    # ECMP where Junos shows it: the forwarding table holds a unilist of both gateways
    fib = lab_cli(
        lab, "nyc-srx-01", ["show route forwarding-table destination 0.0.0.0/0 table default"]
    )
    table = next(iter(fib.values()))
    assert " ulst " in table and table.count(" ucst ") == 2
    route = lab_cli(lab, "nyc-srx-01", ["show route 0.0.0.0/0 exact"])
    assert next(iter(route.values())).count(">  to ") == 1  # show route marks one next hop

    # FortiOS: 6.0 words HA roles master/backup, its member lines "Master: host, serial,
    # cluster index"; 7.x primary/secondary, padded; management-ip on 7.0, not on 7.4
    sin = lab_cli(lab, "sin-fgt-01", ["get system status", "get system ha status"])
    assert "Version: FortiGate-VM64 v6.0.17," in sin["get system status"]
    roles = {
        h: lab_cli(lab, h, ["get system status"])["get system status"]
        for h in ("sin-fgt-01", "sin-fgt-02")
    }
    assert "Current HA mode: a-p, master" in roles["sin-fgt-01"]
    assert "Current HA mode: a-p, backup" in roles["sin-fgt-02"]
    assert "Master: " in sin["get system ha status"]
    syd = {
        h: lab_cli(lab, h, ["get system interface"])["get system interface"]
        for h in ("syd-fgt-01", "syd-fgt-02")
    }
    assert "management-ip: " not in syd["syd-fgt-01"]  # 7.4
    assert "management-ip: " in syd["syd-fgt-02"]  # 7.0

    code, report = validate_json(lab, HOSTS)
    assert {h: failing_checks(report, h) for h in HOSTS} == {h: [] for h in HOSTS}
    assert code == 0 and report["passed"] is True
