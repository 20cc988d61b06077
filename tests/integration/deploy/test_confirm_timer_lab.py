"""The device's confirm timer and egress's confirm: timers that cannot be kept are refused
before any device. (The timer that fires before egress confirms — a failure at pre-change,
never a false success — is the fault matrix's `timer-fires-before-confirm` case on all three
vendors, test_fault_matrix_lab.py.)
"""

from __future__ import annotations

from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import egress


def test_a_timer_shorter_than_the_settle_window_is_refused_before_any_device(lab: Lab) -> None:
    result = egress(
        "commit",
        *lab.args(),
        "--hosts",
        "ams-edge-02",
        "--yes",
        "--confirm",
        "60",
        "--settle",
        "50",
    )
    assert result.exit_code == 2, result.output
    assert "would fire before egress can confirm" in result.output
    assert not lab.changes.exists() or not any(lab.changes.iterdir())


def test_fortios_cannot_arm_a_timer_under_ten_seconds(lab: Lab) -> None:
    result = egress("commit", *lab.args(), "--hosts", "syd-fgt-02", "--yes", "--confirm", "5")
    assert result.exit_code == 2, result.output
    assert "not possible on fortios" in result.output
    assert "10..86400" in result.output
