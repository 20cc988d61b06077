"""Waves per site (issue 18): a site's next wave starts when its own previous wave is done,
never waiting for another site; a dry-run runs as one wave; Ctrl-C and errors as before."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from egress.rollout.deploy_plan import ChangeResult, HostResult, Outcome
from egress.rollout.lanes import INTERRUPTED, SITE_FAILED, run_in_lanes


@dataclass(frozen=True)
class Plan:
    host: str
    site: str
    wave: int


PLANS = [
    Plan("fast-02", "fast", 1),
    Plan("fast-01", "fast", 2),
    Plan("slow-02", "slow", 1),
    Plan("slow-01", "slow", 2),
]
DURATION = {"fast-02": 0.05, "fast-01": 0.05, "slow-02": 0.6, "slow-01": 0.05}


def _recorder() -> tuple[list[tuple[float, float, str]], Callable[[list[Plan]], bool]]:
    spans: list[tuple[float, float, str]] = []
    lock = threading.Lock()

    def run_wave(plans: list[Plan]) -> bool:
        for plan in plans:
            start = time.monotonic()
            time.sleep(DURATION[plan.host])
            with lock:
                spans.append((start, time.monotonic(), plan.host))
        return True

    return spans, run_wave


def test_a_site_moves_on_without_waiting_for_the_slowest_site() -> None:
    spans, run_wave = _recorder()
    run_in_lanes(PLANS, run_wave=run_wave, skip=pytest.fail, pipelined=True, lanes_at_once=4)
    at = {host: (start, end) for start, end, host in spans}
    # inside each site: the secondary is done before the primary starts
    assert at["fast-02"][1] <= at["fast-01"][0] and at["slow-02"][1] <= at["slow-01"][0]
    # across sites: the fast site's primary ran while the slow site's secondary still did
    assert at["fast-01"][1] < at["slow-02"][1]


def test_a_dry_run_is_one_wave() -> None:
    calls: list[list[str]] = []
    run_in_lanes(
        PLANS,
        run_wave=lambda plans: calls.append(sorted(p.host for p in plans)) is None,
        skip=pytest.fail,
        pipelined=False,
        lanes_at_once=4,
    )
    assert calls == [sorted(DURATION)]


def test_stop_holds_every_sites_next_wave() -> None:
    stop = threading.Event()
    ran: list[str] = []
    skipped: list[str] = []

    def run_wave(plans: list[Plan]) -> bool:
        ran.extend(p.host for p in plans)
        stop.set()  # Ctrl-C while the first waves are in flight
        return True

    run_in_lanes(
        PLANS,
        run_wave=run_wave,
        skip=lambda plans, why: skipped.extend(f"{p.host}: {why}" for p in plans),
        pipelined=True,
        lanes_at_once=1,  # one site at a time: the second site never starts
        stop=stop,
    )
    assert ran == ["fast-02"]
    assert sorted(skipped) == [
        f"{host}: {INTERRUPTED}" for host in ("fast-01", "slow-01", "slow-02")
    ]


def test_a_failed_wave_holds_its_sites_next_wave_and_no_other_site() -> None:
    ran: list[str] = []
    skipped: list[str] = []

    def run_wave(plans: list[Plan]) -> bool:
        ran.extend(p.host for p in plans)
        return plans[0].host != "slow-02"  # the slow site's secondary fails

    run_in_lanes(
        PLANS,
        run_wave=run_wave,
        skip=lambda plans, why: skipped.extend(f"{p.host}: {why}" for p in plans),
        pipelined=True,
        lanes_at_once=4,
    )
    assert sorted(ran) == ["fast-01", "fast-02", "slow-02"]
    assert skipped == [f"slow-01: {SITE_FAILED}"]


def test_a_lanes_error_is_the_changes_and_the_other_sites_finish() -> None:
    done: list[str] = []

    def run_wave(plans: list[Plan]) -> bool:
        if plans[0].host == "slow-02":
            raise RuntimeError("boom")
        time.sleep(0.05)
        done.extend(p.host for p in plans)
        return True

    with pytest.raises(RuntimeError, match="boom"):
        run_in_lanes(PLANS, run_wave=run_wave, skip=pytest.fail, pipelined=True, lanes_at_once=4)
    assert done == ["fast-02", "fast-01"]


def test_a_held_device_is_reported_failed_but_spends_no_budget() -> None:
    """A site's primary held behind its failed secondary is not a second failure: counted,
    one broken secondary would stop every site whose next wave came later."""
    result = ChangeResult("c1", Path("changes/c1"), dry_run=False)
    result.hosts["ams-edge-02"] = HostResult("ams-edge-02", Outcome.ROLLED_BACK)
    result.hosts["ams-edge-01"] = HostResult("ams-edge-01", Outcome.SKIPPED, SITE_FAILED)
    result.hosts["fra-edge-02"] = HostResult("fra-edge-02", Outcome.COMMITTED)
    assert [h.host for h in result.failed] == ["ams-edge-02", "ams-edge-01"]
    assert result.budget_spent == 1
