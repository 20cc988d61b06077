"""Operational state and the text of Junos show commands, as pure functions.

The state comes from the committed configuration plus whatever says which links are up
(:func:`interfaces_from_config` takes that as ``link_up``); the lab-wide operational simulator
plugs in there. Formats follow real captures (``shared/real-outputs/juniper_junos``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from egress.lab.junos.commit import Revision
from egress.lab.junos.config import Node, render_text


@dataclass(frozen=True)
class LogicalInterface:
    name: str
    admin_up: bool
    oper_up: bool
    families: tuple[tuple[str, tuple[str, ...]], ...]
    description: str | None = None
    # (family, input filter, output filter) of each family that has a filter ("" for none)
    filters: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class PhysicalInterface:
    name: str
    admin_up: bool
    oper_up: bool
    units: tuple[LogicalInterface, ...]
    description: str | None = None
    mac: str = "00:00:00:00:00:00"
    speed: str = "1000mbps"
    mtu: int = 1514


def _leaf(node: Node | None, key: str) -> str | None:
    if node is None:
        return None
    child = node.children.get(key)
    return child.values[0] if child is not None and child.values else None


def _mac(name: str, index: int) -> str:
    return f"2c:6b:f5:{(index >> 8) & 0xFF:02x}:{index & 0xFF:02x}:{len(name):02x}"


def interfaces_from_config(
    config: Node,
    *,
    hardware: Sequence[str],
    link_up: Callable[[str], bool] = lambda _name: True,
) -> list[PhysicalInterface]:
    """Physical ports plus configured interfaces, with their units and addresses."""
    section = config.children.get("interfaces")
    configured = [] if section is None else [n for n in section.children.values() if n.ident]
    names = list(hardware) + [n.ident for n in configured if n.ident not in hardware]
    result: list[PhysicalInterface] = []
    for index, name in enumerate(names):
        assert name is not None
        node = section.children.get(name) if section is not None else None
        admin = node is None or "disable" not in node.children
        oper = admin and link_up(name)
        units: list[LogicalInterface] = []
        for unit in [] if node is None else node.children.values():
            if unit.keyword != "unit" or unit.ident is None:
                continue
            families = tuple(
                (
                    family.ident or "",
                    tuple(
                        a.ident or "" for a in family.children.values() if a.keyword == "address"
                    ),
                )
                for family in unit.children.values()
                if family.keyword == "family"
            )
            unit_admin = "disable" not in unit.children
            units.append(
                LogicalInterface(
                    name=f"{name}.{unit.ident}",
                    admin_up=unit_admin,
                    oper_up=oper and unit_admin,
                    families=families,
                    description=_leaf(unit, "description"),
                    filters=_unit_filters(unit),
                )
            )
        result.append(
            PhysicalInterface(
                name=name,
                admin_up=admin,
                oper_up=oper,
                units=tuple(units),
                description=_leaf(node, "description"),
                mac=_mac(name, index),
            )
        )
    return result


def _unit_filters(unit: Node) -> tuple[tuple[str, str, str], ...]:
    """``family <f> filter input|output <name>`` of one unit, per family that has one."""
    found = []
    for family in unit.children.values():
        applied = family.children.get("filter") if family.keyword == "family" else None
        if applied is None:
            continue
        inbound, outbound = _leaf(applied, "input") or "", _leaf(applied, "output") or ""
        if inbound or outbound:
            found.append((family.ident or "", inbound, outbound))
    return tuple(found)


def _updown(flag: bool) -> str:
    return "up" if flag else "down"


def show_interfaces_terse(interfaces: Sequence[PhysicalInterface]) -> str:
    """``show interfaces terse``: name 24, admin 6, link 5, proto 9, local 22 columns."""
    lines = ["Interface               Admin Link Proto    Local                 Remote"]
    for phy in interfaces:
        lines.append(f"{phy.name:<24}{_updown(phy.admin_up):<6}{_updown(phy.oper_up)}")
        for unit in phy.units:
            head = f"{unit.name:<24}{_updown(unit.admin_up):<6}{_updown(unit.oper_up):<5}"
            if not unit.families:
                lines.append(head.rstrip())
                continue
            for number, (family, addresses) in enumerate(unit.families):
                prefix = head if number == 0 else " " * 35
                if not addresses:
                    lines.append(f"{prefix}{family}")
                    continue
                lines.append(f"{prefix}{family:<9}{addresses[0]}")
                lines.extend(" " * 44 + address for address in addresses[1:])
    return "\n".join(lines) + "\n"


def show_interfaces_filters(interfaces: Sequence[PhysicalInterface], *, name: str | None) -> str:
    """``show interfaces filters [name]``: interface 16, admin 6, link 5, proto 6, input
    filter 21 columns, then the output filter. Each family of a unit is a line of its own
    (the first on the unit's line); physical ports print without families. ``name`` a
    unit prints that unit alone, a port the port and its units."""
    lines = ["Interface       Admin Link Proto Input Filter         Output Filter"]
    for phy in interfaces:
        if name in (None, phy.name):
            lines.append(f"{phy.name:<15} {_updown(phy.admin_up):<5} {_updown(phy.oper_up):<4}")
        for unit in phy.units:
            if name not in (None, phy.name, unit.name):
                continue
            head = f"{unit.name:<15} {_updown(unit.admin_up):<5} {_updown(unit.oper_up):<4}"
            if not unit.families:
                lines.append(head)
                continue
            applied = {family: (inbound, outbound) for family, inbound, outbound in unit.filters}
            for number, (family, _addresses) in enumerate(unit.families):
                prefix = head + " " if number == 0 else " " * 27
                inbound, outbound = applied.get(family, ("", ""))
                if inbound or outbound:
                    lines.append(f"{prefix}{family:<5} {inbound:<20} {outbound}".rstrip())
                else:
                    lines.append(f"{prefix}{family:<5}")
    return "\n".join(lines) + "\n"


def show_version(*, hostname: str, model: str, version: str) -> str:
    """``show version`` of a single-RE SRX/MX."""
    packages = [
        f"JUNOS OS Kernel 64-bit  [{version}]",
        f"JUNOS OS libs [{version}]",
        f"JUNOS OS runtime [{version}]",
        f"JUNOS network stack and utilities [{version}]",
        f"JUNOS libs [{version}]",
        f"JUNOS runtime [{version}]",
        f"JUNOS daemons [{version}]",
    ]
    return f"Hostname: {hostname}\nModel: {model}\nJunos: {version}\n" + "\n".join(packages) + "\n"


def show_configuration(
    tree: Node, *, version: str | None = None, last_commit: Revision | None = None
) -> str:
    """``show configuration``: the whole tree starts with the commit line and ``version``;
    a hierarchy level (``show configuration interfaces``) prints only what is inside it."""
    header = ""
    if last_commit is not None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(last_commit.seconds))
        header += f"## Last commit: {stamp} by {last_commit.user}\n"
    if version is not None:
        header += f"version {version};\n"
    return header + render_text(tree)


def show_system_commit(history: Sequence[Revision]) -> str:
    """``show system commit``: newest first, comments indented under each line."""
    lines: list[str] = []
    for number, revision in enumerate(history):
        stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(revision.seconds))
        lines.append(f"{number:<4}{stamp} by {revision.user} via {revision.client}")
        if revision.comment:
            lines.append(f"    {revision.comment}")
    return "\n".join(lines) + "\n"


def show_system_uptime(*, now: float, booted: float, last_commit: Revision) -> str:
    def stamp(seconds: float) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))

    up = int(now - booted)
    return (
        f"Current time: {stamp(now)}\n"
        f"Time Source:  LOCAL CLOCK\n"
        f"System booted: {stamp(booted)} ({uptime_text(up)} ago)\n"
        f"Last configured: {stamp(last_commit.seconds)} "
        f"({uptime_text(int(now - last_commit.seconds))} ago) by {last_commit.user}\n"
    )


def uptime_text(seconds: int) -> str:
    days, rest = divmod(max(seconds, 0), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{days}d {clock}" if days else clock


# -- pipes --------------------------------------------------------------------------------
def apply_pipes(text: str, pipes: Sequence[str]) -> str:
    """Junos output filters: ``match``, ``except``, ``find``, ``count``, ``last``, ``trim``.

    ``display …`` and ``no-more`` change how the command runs, not the text, so the caller
    handles them; unknown filters are ignored as ``no-more`` is.
    """
    for pipe in pipes:
        words = pipe.split(None, 1)
        if not words:
            continue
        verb, arg = words[0], (words[1].strip().strip('"') if len(words) > 1 else "")
        lines = text.splitlines()
        if verb == "match":
            text = "\n".join(line for line in lines if re.search(arg, line)) + "\n"
        elif verb == "except":
            text = "\n".join(line for line in lines if not re.search(arg, line)) + "\n"
        elif verb == "find":
            index = next((i for i, line in enumerate(lines) if re.search(arg, line)), None)
            text = "" if index is None else "\n".join(lines[index:]) + "\n"
        elif verb == "count":
            text = f"Count: {len(lines)} lines\n"
        elif verb == "last" and arg.isdigit():
            text = "\n".join(lines[-int(arg) :]) + "\n"
        elif verb == "trim" and arg.isdigit():
            text = "\n".join(line[int(arg) :] for line in lines) + "\n"
    return text
