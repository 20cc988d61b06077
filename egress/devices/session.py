"""Settings a driver changes on the device for its own session, put back as the device had
them, so a change leaves nothing behind but the change.

Which settings, and how, is each platform's (``egress/platforms/<slug>/session.py``: IOS-XE's
``file prompt quiet`` that napalm ``ios`` sets, FortiOS's console output mode that netmiko
switches). A session that dies cannot put its setting back; so while a session may have left
one, a marker says so in the state directory (``sessions/<address>_<port>``, removed when the
session ends cleanly), and the next session to that device repairs it before it takes any
backup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from egress.change import vault
from egress.change.lock import DeviceKey
from egress.platforms import PLATFORMS

# the marker file of the open session, recorded on the driver object
MARKER = "_egress_session_marker"
# the change a session belongs to, for the marker (set by the CLI; "?" otherwise)
CHANGE_ENV = "EGRESS_CHANGE_ID"
_PART = "session"


def marker_path(device: DeviceKey) -> Path:
    path = vault.state_dir() / "sessions"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path / f"{device.slug}.json"


def read_marker(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember_own_settings(platform: str, driver: Any, device: DeviceKey | None = None) -> str:
    """Right after ``open()``: what the device has of its own, after repairing what a lost
    session left. Returns what was repaired ('' if none)."""
    if not PLATFORMS.has_module(platform, _PART):
        return ""
    repaired: str = PLATFORMS.module(platform, _PART).remember(driver, device)
    return repaired


def own_setting_in(platform: str, config: str) -> bool | None:
    """Whether ``config`` (a backup) has the session setting of its own (None: no such
    setting on this platform)."""
    hooks = PLATFORMS.module(platform, _PART) if PLATFORMS.has_module(platform, _PART) else None
    if hooks is None or not hasattr(hooks, "own_setting_in"):
        return None
    own: bool = hooks.own_setting_in(config)
    return own


def restore_own_settings(platform: str, driver: Any, *, own: bool | None = None) -> bool:
    """Undo the driver's session settings; True when something had to be put back.

    ``own``: the device's setting as its backup has it, when known better than what the
    session found on opening (a dead session may have left the driver's setting behind).
    """
    hooks = PLATFORMS.module(platform, _PART) if PLATFORMS.has_module(platform, _PART) else None
    if hooks is None or not hasattr(hooks, "restore"):
        return False
    restored: bool = hooks.restore(driver, own=own)
    return restored


def session_ended(platform: str, driver: Any) -> None:
    """The session ends cleanly with the device's own setting back: drop the marker."""
    marker = getattr(driver, MARKER, None)
    if getattr(getattr(driver, "device", None), "broken", False):
        return  # FortiOS: netmiko's restore on disconnect did not run on a broken session
    if isinstance(marker, Path):
        marker.unlink(missing_ok=True)
