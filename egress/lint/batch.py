"""Checking many configs: device and pair rules over whole sites, in the workers of the pool
`egress render` uses (egress.render.batch.fork_sites).

Each worker derives the intents of its own sites, renders each device in memory, reads the
text back into the facts the rules compare (the rendered text is what a device would get, so
a template bug shows there), runs the device and pair rules site by site, and takes what the
inventory rules need from each device (their ``collect`` step). Only findings, those
small items and each host's platform cross a process boundary, never intents, configs or
facts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from egress.lint.config import PARSERS, Reader
from egress.lint.engine import RulePlan, collected, run_rules
from egress.lint.facts import ConfigFacts
from egress.lint.findings import Finding
from egress.lint.model import DeviceView
from egress.lint.origin import template_origin
from egress.lint.registry import Fleet, Rule, Scope
from egress.model.intent import DeviceIntent
from egress.model.sites import InventoryFiles
from egress.render import render_device
from egress.render.batch import DesignSource, fork_sites, site_chunks


@dataclass(frozen=True, slots=True)
class Checked:
    findings: list[Finding]  # of the device and pair rules
    fleets: dict[str, Fleet]  # inventory rule id -> what its collect took from every device
    # host -> platform slug of every device checked: the reports' per-platform rule lists,
    # taken from the intents here (10,000 nornir Host attribute lookups cost the parent
    # 0.02 s, serially after the workers)
    platforms: dict[str, str]


def check_sites(
    source: DesignSource,
    hosts: list[str],
    *,
    rules: list[Rule],
    templates_dir: Path,
    config_dir: Path,
    workers: int,
) -> Checked:
    """Derive, render, parse back and check every host of ``hosts`` (whole sites); a design
    or template error is raised (InputError, exit 2)."""
    local = [r for r in rules if r.scope is not Scope.INVENTORY]
    fleet_rules = [r for r in rules if r.scope is Scope.INVENTORY]

    def work(intents: dict[str, DeviceIntent], chunk: list[str]) -> Checked:
        plan = RulePlan(local)
        readers: dict[str, Reader] = {}
        findings: list[Finding] = []
        items: dict[str, list[object]] = {r.id: [] for r in fleet_rules}
        for site in _sites(chunk, source.groups):
            views = build_views(
                {h: intents[h] for h in site},
                templates_dir=templates_dir,
                files=source.files,
                site_groups=source.groups,
                config_dir=config_dir,
                readers=readers,
            )
            by_host = {v.host: v for v in views}
            findings.extend(
                _with_origin(f, by_host.get(f.host), templates_dir) for f in plan.run(views)
            )
            for rule in fleet_rules:
                items[rule.id].extend(collected(rule, views))
        platforms = {h: intents[h].platform for h in chunk}
        return Checked(findings, {r: Fleet(None, i) for r, i in items.items()}, platforms)

    parts = fork_sites(source, site_chunks(source, hosts, workers), work)
    return Checked(
        [f for part in parts for f in part.findings],
        {
            r.id: Fleet(source.files, [i for part in parts for i in part.fleets[r.id].items])
            for r in fleet_rules
        },
        {host: slug for part in parts for host, slug in part.platforms.items()},
    )


def check_intents(
    intents: dict[str, DeviceIntent],
    *,
    rules: list[Rule],
    templates_dir: Path,
    files: InventoryFiles,
    site_groups: dict[str, str],
    config_dir: Path,
) -> list[Finding]:
    """The device and pair rules over intents derived elsewhere (the drill's FRR pair), in
    this process: render, read back, check."""
    views = build_views(
        intents,
        templates_dir=templates_dir,
        files=files,
        site_groups=site_groups,
        config_dir=config_dir,
    )
    by_host = {v.host: v for v in views}
    local = [r for r in rules if r.scope is not Scope.INVENTORY]
    return [
        _with_origin(f, by_host.get(f.host), templates_dir) for f in run_rules(views, rules=local)
    ]


def _sites(chunk: list[str], groups: dict[str, str]) -> list[list[str]]:
    """A chunk's hosts, site by site (a chunk holds whole sites, members side by side)."""
    by_site: dict[str, list[str]] = {}
    for host in chunk:
        by_site.setdefault(groups[host], []).append(host)
    return list(by_site.values())


def build_views(
    intents: dict[str, DeviceIntent],
    *,
    templates_dir: Path,
    files: InventoryFiles,
    site_groups: dict[str, str],
    config_dir: Path,
    readers: dict[str, Reader] | None = None,
) -> list[DeviceView]:
    """Each device rendered and read back. ``readers`` (platform -> its reader) is filled as
    platforms come: a worker passes one for all its sites (PARSERS imports the reader's module
    at each lookup).

    A text rendered twice is read once: the two nodes of an SRX chassis cluster are one
    configuration (the cluster keeps it in sync, so egress renders the same text for both; a
    quarter of the generated Junos devices), and their views share its facts (the rules only
    read facts). At 10,000 devices that is ~0.05 CPU-s a worker."""
    known = readers if readers is not None else {}
    read: dict[tuple[str, str], ConfigFacts] = {}  # (platform, text) -> its facts
    views = []
    for name, intent in intents.items():
        text = render_device(intent, templates_dir=templates_dir)
        facts = read.get((intent.platform, text))
        if facts is None:
            reader = known.get(intent.platform)
            if reader is None:
                reader = known[intent.platform] = PARSERS[intent.platform]
            facts = read[intent.platform, text] = reader(text)
        views.append(
            DeviceView(
                intent=intent,
                text=text,
                facts=facts,
                config_file=config_dir / f"{name}.cfg",
                files=files,
                site_group=site_groups.get(name, ""),
            )
        )
    return views


def _with_origin(finding: Finding, view: DeviceView | None, templates_dir: Path) -> Finding:
    if view is None or finding.file != view.config_file or finding.line is None:
        return finding
    origin = template_origin(view, line=finding.line, templates_dir=templates_dir)
    return replace(finding, origin=origin) if origin else finding
