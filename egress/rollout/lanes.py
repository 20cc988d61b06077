"""Waves per site: each site moves to its next wave as soon as its own previous one is done.

A change keeps one order inside each site (the secondary first, while the primary carries
traffic; then the primary; a cluster once), and no order between sites: a site whose
secondary committed in 5 s need not wait for the slowest secondary of the fleet before its
primary starts. So each site is a lane, run in its own thread, its waves in turn; the
failure budget and Ctrl-C are checked before each lane's next wave (by ``run_wave`` and
``stop``), so a budget exhausted anywhere holds every site's next wave, and a site whose
wave failed starts no further wave of its own, whatever the budget allows (its primary is
not changed while its secondary is broken). A dry-run commits nothing and keeps no order:
its devices all run at once, as one wave.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
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
    """``run_wave`` each site's waves in order, sites side by side (at most
    ``lanes_at_once``); ``pipelined=False`` (a dry-run): every plan in one wave.
    ``run_wave`` says whether every device of the wave succeeded; ``skip`` takes the waves
    not started, with why."""
    if not plans:
        return
    if not pipelined:
        if stop is not None and stop.is_set():
            skip(list(plans), INTERRUPTED)
        else:
            run_wave(list(plans))
        return
    lanes: dict[str, list[P]] = {}
    for plan in plans:
        lanes.setdefault(plan.site, []).append(plan)

    def lane(members: list[P]) -> None:
        failed = False
        for wave in sorted({p.wave for p in members}):
            wave_plans = [p for p in members if p.wave == wave]
            if stop is not None and stop.is_set():
                skip(wave_plans, INTERRUPTED)
            elif failed:
                skip(wave_plans, SITE_FAILED)
            else:
                failed = not run_wave(wave_plans)

    if len(lanes) == 1:
        lane(next(iter(lanes.values())))
        return
    with ThreadPoolExecutor(
        max_workers=max(1, min(lanes_at_once, len(lanes))), thread_name_prefix="egress-site"
    ) as pool:
        futures = [pool.submit(lane, members) for members in lanes.values()]
        for future in futures:
            future.result()  # a lane's exception is the change's
