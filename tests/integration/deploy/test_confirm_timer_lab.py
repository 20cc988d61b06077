"""The device's confirm timer fires before egress confirms: never a false success.

The lab runs device time 60x faster, so a 1-minute IOS/Junos timer fires after 1 s and a
10 s FortiOS revert timer after 1/6 s; a slow device makes the steps after the commit
outlast it, as slow post-checks or a slow real device would.
"""

from __future__ import annotations

import pytest

from egress.devices.configtext import normalise
from egress.lab.control import set_fault
from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import egress, running_config, summary

HOSTS = {"ios": "ams-edge-02", "junos": "nyc-srx-02", "fortios": "syd-fgt-02"}
# the shortest timer each platform can arm (FortiOS cfg-revert-timeout starts at 10 s)
SHORTEST = {"ios": "60", "junos": "60", "fortios": "10"}


@pytest.mark.parametrize("platform", sorted(HOSTS))
def test_a_timer_that_fires_before_the_confirm_is_a_failure_at_pre_change(
    lab: Lab, platform: str
) -> None:
    host = HOSTS[platform]
    before = running_config(lab, host)
    set_fault(lab.state, host=host, kind="slow", argument="400")
    result = egress(
        "commit",
        *lab.args(),
        "--hosts",
        host,
        "--yes",
        "--json",
        "--confirm",
        SHORTEST[platform],
        "--timeout",
        "5",
        "--no-post-check",
    )
    set_fault(lab.state, host=host, kind="clear")
    outcome = summary(result)["hosts"][host]
    assert result.exit_code == 1, result.output
    assert outcome["outcome"] != "committed", outcome
    assert outcome["config"] == "pre-change", outcome
    # read from the device, not from egress's record
    assert normalise(platform, running_config(lab, host)) == normalise(platform, before)


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
