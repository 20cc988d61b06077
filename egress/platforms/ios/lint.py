"""The ios platform's lint hooks: how a route follows a probe, what a VRRP track may name."""

from __future__ import annotations

from collections.abc import Iterator

from egress.lint.facts import ConfigFacts
from egress.lint.findings import Issue
from egress.lint.model import DeviceView
from egress.model.intent import Uplink


def probe_follows(view: DeviceView, uplink: Uplink) -> Iterator[Issue]:
    facts = view.facts
    route = next((r for r in facts.default_routes() if r.gateway == uplink.gateway), None)
    if route is None:
        return
    if route.track is None:
        yield view.at(
            route.line,
            f"default route via {uplink.gateway} follows no probe; the "
            f"design ties it to {uplink.probe_name}",
            "append `track <id>` to the route",
        )
        return
    track = facts.tracks.get(route.track.value)
    probe = facts.probes.get(track.probe.value) if track else None
    if probe is not None and probe.name != uplink.probe_name:
        yield view.at(
            route.line,
            f"default route via {uplink.gateway} follows {probe.name}, "
            f"the design says {uplink.probe_name}",
            "track the uplink's own probe",
        )


def trackable(facts: ConfigFacts) -> set[str]:
    """A VRRP track names a track object."""
    return set(facts.tracks)
