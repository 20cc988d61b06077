"""Dry-run, commit, idempotence and rollback through the unmodified drivers, against the lab."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from egress.change.changes import ChangeDir
from egress.change.vault import entry_path
from egress.devices.configtext import normalise, residue
from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import (
    device_secrets,
    egress,
    plant_secrets,
    running_config,
    secrets_in,
    summary,
)

# What a device keeps of a lost session after its own timer reverted the change: FortiOS
# saved the switch to revert mode when it was typed (the unit reloads its saved config, still
# in revert mode) and netmiko's console `output standard`, which its lost session never put
# back; IOS archived the config for its revert timer after napalm had set `file prompt
# quiet`. The next egress session to the device removes all of it and says so.
LOST_SESSION_RESIDUE = {
    "fortios": {
        "+    set cfg-save revert",
        "+    set cfg-revert-timeout 600",
        "+config system global",
        "+end",
        "+    set output standard",
    },
    "ios": {"+file prompt quiet"},
}

# one VRRP pair per platform that napalm drives out of the box (FortiOS: its own driver)
PAIRS = {
    "ios": ("ams-edge-01", "ams-edge-02"),
    "junos": ("nyc-srx-01", "nyc-srx-02"),
    "fortios": ("syd-fgt-01", "syd-fgt-02"),
}


@pytest.mark.parametrize("platform", sorted(PAIRS))
def test_dry_run_commit_idempotence_rollback(lab: Lab, platform: str) -> None:
    hosts = PAIRS[platform]
    for host in hosts:
        plant_secrets(lab, host)
    before = {h: running_config(lab, h) for h in hosts}
    secrets = device_secrets(*before.values())
    # the lab's own (hashed login) and the planted ones
    assert len(secrets) >= 2 and any("EgressLab" in s for s in secrets), secrets

    dry = egress("diff", *lab.args(), "--hosts", ",".join(hosts), "--json")
    assert dry.exit_code == 0, dry.output
    assert {h: o["outcome"] for h, o in summary(dry)["hosts"].items()} == {
        h: "would-change" for h in hosts
    }
    for host in hosts:
        assert running_config(lab, host) == before[host], f"dry-run changed {host}"

    commit = egress(
        "commit",
        *lab.args(),
        "--hosts",
        ",".join(hosts),
        "--confirm",
        "600",
        "--yes",
        "--json",
    )
    assert commit.exit_code == 0, commit.output
    change_id = summary(commit)["change_id"]
    assert {h: o["outcome"] for h, o in summary(commit)["hosts"].items()} == {
        h: "committed" for h in hosts
    }
    after = running_config(lab, hosts[0])
    assert "10." in after and after != before[hosts[0]]
    marker = {
        "ios": "vrrp 10 address-family ipv4",
        "junos": "vrrp-group 21",
        "fortios": "set vrip 10.31.0.1",
    }[platform]
    assert marker in after
    # secondary first: its commit step ended before the primary's began
    steps = (lab.changes / change_id / "steps.jsonl").read_text().splitlines()
    commits = [s for s in steps if '"step": "commit"' in s]
    assert hosts[1] in commits[0] and hosts[0] in commits[1]
    change = ChangeDir.open(lab.changes, change_id)
    for host in hosts:
        # byte for byte what the device printed, from the redacted pre.cfg and the vault
        assert change.verified_backup(host) == before[host]
        assert (change.root / host / "pre.cfg").read_text() != before[host]
        assert entry_path(change_id, host).is_file()

    again = egress("diff", *lab.args(), "--hosts", ",".join(hosts), "--json")
    assert {o["outcome"] for o in summary(again)["hosts"].values()} == {"unchanged"}

    back = egress(
        "rollback",
        *lab.args(),
        "--change",
        change_id,
        "--hosts",
        ",".join(hosts),
        "--yes",
        "--json",
    )
    assert back.exit_code == 0, back.output
    for host in hosts:
        assert normalise(platform, running_config(lab, host)) == normalise(
            platform, before[host]
        ), f"{host} not restored exactly"
    # after diff, commit, post-checks, confirm and rollback: not one secret in the records
    assert not secrets_in(lab.changes, secrets)

    # without its vault entry the backup is only placeholders: refuse, say why, touch nothing
    entry_path(change_id, hosts[0]).unlink()
    lost = egress(
        "rollback", *lab.args(), "--change", change_id, "--hosts", hosts[0], "--yes", "--json"
    )
    assert lost.exit_code == 1, lost.output
    assert f"{hosts[0]}: rollback failed: cannot roll back: vault entry" in lost.output
    assert "missing" in lost.output
    assert normalise(platform, running_config(lab, hosts[0])) == normalise(
        platform, before[hosts[0]]
    )


@pytest.mark.parametrize("platform", sorted(PAIRS))
def test_lost_contact_after_commit_reverts_by_the_devices_own_timer(
    lab: Lab, platform: str
) -> None:
    host = PAIRS[platform][1]
    before = running_config(lab, host)
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "egress.cli",
            "commit",
            *lab.args(),
            "--hosts",
            host,
            "--confirm",
            "600",
            "--yes",
            "--json",
            "--no-post-check",
            "--timeout",
            "5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # the moment the commit has landed (armed with the device's 10-minute confirm timer,
    # 10 s in the lab's clock), the device stops answering and refuses new sessions:
    # egress can neither confirm nor roll back; only the device's own timer can save it
    deadline = time.monotonic() + 60
    while not any('"step": "commit"' in p.read_text() for p in lab.changes.glob("*/steps.jsonl")):
        assert run.poll() is None, run.communicate()[0]
        assert time.monotonic() < deadline, "the commit never landed"
        time.sleep(0.02)
    egress("lab", "fault", host, "hang", "--state", str(lab.state))
    egress("lab", "fault", host, "refuse-connect", "--state", str(lab.state))
    output = run.communicate(timeout=180)[0]
    assert run.returncode == 1, output
    outcome = json.loads(output.strip().splitlines()[-1])["hosts"][host]
    assert outcome["outcome"] == "reverting", outcome
    assert outcome["config"] == "pre-change (after its confirm timer)"
    egress("lab", "fault", host, "clear", "--state", str(lab.state))
    time.sleep(600 / 60 + 2)  # the scaled timer, and a margin
    left = residue(platform, before, running_config(lab, host))
    allowed = LOST_SESSION_RESIDUE.get(platform, set())
    assert set(left) <= allowed, left
    # the next egress session repairs what the lost one left, and says so
    backup = egress("backup", *lab.args(), "--hosts", host)
    assert backup.exit_code == 0, backup.output
    if left:
        assert "repaired on connecting" in backup.output, backup.output
    assert residue(platform, before, running_config(lab, host)) == []
