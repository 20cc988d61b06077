"""Shared-config clusters (FGCP, SRX chassis cluster): every member's backup predates the
primary's commit, `egress rollback --change` restores the cluster through its primary and
exits 0, and the report rebuilt afterwards says what was rolled back."""

from __future__ import annotations

import pytest

from egress.devices.configtext import residue
from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import egress, running_config, summary

CLUSTERS = {"fortios": ("sin-fgt-01", "sin-fgt-02"), "junos": ("lon-srx-01", "lon-srx-02")}


@pytest.mark.parametrize("platform", sorted(CLUSTERS))
def test_cluster_rollback_restores_both_members_and_the_report_says_so(
    lab: Lab, platform: str
) -> None:
    primary, member = CLUSTERS[platform]
    before = {h: running_config(lab, h) for h in (primary, member)}
    commit = egress(
        "commit",
        *lab.args(),
        "--hosts",
        f"{primary},{member}",
        "--yes",
        "--json",
        "--confirm",
        "600",
        "--no-post-check",
    )
    assert commit.exit_code == 0, commit.output
    change_id = summary(commit)["change_id"]
    outcomes = summary(commit)["hosts"]
    assert (outcomes[primary]["outcome"], outcomes[member]["outcome"]) == (
        "committed",
        "mirrored",
    ), outcomes
    # the member's backup is its config before its primary's commit synced to it
    record = lab.changes / change_id / member / "pre.cfg"
    assert residue(platform, before[member], running_config(lab, member)), "nothing changed?"
    from egress.change.changes import ChangeDir

    assert ChangeDir.open(lab.changes, change_id).verified_backup(member) == before[member]
    assert record.exists()

    rollback = egress("rollback", *lab.args(), "--change", change_id, "--yes", "--json")
    assert rollback.exit_code == 0, rollback.output
    for host in (primary, member):  # read from the devices
        assert residue(platform, before[host], running_config(lab, host)) == [], host
    assert "through its cluster primary" in summary(rollback)["hosts"][member]["message"]

    report = egress("report", change_id, "--changes-dir", str(lab.changes))
    assert report.exit_code == 0, report.output
    text = (lab.changes / change_id / "report.md").read_text()
    assert "No device was rolled back" not in text
    rolled = text.split("## Rolled back", 1)[1].split("##", 1)[0]
    assert primary in rolled and member in rolled
    assert "egress rollback --change" in rolled
