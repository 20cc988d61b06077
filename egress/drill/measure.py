"""Measuring from packets: UDP streams from the LAN host to the internet server's sink,
a long TCP session, and the routers' own events (``ip -ts monitor``) as a second witness.

All times are CLOCK_MONOTONIC nanoseconds (one clock for every namespace of the machine),
except ``ip monitor``'s wall-clock stamps, compared with a wall-clock injection time.
"""

from __future__ import annotations

import json
import signal
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from ipaddress import IPv4Address
from pathlib import Path

from egress.drill import netns
from egress.drill.traffic import RECORD
from egress.drill.world import SINK, World

_tags = iter(range(1, 1_000_000))
# Every stream uses source ports no earlier stream used: NAT binds a flow to the pool of
# the link its FIRST datagram took (a conntrack entry lives 30 s and more), so a reused
# five-tuple would show the old link's pool whatever the route is now.
_PORTS = (20000, 60000)
_next_port = [_PORTS[0]]


def _allocate_ports(count: int) -> int:
    if _next_port[0] + count > _PORTS[1]:
        _next_port[0] = _PORTS[0]
    base = _next_port[0]
    _next_port[0] += count
    return base


@dataclass
class Received:
    recv_ns: int
    send_ns: int
    flow: int
    seq: int
    source: str


@dataclass
class Stream:
    """One measured UDP stream: what was sent and what arrived."""

    pps: float
    flows: int
    sent: list[tuple[int, int, int]]  # (send ns, flow, seq)
    received: list[Received]
    t0_ns: int | None = None

    def lost(self) -> list[tuple[int, int, int]]:
        got = {(r.flow, r.seq) for r in self.received}
        return [s for s in self.sent if (s[1], s[2]) not in got]

    def outage_ms(self) -> float | None:
        """The traffic outage: for each flow, the first run of consecutive lost datagrams
        sent after t0; how long after t0 the last of that run was sent (worst flow), plus
        half a flow's spacing. 0 when nothing was lost after t0; None when a flow never
        recovered (its run reaches its last datagram)."""
        assert self.t0_ns is not None
        lost = sorted(s for s in self.lost() if s[0] >= self.t0_ns - 5_000_000)
        if not lost:
            return 0.0
        last_seq = {flow: seq for _, flow, seq in self.sent}
        ends: dict[int, tuple[int, int]] = {}  # flow -> (send ns, seq) of its first run's end
        for sent_ns, flow, seq in lost:
            end = ends.get(flow)
            if end is None or seq == end[1] + 1:
                ends[flow] = (sent_ns, seq)
        if any(seq == last_seq[flow] for flow, (_, seq) in ends.items()):
            return None
        spacing_ms = 1000 * self.flows / self.pps
        return (max(ns for ns, _ in ends.values()) - self.t0_ns) / 1e6 + spacing_ms / 2

    def lost_after_t0(self) -> int:
        assert self.t0_ns is not None
        return sum(1 for s in self.lost() if s[0] >= self.t0_ns - 5_000_000)

    def before_t0_from(self, source: str) -> int:
        """Datagrams sent before the fault that arrived translated to ``source`` (a link's
        NAT pool): whether the stream crossed that link at all."""
        assert self.t0_ns is not None
        return sum(1 for r in self.received if r.source == source and r.send_ns < self.t0_ns)

    def by_source(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for r in self.received:
            counts[r.source] += 1
        return dict(counts)

    def timeline(self, bin_ms: int = 20) -> list[tuple[float, int]]:
        """(ms relative to t0, datagrams sent in that bin that arrived)."""
        assert self.t0_ns is not None
        bins: dict[int, int] = defaultdict(int)
        for r in self.received:
            bins[int((r.send_ns - self.t0_ns) / 1e6 // bin_ms)] += 1
        first = int((self.sent[0][0] - self.t0_ns) / 1e6 // bin_ms)
        last = int((self.sent[-1][0] - self.t0_ns) / 1e6 // bin_ms)
        return [(b * bin_ms, bins.get(b, 0)) for b in range(first, last + 1)]


class Sink:
    """Reads the server's record file incrementally."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def skip(self) -> None:
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def read(self, tag: int) -> list[Received]:
        data = self.path.read_bytes()[self.offset :] if self.path.exists() else b""
        whole = len(data) - len(data) % RECORD.size
        self.offset += whole
        out = []
        for recv, sent, rtag, flow, seq, addr in RECORD.iter_unpack(data[:whole]):
            if rtag == tag:
                out.append(Received(recv, sent, flow, seq, str(IPv4Address(addr))))
        return out


class Sender:
    """A UDP stream from the LAN host, running in the background."""

    def __init__(
        self,
        world: World,
        *,
        duration: float,
        flows: int = 8,
        pps: float = 1000,
        tos: int = 0,
        sources: tuple[str, ...] = (),
    ) -> None:
        if not 0 < duration <= 30:
            raise ValueError("a drill stream lasts at most 30 s")
        self.world = world
        self.tag = next(_tags)
        self.out = world.root / f"sent-{self.tag}.json"
        self.pps, self.flows = pps, flows
        base_port = _allocate_ports(flows)
        args = [
            sys.executable, "-m", "egress.drill.traffic", "send", "--dst", SINK,
            "--flows", str(flows), "--pps", str(pps), "--duration", str(duration),
            "--tag", str(self.tag), "--tos", str(tos), "--base-port", str(base_port),
            "--out", str(self.out), "--sources", ",".join(sources),
        ]  # fmt: skip
        self.process = netns.spawn(args, ns=world.ns["host"], log=world.root / "host.log")
        self.started = time.monotonic()
        self.duration = duration

    def wait_started(self) -> None:
        """Until the first datagrams are out (python start-up takes ~0.1 s)."""
        time.sleep(0.2)

    def stop(self) -> None:
        """End the stream now (it writes what it sent and exits)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def finish(self, sink: Sink) -> Stream:
        try:
            self.process.wait(self.duration + 15)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        time.sleep(0.1)  # the sink flushes every 50 ms
        data = json.loads(self.out.read_text())
        self.out.unlink()
        sent = [tuple(s) for s in data["sent"]]
        return Stream(
            self.pps,
            self.flows,
            sent,
            sink.read(self.tag),  # type: ignore[arg-type]
        )


class Monitor:
    """``ip -ts monitor address`` in one namespace: when did an address appear there."""

    def __init__(self, world: World, ns: str, name: str) -> None:
        self.log = world.root / f"monitor-{name}.log"
        self.log.write_text("")
        self.process = netns.spawn(
            ["timeout", "60", "ip", "-ts", "monitor", "address"], ns=ns, log=self.log
        )
        time.sleep(0.05)

    def seen(self, address: str, after: float) -> bool:
        return self._first(address, after) is not None

    def first_added(self, address: str, after: float) -> float | None:
        """Wall-clock seconds when ``address`` was added, after ``after``."""
        self.process.terminate()
        self.process.wait(5)
        return self._first(address, after)

    def _first(self, address: str, after: float) -> float | None:
        for line in self.log.read_text().splitlines():
            if not line.startswith("[") or "Deleted" in line or f" {address}/" not in line:
                continue
            stamp = datetime.fromisoformat(line[1 : line.index("]")]).timestamp()
            if stamp >= after:
                return stamp
        return None


@dataclass
class TcpSession:
    echoes_ns: list[int]
    error: str | None
    start_ns: int

    def largest_gap_ms(self, after_ns: int, until_ns: int) -> float | None:
        """The longest silence between echoes in [after, until]; None if none arrived."""
        points = [after_ns, *[e for e in self.echoes_ns if after_ns <= e <= until_ns]]
        if len(points) < 2:
            return None
        points.append(until_ns)
        return max(b - a for a, b in zip(points, points[1:], strict=False)) / 1e6


class TcpClient:
    def __init__(self, world: World, duration: float) -> None:
        self.out = world.root / f"tcp-{next(_tags)}.json"
        args = [
            sys.executable, "-m", "egress.drill.traffic", "tcp", "--dst", SINK,
            "--duration", str(duration), "--interval-ms", "10", "--out", str(self.out),
        ]  # fmt: skip
        self.process = netns.spawn(args, ns=world.ns["host"], log=world.root / "host.log")
        self.duration = duration

    def finish(self) -> TcpSession:
        try:
            self.process.wait(self.duration + 15)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        data = json.loads(self.out.read_text())
        return TcpSession(data["echoes"], data["error"], data["start_ns"])


def summary(values: list[float]) -> dict[str, float]:
    return {
        "min": round(min(values), 1),
        "median": round(statistics.median(values), 1),
        "max": round(max(values), 1),
    }
