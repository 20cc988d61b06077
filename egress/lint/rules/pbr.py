"""E5xx: policy routes: reachable next hops, applied policies, existing match classes."""

from __future__ import annotations

from collections.abc import Iterable

from egress.lint.facts import Ref, address_of
from egress.lint.findings import Issue
from egress.lint.model import DeviceView
from egress.lint.registry import rule


def _next_hops(view: DeviceView) -> list[tuple[str, Ref]]:
    """(rule name, next hop) of every policy rule; Junos FBF hops live in its instances."""
    if not view.facts.pbr.rules:
        return []
    found = [(r.name, r.next_hop) for r in view.facts.pbr.rules if r.next_hop is not None]
    instances = {r.instance: r for r in view.facts.routes if r.instance is not None}
    for rule_fact in view.facts.pbr.rules:
        for ref in rule_fact.classes:
            route = instances.get(ref.value)
            if route is not None:
                found.append((rule_fact.name, Ref(route.gateway, route.line)))
    return found


@rule("E501", title="policy-route next hop not reachable through a connected subnet")
def pbr_next_hop(view: DeviceView) -> Iterable[Issue]:
    hops = _next_hops(view)
    if not hops:
        return
    interfaces = view.facts.interfaces.values()
    for name, hop in hops:
        try:
            address = address_of(hop.value)
        except ValueError:
            yield view.at_ref(hop, f"policy {name} next hop {hop.value!r} is not an address")
            continue
        for iface in interfaces:  # a connected subnet holds it
            if iface.address is not None and address in iface.address.network:
                break
        else:
            yield view.at_ref(
                hop,
                f"policy {name} next hop {address} is in no connected subnet",
                "a policy next hop must be on an uplink subnet (the link gateway)",
            )


@rule("E502", title="policy route defined but not applied to an interface")
def pbr_applied(view: DeviceView) -> Iterable[Issue]:
    pbr = view.facts.pbr
    applied = {policy for _, policy, _ in pbr.applied}
    for policy, line in pbr.policies.items():
        if policy not in applied:
            yield view.at(
                line,
                f"policy {policy} is applied to no interface",
                "apply it on the LAN interface (ip policy / filter input / input-device)",
            )
    for interface, policy, line in pbr.applied:
        if interface not in view.facts.interfaces:
            yield view.at(
                line,
                f"policy {policy} is applied to {interface}, which this config does not define",
                "apply the policy on the LAN interface",
            )
        elif policy not in pbr.policies and not view.profile.pbr_applied_lists_every_filter:
            yield view.at(
                line,
                f"{interface} applies policy {policy}, which is not defined",
                "define the policy or fix its name",
            )
    if view.intent.pbr is not None and not pbr.policies:
        yield view.at(
            1,
            "the design has policy routes; the config has no policy",
            "the pbr template rendered nothing",
        )


@rule("E503", title="policy route matches a class that does not exist")
def pbr_classes(view: DeviceView) -> Iterable[Issue]:
    pbr = view.facts.pbr
    for rule_fact in pbr.rules:
        for ref in rule_fact.classes:
            if ref.value.startswith("track "):
                if ref.value.split()[1] not in view.facts.tracks:
                    yield view.at_ref(
                        ref,
                        f"policy {rule_fact.name} follows {ref.value}, which is not defined",
                        "define the track or fix its number",
                    )
            elif ref.value not in pbr.classes:
                yield view.at_ref(
                    ref,
                    f"policy {rule_fact.name} uses {ref.value!r}, which is not defined",
                    "define the access list / routing instance",
                )
        out = rule_fact.out_interface
        if out is not None and out.value not in view.facts.interfaces:
            yield view.at_ref(
                out,
                f"policy {rule_fact.name} leaves by {out.value}, which this config does not define",
                "use the uplink's interface",
            )
