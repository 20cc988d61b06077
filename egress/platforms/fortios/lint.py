"""The fortios platform's lint hooks: how a route follows a probe, what a VRRP track may name."""

from __future__ import annotations

from collections.abc import Iterator

from egress.lint.facts import ConfigFacts
from egress.lint.findings import Issue
from egress.lint.model import DeviceView
from egress.model.intent import Uplink


def probe_follows(view: DeviceView, uplink: Uplink) -> Iterator[Issue]:
    probe = view.facts.probes.get(uplink.probe_name or "")
    if probe is None:
        return
    if not probe.follows_route:
        yield view.at(
            probe.follows_line or probe.line,
            f"link-monitor {probe.name} does not update the static route via {uplink.gateway}",
            "set update-static-route enable",
        )
    elif probe.gateway != uplink.gateway:
        yield view.at(
            probe.line,
            f"link-monitor {probe.name} watches gateway {probe.gateway}, "
            f"the route it should steer goes via {uplink.gateway}",
            "set gateway-ip to the uplink's gateway",
        )


def trackable(facts: ConfigFacts) -> set[str]:
    """A VRRP track names a probed address."""
    return {p.target for p in facts.probes.values() if p.target}
