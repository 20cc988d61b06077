"""Rendering many hosts: Nornir's serial runner, split over processes for large inventories.

Rendering is CPU-bound, so threads only add overhead and processes are what scale (two
cores here). Workers are forked after the inventory and intents are built, so nothing but
a small outcome per host crosses a process boundary.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from nornir.core import Nornir
from nornir.plugins.runners import SerialRunner

from egress.errors import EgressError
from egress.intent import DeviceIntent
from tasks.render import RenderedConfig, render_config

# Below this many hosts a fork costs more than it saves.
PARALLEL_MIN_HOSTS = 400


@dataclass(frozen=True, slots=True)
class HostOutcome:
    host: str
    lines: int | None = None
    changed: bool = False
    error: EgressError | None = None
    crash: str | None = None  # an unexpected exception, as text

    @property
    def failed(self) -> bool:
        return self.error is not None or self.crash is not None


@dataclass(frozen=True, slots=True)
class _Job:
    nr: Nornir
    intents: dict[str, DeviceIntent]
    out_dir: Path
    templates_dir: Path
    chunks: list[list[str]]


_job: _Job | None = None  # set in the parent just before forking; the children inherit it


def default_workers(hosts: int) -> int:
    return min(os.cpu_count() or 1, 8) if hosts >= PARALLEL_MIN_HOSTS else 1


def render_hosts(
    nr: Nornir,
    *,
    intents: dict[str, DeviceIntent],
    out_dir: Path,
    templates_dir: Path,
    workers: int,
) -> list[HostOutcome]:
    """Render every host of ``nr`` with the ``render_config`` task; one outcome per host."""
    global _job
    names = list(nr.inventory.hosts)
    workers = max(1, min(workers, len(names)))
    size = -(-len(names) // workers)
    chunks = [names[i : i + size] for i in range(0, len(names), size)]
    _job = _Job(nr, intents, out_dir, templates_dir, chunks)
    try:
        if len(chunks) == 1:
            return _render_chunk(0)
        with get_context("fork").Pool(len(chunks)) as pool:
            parts = pool.map(_render_chunk, range(len(chunks)))
        return [outcome for part in parts for outcome in part]
    finally:
        _job = None


def _render_chunk(index: int) -> list[HostOutcome]:
    assert _job is not None
    wanted = set(_job.chunks[index])
    subset = _job.nr.filter(filter_func=lambda h: h.name in wanted)
    results = subset.with_runner(SerialRunner()).run(
        task=render_config,
        intents=_job.intents,
        out_dir=_job.out_dir,
        templates_dir=_job.templates_dir,
    )
    outcomes = []
    for name in _job.chunks[index]:
        multi = results[name]
        if multi.failed:
            exc = multi[0].exception
            if isinstance(exc, EgressError):
                outcomes.append(HostOutcome(name, error=exc))
            else:
                outcomes.append(HostOutcome(name, crash=repr(exc)))
            continue
        rendered: RenderedConfig = multi[0].result
        outcomes.append(HostOutcome(name, lines=rendered.lines, changed=rendered.changed))
    return outcomes
