"""E6xx: health probes and what follows them (tracks, ip-monitoring, routes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from egress.intent import Probe, Uplink
from egress.lint.findings import Issue, Severity
from egress.lint.model import DeviceView
from egress.lint.registry import rule


@rule("E601", title="probe without a target or a source")
def probe_complete(view: DeviceView) -> Iterable[Issue]:
    for probe in view.facts.probes.values():
        missing = [what for what, value in (("target", probe.target), ("source", probe.source))
                   if not value]
        if missing:
            yield view.at(probe.line, f"probe {probe.name} has no {' and no '.join(missing)}",
                          "a probe needs the address it tests and the uplink it leaves by")


@rule("E602", title="probe thresholds not below its interval")
def probe_timing(view: DeviceView) -> Iterable[Issue]:
    designed = {p.name: p for p in view.intent.probes}
    for probe in view.facts.probes.values():
        line = probe.timing_line or probe.line
        limit, threshold, timeout = probe.interval_ms, probe.threshold_ms, probe.timeout_ms
        if limit is None:
            yield view.at(probe.line, f"probe {probe.name} has no interval/frequency",
                          "render the design's interval_s")
            continue
        problem = ""
        if threshold is not None and timeout is not None and threshold > timeout:
            problem = f"threshold {threshold:g} ms exceeds its timeout {timeout:g} ms"
        for what, value in (("timeout", timeout), ("threshold", threshold)):
            if not problem and value is not None and value >= limit:
                problem = f"{what} {value:g} ms is not below its interval {limit:g} ms"
        if not problem:
            continue
        message = f"probe {probe.name} {problem}"
        hint = "keep threshold <= timeout < interval: a probe must finish before the next"
        intent = designed.get(probe.name)
        if intent is not None and _as_designed(probe.timeout_ms, probe.threshold_ms,
                                               probe.interval_ms, intent):
            yield view.in_site(("probes", intent.id - 1, "timeout_ms"), message, hint)
        else:
            yield view.at(line, message, hint)


def _as_designed(timeout: float | None, threshold: float | None, interval: float | None,
                 intent: Probe) -> bool:
    """The rendered timing is the design's (so the design is what to fix)."""
    return (interval == intent.interval_ms and timeout in (None, intent.timeout_ms)
            and threshold in (None, intent.threshold_ms, intent.timeout_ms))


@rule("E603", title="track / ip-monitoring object references a probe that does not exist")
def probe_referenced(view: DeviceView) -> Iterable[Issue]:
    for track in view.facts.tracks.values():
        if track.probe.value not in view.facts.probes:
            yield view.at_ref(track.probe, f"{track.key} follows probe {track.probe.value!r}, "
                              "which is not defined", "reference a probe defined in this config")


def _ios_follows(view: DeviceView, uplink: Uplink) -> Iterator[Issue]:
    facts = view.facts
    route = next((r for r in facts.default_routes() if r.gateway == uplink.gateway), None)
    if route is None:
        return
    if route.track is None:
        yield view.at(route.line, f"default route via {uplink.gateway} follows no probe; the "
                      f"design ties it to {uplink.probe_name}", "append `track <id>` to the route")
        return
    track = facts.tracks.get(route.track.value)
    probe = facts.probes.get(track.probe.value) if track else None
    if probe is not None and probe.name != uplink.probe_name:
        yield view.at(route.line, f"default route via {uplink.gateway} follows {probe.name}, "
                      f"the design says {uplink.probe_name}", "track the uplink's own probe")


def _junos_follows(view: DeviceView, uplink: Uplink) -> Iterator[Issue]:
    probe = next((p for p in view.intent.probes if p.name == uplink.probe_name), None)
    if probe is None or probe.failover_gateway is None:
        return
    # a `withdraw` policy holds the VRRP track route; the failover policy is the other one
    policies = [
        t for t in view.facts.tracks.values() if t.probe.value == probe.owner and not t.withdraw
    ]
    rendered = view.facts.probes.get(probe.owner)
    line = rendered.line if rendered else 1
    if not policies:
        yield view.at(line, f"no ip-monitoring policy follows probe {probe.owner}; the default "
                      f"route via {uplink.gateway} never moves", "render the ip-monitoring policy")
    elif all(t.reroutes_to != probe.failover_gateway for t in policies):
        yield view.at(policies[0].line, f"ip-monitoring {policies[0].key} moves the default "
                      f"route to {policies[0].reroutes_to}, the design to "
                      f"{probe.failover_gateway}", "preferred-route next-hop: the other link")


def _fortios_follows(view: DeviceView, uplink: Uplink) -> Iterator[Issue]:
    probe = view.facts.probes.get(uplink.probe_name or "")
    if probe is None:
        return
    if not probe.follows_route:
        yield view.at(probe.follows_line or probe.line, f"link-monitor {probe.name} does not "
                      f"update the static route via {uplink.gateway}",
                      "set update-static-route enable")
    elif probe.gateway != uplink.gateway:
        yield view.at(probe.line, f"link-monitor {probe.name} watches gateway {probe.gateway}, "
                      f"the route it should steer goes via {uplink.gateway}",
                      "set gateway-ip to the uplink's gateway")


def _frr_follows(view: DeviceView, uplink: Uplink) -> Iterator[Issue]:
    """egress's prober shuts the link's eBGP session (its default) while the probe fails."""
    probe = view.facts.probes.get(uplink.probe_name or "")
    if probe is None:
        return
    if not probe.follows_route or probe.gateway != uplink.gateway:
        yield view.at(probe.line, f"probe {probe.name} withdraws {probe.gateway or 'nothing'}, "
                      f"the route it should steer is the eBGP default via {uplink.gateway}",
                      f"add withdraw={uplink.gateway} to the probe line")


FOLLOWS: dict[str, Callable[[DeviceView, Uplink], Iterator[Issue]]] = {
    "ios": _ios_follows,
    "junos": _junos_follows,
    "fortios": _fortios_follows,
    "frr": _frr_follows,
}


@rule("E604", title="route that should follow a probe does not")
def route_follows_probe(view: DeviceView) -> Iterable[Issue]:
    for uplink in view.intent.uplinks:
        if uplink.probe_name is not None:
            yield from FOLLOWS[view.platform](view, uplink)


@rule("W605", severity=Severity.WARNING, title="IOS IP SLA operation never scheduled",
      platforms=frozenset({"ios"}))
def probe_scheduled(view: DeviceView) -> Iterable[Issue]:
    for probe in view.facts.probes.values():
        if not probe.scheduled:
            yield view.at(probe.line, f"ip sla {probe.key} ({probe.name}) is never scheduled; "
                          "it will not run and its track stays down",
                          f"add `ip sla schedule {probe.key} life forever start-time now`")
