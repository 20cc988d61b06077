"""E6xx: health probes and what follows them (tracks, ip-monitoring, routes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cache

from egress.lint.findings import Issue, Severity
from egress.lint.model import DeviceView
from egress.lint.registry import rule
from egress.model.intent import Probe, Uplink
from egress.platforms import PLATFORMS


@rule("E601", title="probe without a target or a source")
def probe_complete(view: DeviceView) -> Iterable[Issue]:
    for probe in view.facts.probes.values():
        if probe.target and probe.source:
            continue
        missing = [
            what
            for what, value in (("target", probe.target), ("source", probe.source))
            if not value
        ]
        if missing:
            yield view.at(
                probe.line,
                f"probe {probe.name} has no {' and no '.join(missing)}",
                "a probe needs the address it tests and the uplink it leaves by",
            )


@rule("E602", title="probe thresholds not below its interval")
def probe_timing(view: DeviceView) -> Iterable[Issue]:
    for probe in view.facts.probes.values():
        line = probe.timing_line or probe.line
        limit, threshold, timeout = probe.interval_ms, probe.threshold_ms, probe.timeout_ms
        if limit is None:
            yield view.at(
                probe.line,
                f"probe {probe.name} has no interval/frequency",
                "render the design's interval_s",
            )
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
        designed = {p.name: p for p in view.intent.probes}  # only for a problem: rare
        intent = designed.get(probe.name)
        if intent is not None and _as_designed(
            probe.timeout_ms, probe.threshold_ms, probe.interval_ms, intent
        ):
            yield view.in_site(("probes", intent.id - 1, "timeout_ms"), message, hint)
        else:
            yield view.at(line, message, hint)


def _as_designed(
    timeout: float | None, threshold: float | None, interval: float | None, intent: Probe
) -> bool:
    """The rendered timing is the design's (so the design is what to fix)."""
    return (
        interval == intent.interval_ms
        and timeout in (None, intent.timeout_ms)
        and threshold in (None, intent.threshold_ms, intent.timeout_ms)
    )


@rule("E603", title="track / ip-monitoring object references a probe that does not exist")
def probe_referenced(view: DeviceView) -> Iterable[Issue]:
    for track in view.facts.tracks.values():
        if track.probe.value not in view.facts.probes:
            yield view.at_ref(
                track.probe,
                f"{track.key} follows probe {track.probe.value!r}, which is not defined",
                "reference a probe defined in this config",
            )


@cache  # looked up once per platform, not at each device (an import_module call each)
def _follows(platform: str) -> Callable[[DeviceView, Uplink], Iterator[Issue]]:
    """How the platform makes a route follow a probe: its folder's ``lint.probe_follows``."""
    follows: Callable[[DeviceView, Uplink], Iterator[Issue]] = PLATFORMS.module(
        platform, "lint"
    ).probe_follows
    return follows


@rule("E604", title="route that should follow a probe does not")
def route_follows_probe(view: DeviceView) -> Iterable[Issue]:
    follows = _follows(view.platform)
    for uplink in view.intent.uplinks:
        if uplink.probe_name is not None:
            yield from follows(view, uplink)


@rule(
    "W605",
    severity=Severity.WARNING,
    title="IOS IP SLA operation never scheduled",
    platforms=frozenset({"ios"}),
)
def probe_scheduled(view: DeviceView) -> Iterable[Issue]:
    for probe in view.facts.probes.values():
        if not probe.scheduled:
            yield view.at(
                probe.line,
                f"ip sla {probe.key} ({probe.name}) is never scheduled; "
                "it will not run and its track stays down",
                f"add `ip sla schedule {probe.key} life forever start-time now`",
            )
