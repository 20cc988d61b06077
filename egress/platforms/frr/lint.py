"""The frr platform's lint hooks: how a route follows a probe, what a VRRP track may name."""

from __future__ import annotations

from collections.abc import Iterator

from egress.lint.facts import ConfigFacts
from egress.lint.findings import Issue
from egress.lint.model import DeviceView
from egress.model.intent import Uplink


def probe_follows(view: DeviceView, uplink: Uplink) -> Iterator[Issue]:
    """egress's prober shuts the link's eBGP session (its default) while the probe fails."""
    probe = view.facts.probes.get(uplink.probe_name or "")
    if probe is None:
        return
    if not probe.follows_route or probe.gateway != uplink.gateway:
        yield view.at(
            probe.line,
            f"probe {probe.name} withdraws {probe.gateway or 'nothing'}, "
            f"the route it should steer is the eBGP default via {uplink.gateway}",
            f"add withdraw={uplink.gateway} to the probe line",
        )


def trackable(facts: ConfigFacts) -> set[str]:
    """keepalived track_file names are the prober's probe names (its state files)."""
    return set(facts.probes)
