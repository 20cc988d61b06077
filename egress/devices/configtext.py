"""Comparing configurations as text: what is noise (timestamps, byte counts) per platform."""

from __future__ import annotations

import re
from collections.abc import Mapping

from egress.platforms import by_platform

# Lines a device prints that say nothing about the configuration itself: its profile's.
_VOLATILE: Mapping[str, tuple[re.Pattern[str], ...]] = by_platform("volatile_lines")


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
