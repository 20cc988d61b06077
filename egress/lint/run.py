"""`egress lint` without the CLI: inventory -> intents -> rendered text (in memory) -> findings."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

from nornir.core.inventory import Host, Inventory

from egress.batch import default_workers
from egress.errors import InputError
from egress.inventory import load_nornir
from egress.lint.batch import check_configs
from egress.lint.engine import run_rules
from egress.lint.facts import ConfigFacts
from egress.lint.findings import Finding, sort_key
from egress.lint.model import DEFAULT_CONFIG_DIR, DeviceView
from egress.lint.registry import Rule, Scope, all_rules
from egress.selection import select_hosts
from egress.sites import SITE_KEY, InventoryFiles, build_intents


@dataclass(frozen=True, slots=True)
class LintResult:
    hosts: tuple[str, ...]  # the hosts linted (the selection), in inventory order
    findings: tuple[Finding, ...]
    rules: dict[str, Rule]
    platforms: dict[str, str]  # host -> platform slug, for per-platform rule lists

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity.value == "error")

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


def lint_inventory(
    inventory: Path,
    *,
    templates_dir: Path,
    hosts: str | None = None,
    group: str | None = None,
    platform: str | None = None,
    config_dir: Path = DEFAULT_CONFIG_DIR,
    workers: int | None = None,
) -> LintResult:
    """Lint the selected hosts. Pair rules see each selected host's peer even if filtered out."""
    # Millions of long-lived small objects: the cyclic GC would rescan them for nothing.
    gc.disable()
    try:
        nr = load_nornir(inventory)
        selected = select_hosts(nr, hosts=hosts, group=group, platform=platform)
        if not selected.inventory.hosts:
            raise InputError("no host matches the filters", hint="check --hosts/--group/--platform")
        files = InventoryFiles.in_dir(inventory)
        wanted = list(selected.inventory.hosts)
        groups = _site_groups(nr.inventory)
        needed_sites = {groups.get(h) for h in wanted}
        members = [h for h in nr.inventory.hosts if groups.get(h) in needed_sites]
        intents = build_intents(nr.inventory, files=files, hosts=members)
        rules = all_rules()
        findings = check_configs(
            intents,
            rules=[r for r in rules.values() if r.scope is not Scope.INVENTORY],
            templates_dir=templates_dir, files=files, site_groups=groups,
            config_dir=config_dir, workers=workers or default_workers(len(intents)),
        )
        # inventory-wide rules judge the design: they get every intent, no config
        designs = [DeviceView(intent=i, text="", facts=ConfigFacts(), config_file=config_dir
                              / f"{h}.cfg", files=files, site_group=groups.get(h, ""))
                   for h, i in intents.items()]
        findings += run_rules(designs, rules=[r for r in rules.values()
                                               if r.scope is Scope.INVENTORY])
    finally:
        gc.enable()
    keep = set(wanted)
    # a finding owned by a group or the defaults (not a host) concerns every selection
    selected_findings = tuple(sorted({f for f in findings if f.host in keep
                                      or f.host not in intents}, key=sort_key))
    platforms = {h: intents[h].platform for h in wanted if h in intents}
    return LintResult(hosts=tuple(wanted), findings=selected_findings, rules=rules,
                      platforms=platforms)


def _site_groups(inventory: Inventory) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, host in inventory.hosts.items():
        group = _site_group(host)
        if group is not None:
            found[name] = group
    return found


def _site_group(host: Host) -> str | None:
    for group in host.extended_groups():
        if SITE_KEY in (group.data or {}):
            return str(group.name)
    return None
