"""E7xx: HA state sync: both members agree, and the mode is the design's."""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Interface

from egress.lint.facts import HaFact
from egress.lint.findings import Issue
from egress.lint.model import DeviceView, Pair
from egress.lint.registry import Scope, rule


def _both(pair: Pair) -> tuple[HaFact, HaFact] | None:
    ours, theirs = pair.primary.facts.ha, pair.secondary.facts.ha
    if ours is None or theirs is None:
        return None
    return ours, theirs


@rule("E701", title="HA group id differs between the members or from the design", scope=Scope.PAIR)
def ha_group(pair: Pair) -> Iterable[Issue]:
    both = _both(pair)
    intent = pair.primary.intent.ha_sync
    if both is None or intent is None:
        return
    for view, fact in ((pair.primary, both[0]), (pair.secondary, both[1])):
        if fact.group_line is None:
            continue  # the platform sets no group id in config (SRX: operational command)
        if fact.group_id != intent.group_id:
            shown = "inconsistent" if fact.group_id is None else str(fact.group_id)
            yield view.at(
                fact.group_line,
                f"HA group id is {shown}, the design's group_id is {intent.group_id}",
                "both members must render the design's group id",
            )


@rule("E702", title="HA peer address is not the peer's sync-link address", scope=Scope.PAIR)
def ha_peer(pair: Pair) -> Iterable[Issue]:
    both = _both(pair)
    if both is None or pair.cluster:
        return
    for (view, fact), (peer, peer_fact) in (
        ((pair.primary, both[0]), (pair.secondary, both[1])),
        ((pair.secondary, both[1]), (pair.primary, both[0])),
    ):
        link = _link_address(view, fact)
        peer_link = _link_address(peer, peer_fact)
        if link is None or peer_link is None:
            continue
        if fact.peer_address is not None and fact.peer_address != str(peer_link.ip):
            yield view.at(
                fact.peer_line or fact.line,
                f"HA peer address {fact.peer_address} is "
                f"not {peer.host}'s sync-link address {peer_link.ip}",
                "point the session-sync peer at the other member's HA interface",
            )
        elif peer_link.ip not in link.network:
            yield view.at(
                fact.line,
                f"sync link {link} and {peer.host}'s {peer_link} are not in one subnet",
                "both ends of the sync link share the ha_sync prefix",
            )


def _link_address(view: DeviceView, fact: HaFact) -> IPv4Interface | None:
    for ref in fact.links:
        iface = view.facts.interfaces.get(ref.value)
        if iface is not None and iface.address is not None:
            return iface.address
    return None


@rule("E703", title="HA heartbeat/control link differs or is not configured", scope=Scope.PAIR)
def ha_link(pair: Pair) -> Iterable[Issue]:
    both = _both(pair)
    if both is None:
        return
    ours, theirs = both
    if sorted(r.value for r in ours.links) != sorted(r.value for r in theirs.links):
        line = theirs.links[0].line if theirs.links else theirs.line
        yield pair.secondary.at(
            line,
            f"HA links {[r.value for r in theirs.links]} differ from "
            f"the primary's {[r.value for r in ours.links]}",
            "both members sync over the same link",
        )
    if pair.cluster:
        return
    for view, fact in ((pair.primary, ours), (pair.secondary, theirs)):
        for ref in fact.links:
            iface = view.facts.interfaces.get(ref.value)
            if iface is None or iface.address is None:
                yield view.at_ref(
                    ref,
                    f"HA link {ref.value} has no address in this config",
                    "session sync runs over IP: address the HA interface",
                )


@rule("E704", title="HA session sync off or inconsistent", scope=Scope.PAIR)
def ha_session(pair: Pair) -> Iterable[Issue]:
    both = _both(pair)
    intent = pair.primary.intent.ha_sync
    if both is None or intent is None:
        return
    for view, fact in ((pair.primary, both[0]), (pair.secondary, both[1])):
        if fact.session_sync is not None and fact.session_sync != intent.session_sync:
            state = "on" if fact.session_sync else "off"
            yield view.at(
                fact.session_line or fact.line,
                f"session sync is {state}, the design "
                f"says session_sync: {str(intent.session_sync).lower()}",
                "render session sync as designed on both members",
            )


@rule("E705", title="HA mode does not match the design")
def ha_mode(view: DeviceView) -> Iterable[Issue]:
    fact, intent = view.facts.ha, view.intent.ha_sync
    if intent is None:
        if fact is not None:
            yield view.at(
                fact.line,
                "the config sets up HA; the design has no ha_sync",
                "remove the HA block or add ha_sync to the site",
            )
        return
    if fact is None:
        yield view.at(
            1,
            f"the design asks ha_sync ({intent.form}); the config has none",
            "the ha_sync template rendered nothing",
        )
        return
    if fact.form != intent.form:
        yield view.at(
            fact.line,
            f"the config renders a {fact.form} HA; the design a {intent.form}",
            "render the design's HA form",
        )
    elif fact.mode is not None and fact.mode != intent.mode:
        yield view.at(
            fact.mode_line or fact.line,
            f"HA mode {fact.mode}, the design's {view.intent.mode} needs {intent.mode}",
            "a-p for active-standby, a-a for load-sharing",
        )


@rule("E706", title="HA group does not track what the design has it follow (LAN, VRRP tracks)")
def ha_tracks(view: DeviceView) -> Iterable[Issue]:
    fact, intent = view.facts.ha, view.intent.ha_sync
    if fact is None or intent is None or not intent.tracks:
        return
    have = {ref.value for ref in fact.tracks}
    for track in intent.tracks:
        if str(track.track_id) in have:
            continue
        what = f"the LAN port {track.interface}" if track.interface else f"probe {track.probe_name}"
        yield view.at(
            fact.group_line or fact.line,
            f"HA group {intent.group_id} does not track {track.track_id} ({what})",
            "without it the group stays on a box that no "
            "longer forwards, and the session table is owned by the wrong box",
        )
