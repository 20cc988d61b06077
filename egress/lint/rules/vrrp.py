"""E2xx: VRRP gateways: the VIP, the pair's agreement, and what the priority tracks."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from ipaddress import IPv4Address
from types import ModuleType

from egress.lint.facts import ConfigFacts, VrrpFact, address_of
from egress.lint.findings import Issue
from egress.lint.model import DeviceView, Pair
from egress.lint.registry import Scope, rule
from egress.platforms import PLATFORMS

_ALL_ONES = 0xFFFFFFFF


@rule("E201", title="VRRP virtual address outside the interface subnet")
def vip_in_subnet(view: DeviceView) -> Iterable[Issue]:
    for group in view.facts.vrrp:
        iface = view.facts.interfaces.get(group.interface)
        line = group.vip_line or group.line
        if group.vip is None:
            yield view.at(
                line,
                f"VRRP group {group.group} on {group.interface} has no virtual address",
                "render `address <vip>` / virtual-address / vrip",
            )
            continue
        if iface is None or iface.address is None:
            yield view.at(
                line,
                f"VRRP group {group.group} on {group.interface}, which has no address of its own",
                "address the interface in the LAN subnet",
            )
            continue
        vip = _address(group.vip)
        network = iface.address.network
        # in the subnet and neither its network nor its broadcast address, as ints: the
        # ipaddress comparisons (and the broadcast address computed for each device's own
        # network object) were half of this rule's time
        first = int(network.network_address)
        last = first | (_ALL_ONES >> network.prefixlen)
        if vip is None or not first < int(vip) < last:
            yield view.at(
                line,
                f"VRRP {group.group} virtual address {group.vip} is not a host "
                f"address of {group.interface} subnet {network}",
                "the VIP must be a usable address in the LAN prefix",
            )
        elif int(vip) == int(iface.address):  # the interface's own address
            yield view.at(
                line,
                f"VRRP {group.group} virtual address {group.vip} is the interface's own address",
                "give the interface another address",
            )


def _address(text: str) -> IPv4Address | None:
    # ip_address(text) when it is an IPv4Address: ip_address tries exactly that first
    try:
        return address_of(text)
    except ValueError:
        return None


def _groups(view: DeviceView) -> dict[int, VrrpFact]:
    return {g.group: g for g in view.facts.vrrp}


@rule("E202", title="VRRP group or VIP differs between the pair members", scope=Scope.PAIR)
def pair_group(pair: Pair) -> Iterable[Issue]:
    ours, theirs = _groups(pair.primary), _groups(pair.secondary)
    for number, group in theirs.items():
        other = ours.get(number)
        if other is None:
            yield pair.secondary.at(
                group.line,
                f"VRRP group {number} is not on the primary "
                f"{pair.primary.host} (it has {sorted(ours) or 'none'})",
                "both members must carry the same group number",
            )
        elif other.vip != group.vip:
            yield pair.secondary.at(
                group.vip_line or group.line,
                f"VRRP {number} VIP {group.vip} differs from the primary's "
                f"{other.vip} ({pair.primary.config_file}:{other.vip_line})",
                "both members must carry the same virtual address",
            )
    for number, group in ours.items():
        if number not in theirs and theirs:
            yield pair.primary.at(
                group.line,
                f"VRRP group {number} is not on the secondary {pair.secondary.host}",
                "render the group on both members",
            )


@rule("E203", title="VRRP priorities do not elect the intended master", scope=Scope.PAIR)
def pair_priority(pair: Pair) -> Iterable[Issue]:
    ours = _groups(pair.primary)
    for number, group in _groups(pair.secondary).items():
        other = ours.get(number)
        if other is None or other.priority is None or group.priority is None:
            continue
        if group.priority >= other.priority:
            same = "the same" if group.priority == other.priority else "a higher"
            yield pair.secondary.at(
                group.priority_line or group.line,
                f"VRRP {number} priority {group.priority} is {same} priority than the "
                f"primary's {other.priority} ({pair.primary.host})",
                "the primary must have the higher priority; the master would otherwise be "
                "chosen by address or by the wrong role",
            )


@rule("E204", title="VRRP preemption differs between the pair members", scope=Scope.PAIR)
def pair_preempt(pair: Pair) -> Iterable[Issue]:
    ours = _groups(pair.primary)
    for number, group in _groups(pair.secondary).items():
        other = ours.get(number)
        if other is not None and other.preempt != group.preempt:
            yield pair.secondary.at(
                group.preempt_line or group.line,
                f"VRRP {number} preempt is {group.preempt!r}, the primary's is {other.preempt!r}",
                "render the same preempt (and delay) on both members",
            )


def _trackable(platform: str, facts: ConfigFacts) -> set[str]:
    """What a VRRP track may name on the platform (a track object, an interface or route, a
    probed address): its folder's ``lint.trackable``."""
    found: set[str] = _lint_module(platform).trackable(facts)
    return found


@cache  # looked up once per platform, not at each device (an import_module call each)
def _lint_module(platform: str) -> ModuleType:
    return PLATFORMS.module(platform, "lint")


@rule("E205", title="VRRP tracks an object that does not exist")
def tracked_exists(view: DeviceView) -> Iterable[Issue]:
    groups = view.facts.vrrp
    if not groups:
        return
    # what a track may name, built only for a group that tracks something
    known = _trackable(view.platform, view.facts) if any(g.tracks for g in groups) else set()
    for group in groups:
        for ref in group.tracks:
            if ref.value not in known:
                yield view.at_ref(
                    ref,
                    f"VRRP {group.group} tracks {ref.value!r}, which is not defined in this config",
                    "track an object the config defines",
                )
        if group.tracks:
            continue
        intended = next(
            (
                g
                for g in reversed(view.intent.vrrp)  # the last one, as a dict by key kept
                if g.interface == group.interface and g.group == group.group
            ),
            None,
        )
        if intended is not None and intended.tracks:
            yield view.at(
                group.line,
                f"VRRP {group.group} tracks nothing, the design tracks "
                f"{', '.join(t.probe_name for t in intended.tracks)}",
                "without a track the master keeps the gateway when its uplink dies",
            )


@rule("E206", title="VRRP group of the design missing from the config")
def vrrp_rendered(view: DeviceView) -> Iterable[Issue]:
    rendered = {(g.interface, g.group) for g in view.facts.vrrp}
    for group in view.intent.vrrp:
        if (group.interface, group.group) not in rendered:
            iface = view.facts.interfaces.get(group.interface)
            yield view.at(
                iface.line if iface else 1,
                f"the design puts VRRP group {group.group} on "
                f"{group.interface}; the config has none",
                "the vrrp template dropped it: check its loop and conditions",
            )
