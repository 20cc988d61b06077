"""kill -9 of egress between its commit and its confirm, on all three vendors: each device
goes back to its pre-change config by its own timer, and the next egress run leaves nothing
of the killed one behind (no FortiOS unit in revert mode, no napalm/netmiko session line)."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from egress.devices.configtext import residue
from egress.lab.control import set_fault
from tests.integration.conftest import TIME_SCALE, Lab, start_commit
from tests.integration.deploy.helpers import egress, running_config
from tests.integration.deploy.test_deploy_lab import LOST_SESSION_RESIDUE

HOSTS = {"ios": "ams-edge-02", "junos": "nyc-srx-02", "fortios": "syd-fgt-02"}


@pytest.mark.parametrize("platform", sorted(HOSTS))
def test_kill_9_after_the_commit_ends_at_pre_change_by_the_device_timer(
    lab: Lab, platform: str
) -> None:
    host = HOSTS[platform]
    before = running_config(lab, host)
    # slow answers keep egress between its commit and its confirm long enough to kill it
    set_fault(lab.state, host=host, kind="slow", argument="200")
    # a busy machine and slow answers: no read may time out here
    run = start_commit(lab, host, "--timeout", "60", stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while not any('"step": "commit"' in p.read_text() for p in lab.changes.glob("*/steps.jsonl")):
        assert run.poll() is None, run.communicate()[0]
        assert time.monotonic() < deadline, "the commit never landed"
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=30)
    set_fault(lab.state, host=host, kind="clear")
    assert residue(platform, before, running_config(lab, host)), "the commit was not there"
    time.sleep(600 / TIME_SCALE + 3)  # the device's own confirm timer
    left = residue(platform, before, running_config(lab, host))
    assert set(left) <= LOST_SESSION_RESIDUE.get(platform, set()), left
    nxt = egress("backup", *lab.args(), "--hosts", host)
    assert nxt.exit_code == 0, nxt.output
    after = running_config(lab, host)
    assert residue(platform, before, after) == []
    assert "cfg-save revert" not in after
