"""Settings a driver changes on the device for its own session, put back as the device had
them, so a change leaves nothing behind but the change.

napalm ``ios`` needs ``file prompt quiet`` for its ``copy`` commands. It configures it on
the first file operation of a session and removes it only in ``close()`` — after its own
``write mem`` (commit, confirm, rollback) has already saved it into the startup-config, and
also when the device had the line of its own (napalm/ios/ios.py ``_file_prompt_quiet``,
``close``). So egress looks once per session whether the device has the line itself (then
napalm is told so and never toggles it), and at the end of each step that may have saved
the config it removes napalm's line again and, if the startup-config took it and no
commit is waiting for its confirm, saves once more. A session that dies cannot do this;
the line is then visible in the running config (egress does not hide it).
"""

from __future__ import annotations

from typing import Any

FILE_PROMPT = "file prompt quiet"
# the device's own setting, recorded on the driver object when the session opens
_OWN = "_egress_own_file_prompt"


def remember_own_settings(platform: str, driver: Any) -> None:
    """Right after ``open()``: whether the device itself has ``file prompt quiet``."""
    if platform != "ios":
        return
    output = str(driver.device.send_command(f"show running-config | include {FILE_PROMPT}"))
    own = any(line.strip() == FILE_PROMPT for line in output.splitlines())
    setattr(driver, _OWN, own)
    if own:
        # napalm then only checks that the line is there, never sends or removes it (its
        # `prompt_quiet_configured` alone is reset after every commit and rollback)
        driver.auto_file_prompt = False


def own_setting_in(platform: str, config: str) -> bool | None:
    """Whether ``config`` (a backup) has the session setting of its own (None: no such
    setting on this platform)."""
    if platform != "ios":
        return None
    return any(line.strip() == FILE_PROMPT for line in config.splitlines())


def restore_own_settings(platform: str, driver: Any, *, own: bool | None = None) -> bool:
    """Undo the driver's session settings; True when something had to be put back.

    ``own``: the device's setting as its backup has it, when known better than what the
    session found on opening (a dead session may have left napalm's line behind).
    """
    if platform != "ios":
        return False
    if own is None:
        own = getattr(driver, _OWN, True)
        if own or not getattr(driver, "prompt_quiet_changed", False):
            return False
    elif own:
        return False
    driver.device.send_config_set([f"no {FILE_PROMPT}"])
    driver.prompt_quiet_changed = False
    driver.prompt_quiet_configured = False
    startup = str(driver.device.send_command(f"show startup-config | include {FILE_PROMPT}"))
    if FILE_PROMPT in startup and not driver.has_pending_commit():
        # napalm's own `write mem` saved its session setting: save the device's again
        driver.device.save_config()
    return True
