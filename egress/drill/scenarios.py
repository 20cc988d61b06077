"""The failure scenarios: inject while traffic flows, measure from the packets, restore,
re-validate. Each returns a :class:`ScenarioResult` with one row per promise.

Faults, as FRR-FACTS.md says this kernel can make them (no netem): silent loss is an
nftables netdev drop on both ends of the cable (it stays up, carries nothing); carrier loss
``ip link set down``; a dead router has every port down; a brownout drops what crosses the
ISP towards the internet (its port, ARP, BFD and BGP stay up).
"""

from __future__ import annotations

import os
import signal
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from egress.drill import netns, promises
from egress.drill.driver import FrrDevice, wait_until
from egress.drill.measure import Monitor, Sender, Sink, Stream, TcpClient
from egress.drill.promises import Promise
from egress.drill.site import DrillSite
from egress.drill.withdraw import RouteWatch
from egress.drill.world import World

# a failover window must stay open this long past the promise's limit
_MARGIN_S = 0.4
_SURVIVE_GAP_MS = 2000.0
TCP_SESSION_S = 3.5


@dataclass
class Row:
    """One promise of a scenario and what was measured against it."""

    check: str
    promise: str
    limit_ms: float | None
    values: list[float | None]  # per repetition (None: it never happened)
    passed: bool
    unit: str = "ms"
    detail: str = ""

    def summary(self) -> dict[str, Any]:
        got = [v for v in self.values if v is not None]
        out: dict[str, Any] = {"n": len(self.values), "never": len(self.values) - len(got)}
        if got:
            out |= {
                "min": round(min(got), 1),
                "median": round(statistics.median(got), 1),
                "max": round(max(got), 1),
            }
        return out


@dataclass
class ScenarioResult:
    name: str
    title: str
    applicable: bool = True
    reason: str = ""
    rows: list[Row] = field(default_factory=list)
    lost_packets: list[int] = field(default_factory=list)
    timeline: list[tuple[float, int]] = field(default_factory=list)
    marks: dict[str, float] = field(default_factory=dict)  # ms after t0: what happened
    notes: list[str] = field(default_factory=list)  # e.g. datagrams per link
    revalidated: bool | None = None
    validation_failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return (not self.applicable) or (
            all(r.passed for r in self.rows) and self.revalidated is not False
        )


@dataclass
class Context:
    site: DrillSite
    world: World
    devices: dict[str, FrrDevice]
    sink: Sink
    reps: int
    settle: Callable[[float], list[str]]  # re-validate until clean or timeout: failures

    @property
    def r1(self) -> FrrDevice:
        return self.devices[self.site.primary.host]

    @property
    def r2(self) -> FrrDevice:
        return self.devices[self.site.secondary.host]

    @property
    def link(self) -> str:
        """The link the scenarios cut: the design's primary link."""
        return self.site.effective.primary

    @property
    def active_standby(self) -> bool:
        return self.site.primary.mode == "active-standby"

    def ref(self, host: str) -> Any:
        return self.site.reference[host]


def _rows_pass(values: list[float | None], limit: float) -> bool:
    return all(v is not None and v <= limit for v in values)


def _row(check: str, promise: Promise, values: list[float | None]) -> Row:
    return Row(
        check=check,
        promise=f"<= {promise.ms:.0f} ms",
        detail=promise.basis,
        limit_ms=round(promise.limit(), 1),
        values=values,
        passed=_rows_pass(values, promise.limit()),
    )


def _failover(
    ctx: Context,
    result: ScenarioResult,
    inject: Callable[[], None],
    restore: Callable[[], None],
    window_s: float,
    watch_vip: bool,
    crossing: str | None = None,
) -> tuple[list[float | None], list[float | None]]:
    """Run ``reps`` times: stream, inject, measure outage (and the peer's VIP), restore.
    ``crossing``: the NAT pool address of the failed link; the stream must have used it."""
    outages: list[float | None] = []
    takeovers: list[float | None] = []
    vip = ctx.site.primary.vrrp[0].vip if ctx.site.primary.vrrp else ""
    for _ in range(ctx.reps):
        ctx.sink.skip()
        sender = Sender(ctx.world, duration=0.3 + window_s, sources=ctx.world.host_addresses)
        monitor = Monitor(ctx.world, ctx.r2.ns, "r2") if watch_vip else None
        sender.wait_started()
        time.sleep(0.1)
        t0, wall0 = time.monotonic_ns(), time.time()
        try:
            inject()
            if monitor is not None:
                # the peer took over: 0.3 s more shows the traffic settle, no need to wait
                # out the whole window (bounded by it all the same)
                deadline = time.monotonic() + window_s
                while time.monotonic() < deadline and not monitor.seen(vip, wall0):
                    time.sleep(0.02)
                time.sleep(min(0.3, max(0.0, deadline - time.monotonic())))
                sender.stop()
            stream: Stream = sender.finish(ctx.sink)
        finally:
            restore()
        stream.t0_ns = t0
        if crossing is not None and not stream.before_t0_from(crossing):
            # no datagram took the link before it failed: its failure says nothing here
            result.notes.append(f"no traffic crossed the failed link ({crossing}) before t0")
            outages.append(None)
        else:
            outages.append(stream.outage_ms())
        result.lost_packets.append(stream.lost_after_t0())
        result.timeline = stream.timeline()
        if monitor is not None:
            added = monitor.first_added(vip, wall0)
            takeovers.append(None if added is None else (added - wall0) * 1000)
        _revalidate(ctx, result)
    if outages[-1] is not None:
        result.marks["traffic back"] = outages[-1]
    if takeovers and takeovers[-1] is not None:
        result.marks["peer is master"] = takeovers[-1]
    return outages, takeovers


def _revalidate(ctx: Context, result: ScenarioResult) -> None:
    failures = ctx.settle(25.0)
    result.revalidated = not failures and result.revalidated is not False
    result.validation_failures += failures


def _silent(ns: str, iface: str, on: bool) -> None:
    table = f"netdev egd_silent_{iface.replace('-', '_')}"
    if on:
        ruleset = (
            f'table {table} {{\n chain in {{\n  type filter hook ingress device "{iface}" '
            "priority -500; policy drop;\n }\n}\n"
        )
        netns.run(["nft", "-f", "-"], ns=ns, input=ruleset)
    else:
        netns.run(["nft", "delete", "table", *table.split()], ns=ns, check=False)


def uplink(ctx: Context, kind: str) -> ScenarioResult:
    link = ctx.link
    isp = ctx.world.isp(link)
    port = "p-" + ctx.world.routers[ctx.r1.host]
    title = {
        "silent": f"{link} of {ctx.r1.host} silently drops everything (cable up)",
        "carrier": f"{link} of {ctx.r1.host} loses carrier",
    }[kind]
    result = ScenarioResult(f"uplink-{kind}", title)

    def inject() -> None:
        if kind == "silent":
            _silent(isp.ns, port, True)
            _silent(ctx.r1.ns, link, True)
        else:
            netns.run(["ip", "link", "set", link, "down"], ns=ctx.r1.ns)

    def restore() -> None:
        if kind == "silent":
            _silent(isp.ns, port, False)
            _silent(ctx.r1.ns, link, False)
        else:
            netns.run(["ip", "link", "set", link, "up"], ns=ctx.r1.ns)

    ref = ctx.ref(ctx.r1.host)
    bfd = promises.bfd(ref)
    hand = promises.handover(ref, ctx.site.primary, ctx.ref(ctx.r2.host), link, ctx.site.time_scale)
    window = (hand.limit() if ctx.active_standby else bfd.limit()) / 1000 + _MARGIN_S
    # issue 19: the ISP drops the member's path to the site's prefix when BFD drops the session
    announced = ctx.site.primary.bgp.prefixes if ctx.site.primary.bgp else ()
    member = isp.members[ctx.r1.host]
    watch = RouteWatch(ctx.world, isp, announced[0].prefix, member) if announced else None
    starts: list[float] = []

    def timed_inject() -> None:
        starts.append(time.time())
        inject()

    try:
        outages, takeovers = _failover(
            ctx, result, timed_inject, restore, window, ctx.active_standby, _pool(ctx, link)
        )
    finally:
        if watch is not None:
            watch.stop()
    result.rows.append(_row("traffic outage", bfd, outages))
    if ctx.active_standby:
        result.rows.append(_row("gateway moves to the peer", hand, takeovers))
    if watch is not None:
        ends: list[float | None] = [*starts[1:], None]
        heard = [watch.withdrawn_after(t, end) for t, end in zip(starts, ends, strict=True)]
        result.rows.append(_row(f"{isp.link} ISP withdraws {watch.prefix}", bfd, heard))
    return result


def _pool(ctx: Context, link: str) -> str | None:
    """The address the link's traffic is translated to (how the sink tells the links)."""
    nat = ctx.site.primary.nat
    return next((p.address for p in nat.pools if p.link == link), None) if nat else None


def router_dead(ctx: Context) -> ScenarioResult:
    result = ScenarioResult("router-dead", f"{ctx.r1.host} dies (every port goes dark)")
    ports = [i.name for i in ctx.site.primary.interfaces]

    def inject() -> None:
        netns.ip_batch([f"link set {p} down" for p in ports], ns=ctx.r1.ns)

    def restore() -> None:
        netns.ip_batch([f"link set {p} up" for p in ports], ns=ctx.r1.ns)

    return _vrrp_scenario(ctx, result, inject, restore)


def lan_down(ctx: Context) -> ScenarioResult:
    lan = ctx.site.primary.vrrp[0].interface
    result = ScenarioResult("lan-down", f"{ctx.r1.host} loses its LAN port")

    def inject() -> None:
        netns.run(["ip", "link", "set", lan, "down"], ns=ctx.r1.ns)

    def restore() -> None:
        netns.run(["ip", "link", "set", lan, "up"], ns=ctx.r1.ns)

    return _vrrp_scenario(ctx, result, inject, restore)


def daemon_killed(ctx: Context) -> ScenarioResult:
    group = ctx.site.primary.vrrp[0]
    result = ScenarioResult("daemon-killed", f"keepalived on {ctx.r1.host} is SIGKILLed")

    def inject() -> None:
        # the main process and its VRRP child (which runs in a session of its own)
        process = ctx.r1.daemons["keepalived"]
        child = ctx.r1.dir / "keepalived-vrrp.pid"
        pids = [process.pid]
        if _pid_alive(child):
            # the child first: killed after its parent it would get the parent-death SIGTERM
            # (and send a priority-0 advertisement, a graceful hand-over, not a crash)
            pids.insert(0, int(child.read_text().strip()))
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        process.wait(5)

    def restore() -> None:
        # a SIGKILLed keepalived leaves its VIP and virtual routes behind: remove them as
        # its restart would find them, then start it again (as systemd's Restart= would)
        ctx.r1.daemons.pop("keepalived", None)
        child = ctx.r1.dir / "keepalived-vrrp.pid"
        # the VRRP child dies with its group, but a moment later than its parent: a restart
        # that still sees it refuses to start ("daemon is already running")
        wait_until(lambda: not _pid_alive(child), 5.0, 0.01)
        # a killed child whose new parent does not reap it stays a zombie, which keepalived's
        # start-up check counts as running: its pid files are the dead instance's, drop them
        for name in ("keepalived.pid", "keepalived-vrrp.pid"):
            (ctx.r1.dir / name).unlink(missing_ok=True)
        cmds = [f"addr del {group.vip}/{group.prefix_length} dev {group.interface}"]
        if ctx.site.primary.nat and ctx.site.primary.nat.follows_vrrp:
            cmds += [f"route del blackhole {p.prefix}" for p in ctx.site.primary.nat.pools]
        netns.run(
            ["ip", "-force", "-batch", "-"],
            ns=ctx.r1.ns,
            input="\n".join(cmds) + "\n",
            check=False,
        )
        ctx.r1.start("keepalived")

    return _vrrp_scenario(ctx, result, inject, restore)


def _pid_alive(pidfile: Path) -> bool:
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def _vrrp_scenario(
    ctx: Context,
    result: ScenarioResult,
    inject: Callable[[], None],
    restore: Callable[[], None],
) -> ScenarioResult:
    if not ctx.site.primary.vrrp:
        result.applicable, result.reason = False, "no VRRP (a shared-config cluster)"
        return result
    promise = promises.vrrp(ctx.ref(ctx.r2.host))
    window = promise.limit() / 1000 + _MARGIN_S
    outages, takeovers = _failover(ctx, result, inject, restore, window, True)
    result.rows.append(_row("peer becomes master", promise, takeovers))
    result.rows.append(_row("traffic outage", promise, outages))
    return result


def brownout(ctx: Context) -> ScenarioResult:
    link = ctx.link
    isp = ctx.world.isp(link)
    result = ScenarioResult(
        "brownout", f"{link}'s ISP loses the internet (port, BFD and BGP stay up)"
    )
    table = "inet egd_brownout"

    def inject() -> None:
        ruleset = (
            f"table {table} {{\n chain forward_drop {{\n  type filter hook forward priority 0; "
            'policy accept;\n  iifname "srv" drop\n  oifname "srv" drop\n }\n}\n'
        )
        netns.run(["nft", "-f", "-"], ns=isp.ns, input=ruleset)

    def restore() -> None:
        netns.run(["nft", "delete", "table", *table.split()], ns=isp.ns, check=False)

    promise = promises.brownout(ctx.ref(ctx.r1.host), ctx.site.primary, link, ctx.site.time_scale)
    window = max(promise.limit(), 500) / 1000 + _MARGIN_S
    outages, _ = _failover(ctx, result, inject, restore, window, False, _pool(ctx, link))
    result.rows.append(_row("traffic moves off the link", promise, outages))
    return result


def ecmp_split(ctx: Context) -> ScenarioResult:
    intent = ctx.site.primary
    result = ScenarioResult("ecmp-split", "1,000 flows: the split over the links")
    if intent.ecmp is None:
        result.applicable, result.reason = False, "active-standby: no ECMP"
        return result
    pools = {p.address: p.link for p in intent.nat.pools} if intent.nat else {}
    design_policy = _hash_policy(ctx.r1)
    shares: dict[str, list[float | None]] = {"design": [], "l3": []}
    for _ in range(ctx.reps):
        for mode in ("design", "l3"):
            if mode == "l3":
                _set_hash(ctx, "0")
            try:
                ctx.sink.skip()
                sender = Sender(ctx.world, duration=0.5, flows=1000, pps=2000)
                stream = sender.finish(ctx.sink)
            finally:
                if mode == "l3":
                    _set_hash(ctx, design_policy)
            per_link = {pools.get(src, src): n for src, n in stream.by_source().items()}
            total = sum(per_link.values())
            top = max(per_link.values()) if per_link else 0
            shares[mode].append(100.0 * top / total if total else None)
            result.marks[
                f"{mode}: " + ", ".join(f"{k} {v}" for k, v in sorted(per_link.items()))
            ] = 0
    design_is_l4 = intent.ecmp.hashing == "five-tuple"
    result.rows.append(
        Row(
            check=f"largest link's share under the design ({intent.ecmp.hashing})",
            promise="<= 60 %" if design_is_l4 else "100 % (one source, one destination)",
            limit_ms=60.0 if design_is_l4 else 100.0,
            values=shares["design"],
            passed=all(
                v is not None and (v <= 60.0 if design_is_l4 else v == 100.0)
                for v in shares["design"]
            ),
            unit="%",
        )
    )
    result.rows.append(
        Row(
            check="largest link's share under L3 hashing (policy 0)",
            promise="100 % (all flows share source and destination)",
            limit_ms=100.0,
            values=shares["l3"],
            passed=all(v == 100.0 for v in shares["l3"]),
            unit="%",
        )
    )
    _revalidate(ctx, result)
    return result


def _hash_policy(dev: FrrDevice) -> str:
    return netns.run(
        ["sysctl", "-n", "net.ipv4.fib_multipath_hash_policy"], ns=dev.ns
    ).stdout.strip()


def _set_hash(ctx: Context, value: str) -> None:
    for dev in ctx.devices.values():
        netns.run(["sysctl", "-qw", f"net.ipv4.fib_multipath_hash_policy={value}"], ns=dev.ns)


def pbr_voice(ctx: Context) -> ScenarioResult:
    intent = ctx.site.primary
    result = ScenarioResult("pbr-voice", "voice (DSCP EF) leaves by the intended link")
    rules = [r for r in (intent.pbr.rules if intent.pbr else ()) if r.dscp is not None]
    if not rules:
        result.applicable, result.reason = False, "no DSCP policy route"
        return result
    rule = rules[0]
    assert rule.dscp is not None
    tos = rule.dscp << 2  # DSCP sits in the upper six bits of the ToS byte
    pools = {p.address: p.link for p in intent.nat.pools} if intent.nat else {}
    values: list[float | None] = []
    for _ in range(ctx.reps):
        ctx.sink.skip()
        sender = Sender(ctx.world, duration=0.5, flows=8, pps=400, tos=tos)
        stream = sender.finish(ctx.sink)
        per_link = {pools.get(src, src): n for src, n in stream.by_source().items()}
        total = sum(per_link.values())
        values.append(100.0 * per_link.get(rule.link, 0) / total if total else None)
        result.notes.append(", ".join(f"{k} {v}" for k, v in sorted(per_link.items())))
        result.lost_packets.append(len(stream.lost()))
    result.rows.append(
        Row(
            check=f"{rule.name} (dscp {rule.dscp_name}) via {rule.link}",
            promise="100 %",
            limit_ms=100.0,
            values=values,
            passed=all(v == 100.0 for v in values),
            unit="%",
        )
    )
    _revalidate(ctx, result)
    return result


def tcp_session(ctx: Context, synced: bool) -> ScenarioResult:
    name = "tcp-sync" if synced else "tcp-nosync"
    title = "a long TCP session across a failover " + (
        "with session sync" if synced else "without session sync"
    )
    result = ScenarioResult(name, title)
    ha = ctx.site.primary.ha_sync
    if ha is None or not ha.session_sync or not ctx.site.primary.vrrp:
        result.applicable, result.reason = False, "no session sync in the design"
        return result
    lan = ctx.site.primary.vrrp[0].interface
    gaps: list[float | None] = []
    # one long session per scenario: it survives or it dies (repetitions cost 6 s each)
    for _ in range(1):
        if not synced:
            for dev in ctx.devices.values():
                dev.stop("conntrackd")
        client = TcpClient(ctx.world, duration=TCP_SESSION_S)
        time.sleep(1.0)
        t0 = time.monotonic_ns()
        try:
            netns.run(["ip", "link", "set", lan, "down"], ns=ctx.r1.ns)
            session = client.finish()
        finally:
            netns.run(["ip", "link", "set", lan, "up"], ns=ctx.r1.ns)
            if not synced:
                for dev in ctx.devices.values():
                    dev.start("conntrackd")
        end = session.start_ns + int(TCP_SESSION_S * 1e9)
        gap = session.largest_gap_ms(t0, end)
        alive = session.error is None and gap is not None and gap <= _SURVIVE_GAP_MS
        gaps.append(gap if alive else None)
        _revalidate(ctx, result)
    if synced:
        result.rows.append(
            Row(
                check="session survives the failover (largest gap)",
                promise=f"survives, gap <= {_SURVIVE_GAP_MS:.0f} ms",
                limit_ms=_SURVIVE_GAP_MS,
                values=gaps,
                passed=all(g is not None for g in gaps),
            )
        )
    else:
        result.rows.append(
            Row(
                check="session dies (why the design syncs sessions)",
                promise="dies",
                limit_ms=None,
                values=gaps,
                passed=all(g is None for g in gaps),
                detail="a value is a session that survived",
            )
        )
    return result


SCENARIOS: dict[str, Callable[[Context], ScenarioResult]] = {
    "uplink-silent": lambda ctx: uplink(ctx, "silent"),
    "uplink-carrier": lambda ctx: uplink(ctx, "carrier"),
    "router-dead": router_dead,
    "lan-down": lan_down,
    "daemon-killed": daemon_killed,
    "brownout": brownout,
    "ecmp-split": ecmp_split,
    "pbr-voice": pbr_voice,
    "tcp-sync": lambda ctx: tcp_session(ctx, True),
    "tcp-nosync": lambda ctx: tcp_session(ctx, False),
}
