"""The FortiOS NAPALM driver against the lab's FortiGate: every result is read back from the
device's running config (over a separate SSH session), never taken from the driver's word."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from napalm import get_network_driver
from napalm.base.exceptions import MergeConfigException

from egress.devices.configtext import normalise
from egress.devices.connection import platform_options
from egress.lab.control import set_fault
from egress.lab.spec import KNOWN_HOSTS, LOCALHOST
from napalm_fortios import FortiOSDriver
from tests.integration.conftest import TIME_SCALE, Lab
from tests.integration.deploy.helpers import egress, running_config, summary

HOST = "syd-fgt-02"
RENDERED = Path(__file__).resolve().parents[1] / "golden" / f"{HOST}.cfg"
MARKER = "set vrip 10.31.0.1"  # the VRRP group the rendered config adds


@pytest.fixture
def config() -> str:
    assert RENDERED.exists(), "run `egress render` first"
    return RENDERED.read_text()


@pytest.fixture
def driver(lab: Lab) -> Iterator[FortiOSDriver]:
    device = _driver(lab)
    try:
        yield device
    finally:
        device.close()


def _driver(lab: Lab, *, read_timeout: int = 20) -> FortiOSDriver:
    device = lab.spec.device(HOST)
    options = platform_options(
        "fortios", known_hosts=lab.state / KNOWN_HOSTS, ssh_config=None, timeout=read_timeout
    )
    cls = get_network_driver("fortios")
    assert cls is FortiOSDriver
    driver = cls(
        hostname=LOCALHOST,
        username=lab.spec.username,
        password=lab.spec.password,
        timeout=20,
        optional_args={**options["optional_args"], "port": device.port},
    )
    assert isinstance(driver, FortiOSDriver)
    driver.open()
    return driver


def _same(a: str, b: str) -> bool:
    """Equal configs, but for the console's `output` line: these tests read the unit with a
    second netmiko session while the driver's own is open, and that second session finds the
    first one's `output standard` and takes it for the unit's own. The console is proven in
    tests/integration/deploy/test_session_settings_lab.py."""
    return _no_console(a) == _no_console(b)


def _no_console(text: str) -> list[str]:
    return [line for line in normalise("fortios", text) if line.strip() != "set output standard"]


def _wait_for_timer(device_seconds: int) -> None:
    time.sleep(device_seconds / TIME_SCALE + 1.5)


def test_merge_commit_then_the_same_config_shows_no_diff(
    lab: Lab, driver: FortiOSDriver, config: str
) -> None:
    before = running_config(lab, HOST)
    driver.load_merge_candidate(config=config)
    diff = driver.compare_config()
    assert "config system interface" in diff and MARKER in diff
    assert running_config(lab, HOST) == before, "compare_config changed the device"
    driver.commit_config()
    after = running_config(lab, HOST)
    assert MARKER in after and "cfg-save" not in after
    assert driver.backup is not None and _same(driver.backup, before)
    # idempotence: defaults the rendered config spells out (`set preempt enable`) are hidden
    # by `show`; they must not come back as a diff
    driver.load_merge_candidate(config=config)
    assert driver.compare_config() == ""
    driver.discard_config()
    assert running_config(lab, HOST) == after


def test_replace_with_the_backup_restores_it_exactly(
    lab: Lab, driver: FortiOSDriver, config: str
) -> None:
    before = running_config(lab, HOST)
    driver.load_merge_candidate(config=config)
    driver.commit_config()
    driver.load_replace_candidate(config=before)
    diff = driver.compare_config()
    assert "delete 31" in diff and "unset vrrp-virtual-mac" in diff
    driver.commit_config()
    assert _same(running_config(lab, HOST), before)


def test_running_config_as_candidate_compares_empty(lab: Lab, driver: FortiOSDriver) -> None:
    running = driver.get_config(retrieve="running")["running"]
    driver.load_replace_candidate(config=running)
    assert driver.compare_config() == ""
    driver.load_merge_candidate(config=running)
    assert driver.compare_config() == ""
    sanitized = driver.get_config(retrieve="running", sanitized=True)["running"]
    assert "set password <removed>" in sanitized and "ENC SH2" not in sanitized
    assert _no_console(running_config(lab, HOST)) == _no_console(running)


def test_discard_forgets_the_candidate(lab: Lab, driver: FortiOSDriver, config: str) -> None:
    before = running_config(lab, HOST)
    driver.load_merge_candidate(config=config)
    assert driver.get_config(retrieve="candidate")["candidate"].count(MARKER) == 1
    driver.discard_config()
    assert driver.compare_config() == ""
    assert running_config(lab, HOST) == before


def test_confirmed_commit_stays_after_the_timer(
    lab: Lab, driver: FortiOSDriver, config: str
) -> None:
    driver.load_merge_candidate(config=config)
    # 120 device s = 2 s of idle CLI here: room for the second session below on a busy host
    driver.commit_config(revert_in=120)
    assert driver.has_pending_commit()
    assert "set cfg-save revert" in running_config(lab, HOST)
    driver.confirm_commit()
    assert not driver.has_pending_commit()
    driver.close()
    _wait_for_timer(120)
    after = running_config(lab, HOST)
    assert MARKER in after and "cfg-save" not in after and "cfg-revert-timeout" not in after


def test_unconfirmed_commit_is_reverted_by_the_device(
    lab: Lab, driver: FortiOSDriver, config: str
) -> None:
    before = running_config(lab, HOST)
    driver.load_merge_candidate(config=config)
    driver.commit_config(revert_in=60)
    assert MARKER in running_config(lab, HOST)
    driver.close()  # the tool is gone: nothing confirms, nothing rolls back
    _wait_for_timer(60)
    reverted = running_config(lab, HOST)
    assert MARKER not in reverted
    # FortiOS reloads its last saved config, and the switch to revert mode was saved when it
    # was typed: the unit is back to the pre-change config *in revert mode*. The next
    # session of the driver finds it left over, says so, and puts the save mode back.
    assert "set cfg-save revert" in reverted
    later = _driver(lab)
    try:
        assert "left in cfg-save revert mode" in later.repaired
        assert not later.has_pending_commit()
    finally:
        later.close()
    assert _same(running_config(lab, HOST), before)


def test_rollback_with_a_pending_commit_reverts_now(
    lab: Lab, driver: FortiOSDriver, config: str
) -> None:
    before = running_config(lab, HOST)
    driver.load_merge_candidate(config=config)
    driver.commit_config(revert_in=600)
    driver.rollback()  # `execute cfg reload`: the unit reboots; the driver reconnects
    assert not driver.has_pending_commit()
    assert _same(running_config(lab, HOST), before)


def test_rollback_after_a_plain_commit_restores_the_backup(
    lab: Lab, driver: FortiOSDriver, config: str
) -> None:
    before = running_config(lab, HOST)
    driver.load_merge_candidate(config=config)
    driver.commit_config()
    assert MARKER in running_config(lab, HOST)
    driver.rollback()
    assert _same(running_config(lab, HOST), before)


def test_a_rejected_line_leaves_nothing_half_applied(
    lab: Lab, driver: FortiOSDriver, config: str
) -> None:
    before = running_config(lab, HOST)
    # a line of the last section: everything before it was already applied when it fails
    set_fault(lab.state, host=HOST, kind="reject-line", argument="EGRESS voice")
    driver.load_merge_candidate(config=config)
    with pytest.raises(MergeConfigException, match="restored"):
        driver.commit_config(revert_in=60)
    assert not driver.has_pending_commit()
    running = running_config(lab, HOST)
    assert driver.backup is not None and _same(running, driver.backup)
    assert _same(running, before)


def test_session_dropped_mid_commit_is_undone_by_the_timer_and_rollback(
    lab: Lab, config: str
) -> None:
    before = running_config(lab, HOST)
    # netmiko notices a dead session only when a read times out: keep that well inside the
    # revert timer (300 device s = 5 s here), or the device reverts before we can look
    driver = _driver(lab, read_timeout=2)
    set_fault(lab.state, host=HOST, kind="drop-on-commit")
    driver.load_merge_candidate(config=config)
    with pytest.raises(Exception):  # noqa: B017 - whatever netmiko raises for a dead socket
        driver.commit_config(revert_in=300)
    driver.close()
    set_fault(lab.state, host=HOST, kind="clear")
    # the first section was applied when the session died: the device holds part of it
    half = running_config(lab, HOST)
    assert "EGRESS syd LAN" in half and "isp1-icmp" not in half
    _wait_for_timer(300)
    assert "EGRESS syd LAN" not in running_config(lab, HOST)
    later = _driver(lab)
    try:
        # a fresh session finds the revert mode left over and repairs it on opening
        assert "left in cfg-save revert mode" in later.repaired
    finally:
        later.close()
    assert _same(running_config(lab, HOST), before)


def test_egress_rolls_a_dropped_commit_back_through_the_driver(lab: Lab) -> None:
    """egress's own recovery: the session dies mid-commit; a fresh session finds the revert
    mode armed, reverts now (`execute cfg reload`) and restores the save mode."""
    before = running_config(lab, HOST)
    set_fault(lab.state, host=HOST, kind="drop-on-commit")
    result = egress(
        "commit",
        *lab.args(),
        "--hosts",
        HOST,
        "--confirm",
        "600",
        "--yes",
        "--json",
        "--timeout",
        "3",
    )
    set_fault(lab.state, host=HOST, kind="clear")
    outcome = summary(result)["hosts"][HOST]
    assert outcome["outcome"] == "rolled-back", outcome
    assert "device rollback" in outcome["message"]
    assert _same(running_config(lab, HOST), before)


def test_egress_sessions_negotiate_curve25519_not_netmikos_dh_group_exchange(
    lab: Lab, caplog: pytest.LogCaptureFixture
) -> None:
    # netmiko's `fortinet` alone would leave paramiko only diffie-hellman-group-exchange-sha256
    # (egress/platforms/fortios/__init__.py); the lab offers what a FortiGate 7.2 does
    caplog.set_level(logging.DEBUG, logger="paramiko.transport")
    _driver(lab).close()
    agreed = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Kex: ")]
    assert agreed and all(m.startswith("Kex: curve25519-sha256") for m in agreed), agreed
