"""Operational ``get``/``diagnose`` output of the emulated FortiGate (VRRP, BFD, link-monitor,
routing table, policy routes).

Pure functions of what the unit has configured (:class:`~egress.lab.world.DeviceFacts`, plus
the running config for the knobs the facts leave out) and what the lab's network simulation
says is happening (:class:`~egress.lab.world.OpState`). Layouts follow FortiOS 7.2: the routing
table after real 7.x captures (``tests/fixtures/parse/fortios/get_router_info_routing-table_all``),
the others after Fortinet's documented layouts. Counters and latencies the simulation does not
model are fixed, plausible numbers so that outputs are stable.
"""

from __future__ import annotations

from datetime import datetime
from ipaddress import IPv4Address, IPv4Network

from egress.lab.world import DeviceFacts, OpState, ProbeFacts, ProbeState, RouteState
from napalm_fortios.tree import Node

# The first port of a FortiGate-VM is kernel interface index 3 (1 and 2 are internal).
_FIRST_IFINDEX = 3
_PROTOCOL_WORDS = {"icmp": "ping", "tcp": "tcp-echo", "udp": "udp-echo", "http": "http",
                   "twamp": "twamp"}  # fmt: skip
_ROUTE_CODES = (
    "Codes: K - kernel, C - connected, S - static, R - RIP, B - BGP",
    "       O - OSPF, IA - OSPF inter area",
    "       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2",
    "       E1 - OSPF external type 1, E2 - OSPF external type 2",
    "       i - IS-IS, L1 - IS-IS level-1, L2 - IS-IS level-2, ia - IS-IS inter area",
    "       V - BGP VPNv4",
    "       * - candidate default",
)


def _table(root: Node, path: str) -> Node:
    return root.block(path) or Node(is_table=True)


def ifindex(root: Node) -> dict[str, int]:
    """Kernel interface index of each configured interface (``dev=4(port2)``)."""
    names = list(_table(root, "system interface").entries)
    return {name: _FIRST_IFINDEX + i for i, name in enumerate(names)}


def _own_address(facts: DeviceFacts, interface: str | None) -> IPv4Address | None:
    iface = facts.interface(interface)
    return iface.address.ip if iface is not None and iface.address is not None else None


# -- get router info vrrp -----------------------------------------------------------------
def get_router_info_vrrp(facts: DeviceFacts, op: OpState, *, root: Node) -> list[str]:
    """One block per interface with VRRP, one ``VRID`` sub-block per group (7.x words:
    PRIMARY / BACKUP / INIT)."""
    interfaces = _table(root, "system interface")
    lines: list[str] = []
    seen: list[str] = []
    for state in op.vrrp:
        if state.interface not in seen:
            seen.append(state.interface)
    for name in seen:
        entry = interfaces.entries.get(name, Node())
        groups = [s for s in op.vrrp if s.interface == name]
        vmac = entry.value("vrrp-virtual-mac", "disable") == "enable"
        masters = sum(1 for s in groups if s.state == "Master")
        lines += [
            f"Interface: {name}, primary IP address: {_own_address(facts, name) or '0.0.0.0'}",
            f"  UseVMAC: {int(vmac)}, SoftSW: 0, EmacVlan: 0 BrPortIdx: 0, "
            f"PromiscCount: {int(vmac)}",
            f"  HA mode: primary (0:0:1) VRRP master number: {masters}",
        ]
        vrrp_table = _table(entry, "vrrp")
        for state in groups:
            group = vrrp_table.entries.get(str(state.group), Node())
            word = {"Master": "PRIMARY", "Backup": "BACKUP"}.get(state.state, "INIT")
            failed = group.value("vrdst-priority", "0")
            targets = " ".join(group.get("vrdst") or ())
            lines += [
                f"  VRID: {state.group} version: {group.value('version', '2')}",
                f"    vrip: {state.vip}, priority: {state.effective_priority} "
                f"({state.priority},{failed}), state: {word}",
                f"    adv_interval: {group.value('adv-interval', '1')}, "
                f"preempt: {int(state.preempt)}, ignore_dft: "
                f"{int(group.value('ignore-default-route', 'disable') == 'enable')} "
                f"accept: {int(group.value('accept-mode', 'enable') == 'enable')}",
                f"    vrmac: 00:00:5e:00:01:{state.group:02x}",
                f"    vrdst: {targets}".rstrip(),
                f"    vrgrp: {group.value('vrgrp', '0')}",
            ]
    return lines


# -- get router info bfd neighbor ---------------------------------------------------------
def get_router_info_bfd_neighbor(facts: DeviceFacts, op: OpState) -> list[str]:
    """The BFD session table: one line per neighbour. FortiOS prints no timers here."""
    lines = [f"{'OurAddress':<17}{'NeighAddress':<17}{'State':<12}{'Interface':<15}LDesc/RDesc"]
    for index, session in enumerate(op.bfd, 1):
        own = _own_address(facts, session.interface) or IPv4Address("0.0.0.0")
        up = session.state == "Up"
        remote = index + 1 if up else 0  # a peer never heard has no discriminator
        lines.append(
            f"{own!s:<17}{session.peer!s:<17}{'UP' if up else 'DOWN':<12}"
            f"{session.interface or '':<15}{index}/{remote}"
        )
    return lines


# -- diagnose sys link-monitor status -----------------------------------------------------
def _probe_state(op: OpState, name: str) -> ProbeState | None:
    return next((p for p in op.probes if p.name == name), None)


def _monitor_peer(
    probe: ProbeFacts, state: ProbeState | None, *, source: str, gateway: str, entry: Node
) -> list[str]:
    alive = state is not None and state.ok
    word = _PROTOCOL_WORDS.get(probe.type, probe.type)
    failtime = entry.value("failtime", "5")
    recovery = entry.value("recoverytime", "5")
    lines = [
        f"  Peer: {probe.target}({probe.target})",
        f"        Source IP({source})",
        f"        Route: {source}->{probe.target}/32, gwy({gateway})",
        f"        protocol: {word}, state: {'alive' if alive else 'dead'}",
    ]
    if alive and state is not None and state.rtt_ms is not None:
        rtt = float(state.rtt_ms)
        lines += [
            f"                Latency(Min/Max/Avg): {rtt * 0.85:.3f}/{rtt * 1.25:.3f}/{rtt:.3f} ms",
            "                Jitter(Min/Max/Avg): 0.010/0.301/0.064 ms",
            "                Packet lost: 0.000%",
            "                MOS: 4.404",
            "                Number of out-of-sequence packets: 0",
            f"                Fail Times(0/{failtime})",
            "                Packet sent: 1210, received: 1210, "
            "Sequence(sent/rcvd/exp): 1211/1211/1212",
        ]
    else:
        lines += [
            "                Packet lost: 100.000%",
            "                Number of out-of-sequence packets: 0",
            f"                Recovery times(0/{recovery}) Fail Times({failtime}/{failtime})",
            "                Packet sent: 1210, received: 0, Sequence(sent/rcvd/exp): 1211/0/1",
        ]
    return lines


def diagnose_sys_link_monitor_status(
    facts: DeviceFacts, op: OpState, *, root: Node, created: datetime
) -> list[str]:
    """Each ``system link-monitor`` entry with its server(s), 7.x layout."""
    monitors = _table(root, "system link-monitor")
    index = ifindex(root)
    lines: list[str] = []
    for probe in facts.probes:
        entry = monitors.entries.get(probe.name, Node())
        state = _probe_state(op, probe.name)
        alive = state is not None and state.ok
        word = "alive" if alive else "dead"
        srcintf = probe.source_interface or ""
        source = entry.value("source-ip") or str(_own_address(facts, srcintf) or "0.0.0.0")
        gateway = str(probe.gateway or probe.target)
        interval = entry.value("interval", "500")
        lines += [
            f"Link Monitor: {probe.name}, Status: {word}, Server num(1), cfg_version=0 "
            f"HA state: local({word}), shared({word})",
            f"Flags={'0x1 init' if alive else '0x9 init log_downgateway'}, "
            f"Create time: {_ctime(created)}",
            f"Source interface: {srcintf} ({index.get(srcintf, 0)})",
            "VRF: 0",
            f"Source IP: {source}",
            f"Interval: {interval} ms",
            "Service-detect: disable",
            "Diffservcode: 000000",
            "Class-ID: 0",
            "Transport-Group: 0",
            "Class-ID: 0",
            *_monitor_peer(probe, state, source=source, gateway=gateway, entry=entry),
        ]
    return lines


def _ctime(when: datetime) -> str:
    return when.strftime("%a %b ") + f"{when.day:>2}" + when.strftime(" %H:%M:%S %Y")


# -- get router info routing-table all ----------------------------------------------------
def _route_lines(route: RouteState) -> list[str]:
    code = "S*" if route.prefix.prefixlen == 0 else "S"
    head = f"{code:<8}{route.prefix} "
    lines = []
    for i, hop in enumerate(route.next_hops):
        path = f"[{route.distance}/0] via {hop.address}, {hop.interface}, [1/0]"
        lines.append((head if i == 0 else " " * len(head)) + path)
    return lines


def get_router_info_routing_table_all(facts: DeviceFacts, op: OpState) -> list[str]:
    """The RIB: live statics (ECMP paths as continuation lines) and connected networks."""
    entries: list[tuple[IPv4Network, int, list[str]]] = []
    for route in op.routes:
        if route.next_hops:
            entries.append((route.prefix, 1, _route_lines(route)))
    for iface in facts.interfaces:
        if iface.address is None or iface.name not in op.interfaces_up:
            continue
        network = iface.address.network
        entries.append((network, 0, [f"{'C':<8}{network} is directly connected, {iface.name}"]))
    entries.sort(key=lambda e: (int(e[0].network_address), e[0].prefixlen, e[1]))
    lines = [*_ROUTE_CODES, "", "Routing table for VRF=0"]
    for _, _, text in entries:
        lines += text
    return lines


# -- diagnose firewall proute list --------------------------------------------------------
def _selector(value: str) -> str:
    address, _, mask = value.partition(" ")
    if "/" in address:
        network = IPv4Network(address, strict=False)
        return f"{network.network_address}/{network.netmask}"
    return f"{address}/{mask or '0.0.0.0'}"


def diagnose_firewall_proute_list(
    facts: DeviceFacts, op: OpState, *, root: Node, now: datetime
) -> list[str]:
    """The policy routes the kernel holds: those whose gateway is reachable."""
    policies = _table(root, "router policy")
    index = ifindex(root)
    active = {p.seq for p in op.pbr_active}
    lines = ["list route policy info(vf=root):"]
    for seq, entry in policies.entries.items():
        if not seq.isdigit() or int(seq) not in active:
            continue
        iif = (entry.get("input-device") or ("",))[0]
        oif = entry.value("output-device")
        out = f"{index.get(oif, 0)}({oif})" if oif else "0"
        start, end = entry.value("start-port", "1"), entry.value("end-port", "65535")
        sstart, send = (
            entry.value("start-source-port", "0"),
            entry.value("end-source-port", "65535"),
        )
        lines += [
            "",
            f"id={seq} dscp_tag=0xff 0xff flags=0x0 tos={entry.value('tos', '0x00')} "
            f"tos_mask={entry.value('tos-mask', '0x00')} protocol={entry.value('protocol', '0')} "
            f"sport={sstart}-{send} iif={index.get(iif, 0)}({iif}) dport={start}-{end} "
            f"oif={out} gwy={entry.value('gateway', '0.0.0.0')}",
            f"source wildcard(1): {_selector(entry.value('src', '0.0.0.0/0.0.0.0'))}",
            f"destination wildcard(1): {_selector(entry.value('dst', '0.0.0.0/0.0.0.0'))}",
            f"hit_count=0 last_used={now:%Y-%m-%d %H:%M:%S}",
        ]
    return lines
