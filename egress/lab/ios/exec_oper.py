"""Exec handlers of the operational show commands (the validation step's commands).

Each reads the device's facts and the network simulation's state for it, then renders with
the pure functions of :mod:`.oper` and :mod:`.oper_routing`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from egress.lab.ios import oper, oper_bgp, oper_routing
from egress.platforms import PLATFORMS

if TYPE_CHECKING:
    from egress.lab.ios.cli import IosSession

Handler = Callable[["IosSession", list[str]], Awaitable[str]]


def _uptime(session: IosSession) -> float:
    device = session.device
    return (device.now() - device.boot_time).total_seconds()


async def _vrrp_brief(session: IosSession, args: list[str]) -> str:
    facts, op = session.device.network_state()
    return oper.show_vrrp_brief(facts, op)


async def _vrrp(session: IosSession, args: list[str]) -> str:
    facts, op = session.device.network_state()
    return oper.show_vrrp(facts, op, uptime_s=_uptime(session))


async def _vrrp_detail(session: IosSession, args: list[str]) -> str:
    facts, op = session.device.network_state()
    return oper.show_vrrp(facts, op, uptime_s=_uptime(session), detail=True)


async def _bfd(session: IosSession, args: list[str]) -> str:
    _, op = session.device.network_state()
    return oper.show_bfd_neighbors(op)


async def _bfd_details(session: IosSession, args: list[str]) -> str:
    facts, op = session.device.network_state()
    return oper.show_bfd_neighbors_details(facts, op, uptime_s=_uptime(session))


async def _sla_statistics(session: IosSession, args: list[str]) -> str:
    facts, op = session.device.network_state()
    if args and args[0].isdigit():
        only = tuple(p for p in facts.probes if p.id == int(args[0]))
        facts = dataclasses.replace(facts, probes=only)
    return oper.show_ip_sla_statistics(
        facts, op, now=session.device.now(), uptime_s=_uptime(session)
    )


async def _sla_summary(session: IosSession, args: list[str]) -> str:
    facts, op = session.device.network_state()
    # older IOS-XE (16.x) prints the summary with a State column (issue 12's "older IOS-XE"
    # layout; genieparser's capture of it); 17.x the code-prefixed one
    release = session.device.os_release or PLATFORMS["ios"].default_release
    old = int(PLATFORMS["ios"].release_train(release).split(".")[0]) < 17
    return oper.show_ip_sla_summary(facts, op, state_column=old)


async def _track(session: IosSession, args: list[str]) -> str:
    facts, op = session.device.network_state()
    if args[:1] == ["brief"]:
        return oper.show_track_brief(facts, op, uptime_s=_uptime(session))
    return oper.show_track(facts, op, uptime_s=_uptime(session))


async def _ip_route(session: IosSession, args: list[str]) -> str:
    facts, op = session.device.network_state()
    words = [a for a in args if a.lower() != "static"]
    if words:
        return oper_routing.show_ip_route_prefix(facts, op, " ".join(words[:2]))
    return oper_routing.show_ip_route(facts, op)


def _policy_name(session: IosSession) -> str:
    running = session.device.running
    for iface in running.top("interface "):
        for child in iface.top("ip policy route-map "):
            return child.text.split()[3]
    return next((c.text.split()[1] for c in running.top("route-map ")), "")


async def _route_map(session: IosSession, args: list[str]) -> str:
    facts, op = session.device.network_state()
    return oper_routing.show_route_map(facts, op, policy=_policy_name(session))


async def _ip_policy(session: IosSession, args: list[str]) -> str:
    facts, _ = session.device.network_state()
    return oper_routing.show_ip_policy(facts, policy=_policy_name(session))


async def _redundancy_group(session: IosSession, args: list[str]) -> str:
    facts, op = session.device.network_state()
    running = session.device.running
    name = ""
    redundancy = running.child("redundancy")
    app = redundancy.child("application redundancy") if redundancy else None
    for group in app.top("group ") if app else []:
        name = next((c.text.split(None, 1)[1] for c in group.top("name ")), "")
    return oper_routing.show_redundancy_application_group(
        facts, op, name=name, uptime_s=_uptime(session)
    )


async def _bgp_neighbors(session: IosSession, args: list[str]) -> str:
    # only the advertised-routes form is simulated (issue 19: what the ISP hears)
    if len(args) != 2 or not "advertised-routes".startswith(args[1].lower()):
        return "% Invalid input detected at '^' marker.\n"
    facts, op = session.device.network_state()
    return oper_bgp.show_ip_bgp_neighbor_advertised(session.device.running, facts, op, args[0])


async def _bgp_summary(session: IosSession, args: list[str]) -> str:
    facts, op = session.device.network_state()
    return oper_bgp.show_ip_bgp_summary(
        session.device.running, facts, op, uptime_s=_uptime(session)
    )


HANDLERS: dict[tuple[str, ...], Handler] = {
    ("show", "vrrp"): _vrrp,
    ("show", "vrrp", "all"): _vrrp,
    ("show", "vrrp", "detail"): _vrrp_detail,
    ("show", "vrrp", "brief"): _vrrp_brief,
    ("show", "bfd", "neighbors"): _bfd,
    ("show", "bfd", "neighbors", "details"): _bfd_details,
    ("show", "ip", "sla", "statistics"): _sla_statistics,
    ("show", "ip", "sla", "summary"): _sla_summary,
    ("show", "track"): _track,
    ("show", "ip", "route"): _ip_route,
    ("show", "route-map"): _route_map,
    ("show", "ip", "bgp", "neighbors"): _bgp_neighbors,
    ("show", "ip", "bgp", "summary"): _bgp_summary,
    ("show", "bgp", "ipv4", "unicast", "summary"): _bgp_summary,
    ("show", "ip", "policy"): _ip_policy,
    ("show", "redundancy", "application", "group"): _redundancy_group,
}
