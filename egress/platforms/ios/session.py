"""IOS-XE: the session setting napalm ``ios`` changes on the device, put back as the device
had it (egress/devices/session.py says why egress puts settings back at all).

napalm ``ios`` needs ``file prompt quiet`` for its ``copy`` commands. It configures it on
the first file operation of a session and removes it only in ``close()`` — after its own
``write mem`` (commit, confirm, rollback) has already saved it into the startup-config, and
also when the device had the line of its own (napalm/ios/ios.py ``_file_prompt_quiet``,
``close``). So egress looks once per session whether the device has the line itself (then
napalm is told so and never toggles it), and at the end of each step that may have saved
the config it removes napalm's line again and, if the startup-config took it and no
commit is waiting for its confirm, saves once more.

A session that dies cannot do this, and napalm sets the line before IOS archives the
config for the revert timer, so a device that reverts by its timer after a lost session
keeps it too. So while a session may have left the line, a marker says so in the state
directory (``sessions/<address>_<port>``, removed when the session ends cleanly); the next
session to that device finds the marker with the line, removes the line and saves, before
it takes any backup. Until then the line is visible in the running config: egress does
not hide it.
"""

from __future__ import annotations

import json
import os
from typing import Any

from egress.change.lock import DeviceKey
from egress.devices.session import CHANGE_ENV, MARKER, marker_path, read_marker

FILE_PROMPT = "file prompt quiet"
# the device's own setting, recorded on the driver object when the session opens
_OWN = "_egress_own_file_prompt"


def remember(driver: Any, device: DeviceKey | None) -> str:
    """Right after ``open()``: whether the device itself has ``file prompt quiet``; a line
    an earlier, lost session left is removed first. Returns what was repaired ('' if none)."""
    output = str(driver.device.send_command(f"show running-config | include {FILE_PROMPT}"))
    own = any(line.strip() == FILE_PROMPT for line in output.splitlines())
    repaired = ""
    marker = marker_path(device) if device is not None else None
    if own and marker is not None and marker.exists() and not driver.has_pending_commit():
        left_by = read_marker(marker).get("change", "?")
        driver.device.send_config_set([f"no {FILE_PROMPT}"])
        _save_if_startup_has_it(driver)
        own = False
        repaired = f"removed '{FILE_PROMPT}' left by a lost napalm session (change {left_by})"
    setattr(driver, _OWN, own)
    if not own and marker is not None:
        marker.write_text(json.dumps({"change": os.environ.get(CHANGE_ENV, "?")}))
        setattr(driver, MARKER, marker)
    if own:
        # napalm then only checks that the line is there, never sends or removes it (its
        # `prompt_quiet_configured` alone is reset after every commit and rollback)
        driver.auto_file_prompt = False
    return repaired


def own_setting_in(config: str) -> bool:
    """Whether ``config`` (a backup) has the session setting of its own."""
    return any(line.strip() == FILE_PROMPT for line in config.splitlines())


def restore(driver: Any, *, own: bool | None = None) -> bool:
    """Undo the driver's session settings; True when something had to be put back.

    ``own``: the device's setting as its backup has it, when known better than what the
    session found on opening (a dead session may have left napalm's line behind).
    """
    if own is None:
        own = getattr(driver, _OWN, True)
        if own or not getattr(driver, "prompt_quiet_changed", False):
            return False
    elif own:
        return False
    driver.device.send_config_set([f"no {FILE_PROMPT}"])
    driver.prompt_quiet_changed = False
    driver.prompt_quiet_configured = False
    _save_if_startup_has_it(driver)
    return True


def restored_before_save(driver: Any) -> None:
    """Remove napalm's line, if this session set it, right before a save the caller makes
    with nothing pending (``confirm.py``): the save then writes the device's own setting
    and no second save is needed."""
    if getattr(driver, _OWN, True) or not getattr(driver, "prompt_quiet_changed", False):
        return
    driver.device.send_config_set([f"no {FILE_PROMPT}"])
    driver.prompt_quiet_changed = False
    driver.prompt_quiet_configured = False


def _save_if_startup_has_it(driver: Any) -> None:
    startup = str(driver.device.send_command(f"show startup-config | include {FILE_PROMPT}"))
    if FILE_PROMPT in startup and not driver.has_pending_commit():
        # napalm's own `write mem` saved its session setting: save the device's again
        driver.device.save_config()
