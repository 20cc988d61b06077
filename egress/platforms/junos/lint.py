"""The junos platform's lint hooks: how a route follows a probe, what a VRRP track may name."""

from __future__ import annotations

from collections.abc import Iterator

from egress.lint.facts import ConfigFacts
from egress.lint.findings import Issue
from egress.lint.model import DeviceView
from egress.model.intent import Uplink


def probe_follows(view: DeviceView, uplink: Uplink) -> Iterator[Issue]:
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
        yield view.at(
            line,
            f"no ip-monitoring policy follows probe {probe.owner}; the default "
            f"route via {uplink.gateway} never moves",
            "render the ip-monitoring policy",
        )
    elif all(t.reroutes_to != probe.failover_gateway for t in policies):
        yield view.at(
            policies[0].line,
            f"ip-monitoring {policies[0].key} moves the default "
            f"route to {policies[0].reroutes_to}, the design to "
            f"{probe.failover_gateway}",
            "preferred-route next-hop: the other link",
        )


def trackable(facts: ConfigFacts) -> set[str]:
    """Interfaces, and the routes a probe holds up: an ip-monitoring `withdraw` policy's
    (present while its probe succeeds) or a static route. A plain preferred-route is there
    only while its probe fails, so tracking it would hand the gateway over the wrong way."""
    held = {r for t in facts.tracks.values() if t.withdraw for r in t.routes}
    static = {r.prefix for r in facts.routes if r.instance is None}
    return set(facts.interfaces) | held | static
