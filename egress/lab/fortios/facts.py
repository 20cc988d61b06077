"""Reduce a FortiOS running config to the lab's vendor-neutral facts (what is configured).

The lab's simulator (:mod:`egress.lab.world`) turns these into operational state. Only what
FortiOS itself expresses is reported: FortiOS has no probe/track ids (``track_id``/``id`` stay
None), tracks VRRP by destination (``vrdst``) rather than by probe, and an FGSP pair carries
no HA priority of its own (the ``system ha`` priority is reported, default 128).
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from egress.lab.world import (
    BfdFacts,
    DeviceFacts,
    HaFacts,
    IfaceFacts,
    PbrFacts,
    ProbeFacts,
    RouteFacts,
    VrrpFacts,
    VrrpTrackFacts,
)
from napalm_fortios.tree import Node

_PROBE_TYPES = {"ping": "icmp", "tcp-echo": "tcp", "udp-echo": "udp", "http": "http",
                "https": "http", "twamp": "twamp"}  # fmt: skip
_ANY = "0.0.0.0/0.0.0.0"


def facts_from_config(name: str, root: Node) -> DeviceFacts:
    """What a FortiGate with this running config has configured."""
    interfaces = _table(root, "system interface")
    settings = root.block("system settings") or Node()
    monitors = _table(root, "system link-monitor")
    return DeviceFacts(
        name=name,
        interfaces=tuple(_iface(n, e) for n, e in interfaces.entries.items()),
        vrrp=tuple(
            _vrrp(iface, group, entry)
            for iface, e in interfaces.entries.items()
            for group, entry in _table(e, "vrrp").entries.items()
        ),
        bfd=_bfd(root, interfaces, settings),
        probes=tuple(_probe(n, e) for n, e in monitors.entries.items()),
        routes=_routes(root, monitors),
        pbr=_pbr(root),
        ha=_ha(root),
    )


def _table(node: Node, path: str) -> Node:
    return node.block(path) or Node(is_table=True)


def _ip(text: str) -> IPv4Address | None:
    address = IPv4Address(text) if text else None
    return None if address is None or address == IPv4Address("0.0.0.0") else address


def _iface(name: str, entry: Node) -> IfaceFacts:
    address, _, mask = entry.value("ip", "0.0.0.0 0.0.0.0").partition(" ")
    iface = None if address == "0.0.0.0" else IPv4Interface(f"{address}/{mask}")
    return IfaceFacts(name, iface, enabled=entry.value("status", "up") == "up")


def _vrrp(interface: str, group: str, entry: Node) -> VrrpFacts:
    priority = int(entry.value("priority", "100"))
    targets = entry.get("vrdst") or ()
    failed = int(entry.value("vrdst-priority", "0")) if targets else None
    decrement = priority - failed if failed is not None else 0
    return VrrpFacts(
        interface=interface,
        group=int(group),
        vip=IPv4Address(entry.value("vrip", "0.0.0.0")),
        priority=priority,
        preempt=entry.value("preempt", "enable") == "enable",
        tracks=tuple(VrrpTrackFacts(decrement, target=t) for t in targets),
        failed_priority=failed,
    )


def _bfd(root: Node, interfaces: Node, settings: Node) -> tuple[BfdFacts, ...]:
    # A static route's gateway is a BFD peer when the route asks for BFD and BFD runs on its
    # interface (interface `bfd enable`, or `global` with `system settings / set bfd enable`).
    peers = []
    for entry in _table(root, "router static").entries.values():
        if entry.value("bfd", "disable") != "enable" or entry.value("status", "enable") != "enable":
            continue
        device = entry.value("device")
        iface = interfaces.entries.get(device, Node())
        mode = iface.value("bfd", "global")
        source = iface if mode == "enable" else settings
        enabled = mode == "enable" or (mode == "global" and settings.value("bfd") == "enable")
        gateway = _ip(entry.value("gateway"))
        if not enabled or gateway is None:
            continue
        interval = int(source.value("bfd-desired-min-tx", settings.value("bfd-desired-min-tx",
                                                                          "250")))  # fmt: skip
        multiplier = int(source.value("bfd-detect-mult", settings.value("bfd-detect-mult", "3")))
        peers.append(BfdFacts(gateway, device or None, interval, multiplier))
    return tuple(peers)


def _probe(name: str, entry: Node) -> ProbeFacts:
    servers = entry.get("server") or ("0.0.0.0",)
    port = entry.value("port")
    return ProbeFacts(
        name=name,
        type=_PROBE_TYPES.get(entry.value("protocol", "ping"), entry.value("protocol")),
        target=IPv4Address(servers[0]),
        source_interface=entry.value("srcintf") or None,
        gateway=_ip(entry.value("gateway-ip")),
        port=int(port) if port else None,
        # link-monitor "interval" counts milliseconds (7.x; FortiOS default 500)
        frequency_s=int(entry.value("interval", "500")) // 1000 or None,
    )


def _routes(root: Node, monitors: Node) -> tuple[RouteFacts, ...]:
    routes = []
    for entry in _table(root, "router static").entries.values():
        gateway = _ip(entry.value("gateway"))
        if entry.value("status", "enable") != "enable" or gateway is None:
            continue
        address, _, mask = entry.value("dst", "0.0.0.0 0.0.0.0").partition(" ")
        device = entry.value("device") or None
        routes.append(
            RouteFacts(
                prefix=IPv4Network(f"{address}/{mask}"),
                gateway=gateway,
                interface=device,
                distance=int(entry.value("distance", "10")),
                bfd=entry.value("bfd", "disable") == "enable",
                probe=_route_probe(monitors, device=device, gateway=gateway),
            )
        )
    return tuple(routes)


def _route_probe(monitors: Node, *, device: str | None, gateway: IPv4Address) -> str | None:
    # link-monitor `update-static-route` (default enable) withdraws the static routes out of
    # its srcintf (through its gateway-ip when one is set) while it fails.
    for name, entry in monitors.entries.items():
        if entry.value("update-static-route", "enable") != "enable":
            continue
        if entry.value("status", "enable") != "enable" or entry.value("srcintf") != device:
            continue
        monitor_gateway = _ip(entry.value("gateway-ip"))
        if monitor_gateway is None or monitor_gateway == gateway:
            return name
    return None


def _pbr(root: Node) -> tuple[PbrFacts, ...]:
    from egress.model.design import DSCP_NAMES

    names = {value: name for name, value in DSCP_NAMES.items()}
    rules = []
    for seq, entry in _table(root, "router policy").entries.items():
        gateway = _ip(entry.value("gateway"))
        if entry.value("status", "enable") != "enable" or gateway is None:
            continue
        tos = int(entry.value("tos", "0x00"), 16)
        source = entry.value("src", _ANY)
        if tos:
            dscp = tos >> 2
            match = f"dscp {names.get(dscp, str(dscp))}"
        elif source != _ANY:
            network = IPv4Network(source.replace(" ", "/"), strict=False)
            match = f"source {network}"
        else:
            match = "any"
        comment = entry.value("comments")
        rules.append(
            PbrFacts(
                name=comment.removeprefix("EGRESS ") if comment else seq,
                seq=int(seq),
                in_interface=(entry.get("input-device") or (None,))[0],
                match=match,
                next_hop=gateway,
            )
        )
    return tuple(rules)


def _ha(root: Node) -> HaFacts | None:
    ha = root.block("system ha") or Node()
    mode = ha.value("mode", "standalone")
    pickup = ha.value("session-pickup", "disable") == "enable"
    priority = int(ha.value("priority", "128"))
    if mode in ("a-p", "a-a"):
        hbdev = [t for t in (ha.get("hbdev") or ()) if not t.isdigit()]
        return HaFacts("cluster", int(ha.value("group-id", "0")), priority,
                       hbdev[0] if hbdev else None, None, pickup, mode)  # fmt: skip
    fgsp = root.block("system standalone-cluster")
    if fgsp is None or fgsp.is_void():
        return None
    peers = _table(fgsp, "cluster-peer").entries.values()
    peer = next((_ip(p.value("peerip")) for p in peers if _ip(p.value("peerip"))), None)
    return HaFacts("sync-pair", int(fgsp.value("standalone-group-id", "0")), priority,
                   fgsp.value("session-sync-dev") or None, peer, pickup, "a-a")  # fmt: skip
