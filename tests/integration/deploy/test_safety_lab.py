"""Safety around a change: one run at a time, host keys checked, faults end in a known state."""

from __future__ import annotations

import subprocess
import sys
import time

from egress.configtext import normalise
from egress.lab.control import set_fault
from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import egress, running_config, summary


def test_a_second_concurrent_commit_is_refused_naming_the_holder(lab: Lab) -> None:
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
    try:
        lock = lab.inventory / ".egress.lock"
        deadline = time.monotonic() + 30
        while not (lock.exists() and lock.read_text().strip()):
            assert time.monotonic() < deadline, "the first commit never took the lock"
            assert first.poll() is None, first.communicate()[0]
            time.sleep(0.05)
        second = egress("commit", *lab.args(), "--hosts", "ams-edge-01", "--yes", "--no-post-check")
        assert second.exit_code == 1
        assert "is locked by" in second.output and "since" in second.output
        assert "for change" in second.output
    finally:
        output = first.communicate(timeout=120)[0]
    assert first.returncode == 0, output
    # the refused run touched nothing
    assert "vrrp 10" not in running_config(lab, "ams-edge-01")


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
