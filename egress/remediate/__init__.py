"""Remediation: per device, only what differs in the sections egress owns, each vendor's way.

``plan()`` takes the device's running config, the rendered (intended) config and egress's
record of what it last committed there, and returns the candidate loads. What egress owns is
data per platform (``egress/platforms/<slug>/remediate.py``); objects at egress's IDs that
egress did not write come back as ``foreign`` and are refused unless taken over.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from egress.platforms import PLATFORMS, by_platform
from egress.remediate.model import Foreign, ForeignObjects, Load, Remediation


class Planner(Protocol):
    def __call__(
        self,
        host: str,
        *,
        running: str,
        rendered: str,
        previous: str | None,
        take_over: bool,
        replace: bool,
    ) -> Remediation: ...


# Which running-config form each platform's remediation reads (napalm get_config ``format``),
# and the platforms whose --replace loads the running config as the device prints it: their
# profiles'.
RUNNING_FORMAT: Mapping[str, str] = by_platform("running_format")
REPLACE_ON_RUNNING_TEXT: frozenset[str] = frozenset(
    p for p in PLATFORMS if PLATFORMS[p].replace_on_running_text
)

INTENDED = "intended.cfg"  # per device in a change directory: what egress rendered for it
# Outcomes after which the device held the intended config (egress/rollout/deploy.py
# Outcome values).
_HELD = ("committed", "mirrored")


def plan(
    platform: str,
    host: str,
    *,
    running: str,
    rendered: str,
    previous: str | None,
    take_over: bool = False,
    replace: bool = False,
    backup: str = "",
) -> Remediation:
    planner: Callable[..., Remediation] = PLATFORMS.module(platform, "remediate").plan
    return planner(
        host,
        running=running,
        rendered=rendered,
        previous=previous,
        take_over=take_over,
        replace=replace,
        backup=backup,
    )


def previous_intended(changes_dir: Path, host: str) -> str | None:
    """The config egress last committed to ``host``: its record of what it wrote there.

    The newest change directory whose summary says ``host`` was left at its intended config
    (committed, or mirrored by its cluster) and that kept the rendered config.
    """
    best: tuple[float, Path] | None = None
    if not changes_dir.is_dir():
        return None
    for summary in changes_dir.glob("*/summary.json"):
        try:
            data = json.loads(summary.read_text())
        except (OSError, ValueError):
            continue
        if data.get("dry_run", True):
            continue
        outcome = (data.get("hosts") or {}).get(host, {}).get("outcome")
        intended = summary.parent / host / INTENDED
        if outcome in _HELD and intended.is_file():
            stamp = summary.stat().st_mtime
            if best is None or stamp > best[0]:
                best = (stamp, intended)
    return best[1].read_text() if best is not None else None


__all__ = [
    "INTENDED",
    "REPLACE_ON_RUNNING_TEXT",
    "RUNNING_FORMAT",
    "Foreign",
    "ForeignObjects",
    "Load",
    "Remediation",
    "plan",
    "previous_intended",
]
