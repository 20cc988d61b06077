"""Waves per site: each site moves to its next wave as soon as its own previous one is done.

A change keeps one order inside each site (the secondary first, while the primary carries
traffic; then the primary; a cluster once), and no order between sites: a site whose
secondary committed in 5 s need not wait for the slowest secondary of the fleet before its
primary starts. So each site is a lane of waves run in turn, and a small scheduler hands the
waves that are ready to at most ``lanes_at_once`` workers (Nornir's ``num_workers``): a
worker is held for one wave, not for a site's whole lane, so a site waiting for its turn
can start while another site's primary waits for its secondary. Among the ready waves, the
site with the most devices left goes first (the longest path through the change: with 20
workers and 30 two-device sites this ends after three device times, not four; a cluster's
one wave, its primary then its member's check, counts as the two devices it is). The failure
budget and Ctrl-C are checked before each wave starts (by ``run_wave`` and ``stop``), so a
budget exhausted anywhere holds every site's next wave, and a site whose wave failed starts
no further wave of its own, whatever the budget allows (its primary is not changed while
its secondary is broken). A dry-run commits nothing and keeps no order: its devices all run
at once, as one wave.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Protocol, TypeVar


class Planned(Protocol):
    @property
    def site(self) -> str: ...

    @property
    def wave(self) -> int: ...


P = TypeVar("P", bound=Planned)

INTERRUPTED = "interrupted before it started"
SITE_FAILED = "not started: an earlier wave of its site failed"


def run_in_lanes(
    plans: Sequence[P],
    *,
    run_wave: Callable[[list[P]], bool],
    skip: Callable[[list[P], str], None],
    pipelined: bool,
    lanes_at_once: int,
    stop: threading.Event | None = None,
) -> None:
    """``run_wave`` each site's waves in order, at most ``lanes_at_once`` waves at a time;
    ``pipelined=False`` (a dry-run): every plan in one wave. ``run_wave`` says whether
    every device of the wave succeeded; ``skip`` takes the waves not started, with why.
    An exception in a wave is the change's, raised once the waves in flight are done (the
    other sites go on; its own site starts nothing more)."""
    if not plans:
        return
    if not pipelined:
        if stop is not None and stop.is_set():
            skip(list(plans), INTERRUPTED)
        else:
            run_wave(list(plans))
        return
    lanes: list[list[list[P]]] = []  # per site (in plan order), its waves in order
    sites: dict[str, list[P]] = {}
    for plan in plans:
        sites.setdefault(plan.site, []).append(plan)
    for members in sites.values():
        lanes.append(
            [[p for p in members if p.wave == w] for w in sorted({p.wave for p in members})]
        )
    # ready waves: (devices left in the site, most first; the site's place in the plan)
    ready: list[tuple[int, int]] = [(-_left(waves), index) for index, waves in enumerate(lanes)]
    heapq.heapify(ready)
    failed: set[int] = set()
    errors: list[BaseException] = []
    running: dict[Future[bool], int] = {}
    workers = max(1, min(lanes_at_once, len(lanes)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="egress-site") as pool:
        while ready or running:
            while ready and len(running) < workers:
                _, index = heapq.heappop(ready)
                waves = lanes[index]
                held = (
                    INTERRUPTED
                    if stop is not None and stop.is_set()
                    else SITE_FAILED
                    if index in failed
                    else None
                )
                if held is not None:
                    skip(waves.pop(0), held)
                    if waves:
                        heapq.heappush(ready, (-_left(waves), index))
                    continue
                running[pool.submit(run_wave, waves.pop(0))] = index
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index = running.pop(future)
                error = future.exception()
                if error is not None:
                    errors.append(error)  # its site starts nothing more, neither run nor skipped
                    continue
                if not future.result():
                    failed.add(index)
                if lanes[index]:
                    heapq.heappush(ready, (-_left(lanes[index]), index))
    if errors:
        raise errors[0]  # a wave's exception is the change's


def _left(waves: list[list[P]]) -> int:
    return sum(len(wave) for wave in waves)
