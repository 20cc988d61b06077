"""Comparing configurations as text: what is noise (timestamps, byte counts) per platform."""

from __future__ import annotations

import re

# Lines a device prints that say nothing about the configuration itself.
_VOLATILE: dict[str, tuple[re.Pattern[str], ...]] = {
    "ios": (
        re.compile(r"^Building configuration"),
        re.compile(r"^Current configuration :"),
        re.compile(
            r"^! (Last configuration change|NVRAM config last updated|No configuration change)"
        ),
        re.compile(r"^!\s*$"),
        re.compile(r"^ntp clock-period"),
        # not `file prompt quiet`: napalm's session setting is put back by egress
        # (egress/session.py); where it stays behind it is a line the device holds
    ),
    "junos": (re.compile(r"^#"), re.compile(r"^## ")),
    "fortios": (re.compile(r"^#"), re.compile(r"^\s*set conf_file_ver ")),
}


def normalise(platform: str, text: str) -> list[str]:
    """Configuration lines without volatile ones, trailing blanks, or blank lines."""
    volatile = _VOLATILE.get(platform, ())
    lines = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or any(p.search(line) for p in volatile):
            continue
        lines.append(line)
    return lines


def residue(platform: str, expected: str, actual: str) -> list[str]:
    """Lines that differ between two configs (unified-diff style, without context)."""
    import difflib

    diff = difflib.unified_diff(
        normalise(platform, expected), normalise(platform, actual), lineterm="", n=0
    )
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]
