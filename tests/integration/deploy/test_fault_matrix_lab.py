"""The fault matrix: eight faults on the three vendors. Every case ends exactly at the
pre-change or the intended config, READ FROM THE DEVICE (a fresh session compares the running
config with the one before, or a fresh dry-run finds nothing left to change), and egress's
outcome says which. The lab's clock runs 60x: a 1-minute timer fires after 1 s."""

from __future__ import annotations

import os
import time

import pytest

from egress.devices.configtext import residue
from egress.lab.control import set_fault, set_link
from tests.integration.conftest import TIME_SCALE, Lab
from tests.integration.deploy.helpers import egress, running_config, summary

HOSTS = {"ios": "ams-edge-02", "junos": "nyc-srx-02", "fortios": "syd-fgt-02"}
UPLINK = {"ios": "GigabitEthernet3", "junos": "ge-0/0/2", "fortios": "port3"}
SHORTEST_TIMER = {"ios": "60", "junos": "60", "fortios": "10"}
FAULTS = (
    "auth-refused",
    "connection-refused",
    "line-rejected",
    "drop-on-commit",
    "hang",
    "slow-device",
    "post-check-fails",
    "timer-fires-before-confirm",
)


def _commit(lab: Lab, host: str, *options: str) -> tuple[int, dict[str, str]]:
    result = egress("commit", *lab.args(), "--hosts", host, "--yes", "--json", *options)
    assert result.output.strip(), "no output"
    return result.exit_code, summary(result)["hosts"][host]


@pytest.mark.parametrize("platform", sorted(HOSTS))
@pytest.mark.parametrize("fault", FAULTS)
def test_every_fault_ends_at_pre_change_or_intended_read_from_the_device(
    lab: Lab, fault: str, platform: str
) -> None:
    host = HOSTS[platform]
    before = running_config(lab, host)
    plain = ("--confirm", "600", "--no-post-check")
    if fault == "auth-refused":
        set_fault(lab.state, host=host, kind="refuse-auth")
        code, outcome = _commit(lab, host, *plain)
    elif fault == "connection-refused":
        set_fault(lab.state, host=host, kind="refuse-connect")
        time.sleep(0.5)  # the lab closes its listening socket within 0.2 s
        code, outcome = _commit(lab, host, *plain, "--timeout", "5")
    elif fault == "line-rejected":
        set_fault(lab.state, host=host, kind="reject-line", argument="bfd")
        code, outcome = _commit(lab, host, *plain)
    elif fault == "drop-on-commit":
        set_fault(lab.state, host=host, kind="drop-on-commit")
        code, outcome = _commit(lab, host, *plain, "--timeout", "8")
    elif fault == "hang":
        set_fault(lab.state, host=host, kind="hang")
        code, outcome = _commit(lab, host, *plain, "--timeout", "4")
    elif fault == "slow-device":
        set_fault(lab.state, host=host, kind="slow", argument="150")
        # a timer that a slow device still beats (the lab runs 60x: 3600 s is a minute)
        code, outcome = _commit(lab, host, "--confirm", "3600", "--no-post-check")
    elif fault == "post-check-fails":
        set_link(lab.state, host=host, interface=UPLINK[platform], up=False)
        try:
            code, outcome = _commit(lab, host, "--confirm", "600", "--settle", "0")
        finally:
            set_link(lab.state, host=host, interface=UPLINK[platform], up=True)
    else:
        set_fault(lab.state, host=host, kind="slow", argument="400")
        timer = SHORTEST_TIMER[platform]
        code, outcome = _commit(lab, host, "--confirm", timer, "--timeout", "5", "--no-post-check")
    set_fault(lab.state, host=host, kind="clear")
    time.sleep(0.5)

    left_at = outcome["config"]
    if log := os.environ.get("EGRESS_MATRIX_LOG"):  # the table for BENCHMARKS/reports
        with open(log, "a") as handle:
            handle.write(f"{fault}\t{platform}\t{outcome['outcome']}\t{left_at}\t{code}\n")
    if left_at == "intended":
        assert code == 0, outcome
        # a fresh dry-run finds nothing left to change on the device
        again = egress("diff", *lab.args(), "--hosts", host, "--json")
        assert summary(again)["hosts"][host]["outcome"] == "unchanged", summary(again)
        assert fault == "slow-device", f"{fault}: a fault that should fail was committed"
    else:
        assert fault != "slow-device", f"a slow device that beats its timer failed: {outcome}"
        assert code == 1, outcome
        assert left_at.startswith("pre-change"), outcome
        if "after its confirm timer" in left_at:
            time.sleep(600 / TIME_SCALE + 2)  # the device's own timer restores it
        assert residue(platform, before, running_config(lab, host)) == [], (fault, outcome)
