"""E3xx: BFD timers and peers."""

from __future__ import annotations

from collections.abc import Iterable

from egress.lint.findings import Issue
from egress.lint.model import DeviceView, Pair
from egress.lint.registry import Scope, rule


@rule("E301", title="BFD interval below the platform minimum")
def bfd_minimum(view: DeviceView) -> Iterable[Issue]:
    floor = view.profile.bfd_min_interval_ms
    seen: set[int | None] = set()
    for bfd in view.facts.bfd:
        # min((t for t in (tx, rx) if t is not None), default=None) without a generator
        tx, rx = bfd.tx_ms, bfd.rx_ms
        low = tx if rx is None else rx if tx is None else tx if tx <= rx else rx
        if low is None or low >= floor or bfd.timers_line in seen:
            continue
        seen.add(bfd.timers_line)
        message = f"BFD interval {low} ms is below the {view.profile.vendor} minimum of {floor} ms"
        hint = f"use `bfd: {{interval_ms: {floor}}}` or more"
        if low == view.intent.bfd.interval_ms:  # rendered as designed: the design is wrong
            yield view.in_site(("bfd", "interval_ms"), message, hint)
        else:
            yield view.at(
                bfd.timers_line or bfd.line,
                message,
                "the template changed the design's interval: render interval_ms as it is",
            )


@rule("E302", title="BFD timers asymmetric or incomplete")
def bfd_symmetric(view: DeviceView) -> Iterable[Issue]:
    seen: set[int | None] = set()
    for bfd in view.facts.bfd:
        if bfd.timers_line in seen:
            continue
        seen.add(bfd.timers_line)
        who = bfd.peer or bfd.interface
        if bfd.tx_ms is None or bfd.rx_ms is None or bfd.multiplier is None:
            yield view.at(
                bfd.timers_line or bfd.line,
                f"BFD towards {who} lacks an interval, min-rx or multiplier",
                "render all three BFD timers",
            )
        elif bfd.tx_ms != bfd.rx_ms:
            yield view.at(
                bfd.timers_line or bfd.line,
                f"BFD towards {who} sends every {bfd.tx_ms} ms but expects every {bfd.rx_ms} ms",
                "transmit and receive intervals must match the "
                "peer's: render the design's interval_ms for both",
            )


@rule(
    "E303", title="BFD timers differ between the pair members or from the design", scope=Scope.PAIR
)
def bfd_pair(pair: Pair) -> Iterable[Issue]:
    # both members face the same upstream peers with the same design: any member whose
    # interval or multiplier is not the design's disagrees with its peer
    for view, other in ((pair.primary, pair.secondary), (pair.secondary, pair.primary)):
        want = (view.intent.bfd.interval_ms, view.intent.bfd.multiplier)
        for bfd in view.facts.bfd:
            if bfd.tx_ms is None or bfd.multiplier is None:
                continue
            if (bfd.tx_ms, bfd.multiplier) != want:
                yield view.at(
                    bfd.timers_line or bfd.line,
                    f"BFD {bfd.tx_ms} ms x {bfd.multiplier} differs from the "
                    f"design's {want[0]} ms x {want[1]} that {other.host} runs",
                    "render the design's bfd timers on both members",
                )
                break


@rule("E304", title="BFD peer is not a next hop of any route")
def bfd_peer_known(view: DeviceView) -> Iterable[Issue]:
    if not view.facts.bfd:
        return
    routes = [r for r in view.facts.routes if r.instance is None]
    binds = view.profile.bfd_binds_route_interface
    # each set built when a BFD entry first needs it (a platform's entries use one or two)
    hops: set[tuple[str | None, str]] | None = None
    gateways: set[str] | None = None
    devices: set[str | None] | None = None
    for bfd in view.facts.bfd:
        if bfd.peer is None:  # FortiOS interface BFD: some route must leave by it
            if devices is None:
                devices = {r.interface for r in routes}
            known = bfd.interface in devices
        elif bfd.interface is not None and binds:
            if hops is None:
                hops = {(r.interface, r.gateway) for r in routes}
            known = (bfd.interface, bfd.peer) in hops
        else:
            if gateways is None:
                gateways = {r.gateway for r in routes}
            known = bfd.peer in gateways
        if not known:
            who = bfd.peer or f"interface {bfd.interface}"
            yield view.at(
                bfd.line,
                f"BFD towards {who} guards no route: no static route uses it as next hop",
                "BFD must name the gateway (and interface) of a route",
            )


@rule("E305", title="an intended BFD peer has no BFD session")
def bfd_peer_rendered(view: DeviceView) -> Iterable[Issue]:
    # the BFD entries' peers and interfaces, the latter looked at only for a peer not found
    # among the former (mostly none)
    peers: set[str | None] = {b.peer for b in view.facts.bfd}
    interfaces: set[str | None] | None = None
    for peer in view.intent.bfd.peers:
        if peer.address in peers:
            continue
        if interfaces is None:
            interfaces = {b.interface for b in view.facts.bfd}
        if peer.address not in interfaces and not (
            view.profile.bfd_per_interface
            and (peer.interface in peers or peer.interface in interfaces)
        ):
            route = next((r for r in view.facts.routes if r.gateway == peer.address), None)
            yield view.at(
                route.line if route else 1,
                f"no BFD towards {peer.address} ({peer.link}); the design runs BFD on every uplink",
                "the bfd template skipped this peer",
            )
