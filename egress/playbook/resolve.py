"""A playbook against the inventory: targets, design overrides, batches, drill links.

Everything here happens before any device is contacted; every problem is an InputError
(exit 2) naming the playbook file and line.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nornir.core import Nornir
from pydantic import ValidationError

from egress.devices.overlay import link_cut
from egress.errors import InputError, friendly, validation_messages
from egress.model.design import Site
from egress.model.intent import DeviceIntent
from egress.model.inventory import load_nornir
from egress.model.sites import SITE_KEY, InventoryFiles, build_intents
from egress.platforms import PLATFORMS
from egress.playbook.batches import Batch, derive_batches
from egress.playbook.load import load_playbook, playbook_error
from egress.playbook.model import Playbook
from egress.render import default_templates_dir, render_device


@dataclass
class Prepared:
    """A playbook ready to run: who, in which batches, with which design."""

    path: Path
    playbook: Playbook
    inventory: Path
    nr: Nornir  # narrowed to the targets
    intents: dict[str, DeviceIntent]
    batches: list[Batch]
    # site group -> the site block after the playbook's overrides (only overridden sites)
    overridden: dict[str, dict[str, Any]] = field(default_factory=dict)
    # validate step index -> (host, interface) cut for the step
    cuts: dict[int, tuple[str, str]] = field(default_factory=dict)
    # host -> rendered config (a playbook with a render step): a template or design that
    # cannot render is bad input found here, before anything is contacted
    configs: dict[str, str] = field(default_factory=dict)


def prepare(path: Path, *, inventory: Path, lab_state: Path | None) -> Prepared:
    playbook = load_playbook(path)
    everything = load_nornir(inventory)
    targets = _select(path, playbook, everything)
    site_groups = _site_groups(everything)
    overridden = _apply_overrides(path, playbook, everything, site_groups, targets)
    try:
        # a site's intent needs both members, whichever of them is targeted
        intents = build_intents(
            everything.inventory, files=InventoryFiles.in_dir(inventory), hosts=targets
        )
        configs: dict[str, str] = {}
        if "render" in playbook.kinds:
            templates = default_templates_dir()
            configs = {h: render_device(i, templates_dir=templates) for h, i in intents.items()}
    except InputError as exc:
        raise _from_override(path, playbook, everything, site_groups, exc) from exc
    sites = {i.site for i in intents.values()}
    canary = playbook.batches.canary
    for index, name in enumerate(canary or []):
        if name not in sites:
            raise playbook_error(
                path,
                ["batches", "canary", index],
                f"canary site {name!r} is not among the targeted sites",
                hint=f"targeted sites: {', '.join(sorted(sites))}",
            )
    batches = derive_batches(
        intents, canary=canary, sites_per_batch=playbook.batches.sites_per_batch
    )
    cuts = _check_steps(path, playbook, intents, lab_state)
    nr = everything.filter(filter_func=lambda h: h.name in intents)
    return Prepared(
        path=path,
        playbook=playbook,
        inventory=inventory,
        nr=nr,
        intents=intents,
        batches=batches,
        overridden=overridden,
        cuts=cuts,
        configs=configs,
    )


def _select(path: Path, playbook: Playbook, nr: Nornir) -> list[str]:
    targets = playbook.targets
    inventory = nr.inventory
    for index, wanted in enumerate(targets.hosts):
        if wanted not in inventory.hosts:
            raise playbook_error(
                path,
                ["targets", "hosts", index],
                f"unknown host {wanted!r}",
                hint="names as in hosts.yaml",
            )
    for index, group in enumerate(targets.groups):
        if group not in inventory.groups:
            raise playbook_error(
                path,
                ["targets", "groups", index],
                f"unknown group {group!r}",
                hint=f"groups: {', '.join(sorted(inventory.groups))}",
            )
    for index, platform in enumerate(targets.platforms):
        if platform not in PLATFORMS:
            raise playbook_error(
                path,
                ["targets", "platforms", index],
                f"unknown platform {platform!r}",
                hint=f"use one of: {', '.join(PLATFORMS)}",
            )
    chosen = []
    for name, host in inventory.hosts.items():
        groups = {g.name for g in host.extended_groups()}
        if targets.hosts and name not in targets.hosts:
            continue
        if targets.groups and not groups & set(targets.groups):
            continue
        if targets.platforms and host.platform not in targets.platforms:
            continue
        chosen.append(name)
    if not chosen:
        raise playbook_error(
            path,
            ["targets"],
            "no host matches the targets",
            hint="a host must pass every filter given (hosts, groups, platforms)",
        )
    return chosen


def _site_groups(nr: Nornir) -> dict[str, str]:
    """site name -> the group holding its design."""
    return {
        str(g.data[SITE_KEY].get("name")): name
        for name, g in nr.inventory.groups.items()
        if isinstance((g.data or {}).get(SITE_KEY), dict)
    }


def _apply_overrides(
    path: Path, playbook: Playbook, nr: Nornir, site_groups: dict[str, str], targets: list[str]
) -> dict[str, dict[str, Any]]:
    """Change the loaded site blocks in memory (never the files); validate each result."""
    targeted_sites = {
        name
        for name, group in site_groups.items()
        if any(group in {g.name for g in nr.inventory.hosts[h].extended_groups()} for h in targets)
    }
    changed: dict[str, dict[str, Any]] = {}
    for number, override in enumerate(playbook.design):
        names = sorted(targeted_sites) if override.sites == ["all"] else override.sites
        for index, site in enumerate(names):
            if site not in site_groups:
                raise playbook_error(
                    path,
                    ["design", number, "sites", index],
                    f"unknown site {site!r}",
                    hint=f"sites: {', '.join(sorted(site_groups))}",
                )
            if site not in targeted_sites:
                raise playbook_error(
                    path,
                    ["design", number, "sites", index],
                    f"site {site!r} is not targeted by this playbook",
                )
            group = nr.inventory.groups[site_groups[site]]
            block = copy.deepcopy(changed.get(group.name, group.data[SITE_KEY]))
            before = {k: len(v) for k, v in block.items() if isinstance(v, list)}
            block.update(copy.deepcopy(override.set))
            for key, items in override.append.items():
                block[key] = [*block.get(key, []), *copy.deepcopy(items)]
            try:
                Site.model_validate(block)
            except ValidationError as exc:
                err = validation_messages(exc.errors())[0]
                loc = list(err["loc"])
                keys: list[str | int] = ["design", number]
                if loc and loc[0] in override.append and len(loc) > 1 and isinstance(loc[1], int):
                    keys += ["append", loc[0], loc[1] - before.get(str(loc[0]), 0), *loc[2:]]
                elif loc and loc[0] in override.set:
                    keys += ["set", *loc]
                msg = friendly(err)
                raise playbook_error(
                    path,
                    keys,
                    f"the design override makes site {site!r} invalid: "
                    f"{'.'.join(str(p) for p in loc) or 'site'}: {msg}",
                ) from None
            changed[group.name] = block
    for group_name, block in changed.items():
        nr.inventory.groups[group_name].data[SITE_KEY] = block
    return changed


def _from_override(
    path: Path, playbook: Playbook, nr: Nornir, site_groups: dict[str, str], exc: InputError
) -> InputError:
    """An error in a value the playbook's override set points at the playbook, not at the
    inventory line the override replaced."""
    field_name = exc.location.field or ""
    host = exc.location.host
    if not field_name.startswith("site.") or host is None or host not in nr.inventory.hosts:
        return exc
    key = field_name.split(".")[1]
    groups = {g.name for g in nr.inventory.hosts[host].extended_groups()}
    for number, override in enumerate(playbook.design):
        sites = {site_groups.get(s) for s in override.sites}
        if (override.sites == ["all"] or sites & groups) and (
            key in override.set or key in override.append
        ):
            part = "set" if key in override.set else "append"
            return playbook_error(
                path, ["design", number, part, key], f"{exc.message} (host {host})", hint=exc.hint
            )
    return exc


def _check_steps(
    path: Path, playbook: Playbook, intents: dict[str, DeviceIntent], lab_state: Path | None
) -> dict[int, tuple[str, str]]:
    cuts: dict[int, tuple[str, str]] = {}
    for index, step in enumerate(playbook.steps):
        for n, host in enumerate(step.expect_failover):
            if host not in intents:
                raise playbook_error(
                    path,
                    ["steps", index],
                    f"expect_failover names {host!r}, which is not targeted",
                    hint=f"entry {n + 1}",
                )
        if step.cut is None:
            continue
        if step.cut.host not in intents:
            raise playbook_error(
                path, ["steps", index], f"cut names {step.cut.host!r}, which is not targeted"
            )
        ports = {i.role: i.name for i in intents[step.cut.host].interfaces}
        if step.cut.link not in ports:
            raise playbook_error(
                path,
                ["steps", index],
                f"{step.cut.host} has no {step.cut.link!r} port",
                hint=f"ports by role: {', '.join(sorted(ports))}",
            )
        if lab_state is None:
            raise playbook_error(
                path,
                ["steps", index],
                "a link cut is only supported in the lab (--lab)",
                hint="on real devices, cut the link by hand and run the "
                "validate steps with expect_failover",
            )
        wired = link_cut(lab_state).ports(lab_state)
        interface = ports[step.cut.link]
        if (step.cut.host, interface) not in wired:
            raise InputError(
                f"the lab has no link on {step.cut.host} {interface}",
                hint="is the lab running from this inventory?",
            )
        cuts[index] = (step.cut.host, interface)
    return cuts
