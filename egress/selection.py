"""Host filters shared by every verb: --hosts, --group, --platform."""

from __future__ import annotations

from pathlib import Path

from nornir.core import Nornir
from nornir.core.filter import F

from egress.errors import InputError, Location
from egress.intent import DeviceIntent
from egress.inventory import load_nornir
from egress.platforms import PLATFORMS
from egress.sites import InventoryFiles, build_intents


def select_hosts(
    nr: Nornir,
    *,
    hosts: str | None = None,
    group: str | None = None,
    platform: str | None = None,
) -> Nornir:
    """Narrow ``nr`` to the named hosts/group/platform; an unknown name is bad input."""
    selected = nr
    if hosts:
        names = [h.strip() for h in hosts.split(",") if h.strip()]
        unknown = [h for h in names if h not in nr.inventory.hosts]
        if unknown:
            raise InputError(
                f"unknown host(s): {', '.join(unknown)}",
                location=Location(field="--hosts"),
                hint="names as in hosts.yaml, comma separated",
            )
        selected = selected.filter(filter_func=lambda h: h.name in names)
    if group:
        if group not in nr.inventory.groups:
            raise InputError(
                f"unknown group {group!r}",
                location=Location(field="--group"),
                hint=f"groups: {', '.join(sorted(nr.inventory.groups))}",
            )
        selected = selected.filter(F(groups__contains=group))
    if platform:
        if platform not in PLATFORMS:
            raise InputError(
                f"unknown platform {platform!r}",
                location=Location(field="--platform"),
                hint=f"use one of: {', '.join(PLATFORMS)}",
            )
        selected = selected.filter(platform=platform)
    return selected


def load_selection(
    inventory: Path, *, hosts: str | None, group: str | None, platform: str | None
) -> tuple[Nornir, dict[str, DeviceIntent]]:
    """The selected hosts and their validated intents (bad input raises before any I/O)."""
    everything = load_nornir(inventory)
    nr = select_hosts(everything, hosts=hosts, group=group, platform=platform)
    if not nr.inventory.hosts:
        raise InputError("no host matches the filters", hint="check --hosts/--group/--platform")
    # a site's intent needs both members, whichever of them is selected
    intents = build_intents(
        everything.inventory, files=InventoryFiles.in_dir(inventory), hosts=nr.inventory.hosts
    )
    return nr, intents
