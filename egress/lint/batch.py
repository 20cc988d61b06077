"""Checking many configs: device and pair rules over whole sites, split over processes.

Rendering and parsing back are CPU-bound; like `egress render` (egress.batch), workers are
forked after the intents are built and each takes whole sites (a pair rule needs both
members), so only the findings cross a process boundary, never configs or facts.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

from egress.errors import EgressError
from egress.intent import DeviceIntent
from egress.lint.config import PARSERS
from egress.lint.engine import run_rules
from egress.lint.findings import Finding
from egress.lint.model import DeviceView
from egress.lint.origin import template_origin
from egress.lint.registry import Rule
from egress.render import render_device
from egress.sites import InventoryFiles


@dataclass(frozen=True, slots=True)
class _Job:
    intents: dict[str, DeviceIntent]
    chunks: list[list[list[str]]]  # per worker: sites, each a list of its hosts
    rules: list[Rule]
    templates_dir: Path
    files: InventoryFiles
    site_groups: dict[str, str]
    config_dir: Path


_job: _Job | None = None  # set in the parent just before forking; the children inherit it


def check_configs(
    intents: dict[str, DeviceIntent],
    *,
    rules: list[Rule],
    templates_dir: Path,
    files: InventoryFiles,
    site_groups: dict[str, str],
    config_dir: Path,
    workers: int,
) -> list[Finding]:
    """Render, parse back and check every host of ``intents`` with the config ``rules``."""
    global _job
    chunks = _chunks(intents, workers)
    _job = _Job(intents, chunks, rules, templates_dir, files, site_groups, config_dir)
    try:
        if len(chunks) <= 1:
            parts = [_check_chunk(0)] if chunks else []
        else:
            with get_context("fork").Pool(len(chunks)) as pool:
                parts = pool.map(_check_chunk, range(len(chunks)))
    finally:
        _job = None
    findings: list[Finding] = []
    for part in parts:
        if isinstance(part, EgressError):
            raise part
        findings.extend(part)
    return findings


def _chunks(intents: dict[str, DeviceIntent], workers: int) -> list[list[list[str]]]:
    """Up to ``workers`` lists of sites (each the list of its hosts): a site is never split."""
    by_site: dict[str, list[str]] = {}
    for name, intent in intents.items():
        by_site.setdefault(intent.site, []).append(name)
    sites = list(by_site.values())
    count = max(1, min(workers, len(sites)))
    size = -(-len(sites) // count)
    return [sites[i:i + size] for i in range(0, len(sites), size)]


def _check_chunk(index: int) -> list[Finding] | EgressError:
    assert _job is not None
    job = _job
    findings: list[Finding] = []
    # The caller disabled the GC for the inventory and intents, which live to the end; but a
    # parsed config is a tree with parent links (cycles) that only the GC frees. Freeze what
    # exists (never rescanned) and collect the per-site garbage: memory stays flat.
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        for site in job.chunks[index]:
            try:
                views = build_views({h: job.intents[h] for h in site},
                                    templates_dir=job.templates_dir, files=job.files,
                                    site_groups=job.site_groups, config_dir=job.config_dir)
            except EgressError as exc:  # a template error: the parent reports it (exit 2)
                return exc
            by_host = {v.host: v for v in views}
            findings.extend(_with_origin(f, by_host.get(f.host), job.templates_dir)
                            for f in run_rules(views, rules=job.rules))
    finally:
        gc.unfreeze()
        if not was_enabled:
            gc.disable()
    return findings


def build_views(
    intents: dict[str, DeviceIntent],
    *,
    templates_dir: Path,
    files: InventoryFiles,
    site_groups: dict[str, str],
    config_dir: Path,
) -> list[DeviceView]:
    views = []
    for name, intent in intents.items():
        text = render_device(intent, templates_dir=templates_dir)
        views.append(DeviceView(
            intent=intent,
            text=text,
            facts=PARSERS[intent.platform](text),
            config_file=config_dir / f"{name}.cfg",
            files=files,
            site_group=site_groups.get(name, ""),
        ))
    return views


def _with_origin(finding: Finding, view: DeviceView | None, templates_dir: Path) -> Finding:
    if view is None or finding.file != view.config_file or finding.line is None:
        return finding
    origin = template_origin(view, line=finding.line, templates_dir=templates_dir)
    return replace(finding, origin=origin) if origin else finding
