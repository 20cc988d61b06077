"""Which ``get``/``diagnose`` phrase prints which operational output (data, not an if-chain).

Each renderer reads the unit's facts and the network simulation's state for it: the lab
world's when the device runs inside a lab, otherwise a simulation of this unit alone in which
every configured neighbour answers on a link that is up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from egress.lab.fortios import oper, oper_bgp, oper_ha, show
from egress.lab.fortios.schema import resolve_word
from egress.lab.world import DeviceFacts, OpState, Topology, simulate
from egress.platforms import PLATFORMS

if TYPE_CHECKING:
    from egress.lab.fortios.device import FortiOSDevice

Renderer = Callable[["FortiOSDevice", DeviceFacts, OpState, datetime], list[str]]


def network_state(device: FortiOSDevice) -> tuple[DeviceFacts, OpState]:
    """(what is configured, what the network does with it) for this unit."""
    facts = device.facts()
    if device.world is not None:
        return facts, device.world.op_state(device.name)
    return facts, simulate({device.name: facts}, Topology(segments=()))[device.name]


def _system_status(
    device: FortiOSDevice, facts: DeviceFacts, op: OpState, now: datetime
) -> list[str]:
    # the HA mode line names this member's role: the simulation's, not always "primary"
    primary = op.ha is None or op.ha.local_role in ("Primary", "Standalone")
    release = device.os_release or PLATFORMS["fortios"].default_release
    return show.get_system_status(
        device.running, device.identity, now=now, primary=primary, release=release
    )


GET: dict[tuple[str, ...], Renderer] = {
    ("system", "status"): _system_status,
    ("router", "info", "vrrp"): lambda d, f, o, now: oper.get_router_info_vrrp(
        f, o, root=d.running
    ),
    ("router", "info", "bfd", "neighbor"): lambda d, f, o, now: oper.get_router_info_bfd_neighbor(
        f, o
    ),
    ("router", "info", "routing-table", "all"): lambda d, f, o, now: (
        oper.get_router_info_routing_table_all(f, o)
    ),
    ("system", "ha", "status"): lambda d, f, o, now: oper_ha.get_system_ha_status(
        f, o, root=d.running, identity=d.identity, now=now, release=d.os_release
    ),
    ("router", "info", "bgp", "summary"): lambda d, f, o, now: oper_bgp.get_router_info_bgp_summary(
        d.running, f, o, uptime_s=(now - d.booted).total_seconds()
    ),
}

# phrases with an argument (ARG: any one word, handed to the renderer)
ARG = "<arg>"
ArgRenderer = Callable[["FortiOSDevice", DeviceFacts, OpState, str], list[str]]
GET_WITH_ARG: dict[tuple[str, ...], ArgRenderer] = {
    ("router", "info", "bgp", "neighbors", ARG, "advertised-routes"): lambda d, f, o, arg: (
        oper_bgp.get_router_info_bgp_neighbor_advertised(
            d.running, f, o, arg, release=d.os_release or PLATFORMS["fortios"].default_release
        )
    ),
}

DIAGNOSE: dict[tuple[str, ...], Renderer] = {
    ("sys", "link-monitor", "status"): lambda d, f, o, now: oper.diagnose_sys_link_monitor_status(
        f, o, root=d.running, created=d.booted
    ),
    ("firewall", "proute", "list"): lambda d, f, o, now: oper.diagnose_firewall_proute_list(
        f, o, root=d.running, now=now
    ),
    ("sys", "ha", "checksum", "cluster"): lambda d, f, o, now: (
        oper_ha.diagnose_sys_ha_checksum_cluster(f, o, root=d.running, identity=d.identity)
    ),
    ("sys", "session", "sync"): lambda d, f, o, now: oper_ha.diagnose_sys_session_sync(
        f, o, root=d.running
    ),
}


def _matches(words: list[str], phrase: tuple[str, ...]) -> bool:
    return len(words) == len(phrase) and all(
        p == ARG or resolve_word(w, [p]) == p for w, p in zip(words, phrase, strict=True)
    )


def answer(
    device: FortiOSDevice, words: list[str], *, table: dict[tuple[str, ...], Renderer]
) -> list[str] | None:
    """The output of ``words`` when ``table`` knows the phrase (abbreviations accepted), else
    None (the caller decides what an unknown phrase prints)."""
    for phrase, render in table.items():
        if _matches(words, phrase):
            facts, op = network_state(device)
            return render(device, facts, op, datetime.now())
    if table is GET:
        for phrase, with_arg in GET_WITH_ARG.items():
            if _matches(words, phrase):
                facts, op = network_state(device)
                return with_arg(device, facts, op, words[phrase.index(ARG)])
    return None
