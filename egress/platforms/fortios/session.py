"""FortiOS: the console setting netmiko's ``fortinet`` driver changes for its session, put back
as the unit had it (egress/devices/session.py)."""

from __future__ import annotations

import json
import os
from typing import Any

from egress.change.lock import DeviceKey
from egress.devices.session import CHANGE_ENV, MARKER, marker_path, read_marker


def remember(driver: Any, device: DeviceKey | None) -> str:
    """FortiOS: netmiko switches `config system console / set output` to `standard` for its
    session and puts back what it found when it disconnects. A session that is lost leaves
    `standard`, which the unit saves, and the next session would take it for the unit's own.
    The marker (written while a session that switched it is open) says otherwise."""
    transport: Any = getattr(driver, "device", None)
    found = getattr(transport, "original_output_mode", None)
    if device is None or found is None:
        return ""
    marker = marker_path(device)
    repaired = ""
    left = read_marker(marker).get("console-output")
    if found == "standard" and left == "more":
        transport.original_output_mode = "more"  # what the driver shows and backs up
        if transport.connection is not None:  # what netmiko puts back on disconnect
            transport.connection._original_output_mode = "more"
        found = "more"
        repaired = "console output back to 'more' (left 'standard' by a lost netmiko session)"
    if found == "more":
        marker.write_text(
            json.dumps({"console-output": "more", "change": os.environ.get(CHANGE_ENV, "?")})
        )
        setattr(driver, MARKER, marker)
    return repaired
