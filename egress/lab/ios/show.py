"""Show output as pure functions of (running config, operational state).

Formats follow real IOS-XE output (see /work/shared/real-outputs/cisco_ios/): napalm's
``get_facts`` and the project's TTP templates parse exactly these texts. The lab-wide
operational-state simulator (:mod:`egress.lab.world`) says which links are cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from egress.lab.ios.config import Node, hostname_of, ordered, render_body

VERSION = "17.09.04a"
MODEL = "C8000V"
MAX_NVRAM = 33_554_432


@dataclass(frozen=True)
class DeviceState:
    """What the device itself knows that is not configuration (the lab-wide simulation's
    :class:`egress.lab.world.OpState` adds what the network around it does)."""

    boot_time: datetime
    serial: str = "9ABCDEFGH12"
    release: str = "17.9.4a"  # the IOS-XE release (inventory os_release)
    links_down: frozenset[str] = field(default_factory=frozenset)  # interface names


def _uptime(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    weeks, days = divmod(days, 7)
    parts: list[str] = []
    for value, unit in ((weeks, "week"), (days, "day"), (hours, "hour"), (minutes, "minute")):
        if value or (unit == "minute" and not parts):
            parts.append(f"{value} {unit}{'' if value == 1 else 's'}")
    return ", ".join(parts)


def interfaces(root: Node) -> list[Node]:
    return [c for c in ordered(root) if c.text.startswith("interface ")]


# IOS-XE release trains by their code names, as "show version" prints them
_TRAIN_NAMES = {
    "16.9": "Fuji",
    "16.12": "Gibraltar",
    "17.3": "Amsterdam",
    "17.6": "Bengaluru",
    "17.9": "Cupertino",
    "17.12": "Dublin",
}


def _long_version(release: str) -> str:
    """ "17.9.4a" -> "17.09.04a": the first line's zero-padded form of the release."""
    major, minor, patch = (release.split(".") + ["0", "0"])[:3]
    digits = re.match(r"\d*", patch)
    number = digits.group(0) if digits else ""
    return f"{major}.{int(minor):02d}.{int(number or 0):02d}{patch[len(number) :]}"


def show_version(root: Node, op: DeviceState, *, now: datetime) -> str:
    host = hostname_of(root)
    release = op.release
    train = _TRAIN_NAMES.get(".".join(release.split(".")[:2]), "Cupertino")
    uptime = _uptime((now - op.boot_time).total_seconds())
    gig = sum(1 for i in interfaces(root) if i.text.startswith("interface GigabitEthernet"))
    return f"""Cisco IOS XE Software, Version {_long_version(release)}
Cisco IOS Software [{train}], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), \
Version {release}, RELEASE SOFTWARE (fc3)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2023 by Cisco Systems, Inc.
Compiled Fri 20-Oct-23 10:44 by mcpre


Cisco IOS-XE software, Copyright (c) 2005-2023 by cisco Systems, Inc.
All rights reserved.  Certain components of Cisco IOS-XE software are
licensed under the GNU General Public License ("GPL") Version 2.0.  The
software code licensed under GPL Version 2.0 is free software that comes
with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such
GPL code under the terms of GPL Version 2.0.  For more details, see the
documentation or "License Notice" file accompanying the IOS-XE software,
or the applicable URL provided on the flyer accompanying the IOS-XE
software.


ROM: IOS-XE ROMMON

{host} uptime is {uptime}
Uptime for this control processor is {uptime}
System returned to ROM by reload
System image file is "bootflash:packages.conf"
Last reload reason: reload



This product contains cryptographic features and is subject to United
States and local country laws governing import, export, transfer and
use. Delivery of Cisco cryptographic products does not imply
third-party authority to import, export, distribute or use encryption.
Importers, exporters, distributors and users are responsible for
compliance with U.S. and local country laws. By using this product you
agree to comply with applicable laws and regulations. If you are unable
to comply with U.S. and local laws, return this product immediately.

A summary of U.S. laws governing Cisco cryptographic products may be found at:
http://www.cisco.com/wwl/export/crypto/tool/stqrg.html

If you require further assistance please contact us by sending email to
export@cisco.com.

Technology Package License Information:

-----------------------------------------------------------------
Technology    Technology-package           Technology-package
              Current       Type           Next reboot
------------------------------------------------------------------
network-advantage  network-advantage  Smart License  network-advantage

The current throughput level is 250000 kbps


Smart Licensing Status: Smart Licensing Using Policy

cisco {MODEL} (VXE) processor (revision VXE) with 1987459K/3075K bytes of memory.
Processor board ID {op.serial}
Router operating mode: Autonomous
{gig} Gigabit Ethernet interfaces
32768K bytes of non-volatile configuration memory.
3965340K bytes of physical memory.
11526144K bytes of virtual hard disk at bootflash:.

Configuration register is 0x2102

"""


def show_hosts(root: Node) -> str:
    domain = next(
        (c.text.split()[-1] for c in root.children if re.match(r"ip domain[ -]name ", c.text)),
        None,
    )
    servers = [s for c in root.top("ip name-server ") for s in c.text.split()[2:]]
    return (
        (f"Default domain is {domain}\n" if domain else "Default domain is not set\n")
        + "Name/address lookup uses domain service\n"
        + f"Name servers are {', '.join(servers) if servers else '255.255.255.255'}\n"
        + "\nCodes: UN - unknown, EX - expired, OK - OK, ?? - revalidate\n"
        + "       temp - temporary, perm - permanent\n"
        + "       NA - Not Applicable None - Not defined\n\n"
        + "Host                      Port  Flags      Age Type   Address(es)\n"
    )


def show_ip_interface_brief(root: Node, op: DeviceState) -> str:
    lines = ["Interface              IP-Address      OK? Method Status                Protocol"]
    for iface in interfaces(root):
        name = iface.text.split()[1]
        address = next(
            (c.text.split()[2] for c in iface.children if re.match(r"ip address \d", c.text)),
            None,
        )
        dhcp = iface.child("ip address dhcp") is not None
        method = "DHCP" if dhcp else ("manual" if address else "unset")
        if iface.child("shutdown") is not None:
            status, protocol = "administratively down", "down"
        elif name in op.links_down:
            status, protocol = "down", "down"
        else:
            status, protocol = "up", "up"
        shown = address or "unassigned"
        lines.append(f"{name:<23}{shown:<16}YES {method:<7}{status:<22}{protocol}")
    return "\n".join(lines) + "\n"


def saved_config(root: Node, *, last_change: str, nvram_updated: str | None = None) -> str:
    """The config as IOS writes it to a file (``copy running-config flash:…``) or to NVRAM."""
    header = ["!", f"! Last configuration change at {last_change}"]
    if nvram_updated is not None:
        header.append(f"! NVRAM config last updated at {nvram_updated}")
    header.append("!")
    return "\n".join([*header, *render_body(root), "end"]) + "\n"


def show_running_config(root: Node, *, last_change: str) -> str:
    text = saved_config(root, last_change=last_change)
    return f"Building configuration...\n\nCurrent configuration : {len(text)} bytes\n{text}"


def show_startup_config(saved: str | None) -> str:
    if saved is None:
        return "startup-config is not present\n"
    return f"Using {len(saved)} out of {MAX_NVRAM} bytes\n{saved}"


_PIPE = re.compile(r"^\s*(include|exclude|begin|section|count)\s+(.*)$")
_PIPE_WORDS = ("include", "exclude", "begin", "section", "count")


def apply_pipe(text: str, pipe: str) -> str | None:
    """``| include|exclude|begin|section|count REGEX`` (abbreviations allowed); None: bad pipe."""
    words = pipe.strip().split(None, 1)
    if len(words) < 2:
        return None
    verb = next((w for w in _PIPE_WORDS if w.startswith(words[0].lower())), None)
    if verb is None:
        return None
    try:
        regex = re.compile(words[1].strip())
    except re.error:
        regex = re.compile(re.escape(words[1].strip()))
    lines = text.splitlines()
    if verb == "include":
        kept = [line for line in lines if regex.search(line)]
    elif verb == "exclude":
        kept = [line for line in lines if not regex.search(line)]
    elif verb == "begin":
        start = next((i for i, line in enumerate(lines) if regex.search(line)), len(lines))
        kept = lines[start:]
    elif verb == "count":
        return f"Number of lines which match regexp = {sum(1 for x in lines if regex.search(x))}\n"
    else:
        kept = []
        keep_children = False
        for line in lines:
            if not line.startswith(" "):
                keep_children = bool(regex.search(line))
                if keep_children:
                    kept.append(line)
            elif keep_children or regex.search(line):
                kept.append(line)
    return "\n".join(kept) + ("\n" if kept else "")
