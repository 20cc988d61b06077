"""Dry-run, commit, idempotence and rollback through the unmodified drivers, against the lab."""

from __future__ import annotations

import time

import pytest

from egress.configtext import normalise
from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import egress, running_config, summary

# one VRRP pair per platform that napalm drives out of the box (FortiOS: its own driver)
PAIRS = {"ios": ("ams-edge-01", "ams-edge-02"), "junos": ("nyc-srx-01", "nyc-srx-02")}


@pytest.mark.parametrize("platform", sorted(PAIRS))
def test_dry_run_commit_idempotence_rollback(lab: Lab, platform: str) -> None:
    hosts = PAIRS[platform]
    before = {h: running_config(lab, h) for h in hosts}

    dry = egress("diff", *lab.args(), "--hosts", ",".join(hosts), "--json")
    assert dry.exit_code == 0, dry.output
    assert {h: o["outcome"] for h, o in summary(dry)["hosts"].items()} == {
        h: "would-change" for h in hosts}
    for host in hosts:
        assert running_config(lab, host) == before[host], f"dry-run changed {host}"

    commit = egress("commit", *lab.args(), "--hosts", ",".join(hosts), "--confirm", "600",
                    "--yes", "--json", "--no-post-check")
    assert commit.exit_code == 0, commit.output
    change_id = summary(commit)["change_id"]
    assert {h: o["outcome"] for h, o in summary(commit)["hosts"].items()} == {
        h: "committed" for h in hosts}
    after = running_config(lab, hosts[0])
    assert "10." in after and after != before[hosts[0]]
    marker = {"ios": "vrrp 10 address-family ipv4", "junos": "vrrp-group 21"}[platform]
    assert marker in after
    # secondary first: its commit step ended before the primary's began
    steps = (lab.changes / change_id / "steps.jsonl").read_text().splitlines()
    commits = [s for s in steps if '"step": "commit"' in s]
    assert hosts[1] in commits[0] and hosts[0] in commits[1]
    for host in hosts:
        assert (lab.changes / change_id / host / "pre.cfg").read_text() == before[host]

    again = egress("diff", *lab.args(), "--hosts", ",".join(hosts), "--json")
    assert {o["outcome"] for o in summary(again)["hosts"].values()} == {"unchanged"}

    back = egress("rollback", *lab.args(), "--change", change_id, "--hosts", ",".join(hosts),
                  "--yes", "--json")
    assert back.exit_code == 0, back.output
    for host in hosts:
        assert normalise(platform, running_config(lab, host)) == normalise(
            platform, before[host]), f"{host} not restored exactly"


@pytest.mark.parametrize("platform", sorted(PAIRS))
def test_lost_contact_after_commit_reverts_by_the_devices_own_timer(
    lab: Lab, platform: str
) -> None:
    host = PAIRS[platform][1]
    before = running_config(lab, host)
    # the session drops when the commit starts and the device then refuses every new one:
    # egress can neither confirm nor roll back; only the device's timer can save it
    egress("lab", "fault", host, "drop-on-commit", "--state", str(lab.state))
    egress("lab", "fault", host, "refuse-connect", "--state", str(lab.state))
    # refuse-connect is applied by the lab within 0.2 s; the commit opens its session first
    result = egress("commit", *lab.args(), "--hosts", host, "--confirm", "120", "--yes",
                    "--json", "--timeout", "5")
    assert result.exit_code == 1
    outcome = summary(result)["hosts"][host]
    assert outcome["outcome"] in ("reverting", "rolled-back"), outcome
    egress("lab", "fault", host, "clear", "--state", str(lab.state))
    time.sleep(120 / 60 + 1.5)  # the scaled 2-minute timer, and a margin
    assert normalise(platform, running_config(lab, host)) == normalise(platform, before)
