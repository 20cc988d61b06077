"""egress's own IOS-XE steps on napalm ``ios``'s session (the confirm,
egress/platforms/ios/confirm.py; a show command, egress/platforms/ios/show.py) against the
lab IOS-XE, through the unmodified driver: what they send, and what the device keeps."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import napalm
import pytest
from napalm.base.base import NetworkDriver
from napalm.base.exceptions import CommitConfirmException

from egress.change.lock import DeviceKey
from egress.lab.base import LabClock
from egress.lab.ios import IosDevice
from egress.lab.testing import ServedDevice, serve_in_background
from egress.platforms.ios import confirm, session, show

UPLINK = "ip route 0.0.0.0 0.0.0.0 198.51.100.1\n"


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServedDevice]:
    monkeypatch.setenv("EGRESS_STATE_DIR", str(tmp_path / "state"))
    device = IosDevice(name="edge1", state_dir=tmp_path, clock=LabClock(scale=1.0))
    with serve_in_background([device]) as served:
        yield served[0]


@pytest.fixture
def ios(lab: ServedDevice) -> Iterator[NetworkDriver]:
    optional_args: dict[str, Any] = {
        "port": lab.port,
        "ssh_config_file": None,
        "read_timeout_override": 4,
        "conn_timeout": 5,
    }
    cls = napalm.get_network_driver("ios")
    driver = cls(lab.host, "egress", "egress-lab", timeout=10, optional_args=optional_args)
    driver.open()
    session.remember(driver, DeviceKey(lab.host, lab.host, lab.port))
    yield driver
    with contextlib.suppress(OSError):
        driver.close()


def _sent(driver: NetworkDriver, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every command the session sends from here on, as the device gets it."""
    sent: list[str] = []
    netmiko = driver.device  # type: ignore[attr-defined]
    for name in ("send_command", "send_command_timing", "send_config_set"):
        real = getattr(netmiko, name)

        def spy(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            what = args[0] if args else kwargs.get("command_string", kwargs.get("config_commands"))
            sent.extend(what if isinstance(what, list) else [str(what).strip()])
            return _real(*args, **kwargs)

        monkeypatch.setattr(netmiko, name, spy)
    return sent


def test_confirm_reads_the_pending_commit_once_and_saves_once(
    lab: ServedDevice, ios: NetworkDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = lab.device
    assert isinstance(device, IosDevice)
    ios.load_merge_candidate(config=UPLINK)
    ios.commit_config(revert_in=60)
    sent = _sent(ios, monkeypatch)

    confirm.confirm(ios)

    # napalm's confirm_commit() + egress's restore sent eleven: the pending commit looked
    # up three times, the startup-config read, and two saves
    assert sent == [
        "show archive",
        "show archive config rollback timer",
        "configure confirm",
        "no file prompt quiet",
        "write mem",
    ]
    assert device.timer is None and not ios.has_pending_commit()
    assert "198.51.100.1" in (device.startup or "")  # the change is saved ...
    assert "file prompt quiet" not in (device.startup or "")  # ... napalm's line is not
    running = ios.get_config(retrieve="running")["running"]
    assert "198.51.100.1" in running and "file prompt quiet" not in running
    assert not session.restore(ios)  # nothing left for the session's restore


def test_confirm_refuses_with_napalms_words_when_nothing_is_pending(ios: NetworkDriver) -> None:
    with pytest.raises(CommitConfirmException, match=confirm.NOTHING_PENDING):
        confirm.confirm(ios)


def _find_prompt_calls(ios: NetworkDriver, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A list that grows by one each time netmiko's find_prompt runs on this session."""
    netmiko = ios.device  # type: ignore[attr-defined]
    calls: list[str] = []
    real = netmiko.find_prompt

    def counted(*args: Any, **kwargs: Any) -> str:
        calls.append("find_prompt")
        return str(real(*args, **kwargs))

    monkeypatch.setattr(netmiko, "find_prompt", counted)
    return calls


@pytest.mark.parametrize(
    "command", ["show vrrp brief", "show running-config", "show ip route 0.0.0.0"]
)
def test_a_show_command_reads_what_napalm_cli_reads_without_find_prompt(
    ios: NetworkDriver, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    expected = ios.cli([command])[command]
    prompts = _find_prompt_calls(ios, monkeypatch)
    assert show.show(ios, command) == expected
    assert prompts == []  # the prompt it waits for is known: no timed read first
    assert ios.cli([command])[command] == expected and prompts  # napalm's own path asks


def test_the_running_config_reads_what_napalm_get_config_reads_without_find_prompt(
    ios: NetworkDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = ios.get_config(retrieve="running")["running"]
    assert "hostname edge1" in expected and "Building configuration" not in expected
    prompts = _find_prompt_calls(ios, monkeypatch)
    assert show.running(ios) == expected
    assert prompts == []
