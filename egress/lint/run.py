"""`egress lint` without the CLI: inventory -> intents -> rendered text (in memory) -> findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from egress.errors import InputError
from egress.lint.batch import check_sites
from egress.lint.engine import FilesJudge, judge
from egress.lint.findings import Finding, sort_key
from egress.lint.model import DEFAULT_CONFIG_DIR
from egress.lint.registry import Rule, Scope, all_rules
from egress.model.inventory import load_nornir
from egress.model.selection import select_hosts
from egress.model.sites import InventoryFiles
from egress.render.batch import DesignSource, default_workers, gc_paused


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
    group: Sequence[str] | None = None,
    platform: str | None = None,
    config_dir: Path = DEFAULT_CONFIG_DIR,
    workers: int | None = None,
) -> LintResult:
    """Lint the selected hosts. Pair rules see each selected host's peer even if filtered out."""
    files = InventoryFiles.in_dir(inventory)
    rules = all_rules()
    # the rules that read the inventory files alone start now, beside the load (FilesJudge)
    files_judge = FilesJudge(rules.values(), files)
    try:
        # Millions of long-lived small objects: the cyclic GC would rescan them for nothing
        # (and nothing lint builds per device holds a reference cycle: each site's trees and
        # facts are freed by reference counting as soon as its rules ran).
        with gc_paused():
            nr = load_nornir(inventory)
            selected = select_hosts(nr, hosts=hosts, group=group, platform=platform)
            if not selected.inventory.hosts:
                raise InputError(
                    "no host matches the filters", hint="check --hosts/--group/--platform"
                )
            wanted = list(selected.inventory.hosts)
            source = DesignSource.of(nr.inventory, files)
            if len(wanted) == len(nr.inventory.hosts):
                members = wanted  # every host: every site (10,000 look-ups twice, 0.01 s)
            else:
                needed_sites = {source.groups[h] for h in wanted}
                members = [h for h in nr.inventory.hosts if source.groups[h] in needed_sites]
            # validation and intents, rendering, parsing back and the device and pair rules
            # run in the workers; the inventory-wide rules judge here what they collected there
            checked = check_sites(
                source,
                members,
                rules=list(rules.values()),
                templates_dir=templates_dir,
                config_dir=config_dir,
                workers=workers or default_workers(len(members)),
            )
            inventory_rules = [
                r
                for r in rules.values()
                if r.scope is Scope.INVENTORY and r.id not in files_judge.rule_ids
            ]
            judged = judge(inventory_rules, checked.fleets) + files_judge.findings()
            findings = checked.findings + sorted(set(judged), key=sort_key)
    finally:
        files_judge.close()
    keep = set(wanted)
    linted = set(members)
    # a finding owned by a group or the defaults (not a host) concerns every selection
    selected_findings = tuple(
        sorted({f for f in findings if f.host in keep or f.host not in linted}, key=sort_key)
    )
    platforms = {h: checked.platforms[h] for h in wanted}
    return LintResult(
        hosts=tuple(wanted), findings=selected_findings, rules=rules, platforms=platforms
    )
