"""Pure parsers of FortiOS ``get`` output into what the driver's getters return.

Written against real output from FortiOS 5.2 to 7.2 (``get system status`` changed its lines
over the years; unknown lines are ignored, missing ones leave a field empty).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z][\w /().-]*?)\s*:\s*(?P<value>.*?)\s*$")
# `FortiGate-VM64 v7.2.8,build1639,240313 (GA.M)`
_VERSION = re.compile(r"^(?P<model>\S+)\s+(?P<version>v\d.*)$")
_UPTIME = re.compile(
    r"(?P<days>\d+)\s+days?,\s*(?P<hours>\d+)\s+hours?,\s*(?P<minutes>\d+)\s+minutes?"
    r"(?:,\s*(?P<seconds>\d+)\s+seconds?)?"
)
_INTERFACE = re.compile(r"^==\s*\[\s*(?P<name>\S+)\s*\]\s*$")


@dataclass(frozen=True)
class SystemStatus:
    """What ``get system status`` says about the unit."""

    model: str
    os_version: str
    serial_number: str
    hostname: str
    vdoms_enabled: bool
    ha_mode: str
    uptime: float  # seconds; -1.0 when the output does not say


def parse_system_status(text: str) -> SystemStatus:
    """Parse ``get system status``.

    >>> s = parse_system_status("Version: FortiGate-VM64 v7.2.8,build1639,240313 (GA.M)\\n"
    ...                         "Serial-Number: FGVM01\\nHostname: fw1\\n")
    >>> (s.model, s.os_version, s.hostname)
    ('FortiGate-VM64', 'v7.2.8,build1639,240313 (GA.M)', 'fw1')
    """
    fields: dict[str, str] = {}
    for line in text.splitlines():
        match = _KEY_VALUE.match(line.strip())
        if match and match["key"] not in fields:
            fields[match["key"]] = match["value"]
    model, os_version = "", fields.get("Version", "")
    version = _VERSION.match(os_version)
    if version:
        model, os_version = version["model"], version["version"]
    vdom_mode = fields.get("Virtual domain configuration", "disable")
    # Only clusters report an uptime here; `get system performance status` is another
    # command (and another round trip) for a value the getters rarely need.
    uptime = _uptime_seconds(fields.get("Cluster uptime", ""))
    return SystemStatus(
        model=model,
        os_version=os_version,
        serial_number=fields.get("Serial-Number", ""),
        hostname=fields.get("Hostname", ""),
        vdoms_enabled=vdom_mode in ("enable", "multiple", "split-task"),
        ha_mode=fields.get("Current HA mode", "standalone"),
        uptime=uptime,
    )


def _uptime_seconds(text: str) -> float:
    match = _UPTIME.search(text)
    if not match:
        return -1.0
    days, hours, minutes = int(match["days"]), int(match["hours"]), int(match["minutes"])
    seconds = int(match["seconds"] or 0)
    return float(((days * 24 + hours) * 60 + minutes) * 60 + seconds)


def parse_interface_names(text: str) -> list[str]:
    """Interface names from ``get system interface`` (``== [ port1 ]`` headers), in order.

    >>> parse_interface_names("== [ port1 ]\\nname: port1   status: up\\n== [ ssl.root ]\\n")
    ['port1', 'ssl.root']
    """
    names = []
    for line in text.splitlines():
        match = _INTERFACE.match(line.strip())
        if match:
            names.append(match["name"])
    return names


__all__ = ["SystemStatus", "parse_interface_names", "parse_system_status"]
