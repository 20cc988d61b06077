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


def test_a_site_is_handed_over_once_when_it_runs_nothing_more() -> None:
    """``finished`` (its sessions closed while the others go on): after the site's last
    wave, or right after a failed wave (its next wave is held, never run); once a site."""
    events: list[str] = []
    lock = threading.Lock()

    def run_wave(plans: list[Plan]) -> bool:
        time.sleep(DURATION[plans[0].host])
        with lock:
            events.append(f"ran {plans[0].host}")
        return plans[0].host != "slow-02"  # the slow site's secondary fails

    def finished(plans: list[Plan]) -> None:
        with lock:
            events.append(f"finished {','.join(sorted(p.host for p in plans))}")

    run_in_lanes(
        PLANS,
        run_wave=run_wave,
        skip=lambda plans, why: None,
        pipelined=True,
        lanes_at_once=4,
        finished=finished,
    )
    handed = [e for e in events if e.startswith("finished")]
    assert sorted(handed) == ["finished fast-01,fast-02", "finished slow-01,slow-02"]
    # the fast site after its primary, not after its secondary; the failed one after it
    assert events.index("finished fast-01,fast-02") > events.index("ran fast-01")
    assert events.index("finished slow-01,slow-02") > events.index("ran slow-02")


def test_a_site_stopped_before_its_next_wave_is_not_handed_over() -> None:
    stop = threading.Event()
    handed: list[str] = []

    def run_wave(plans: list[Plan]) -> bool:
        stop.set()
        return True

    run_in_lanes(
        PLANS,
        run_wave=run_wave,
        skip=lambda plans, why: None,
        pipelined=True,
        lanes_at_once=1,
        stop=stop,
        finished=lambda plans: handed.extend(p.host for p in plans),
    )
    assert handed == []  # the change's own end closes what it opened


def test_a_held_device_is_reported_failed_but_spends_no_budget() -> None:
    """A site's primary held behind its failed secondary is not a second failure: counted,
    one broken secondary would stop every site whose next wave came later."""
    result = ChangeResult("c1", Path("changes/c1"), dry_run=False)
    result.hosts["ams-edge-02"] = HostResult("ams-edge-02", Outcome.ROLLED_BACK)
    result.hosts["ams-edge-01"] = HostResult("ams-edge-01", Outcome.SKIPPED, SITE_FAILED)
    result.hosts["fra-edge-02"] = HostResult("fra-edge-02", Outcome.COMMITTED)
    assert [h.host for h in result.failed] == ["ams-edge-02", "ams-edge-01"]
    assert result.budget_spent == 1


def test_at_most_lanes_at_once_waves_and_the_longest_site_first() -> None:
    """A worker is held for one wave, not a site's whole lane: with two workers and three
    two-wave sites, the third site's secondary starts as soon as a worker is free (before
    the first sites' primaries, which have less left to do), and never three at once."""
    plans = [Plan(f"{s}-{n}", s, w) for s in ("a", "b", "c") for n, w in (("02", 1), ("01", 2))]
    started: list[str] = []
    active = [0, 0]  # now, most
    lock = threading.Lock()

    def run_wave(wave: list[Plan]) -> bool:
        with lock:
            started.extend(p.host for p in wave)
            active[0] += 1
            active[1] = max(active)
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return True

    run_in_lanes(plans, run_wave=run_wave, skip=pytest.fail, pipelined=True, lanes_at_once=2)
    assert sorted(started[:2]) == ["a-02", "b-02"]
    assert started[2] == "c-02"
    assert active[1] == 2
    for site in "abc":
        assert started.index(f"{site}-02") < started.index(f"{site}-01")


def test_a_clusters_one_wave_of_two_devices_is_not_left_for_last() -> None:
    """A cluster's single wave (its primary, then its member's check) is two devices of
    work: it goes before a pair's primary, which is one."""
    plans = [
        Plan("a-02", "a", 1),
        Plan("a-01", "a", 2),
        Plan("b-02", "b", 1),
        Plan("b-01", "b", 2),
        Plan("c-01", "c", 2),
        Plan("c-02", "c", 2),
    ]
    started: list[list[str]] = []

    def run_wave(wave: list[Plan]) -> bool:
        started.append(sorted(p.host for p in wave))
        time.sleep(0.02)
        return True

    run_in_lanes(plans, run_wave=run_wave, skip=pytest.fail, pipelined=True, lanes_at_once=1)
    assert started == [["a-02"], ["b-02"], ["c-01", "c-02"], ["a-01"], ["b-01"]]


def _no_skip(plans: list[Plan], why: str) -> None:
    pytest.fail(f"skipped {[p.host for p in plans]}: {why}")


def test_the_site_with_the_most_expected_seconds_left_goes_first() -> None:
    """Counted in devices the two pairs tie and the plan's order decides; counted in each
    platform's expected seconds the slow pair starts first. The HA order holds either way."""
    plans = [Plan(f"{s}-{n}", s, w) for s in ("fast", "slow") for n, w in (("02", 1), ("01", 2))]
    started: list[str] = []

    def run_wave(wave: list[Plan]) -> bool:
        started.extend(p.host for p in wave)
        return True

    run_in_lanes(plans, run_wave=run_wave, skip=_no_skip, pipelined=True, lanes_at_once=1)
    assert started[0] == "fast-02"  # devices tie: the plan's order
    started.clear()
    run_in_lanes(
        plans,
        run_wave=run_wave,
        skip=_no_skip,
        pipelined=True,
        lanes_at_once=1,
        kind=lambda p: p.site,
        prior={"fast": 1.0, "slow": 4.0},
    )
    assert started[0] == "slow-02"
    assert started.index("slow-02") < started.index("slow-01")
    assert started.index("fast-02") < started.index("fast-01")


def test_a_waves_measured_time_replaces_the_first_guess_of_its_kind() -> None:
    """The guess says the x pairs are slow; the first x wave is measured fast, so the y
    pair goes before the second x pair: the order follows what the change measures."""
    plans = [Plan(f"{s}-{n}", s, w) for s in ("x1", "x2", "y1") for n, w in (("02", 1), ("01", 2))]
    started: list[str] = []

    def run_wave(wave: list[Plan]) -> bool:
        started.extend(p.host for p in wave)
        time.sleep(0.01)
        return True

    run_in_lanes(
        plans,
        run_wave=run_wave,
        skip=_no_skip,
        pipelined=True,
        lanes_at_once=1,
        kind=lambda p: p.site[0],
        prior={"x": 10.0, "y": 1.0},
    )
    assert started[:2] == ["x1-02", "y1-02"]  # not x2-02, as the guess alone would have it
    for site in ("x1", "x2", "y1"):
        assert started.index(f"{site}-02") < started.index(f"{site}-01")
