"""Host filters shared by every verb: --hosts, --group, --platform."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from pathlib import Path

from nornir.core import Nornir

from egress.errors import InputError, Location
from egress.model.intent import DeviceIntent
from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles, build_intents
from egress.platforms import PLATFORMS


def select_hosts(
    nr: Nornir,
    *,
    hosts: str | Sequence[str] | None = None,
    group: str | Sequence[str] | None = None,
    platform: str | None = None,
) -> Nornir:
    """Narrow ``nr`` to the named hosts/groups/platform; an unknown name is bad input.

    ``hosts`` are names or shell globs (Ansible's ``--limit 'ams-*'``), ``group`` one or more
    groups (a host in any of them); values may be comma separated. A host must pass every
    kind of filter given.
    """
    selected = nr
    patterns = _words(hosts)
    if patterns:
        known = list(nr.inventory.hosts)
        unmatched = [p for p in patterns if not fnmatch.filter(known, p)]
        if unmatched:
            raise InputError(
                f"unknown host(s): {', '.join(unmatched)}",
                location=Location(field="--hosts"),
                hint="names as in hosts.yaml or globs ('ams-*'), comma separated",
            )
        names = {h for p in patterns for h in fnmatch.filter(known, p)}
        selected = selected.filter(filter_func=lambda h: h.name in names)
    groups = _words(group)
    if groups:
        unknown = [g for g in groups if g not in nr.inventory.groups]
        if unknown:
            raise InputError(
                f"unknown group(s): {', '.join(unknown)}",
                location=Location(field="--group"),
                hint=f"groups: {', '.join(sorted(nr.inventory.groups))}",
            )
        wanted = set(groups)
        selected = selected.filter(
            filter_func=lambda h: any(g.name in wanted for g in h.extended_groups())
        )
    if platform:
        if platform not in PLATFORMS:
            raise InputError(
                f"unknown platform {platform!r}",
                location=Location(field="--platform"),
                hint=f"use one of: {', '.join(PLATFORMS)}",
            )
        selected = selected.filter(platform=platform)
    return selected


def _words(values: str | Sequence[str] | None) -> list[str]:
    """``"a,b"`` or ``["a", "b,c"]`` -> ``["a", "b", "c"]``."""
    if not values:
        return []
    items = [values] if isinstance(values, str) else list(values)
    return [w.strip() for item in items for w in item.split(",") if w.strip()]


def load_selection(
    inventory: Path,
    *,
    hosts: str | Sequence[str] | None,
    group: str | Sequence[str] | None,
    platform: str | None,
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
