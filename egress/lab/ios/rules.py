"""IOS-XE configuration behaviour as data: sub-modes, prompts, replace keys, ordering.

The emulator has no full IOS parser. What it needs to know about a line — does it open a
sub-mode, which prompt does that mode show, does it replace an older sibling, where does it
sort in ``show running-config`` — is kept here as tables, so adding a command is a data change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ModeRule:
    """A command that opens a sub-mode: ``parent`` is the enclosing mode (None = global)."""

    pattern: re.Pattern[str]
    prompt: str
    parent: str | None = None
    # IOS shows some mode changes without a deeper indent (``ip sla N`` -> ``icmp-echo``):
    # the prompt changes but following lines stay siblings in the running config.
    flat: bool = False


def _mode(regex: str, prompt: str, parent: str | None = None, *, flat: bool = False) -> ModeRule:
    return ModeRule(re.compile(regex), prompt, parent, flat)


MODE_RULES: tuple[ModeRule, ...] = (
    _mode(r"^interface \S+", "config-if"),
    _mode(r"^vrrp \d+ address-family ipv[46]$", "config-if-vrrp", "config-if"),
    _mode(r"^router bgp ", "config-router"),
    _mode(r"^router (ospf|eigrp|rip|isis)\b", "config-router"),
    _mode(r"^address-family ", "config-router-af", "config-router"),
    _mode(r"^address-family ", "config-vrf-af", "config-vrf"),
    _mode(r"^ip sla \d+$", "config-ip-sla"),
    _mode(r"^icmp-echo ", "config-ip-sla-echo", "config-ip-sla", flat=True),
    _mode(r"^tcp-connect ", "config-ip-sla-tcp", "config-ip-sla", flat=True),
    _mode(r"^http (get|raw) ", "config-ip-sla-http", "config-ip-sla", flat=True),
    _mode(r"^udp-jitter ", "config-ip-sla-jitter", "config-ip-sla", flat=True),
    _mode(r"^track \d+ ", "config-track"),
    _mode(r"^route-map \S+", "config-route-map"),
    _mode(r"^redundancy$", "config-red"),
    _mode(r"^application redundancy$", "config-red-app", "config-red"),
    _mode(r"^group \d+$", "config-red-app-grp", "config-red-app"),
    _mode(r"^ip access-list extended ", "config-ext-nacl"),
    _mode(r"^ip access-list standard ", "config-std-nacl"),
    _mode(r"^ip prefix-list \S+$", "config-ip-prefix"),
    _mode(r"^archive$", "config-archive"),
    _mode(r"^log config$", "config-archive-log-cfg", "config-archive"),
    _mode(r"^line (con|vty|aux) ", "config-line"),
    _mode(r"^bfd-template (single|multi)-hop \S+", "config-bfd"),
    _mode(r"^key chain \S+", "config-keychain"),
    _mode(r"^key \d+$", "config-keychain-key", "config-keychain"),
    _mode(r"^class-map ", "config-cmap"),
    _mode(r"^policy-map ", "config-pmap"),
    _mode(r"^class \S+", "config-pmap-c", "config-pmap"),
    _mode(r"^vrf definition \S+", "config-vrf"),
    _mode(r"^control-plane$", "config-cp"),
    _mode(r"^ip dhcp pool \S+", "dhcp-config"),
    _mode(r"^object-group ", "config-network-group"),
    _mode(r"^crypto ", "config-crypto"),
    _mode(r"^event manager applet ", "config-applet"),
)

# Lines that close a section in IOS output ("exit-address-family") act like ``exit``.
SECTION_EXITS = frozenset(
    {
        "exit-address-family",
        "exit-peer-policy",
        "exit-peer-session",
        "exit-af-topology",
        "exit-vrrp",
    }
)


@dataclass(frozen=True)
class SectionExit:
    """An exit line IOS prints to close a sub-section in show running-config."""

    parent: re.Pattern[str]
    child: re.Pattern[str]
    text: str
    inside: bool  # printed as the section's last child (exit-vrrp) or beside it


SECTION_EXIT_TEXT: tuple[SectionExit, ...] = (
    SectionExit(
        re.compile(r"^(router bgp|vrf definition) "),
        re.compile(r"^address-family "),
        "exit-address-family",
        inside=False,
    ),
    SectionExit(
        re.compile(r"^interface "), re.compile(r"^vrrp \d+ address-family "), "exit-vrrp", True
    ),
)

# Commands that belong to global configuration even when typed without indentation inside
# a sub-mode: IOS leaves the sub-mode when a line is not valid there but is valid globally.
GLOBAL_PREFIXES: tuple[str, ...] = (
    "aaa ",
    "access-list ",
    "alias ",
    "archive",
    "banner ",
    "bfd-template ",
    "boot",
    "call-home",
    "cdp ",
    "class-map ",
    "clock ",
    "control-plane",
    "crypto ",
    "enable ",
    "event manager ",
    "fhrp ",
    "file ",
    "hostname ",
    "interface ",
    "ip access-list ",
    "ip as-path ",
    "ip cef",
    "ip community-list ",
    "ip default-gateway ",
    "ip dhcp ",
    "ip domain",
    "ip forward-protocol ",
    "ip ftp ",
    "ip host ",
    "ip http ",
    "ip local ",
    "ip multicast",
    "ip name-server ",
    "ip nat inside source ",
    "ip nat pool ",
    "ip prefix-list ",
    "ip route ",
    "ip routing",
    "ip scp ",
    "ip sla ",
    "ip ssh ",
    "ip tftp ",
    "ip vrf ",
    "ipv6 route ",
    "ipv6 unicast-routing",
    "key chain ",
    "license ",
    "line ",
    "logging ",
    "login ",
    "memory ",
    "multilink ",
    "ntp ",
    "object-group ",
    "platform ",
    "policy-map ",
    "redundancy",
    "route-map ",
    "router ",
    "service ",
    "snmp-server ",
    "spanning-tree ",
    "subscriber ",
    "track ",
    "username ",
    "version ",
    "vrf definition ",
)

# ``no X`` is kept in the running config for these defaults-on features (a plain removal
# would silently turn them back on); ``X`` given later removes the stored ``no X``.
# A pattern limits the negation to sections whose line matches it.
STORED_NEGATIONS: tuple[tuple[str, re.Pattern[str] | None], ...] = (
    *(
        (text, None)
        for text in (
            "aaa new-model",
            "cdp run",
            "ip address",
            "ip domain lookup",
            "ip http server",
            "ip http secure-server",
            "ip proxy-arp",
            "ip redirects",
            "ip unreachables",
            "logging console",
            "mop enabled",
            "service pad",
            "auto-summary",
            "keepalive",
        )
    ),
    ("preempt", re.compile(r"^vrrp ")),  # VRRPv3 preempts unless told not to
)


@dataclass(frozen=True)
class ReplaceRule:
    """A line that overwrites a sibling with the same key instead of adding beside it."""

    parent: re.Pattern[str] | None  # the enclosing line; None: any sub-mode (not global)
    key: re.Pattern[str]  # the groups, joined, are the key


def _replace(key: str, parent: str | None = None) -> ReplaceRule:
    return ReplaceRule(re.compile(parent) if parent is not None else None, re.compile(key))


_GLOBAL = r"^$"  # the root's text is empty

REPLACE_RULES: tuple[ReplaceRule, ...] = (
    _replace(r"^(hostname) ", _GLOBAL),
    _replace(r"^(ip domain name) ", _GLOBAL),
    _replace(r"^(ip domain-name) ", _GLOBAL),
    _replace(r"^(enable secret) ", _GLOBAL),
    _replace(r"^(username \S+) ", _GLOBAL),
    _replace(r"^(ip cef load-sharing algorithm) ", _GLOBAL),
    _replace(r"^(ip sla schedule \d+) ", _GLOBAL),
    _replace(r"^(track \d+) ", _GLOBAL),
    _replace(r"^(clock timezone) ", _GLOBAL),
    _replace(r"^(ip default-gateway) ", _GLOBAL),
    _replace(r"^(fhrp version) ", _GLOBAL),
    # A static route is known by prefix, mask and next hop: distance, name, track overwrite.
    _replace(
        r"^(ip route (?:vrf \S+ )?\d\S* \d\S* "
        r"(?:[A-Za-z]\S*(?: \d+\.\d+\.\d+\.\d+)?|\d+\.\d+\.\d+\.\d+))(?: |$)",
        _GLOBAL,
    ),
    _replace(r"^(description) "),
    _replace(r"^(ip address) (?!.* secondary$)"),
    _replace(r"^(vrf forwarding) "),
    _replace(r"^(ip policy route-map) "),
    _replace(r"^(bfd interval) "),
    _replace(r"^(mtu|bandwidth|speed|duplex|load-interval|delay) "),
    _replace(r"^(priority|preempt|timers advertise|name|frequency|timeout|threshold)\b"),
    _replace(r"^(track \d+) ", r"^vrrp "),
    _replace(r"^(address) (?!.* secondary$)", r"^vrrp "),
    _replace(r"^(path|maximum|time-period) ", r"^archive$"),
    _replace(r"^(icmp-echo|tcp-connect|http get|udp-jitter|tag) ", r"^ip sla "),
    _replace(r"^(set ip next-hop verify-availability) \S+ (\d+)", r"^route-map "),
    _replace(r"^(control|data|protocol) ", r"^group "),
    _replace(r"^(track \d+) ", r"^group \d+$"),
    _replace(r"^(exec-timeout|transport input|login) ", r"^line "),
)

# Top-level order of ``show running-config``: IOS prints from its own data, in a fixed order,
# whatever order the lines were typed in. Each inner tuple is one block: IOS separates blocks
# (and every section) with ``!``. Unknown lines sort with the global services.
TOP_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("version ", "service ", "platform "),
    ("hostname ",),
    ("boot-start-marker", "boot ", "boot-end-marker"),
    ("vrf definition ",),
    ("logging ", "no logging ", "aaa ", "no aaa ", "clock "),
    ("ip domain", "no ip domain", "ip name-server ", "ip sla responder"),
    ("login ",),
    ("ipv6 unicast-routing", "ip cef"),
    ("subscriber ",),
    ("multilink ",),
    ("fhrp ",),
    ("license ", "memory "),
    ("file ",),
    ("archive",),
    ("username ", "enable "),
    ("redundancy",),
    ("bfd-template ",),
    ("track ",),
    ("key chain ",),
    ("class-map ", "policy-map "),
    ("interface ",),
    ("router ",),
    ("ip forward-protocol ", "ip http ", "no ip http ", "ip scp ", "ip ssh "),
    ("ip route ", "ipv6 route "),
    ("ip access-list ", "ip prefix-list "),
    ("ip sla ",),
    ("route-map ",),
    ("snmp-server ",),
    ("control-plane",),
    ("banner ",),
    ("line ",),
    ("ntp ",),
    ("event manager ",),
)
# ACL entries IOS numbers itself (10, 20, …) and shows with their sequence number.
ACL_SECTION = re.compile(r"^ip access-list (extended|standard) ")
ACL_ENTRY = re.compile(r"^(\d+ )?(permit|deny|remark)\b")

# Sections IOS prints back to back without ``!`` between them.
UNSEPARATED_SECTIONS: tuple[str, ...] = ("line ", "ip sla ")
UNKNOWN_BLOCK = next(i for i, b in enumerate(TOP_BLOCKS) if "snmp-server " in b)

# Within an interface, IOS prints these first in this order; the rest keep typed order.
INTERFACE_CHILD_ORDER: tuple[str, ...] = (
    "description ",
    "vrf forwarding ",
    "ip address ",
    "no ip address",
)
# And these last.
INTERFACE_CHILD_LAST: tuple[str, ...] = ("shutdown", "negotiation ", "vrrp ")

# Interface type order in show running-config / show ip interface brief.
INTERFACE_TYPE_ORDER: tuple[str, ...] = (
    "Loopback",
    "Port-channel",
    "Tunnel",
    "GigabitEthernet",
    "TenGigabitEthernet",
    "Vlan",
)

# Lines the device keeps whatever a replace file says (IOS regenerates them itself).
IMMUTABLE_PREFIXES: tuple[str, ...] = ("version ",)

# A scheduled IP SLA operation cannot be re-entered (Cisco IP SLAs Command Reference, `ip sla`:
# "After you schedule an operation, you cannot modify the configuration of the operation ...
# you must first delete the IP SLAs operation (using the no ip sla command) and then
# reconfigure"). IOS-XE answers the line below, stays in global configuration mode, and the
# operation's sub-commands typed next fail with `% Invalid input` (issue 11; Cisco NSO's IOS
# NED special-cases it by sending `no ip sla N` and retrying).
SLA_ENTRY = re.compile(r"^ip sla (\d+)$")
SLA_SCHEDULED = "ip sla schedule {number} "
SLA_RUNNING_MESSAGE = (
    "%Entry already running and cannot be modified (only can delete (no) and start over)"
)

# `no X` also removes what IOS keeps as part of X (IP SLAs Command Reference, `no ip sla`:
# "removes all configuration for the operation, including the schedule, reaction
# configuration, and reaction triggers"). Keyed by a pattern on X; values name the siblings
# (with X's groups filled in) that go with it.
NEGATION_CASCADE: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (
        re.compile(r"^ip sla (\d+)$"),
        (
            "ip sla schedule {0} ",
            "ip sla reaction-configuration {0} ",
            "ip sla reaction-trigger {0} ",
        ),
    ),
)

# Lines IOS prints in a saved config that are not configuration.
NOISE = re.compile(r"^(Building configuration|Current configuration|Using \d+ out of|!|end$|$)")
