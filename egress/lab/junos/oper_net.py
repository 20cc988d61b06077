"""The ``command`` RPC's validation show commands: VRRP, BFD, RPM, routes, chassis cluster.

Each reads the device's facts and the lab simulation's state for it
(:meth:`JunosDevice.network_state`) and renders with :mod:`.netstate` (text) or
:mod:`.netstate_xml` (``| display xml``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from ipaddress import IPv4Network

from lxml import etree

from egress.lab.junos import bgp_adv, fwdtable, netstate, netstate_xml
from egress.lab.junos import facts as facts_mod
from egress.lab.junos.rpc import RpcContext, RpcErrorInfo, RpcFailure

Renderer = Callable[[RpcContext, list[str], bool], etree._Element | str]
DEFAULT = IPv4Network("0.0.0.0/0")


def _syntax(word: str) -> RpcFailure:
    return RpcFailure(RpcErrorInfo(message="syntax error, expecting <command>", bad_element=word))


def _uptime(ctx: RpcContext) -> float:
    return time.time() - ctx.device.booted


def _vrrp(ctx: RpcContext, args: list[str], xml: bool) -> etree._Element | str:
    if xml:
        raise RpcFailure(RpcErrorInfo(message="the lab prints 'show vrrp' as text only"))
    facts, op = ctx.device.network_state()
    if args[:1] in (["detail"], ["extensive"]):
        return netstate.show_vrrp_detail(facts, op, uptime_s=_uptime(ctx))
    if args in ([], ["summary"]):
        return netstate.show_vrrp_summary(facts, op)
    raise _syntax(args[0])


def _bfd(ctx: RpcContext, args: list[str], xml: bool) -> etree._Element | str:
    if args[:1] != ["session"]:
        raise _syntax(args[0] if args else "bfd")
    _, op = ctx.device.network_state()
    if xml:
        return netstate_xml.bfd_session_information(op, uptime_s=_uptime(ctx))
    if any(word in args for word in ("detail", "extensive")):
        return netstate.show_bfd_session_detail(op, uptime_s=_uptime(ctx))
    return netstate.show_bfd_session(op)


def _last_probe() -> tuple[str, int]:
    # RPM tests run every few seconds: the last probe went out at the last 5 s boundary
    seconds = int(time.time()) // 5 * 5
    return time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(seconds)), seconds


def _services(ctx: RpcContext, args: list[str], xml: bool) -> etree._Element | str:
    if args[:2] != ["rpm", "probe-results"]:
        raise _syntax(args[0] if args else "services")
    _, op = ctx.device.network_state()
    tests = ctx.device.rpm_tests()
    stamp, seconds = _last_probe()
    if xml:
        return netstate_xml.probe_results(tests, op, stamp=stamp, seconds=seconds)
    return netstate.show_rpm_probe_results(tests, op, stamp=stamp)


def _route(ctx: RpcContext, args: list[str], xml: bool) -> etree._Element | str:
    facts, op = ctx.device.network_state()
    if args[:1] == ["forwarding-table"]:
        return _forwarding_table(ctx, args[1:], xml)
    if args[:1] == ["advertising-protocol"]:
        if args[1:2] != ["bgp"] or len(args) < 3:
            raise _syntax(args[1] if len(args) > 1 else "advertising-protocol")
        if xml:
            raise RpcFailure(
                RpcErrorInfo(message="the lab prints 'show route advertising-protocol' as text")
            )
        root = ctx.device.db.committed()
        return bgp_adv.show_route_advertising_bgp(root, facts, op, args[2])
    words = [a for a in args if a not in ("exact", "table", "inet.0", "protocol", "static")]
    try:
        prefixes = [IPv4Network(words[0])] if words else sorted({r.prefix for r in facts.routes})
    except ValueError as err:
        raise _syntax(words[0]) from err
    if xml:
        return netstate_xml.route_information(
            facts, op, prefix=prefixes[0] if prefixes else DEFAULT, uptime_s=_uptime(ctx)
        )
    texts = [netstate.show_route(facts, op, prefix=p, uptime_s=_uptime(ctx)) for p in prefixes]
    return "".join(texts[:1]) + "".join(t.split("* = Both\n\n", 1)[-1] for t in texts[1:])


def _bgp(ctx: RpcContext, args: list[str], xml: bool) -> etree._Element | str:
    if args != ["summary"]:
        raise _syntax(args[0] if args else "bgp")
    if xml:
        raise RpcFailure(RpcErrorInfo(message="the lab prints 'show bgp summary' as text"))
    facts, op = ctx.device.network_state()
    root = ctx.device.db.committed()
    return bgp_adv.show_bgp_summary(root, facts, op, uptime_s=_uptime(ctx))


def _forwarding_table(ctx: RpcContext, args: list[str], xml: bool) -> str:
    if xml:
        raise RpcFailure(
            RpcErrorInfo(message="the lab prints 'show route forwarding-table' as text only")
        )
    facts, op = ctx.device.network_state()
    words = list(args)
    prefix = None
    if "destination" in words:
        at = words.index("destination")
        try:
            prefix = IPv4Network(words[at + 1])
        except (IndexError, ValueError) as err:
            raise _syntax(words[at + 1] if at + 1 < len(words) else "destination") from err
    if "table" in words and words[words.index("table") + 1 :][:1] not in (["default"], ["inet.0"]):
        return ""  # the lab routes in the default instance only
    committed = ctx.device.db.committed()
    return fwdtable.show_forwarding_table(
        facts, op, prefix=prefix, load_balance=facts_mod.load_balances(committed)
    )


def _chassis(ctx: RpcContext, args: list[str], xml: bool) -> etree._Element | str:
    if args[:2] != ["cluster", "status"]:
        raise _syntax(args[0] if args else "chassis")
    view = ctx.device.cluster_view()
    if view is None:
        raise RpcFailure(RpcErrorInfo(message="Chassis cluster is not enabled."))
    _, op = ctx.device.network_state()
    if xml:
        return netstate_xml.chassis_cluster_status(view, op)
    return netstate.show_chassis_cluster_status(view, op)


XNM_NS = "http://xml.juniper.net/xnm/1.1/xnm"


def get_chassis_cluster_status(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    view = ctx.device.cluster_view()
    if view is None:
        # a standalone SRX answers with an xnm:error element, not an rpc-error (PyEZ's
        # srx_cluster fact reads it as False: py-junos-eznc tests/unit/facts/rpc-reply/
        # cluster_false_get-chassis-cluster-status.xml)
        error = etree.Element(f"{{{XNM_NS}}}error", nsmap={"xnm": XNM_NS})
        etree.SubElement(error, f"{{{XNM_NS}}}parse")
        etree.SubElement(error, f"{{{XNM_NS}}}source-daemon").text = "jsrpd"
        etree.SubElement(
            error, f"{{{XNM_NS}}}message"
        ).text = "error: Chassis cluster is not enabled"
        return [error]
    _, op = ctx.device.network_state()
    return [netstate_xml.chassis_cluster_status(view, op)]


COMMANDS: dict[str, Renderer] = {
    "vrrp": _vrrp,
    "bfd": _bfd,
    "services": _services,
    "route": _route,
    "chassis": _chassis,
    "bgp": _bgp,
}
# the XML forms a real reply follows with its <cli><banner> (the node banner of a cluster)
BANNERED = frozenset(COMMANDS)
