"""Work over many sites, split over forked processes: the one pool `render` and `lint` share.

Rendering and linting are CPU-bound, so threads only add overhead and processes are what
scale (two cores here). The parent loads the inventory and finds each host's site, then
forks; from there everything runs in the workers, each on its own whole sites (a pair rule
needs both members): validating the designs and deriving the intents, then the verb's own
work (render and write, or render, parse back and check). Only small results cross a
process boundary, never intents or configs. A barrier keeps the promise of bad input: no
worker starts its work until every worker has validated its share, so one bad site means
nothing is written at all, and the error reported is the one a single process would meet
first (sites are split in order).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import TypeVar

from nornir.core import Nornir
from nornir.core.inventory import Inventory

from egress.errors import EgressError, InputError
from egress.model.intent import DeviceIntent
from egress.model.sites import InventoryFiles, build_intents, site_groups
from egress.tasks.render import write_config

# Below this many hosts a fork costs more than it saves.
PARALLEL_MIN_HOSTS = 400
T = TypeVar("T")
# what a worker does once every worker has validated: (its intents, its hosts) -> result
Work = Callable[[dict[str, DeviceIntent], list[str]], T]


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
    groups: dict[str, str]  # host -> its site group, every host of the inventory

    @classmethod
    def of(cls, inventory: Inventory, files: InventoryFiles) -> DesignSource:
        return cls(inventory, files, site_groups(inventory, files))

    def derive(self, hosts: Sequence[str]) -> dict[str, DeviceIntent]:
        return build_intents(self.inventory, files=self.files, hosts=hosts, groups=self.groups)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block, then on again.

    Loading, rendering and linting a fleet allocate millions of small objects that live to
    the end: the collector would rescan them again and again for nothing (PERF-FACTS). But
    while it is off, everything allocated stays in its youngest generation, so switching it
    back on as is makes its very next collection, at the next few allocations, scan all of
    it once (~0.06-0.2 s at 10,000 devices, serial, after the workers are done). Moved to
    the oldest generation first (gc.freeze() then gc.unfreeze(): two list splices), those
    objects wait for a full collection, as long-lived objects do: a CLI run ends first.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def default_workers(hosts: int) -> int:
    return min(os.cpu_count() or 1, 8) if hosts >= PARALLEL_MIN_HOSTS else 1


def site_chunks(source: DesignSource, hosts: Sequence[str], workers: int) -> list[list[str]]:
    """Up to ``workers`` lists of ``hosts``, each a run of whole sites in sorted site order
    (the order a single process validates them in)."""
    by_site: dict[str, list[str]] = {}
    for name in hosts:
        by_site.setdefault(source.groups[name], []).append(name)
    sites = [by_site[s] for s in sorted(by_site)]
    count = max(1, min(workers, len(sites)))
    size = -(-len(sites) // count)
    return [[h for site in sites[i : i + size] for h in site] for i in range(0, len(sites), size)]


@dataclass(frozen=True, slots=True)
class _Crash:
    text: str  # an unexpected exception in a worker, with its traceback


def fork_sites(source: DesignSource, chunks: list[list[str]], work: Work[T]) -> list[T]:
    """``work`` over each chunk (see :func:`site_chunks`), one process each, results in chunk
    order. The first chunk's design error is raised (InputError) and then no work ran."""
    if len(chunks) <= 1:
        hosts = chunks[0] if chunks else []
        return [work(source.derive(hosts), hosts)]
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(chunks))
    pipes = [context.Pipe(duplex=False) for _ in chunks]
    processes = [
        context.Process(target=_worker, args=(source, chunk, work, barrier, send))
        for chunk, (_, send) in zip(chunks, pipes, strict=True)
    ]
    for process in processes:
        process.start()
    results = [receive.recv() for receive, _ in pipes]
    for process in processes:
        process.join()
    for result in results:
        if isinstance(result, EgressError):
            raise result
        if isinstance(result, _Crash):
            raise RuntimeError(f"a worker process failed:\n{result.text}")
    # a worker whose barrier broke sends None: only after another's design error
    return [r for r in results if r is not None]


def _worker(
    source: DesignSource, chunk: list[str], work: Work[T], barrier: Barrier, send: Connection
) -> None:
    try:
        intents = source.derive(chunk)
    except InputError as exc:
        barrier.abort()  # nobody works before everybody has validated
        send.send(exc)
        return
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        send.send(None)
        return
    try:
        result: object = work(intents, chunk)
    except EgressError as exc:
        result = exc
    except BaseException:  # noqa: BLE001 - reported by the parent, never a silent hang
        result = _Crash(traceback.format_exc())
    send.send(result)


def render_hosts(
    nr: Nornir,
    *,
    intents: dict[str, DeviceIntent] | None = None,
    source: DesignSource | None = None,
    out_dir: Path,
    templates_dir: Path,
    workers: int,
) -> list[HostOutcome]:
    """Render every host of ``nr``; one outcome per host, in ``nr``'s order. Give
    ``intents`` (derived already: rendered here) or ``source`` (the workers derive; a design
    error is raised as InputError, as in one process, and then no file is written)."""
    names = list(nr.inventory.hosts)

    def render(share: dict[str, DeviceIntent], hosts: list[str]) -> list[HostOutcome]:
        return [_render_one(h, share[h], out_dir, templates_dir) for h in hosts]

    if intents is not None:
        return render(intents, names)
    assert source is not None
    chunks = site_chunks(source, names, max(1, workers))
    parts = fork_sites(source, chunks, render)  # a design error raises: nothing written
    by_host = {o.host: o for part in parts for o in part}
    return [by_host[name] for name in names]


def _render_one(host: str, intent: DeviceIntent, out_dir: Path, templates_dir: Path) -> HostOutcome:
    try:
        lines, changed = write_config(intent, out_dir=out_dir, templates_dir=templates_dir)
    except EgressError as exc:
        return HostOutcome(host, error=exc)
    except Exception as exc:  # noqa: BLE001 - one host's crash must not hide the others
        return HostOutcome(host, crash=repr(exc))
    return HostOutcome(host, lines=lines, changed=changed)
