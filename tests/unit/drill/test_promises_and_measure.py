"""Promises derived from the intent, and the outage read from a stream of datagrams."""

from __future__ import annotations

from egress.drill import promises
from egress.drill.measure import Received, Stream
from egress.drill.site import load_site
from tests.conftest import EXAMPLE_INVENTORY


def test_promises_follow_the_design() -> None:
    ams = load_site(EXAMPLE_INVENTORY, "ams")
    fra = load_site(EXAMPLE_INVENTORY, "fra")
    assert promises.bfd(ams.reference["ams-edge-01"]).ms == 150  # 50 ms x 3
    assert promises.bfd(fra.reference["fra-edge-01"]).ms == 300  # 100 ms x 3
    # 3 x 100 ms + (256 - 100) x 100 / 256
    assert promises.vrrp(ams.reference["ams-edge-02"]).ms == 360.9
    brown = promises.brownout(ams.reference["ams-edge-01"], ams.primary, "isp1", 40)
    assert brown.ms == 3 * 250 + 100
    assert "design 3 x 10 s" in brown.basis
    hand = promises.handover(
        fra.reference["fra-edge-01"], fra.primary, fra.reference["fra-edge-02"], "isp1", 40
    )
    assert hand.ms == 850 + 1000 + 360.9
    assert promises.bfd(ams.reference["ams-edge-01"]).limit() == 150 * 2 + 50


def _stream(lost: set[tuple[int, int]], flows: int = 2, count: int = 10) -> Stream:
    ms = 1_000_000
    sent = [(k * 10 * ms, k % flows, k // flows) for k in range(count)]
    received = [
        Received(t + ms, t, flow, seq, "100.64.1.1")
        for t, flow, seq in sent
        if (flow, seq) not in lost
    ]
    return Stream(pps=100, flows=flows, sent=sent, received=received, t0_ns=20 * ms)


def test_outage_is_the_first_run_of_losses_after_the_fault() -> None:
    # flow 0 sends at 0, 20, 40, 60, 80 ms: it loses 20 and 40 ms, then 60 ms alone is
    # received, then... nothing more is lost; flow 1 (10, 30, 50, 70, 90 ms) loses 30 ms
    stream = _stream({(0, 1), (0, 2), (1, 1)})
    # the worst flow's first run ends at 40 ms: 20 ms after the fault, + half a spacing
    assert stream.outage_ms() == 40 - 20 + 10
    assert stream.lost_after_t0() == 3
    # a later, separate run of losses is not the failover's outage
    assert _stream({(0, 1), (0, 3)}).outage_ms() == 20 - 20 + 10


def test_no_loss_is_zero_and_a_flow_that_never_recovers_is_none() -> None:
    assert _stream(set()).outage_ms() == 0.0
    assert _stream({(0, 3), (0, 4)}).outage_ms() is None


def test_timeline_counts_arrivals_per_bin_around_the_fault() -> None:
    stream = _stream({(0, 1)})
    timeline = dict(stream.timeline(bin_ms=20))
    assert timeline[0] == 1  # 20 ms and 30 ms were sent in the bin at t0; 20 ms was lost
    assert timeline[-20] == 2


def test_a_stream_says_whether_it_crossed_a_link_before_the_fault() -> None:
    stream = _stream(set())  # every datagram translated to isp1's pool, 100.64.1.1
    assert stream.before_t0_from("100.64.1.1") == 2  # sent at 0 and 10 ms, t0 at 20 ms
    assert stream.before_t0_from("100.64.2.1") == 0
