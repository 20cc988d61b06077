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
one wave, its primary then its member's check, counts as the two devices it is).
"Most left" is counted in expected seconds when the caller says what kind of device each
plan is (``kind``: egress passes the platform) and gives a first guess per kind (``prior``):
an IOS-XE pair whose two devices take 4 s each is longer than a Junos pair at 2 s each, and
left for last it ends the change alone. Each wave's own time replaces the guess for waves
of its kind (the same kinds of devices) as soon as one has finished, so on real devices the
order follows what this change measures, not the lab's figures. Only the order uses it:
the HA order inside a site and the failure budget do not depend on it. The failure
budget and Ctrl-C are checked before each wave starts (by ``run_wave`` and ``stop``), so a
budget exhausted anywhere holds every site's next wave, and a site whose wave failed starts
no further wave of its own, whatever the budget allows (its primary is not changed while
its secondary is broken). A dry-run commits nothing and keeps no order: its devices all run
at once, as one wave. A site that will start nothing more (its last wave done, or a wave
failed) is handed to ``finished`` at once, so its devices' sessions can be closed while the
other sites go on, instead of all of them after the last site.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Generic, Protocol, TypeVar


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
    kind: Callable[[P], str] | None = None,
    prior: Mapping[str, float] | None = None,
    finished: Callable[[list[P]], None] | None = None,
) -> None:
    """``run_wave`` each site's waves in order, at most ``lanes_at_once`` waves at a time;
    ``pipelined=False`` (a dry-run): every plan in one wave. ``run_wave`` says whether
    every device of the wave succeeded; ``skip`` takes the waves not started, with why.
    An exception in a wave is the change's, raised once the waves in flight are done (the
    other sites go on; its own site starts nothing more). ``kind`` and ``prior``: what
    kind of device each plan is and the seconds one of each kind is first expected to take
    (see the module's docstring); without them a device counts one. ``finished`` (called
    from the scheduling thread: it must not block) takes each site's plans, once, when a
    wave of it has ended and it will run no other; a site stopped before its next wave
    by ``stop`` is not handed over (the caller's own end of the change covers it)."""
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
    site_plans = list(sites.values())  # in the order of ``lanes``
    cost: _Costs[P] = _Costs(kind, prior or {})
    # ready waves: (expected seconds left in the site, most first; the site's place)
    ready: list[tuple[float, int]] = [
        (-cost.left(waves), index) for index, waves in enumerate(lanes)
    ]
    heapq.heapify(ready)
    failed: set[int] = set()
    errors: list[BaseException] = []
    running: dict[Future[tuple[bool, float]], tuple[int, tuple[str, ...]]] = {}
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
                        heapq.heappush(ready, (-cost.left(waves), index))
                    continue
                wave = waves.pop(0)
                running[pool.submit(_timed, run_wave, wave)] = (index, cost.signature(wave))
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index, signature = running.pop(future)
                error = future.exception()
                if error is not None:
                    errors.append(error)  # its site starts nothing more, neither run nor skipped
                    _hand_over(finished, site_plans[index])
                    continue
                ok, seconds = future.result()
                if not ok:
                    failed.add(index)
                elif cost.learn(signature, seconds):  # a first figure of its kind: re-rank
                    ready = [(-cost.left(lanes[i]), i) for _, i in ready]
                    heapq.heapify(ready)
                if not ok or not lanes[index]:  # nothing more of it runs
                    _hand_over(finished, site_plans[index])
                if lanes[index]:
                    heapq.heappush(ready, (-cost.left(lanes[index]), index))
    if errors:
        raise errors[0]  # a wave's exception is the change's


def _hand_over(finished: Callable[[list[P]], None] | None, plans: list[P]) -> None:
    if finished is not None:
        finished(list(plans))


def _timed(run_wave: Callable[[list[P]], bool], wave: list[P]) -> tuple[bool, float]:
    started = time.monotonic()
    ok = run_wave(wave)
    return ok, time.monotonic() - started


class _Costs(Generic[P]):
    """Expected seconds of a wave: the mean this change measured for waves of the same
    kinds of devices, else the sum of the kinds' first guesses (a device of a kind without
    one: the mean guess; no kinds at all: one per device, the count)."""

    def __init__(self, kind: Callable[[P], str] | None, prior: Mapping[str, float]):
        self.kind = kind
        self.prior = dict(prior)
        self.fallback = sum(prior.values()) / len(prior) if prior else 1.0
        self.measured: dict[tuple[str, ...], tuple[float, int]] = {}

    def signature(self, wave: Sequence[P]) -> tuple[str, ...]:
        return tuple(sorted(self.kind(p) for p in wave)) if self.kind else ()

    def wave(self, wave: Sequence[P]) -> float:
        if self.kind is None:
            return float(len(wave))
        signature = self.signature(wave)
        if signature in self.measured:
            total, count = self.measured[signature]
            return total / count
        return sum(self.prior.get(k, self.fallback) for k in signature)

    def left(self, waves: Sequence[Sequence[P]]) -> float:
        return sum(self.wave(wave) for wave in waves)

    def learn(self, signature: tuple[str, ...], seconds: float) -> bool:
        """Count a finished wave's time; True when it is the first of its kind."""
        if self.kind is None:
            return False
        total, count = self.measured.get(signature, (0.0, 0))
        self.measured[signature] = (total + seconds, count + 1)
        return count == 0
