"""Rendering many hosts: Nornir's serial runner, split over processes for large inventories.

Rendering is CPU-bound, so threads only add overhead and processes are what scale (two
cores here). Workers are forked after the inventory is loaded; each derives the intents of
its own share of the sites and renders them, and only a small outcome per host crosses a
process boundary. Deriving in the workers halves the cost of validating thousands of site
designs, and a barrier keeps the promise of bad input: no worker writes a file until every
worker has validated its share, so one bad site means nothing is written at all.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Barrier
from pathlib import Path

from nornir.core import Nornir
from nornir.core.inventory import Inventory
from nornir.plugins.runners import SerialRunner

from egress.errors import EgressError, InputError
from egress.intent import DeviceIntent
from egress.sites import InventoryFiles, build_intents
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
class DesignSource:
    """Where workers derive intents from: the whole inventory (a site needs both members)."""

    inventory: Inventory
    files: InventoryFiles


def default_workers(hosts: int) -> int:
    return min(os.cpu_count() or 1, 8) if hosts >= PARALLEL_MIN_HOSTS else 1


def render_hosts(
    nr: Nornir,
    *,
    intents: dict[str, DeviceIntent] | None = None,
    source: DesignSource | None = None,
    out_dir: Path,
    templates_dir: Path,
    workers: int,
) -> list[HostOutcome]:
    """Render every host of ``nr``; one outcome per host. Give ``intents`` (derived already)
    or ``source`` (each worker derives its share; a design error comes back as the only
    outcome, and then no file is written)."""
    names = list(nr.inventory.hosts)
    workers = max(1, min(workers, len(names)))
    if workers == 1:
        if intents is None:
            assert source is not None
            intents = build_intents(source.inventory, files=source.files, hosts=names)
        return _render(nr, names, intents, out_dir, templates_dir)
    size = -(-len(names) // workers)
    chunks = [names[i : i + size] for i in range(0, len(names), size)]
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(chunks))
    pipes = [context.Pipe(duplex=False) for _ in chunks]
    processes = [
        context.Process(
            target=_worker,
            args=(nr, chunk, intents, source, out_dir, templates_dir, barrier, send),
        )
        for chunk, (_, send) in zip(chunks, pipes, strict=True)
    ]
    for process in processes:
        process.start()
    results = [receive.recv() for receive, _ in pipes]
    for process in processes:
        process.join()
    errors = [
        o
        for part in results
        for o in part
        if o.error is not None and o.lines is None and o.host == "-"
    ]
    if errors:
        return errors[:1]
    return [outcome for part in results for outcome in part]


def _worker(
    nr: Nornir,
    chunk: list[str],
    intents: dict[str, DeviceIntent] | None,
    source: DesignSource | None,
    out_dir: Path,
    templates_dir: Path,
    barrier: Barrier,
    send: Connection,
) -> None:
    failure: InputError | None = None
    if intents is None:
        assert source is not None
        try:
            intents = build_intents(source.inventory, files=source.files, hosts=chunk)
        except InputError as exc:
            failure = exc
    # nobody writes before everybody has validated; a failed worker breaks the barrier
    if failure is not None:
        barrier.abort()
        send.send([HostOutcome("-", error=failure)])
        return
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        send.send([])
        return
    assert intents is not None
    send.send(_render(nr, chunk, intents, out_dir, templates_dir))


def _render(
    nr: Nornir,
    names: list[str],
    intents: dict[str, DeviceIntent],
    out_dir: Path,
    templates_dir: Path,
) -> list[HostOutcome]:
    wanted = set(names)
    subset = nr.filter(filter_func=lambda h: h.name in wanted)
    results = subset.with_runner(SerialRunner()).run(
        task=render_config, intents=intents, out_dir=out_dir, templates_dir=templates_dir
    )
    outcomes = []
    for name in names:
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
