"""Safety around a change: one run at a time, host keys checked, faults end in a known state."""

from __future__ import annotations

import subprocess
import sys
import time

from egress.devices.configtext import normalise
from egress.lab.control import set_fault
from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import egress, running_config, summary


def test_a_second_commit_to_the_same_device_is_refused_from_any_inventory(lab: Lab) -> None:
    import shutil

    from egress.change.lock import lock_dir

    set_fault(lab.state, host="ams-edge-02", kind="slow", argument="100")
    first = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "egress.cli",
            "commit",
            *lab.args(),
            "--hosts",
            "ams-edge-02",
            "--confirm",
            "600",
            "--yes",
            "--no-post-check",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # a second copy of the inventory names the same device: the lock is the device's
    copy = lab.inventory.parent / "inventory-copy"
    shutil.copytree(lab.inventory, copy)
    other_changes = lab.inventory.parent / "other-changes"
    port = lab.spec.device("ams-edge-02").port
    try:
        lock = lock_dir() / f"127.0.0.1_{port}.lock"
        deadline = time.monotonic() + 30
        while not (lock.exists() and lock.read_text().strip()):
            assert time.monotonic() < deadline, "the first commit never took the lock"
            assert first.poll() is None, first.communicate()[0]
            time.sleep(0.05)
        args = lab.args()
        args[args.index(str(lab.inventory))] = str(copy)
        args[args.index(str(lab.changes))] = str(other_changes)
        second = egress("commit", *args, "--hosts", "ams-edge-02", "--yes", "--no-post-check")
        assert second.exit_code == 2, second.output  # refused before anything was sent
        assert "device ams-edge-02 (127.0.0.1:" in second.output
        assert "is locked by" in second.output and "since" in second.output
        assert "for change" in second.output
        # the refused run left no (empty) change directory
        assert not other_changes.exists() or not any(other_changes.iterdir())
        # another device is not held by that lock
        third = egress("diff", *args, "--hosts", "ams-edge-01", "--json")
        assert third.exit_code == 0, third.output
    finally:
        output = first.communicate(timeout=120)[0]
    assert first.returncode == 0, output


def test_an_unknown_host_key_is_refused(lab: Lab) -> None:
    (lab.state / "known_hosts").write_text("")
    result = egress("diff", *lab.args(), "--hosts", "ams-edge-01", "--json")
    assert result.exit_code == 1
    outcome = summary(result)["hosts"]["ams-edge-01"]
    assert outcome["outcome"] == "failed-untouched"
    assert "host key" in outcome["message"]


def test_auth_refused_leaves_the_device_untouched(lab: Lab) -> None:
    before = running_config(lab, "nyc-srx-02")
    set_fault(lab.state, host="nyc-srx-02", kind="refuse-auth")
    result = egress(
        "commit", *lab.args(), "--hosts", "nyc-srx-02", "--yes", "--json", "--no-post-check"
    )
    assert result.exit_code == 1
    outcome = summary(result)["hosts"]["nyc-srx-02"]
    assert (outcome["outcome"], outcome["config"]) == ("failed-untouched", "pre-change")
    assert "authentication refused" in outcome["message"]
    set_fault(lab.state, host="nyc-srx-02", kind="clear")
    assert running_config(lab, "nyc-srx-02") == before


def test_a_rejected_line_ends_at_the_pre_change_config(lab: Lab) -> None:
    before = running_config(lab, "ams-edge-02")
    set_fault(lab.state, host="ams-edge-02", kind="reject-line", argument="bfd interval")
    result = egress(
        "commit",
        *lab.args(),
        "--hosts",
        "ams-edge-02",
        "--yes",
        "--json",
        "--confirm",
        "600",
        "--no-post-check",
    )
    assert result.exit_code == 1
    outcome = summary(result)["hosts"]["ams-edge-02"]
    assert outcome["config"] == "pre-change", outcome
    set_fault(lab.state, host="ams-edge-02", kind="clear")
    assert normalise("ios", running_config(lab, "ams-edge-02")) == normalise("ios", before)
    assert (lab.changes / summary(result)["change_id"] / "ams-edge-02" / "pre.cfg").exists()


def test_a_changed_junos_host_key_is_said_with_the_known_hosts_line(lab: Lab) -> None:
    import asyncssh

    host = "nyc-srx-02"
    port = lab.spec.device(host).port
    name = f"[127.0.0.1]:{port}"
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode().split()
    known = lab.state / "known_hosts"
    lines = [
        f"{name} {other[0]} {other[1]}" if line.startswith(name + " ") else line
        for line in known.read_text().splitlines()
    ]
    known.write_text("\n".join(lines) + "\n")
    result = egress("diff", *lab.args(), "--hosts", host, "--json")
    assert result.exit_code == 1
    message = summary(result)["hosts"][host]["message"]
    assert message.startswith(f"SSH host key changed for {name}"), message
    assert str(known.resolve()) in message, message


def test_diff_with_no_lab_running_says_so_once(lab: Lab) -> None:
    from egress.lab.control import lab_down

    lab_down(lab.state)
    result = egress("diff", *lab.args(), "--json")
    assert result.exit_code == 1
    assert "the lab is not running" in result.output
    assert "session dropped" not in result.output
    assert not lab.changes.exists() or not any(lab.changes.iterdir())


def test_a_junos_configuration_locked_by_another_session_is_left_alone(lab: Lab) -> None:
    from tests.integration.deploy.helpers import _driver

    host = "nyc-srx-02"
    before = running_config(lab, host)
    other = _driver(lab, host)  # an operator's session holding the exclusive lock
    other.open()
    try:
        other.device.cu.lock()
        result = egress(
            "commit",
            *lab.args(),
            "--hosts",
            host,
            "--yes",
            "--json",
            "--confirm",
            "600",
            "--no-post-check",
        )
    finally:
        other.device.cu.unlock()
        other.close()
    outcome = summary(result)["hosts"][host]
    assert result.exit_code == 1, result.output
    assert (outcome["outcome"], outcome["config"]) == ("failed-untouched", "pre-change"), outcome
    assert "locked by another session" in outcome["message"], outcome
    assert running_config(lab, host) == before


def test_a_failed_secondary_holds_its_primary_and_no_other_site(lab: Lab) -> None:
    """Waves per site (issue 18): ams's secondary fails; the budget allows one failure, so
    the fleet goes on, but ams's primary is not changed while its secondary is broken."""
    before = running_config(lab, "ams-edge-01")
    set_fault(lab.state, host="ams-edge-02", kind="reject-line", argument="bfd interval")
    # fra's secondary answers slowly, so ams's lane has failed and held its primary before
    # fra's primary is due: a held device must not count against the budget a second time
    set_fault(lab.state, host="fra-edge-02", kind="slow", argument="40")
    try:
        result = egress(
            "commit",
            *lab.args(),
            "--hosts",
            "ams-*,fra-*",
            "--yes",
            "--json",
            "--confirm",
            "600",
            "--no-post-check",
            "--max-failures",
            "1",
        )
    finally:
        set_fault(lab.state, host="ams-edge-02", kind="clear")
        set_fault(lab.state, host="fra-edge-02", kind="clear")
    assert result.exit_code == 1
    hosts = summary(result)["hosts"]
    assert hosts["ams-edge-02"]["config"] == "pre-change", hosts["ams-edge-02"]
    assert (hosts["ams-edge-01"]["outcome"], hosts["ams-edge-01"]["message"]) == (
        "skipped",
        "not started: an earlier wave of its site failed",
    )
    assert {hosts[h]["outcome"] for h in ("fra-edge-01", "fra-edge-02")} <= {
        "committed",
        "unchanged",
    }, hosts
    assert normalise("ios", running_config(lab, "ams-edge-01")) == normalise("ios", before)
