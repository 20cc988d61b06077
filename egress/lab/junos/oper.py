"""Operational RPCs: what PyEZ's facts and napalm's getters ask, and the ``command`` RPC.

PyEZ gathers facts lazily and reads particular elements, so these replies follow the real
ones where PyEZ looks (``shared/real-outputs`` and ``jnpr/junos/facts``): the RE name in
``multi-routing-engine-item/re-name``, the private-instance addresses that map to
``/etc/hosts.junos`` names, ``junos:seconds`` on times. RPCs a standalone SRX does not
support (virtual chassis, cluster status) fail the way they fail there. The validation show
commands (VRRP, BFD, RPM, routes, chassis cluster) live in :mod:`.oper_net`, except ``show
interfaces filters`` (filter-based forwarding), which is read from the interfaces; on a chassis
cluster member every text reply ends with the CLI's node banner (``{primary:node0}``), carried
as ``<cli><banner>`` after ``<output>`` the way ``| display xml`` replies carry it.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable

from lxml import etree

from egress.lab.junos import config as cfg
from egress.lab.junos import jsonfmt, netstate_xml, oper_net, show
from egress.lab.junos.commit import DatabaseError
from egress.lab.junos.compare import compare
from egress.lab.junos.config import Seg, split_words
from egress.lab.junos.rpc import (
    Handler,
    RpcContext,
    RpcErrorInfo,
    RpcFailure,
    get_commit_information,
    junos_attr,
    render_configuration,
    text_element,
    timestamp,
)
from egress.lab.junos.setfmt import render_set

HOSTS_JUNOS = """#
# Copyright (c) 2012-2021, Juniper Networks, Inc.
# All rights reserved.
#
128.0.0.1               master
128.0.0.4               re0
128.0.0.5               re1
128.0.0.6               backup
"""


def _stamp(parent: etree._Element, tag: str, seconds: float, text: str | None = None) -> None:
    element = etree.SubElement(parent, tag, {junos_attr("seconds"): str(int(seconds))})
    element.text = text if text is not None else timestamp(seconds)


def system_uptime(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    device = ctx.device
    now = time.time()
    # PyEZ reads an uptime of 0 as "unknown": a box that answers has been up a second.
    up = max(1, int(now - device.booted))
    info = etree.Element("system-uptime-information")
    current = etree.SubElement(info, "current-time")
    _stamp(current, "date-time", now)
    etree.SubElement(info, "time-source").text = " LOCAL CLOCK "
    booted = etree.SubElement(info, "system-booted-time")
    _stamp(booted, "date-time", device.booted)
    _stamp(booted, "time-length", up, show.uptime_text(up))
    head = device.db.history[0]
    configured = etree.SubElement(info, "last-configured-time")
    _stamp(configured, "date-time", head.seconds)
    _stamp(configured, "time-length", now - head.seconds, show.uptime_text(int(now - head.seconds)))
    etree.SubElement(configured, "user").text = head.user
    uptime = etree.SubElement(info, "uptime-information")
    _stamp(uptime, "up-time", up, show.uptime_text(up))
    etree.SubElement(uptime, "active-user-count").text = "1"
    return [info]


def software_information(ctx: RpcContext) -> etree._Element:
    device = ctx.device
    info = etree.Element("software-information")
    etree.SubElement(info, "host-name").text = device.hostname
    etree.SubElement(info, "product-model").text = device.model
    etree.SubElement(info, "product-name").text = device.model
    etree.SubElement(info, "junos-version").text = device.version
    package = etree.SubElement(info, "package-information")
    etree.SubElement(package, "name").text = "junos"
    etree.SubElement(package, "comment").text = f"JUNOS Software Release [{device.version}]"
    return info


def all_routing_engines(element: etree._Element) -> etree._Element:
    """Wrap a reply as ``invoke-on all-routing-engines`` does on a single-RE box."""
    results = etree.Element("multi-routing-engine-results")
    item = etree.SubElement(results, "multi-routing-engine-item")
    etree.SubElement(item, "re-name").text = "re0"
    item.append(element)
    return results


def get_software_information(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    return [software_information(ctx)]


def _interface_xml(phy: show.PhysicalInterface, *, terse: bool, booted: float) -> etree._Element:
    element = etree.Element("physical-interface")
    etree.SubElement(element, "name").text = phy.name
    etree.SubElement(element, "admin-status").text = "up" if phy.admin_up else "down"
    etree.SubElement(element, "oper-status").text = "up" if phy.oper_up else "down"
    if not terse:
        if phy.description:
            etree.SubElement(element, "description").text = phy.description
        etree.SubElement(element, "mtu").text = str(phy.mtu)
        etree.SubElement(element, "speed").text = phy.speed
        etree.SubElement(element, "current-physical-address").text = phy.mac
        etree.SubElement(element, "hardware-physical-address").text = phy.mac
        flapped = etree.SubElement(
            element, "interface-flapped", {junos_attr("seconds"): str(int(time.time() - booted))}
        )
        flapped.text = timestamp(booted)
    for unit in phy.units:
        logical = etree.SubElement(element, "logical-interface")
        etree.SubElement(logical, "name").text = unit.name
        if unit.description and not terse:
            etree.SubElement(logical, "description").text = unit.description
        etree.SubElement(logical, "admin-status").text = "up" if unit.admin_up else "down"
        etree.SubElement(logical, "oper-status").text = "up" if unit.oper_up else "down"
        etree.SubElement(logical, "filter-information")
        for family, addresses in unit.families:
            fam = etree.SubElement(logical, "address-family")
            etree.SubElement(fam, "address-family-name").text = family
            for address in addresses:
                ifa = etree.SubElement(fam, "interface-address")
                etree.SubElement(ifa, "ifa-local", {junos_attr("emit"): "emit"}).text = address
    return element


def _private_instance() -> etree._Element:
    # The RE's internal interface: PyEZ maps these addresses through /etc/hosts.junos
    # to the ``current_re`` fact (["master", "re0"]).
    info = etree.Element("interface-information", {junos_attr("style"): "terse"})
    phy = show.PhysicalInterface(
        name="em0",
        admin_up=True,
        oper_up=True,
        units=(
            show.LogicalInterface(
                name="em0.0",
                admin_up=True,
                oper_up=True,
                families=(("inet", ("128.0.0.1/2", "128.0.0.4/2")),),
            ),
        ),
    )
    info.append(_interface_xml(phy, terse=True, booted=0))
    return info


def interface_information(ctx: RpcContext, *, terse: bool, name: str | None) -> etree._Element:
    style = {junos_attr("style"): "terse"} if terse else {junos_attr("style"): "normal"}
    info = etree.Element("interface-information", style)
    for phy in ctx.device.interfaces():
        if name and name not in (phy.name, *(u.name for u in phy.units)):
            continue
        info.append(_interface_xml(phy, terse=terse, booted=ctx.device.booted))
    if name and not len(info):
        raise RpcFailure(RpcErrorInfo(message=f"device {name} not found", tag="invalid-value"))
    return info


def get_interface_information(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    if (rpc.findtext("routing-instance") or "").strip() == "__juniper_private1__":
        return [_private_instance()]
    terse = rpc.find("terse") is not None
    name = (rpc.findtext("interface-name") or "").strip() or None
    return [interface_information(ctx, terse=terse, name=name)]


def chassis_inventory(ctx: RpcContext) -> etree._Element:
    inventory = etree.Element("chassis-inventory")
    chassis = etree.SubElement(inventory, "chassis", {junos_attr("style"): "inventory"})
    etree.SubElement(chassis, "name").text = "Chassis"
    etree.SubElement(chassis, "serial-number").text = ctx.device.serial
    etree.SubElement(chassis, "description").text = ctx.device.model.upper()
    module = etree.SubElement(chassis, "chassis-module")
    etree.SubElement(module, "name").text = "Routing Engine 0"
    etree.SubElement(module, "description").text = f"RE-{ctx.device.model.upper()}"
    return inventory


def get_chassis_inventory(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    return [chassis_inventory(ctx)]


def get_route_engine_information(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    info = etree.Element("route-engine-information")
    engine = etree.SubElement(info, "route-engine")
    etree.SubElement(engine, "slot").text = "0"
    etree.SubElement(engine, "mastership-state").text = "master"
    etree.SubElement(engine, "status").text = "OK"
    etree.SubElement(engine, "model").text = f"RE-{ctx.device.model.upper()}"
    up = int(time.time() - ctx.device.booted)
    _stamp(engine, "up-time", up, show.uptime_text(up))
    etree.SubElement(engine, "last-reboot-reason").text = "Router rebooted after a normal shutdown."
    return [info]


def _unsupported(message: str) -> Handler:
    def handler(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
        raise RpcFailure(RpcErrorInfo(message=message))

    return handler


def file_show(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    filename = (rpc.findtext("filename") or "").strip()
    if filename == "/etc/hosts.junos":
        return [text_element("file-content", HOSTS_JUNOS, filename=filename)]
    raise RpcFailure(RpcErrorInfo(message=f"could not resolve file: {filename}"))


def file_list(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    home = f"/var/home/{ctx.user}/"
    listing = etree.Element("directory-list", {"root-path": home})
    directory = etree.SubElement(listing, "directory")
    etree.SubElement(directory, "directory-name").text = home
    return [listing]


# -- the command RPC ----------------------------------------------------------------------
Renderer = Callable[[RpcContext, list[str], bool], etree._Element | str]


def _show_version(ctx: RpcContext, args: list[str], xml: bool) -> etree._Element | str:
    everywhere = args[:2] == ["invoke-on", "all-routing-engines"]
    if xml:
        info = software_information(ctx)
        return all_routing_engines(info) if everywhere else info
    view = ctx.device.cluster_view()
    if view is not None and view.hosts:
        # a chassis cluster answers for both nodes, each under its "nodeN:" heading (ntc-
        # templates' juniper_junos_show_version_srx_cluster.raw); both run one release
        blocks = [
            f"node{node}:\n"
            + "-" * 74
            + "\n"
            + show.show_version(hostname=host, model=ctx.device.model, version=ctx.device.version)
            for node, host in sorted(view.hosts.items())
        ]
        return "\n".join(blocks)
    text = show.show_version(
        hostname=ctx.device.hostname, model=ctx.device.model, version=ctx.device.version
    )
    return "re0:\n" + "-" * 74 + "\n" + text if everywhere else text


def _show_configuration(ctx: RpcContext, args: list[str], xml: bool) -> etree._Element | str:
    tree = ctx.device.db.committed()
    path = Seg.path(split_words(list(args), (), more=True)) if args else []
    node = tree.find(path)
    if node is None:
        return ""
    if xml:
        selected = _along(tree, path) if path else tree
        return render_configuration(ctx.device, selected, fmt="xml", committed=True)
    if path:
        return show.show_configuration(node)
    head = ctx.device.db.history[0]
    return show.show_configuration(tree, version=ctx.device.version, last_commit=head)


def _along(tree: cfg.Node, path: list[str]) -> cfg.Node:
    """``tree`` cut down to one hierarchy level and the statements leading to it."""
    root = cfg.new_root()
    source, target = tree, root
    for index, key in enumerate(path):
        child = source.children[key]
        last = index == len(path) - 1
        copy = child.clone() if last else cfg.Node(child.key, child.keyword, child.ident)
        target.children[key] = copy
        source, target = child, copy
    return root


def _show_interfaces(ctx: RpcContext, args: list[str], xml: bool) -> etree._Element | str:
    if args[:1] == ["filters"]:
        return _show_interfaces_filters(ctx, args[1:], xml)
    terse = "terse" in args
    names = [a for a in args if a != "terse"]
    if not terse:
        raise RpcFailure(
            RpcErrorInfo(message="the lab prints only 'show interfaces terse' and 'filters'")
        )
    if xml:
        return interface_information(ctx, terse=True, name=names[0] if names else None)
    interfaces = [
        phy
        for phy in ctx.device.interfaces()
        if not names or names[0] in (phy.name, *(u.name for u in phy.units))
    ]
    return show.show_interfaces_terse(interfaces)


def _show_interfaces_filters(ctx: RpcContext, args: list[str], xml: bool) -> str:
    if xml:
        raise RpcFailure(RpcErrorInfo(message="the lab prints 'show interfaces filters' as text"))
    interfaces = ctx.device.interfaces()
    name = args[0] if args else None
    if name and not any(name in (p.name, *(u.name for u in p.units)) for p in interfaces):
        raise RpcFailure(RpcErrorInfo(message=f"device {name} not found", tag="invalid-value"))
    return show.show_interfaces_filters(interfaces, name=name)


def _show_system(ctx: RpcContext, args: list[str], xml: bool) -> etree._Element | str:
    if args[:1] == ["commit"]:
        if xml:
            return get_commit_information(ctx, etree.Element("get-commit-information"))[0]
        return show.show_system_commit(ctx.device.db.history)
    if args[:1] == ["uptime"]:
        if xml:
            return system_uptime(ctx, etree.Element("get-system-uptime-information"))[0]
        return show.show_system_uptime(
            now=time.time(), booted=ctx.device.booted, last_commit=ctx.device.db.history[0]
        )
    raise _bad_command(args[0] if args else "system")


COMMANDS: dict[str, Renderer] = {
    "version": _show_version,
    "configuration": _show_configuration,
    "interfaces": _show_interfaces,
    "system": _show_system,
    **oper_net.COMMANDS,
}


def _bad_command(word: str) -> RpcFailure:
    return RpcFailure(RpcErrorInfo(message="syntax error, expecting <command>", bad_element=word))


def command(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    line = (rpc.text or "").strip()
    base, *pipes = [part.strip() for part in line.split("|")]
    display = [p.split(None, 1)[1] if " " in p else "" for p in pipes if p.startswith("display")]
    filters = [p for p in pipes if not p.startswith(("display", "no-more", "compare"))]
    compares = [p.split() for p in pipes if p.startswith("compare")]
    fmt = rpc.get("format", "xml")
    # "| display json" prints the reply's XML in Junos's JSON form (jsonfmt)
    as_json = "json" in display or fmt == "json"
    xml = fmt == "xml" or "xml" in display or as_json
    try:
        words = shlex.split(base)
    except ValueError as err:
        raise _bad_command(base) from err
    if len(words) < 2 or words[0] != "show" or words[1] not in COMMANDS:
        raise _bad_command(words[1] if len(words) > 1 else (words[0] if words else ""))
    if words[1] == "configuration" and compares:
        arg = compares[0][2] if len(compares[0]) > 2 else "0"
        try:
            base_tree = ctx.device.db.rollback_config(int(arg))
        except (DatabaseError, ValueError) as err:
            raise RpcFailure(RpcErrorInfo(message=str(err), bad_element=arg)) from err
        result: etree._Element | str = compare(base_tree, ctx.device.db.committed())
        xml = False
    elif words[1] == "configuration" and "set" in display:
        committed = ctx.device.db.committed()
        path = Seg.path(split_words(list(words[2:]), (), more=True))
        result = render_set(_along(committed, path)) if path else render_set(committed)
        xml = False
    else:
        result = COMMANDS[words[1]](ctx, words[2:], xml)
    banner = ctx.device.banner()
    if as_json:
        if isinstance(result, str):
            # the lab renders this command as text only; a real Junos would print JSON,
            # so the lab says what it cannot do rather than answer in the wrong form
            raise RpcFailure(
                RpcErrorInfo(message=f"the lab prints 'show {words[1]}' without | display json")
            )
        return [text_element("output", jsonfmt.render(result))]
    if isinstance(result, str):
        text = show.apply_pipes(result, filters)
        if words[1] == "configuration":
            # Junos answers configuration text in <configuration-output>, not <output>.
            info = etree.Element("configuration-information")
            info.append(text_element("configuration-output", text))
            return [info]
        # A cluster member follows its output with the node banner (the CLI prints it
        # before the next prompt); PyEZ's cli() returns the whole reply's text, banner last.
        tail = [netstate_xml.cli_banner(banner)] if banner else []
        return [text_element("output", text), *tail]
    if words[1] in oper_net.BANNERED:
        return [result, netstate_xml.cli_banner(banner)]
    return [result]


OPER_HANDLERS: dict[str, Handler] = {
    "get-system-uptime-information": system_uptime,
    "get-software-information": get_software_information,
    "get-interface-information": get_interface_information,
    "get-chassis-inventory": get_chassis_inventory,
    "get-route-engine-information": get_route_engine_information,
    "get-virtual-chassis-information": _unsupported(
        "the virtual-chassis-control subsystem is not running"
    ),
    "get-chassis-cluster-status": oper_net.get_chassis_cluster_status,
    "file-show": file_show,
    "file-list": file_list,
    "command": command,
}
