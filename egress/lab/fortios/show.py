"""What FortiOS prints for ``show``/``get``: pure functions of the config tree and identity.

Operational state (VRRP master, link-monitor results, HA peers) comes later from the lab's
simulator; every renderer here takes what it needs as arguments so that simulator can feed
them without touching the shell.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from egress.lab.fortios.engine import Context, parse_error
from egress.lab.fortios.schema import FACTORY_SECTIONS, LOOSE, SCHEMA, PathSchema, lookup
from napalm_fortios.tree import INDENT, Node, Setting, Token, render_block, render_body

MODEL = "FortiGate-VM64"
VERSION = "v7.2.8"
BUILD = "1639"
BUILD_DATE = "240313"
RELEASE = "GA.M"


@dataclass(frozen=True)
class SystemIdentity:
    """Identity a FortiGate reports about itself."""

    hostname: str
    serial: str
    model: str = MODEL
    version: str = VERSION
    build: str = BUILD
    booted: datetime = field(default_factory=datetime.now)

    @classmethod
    def for_device(
        cls, name: str, *, hostname: str, booted: datetime, release: str = ""
    ) -> SystemIdentity:
        # Stable per device name so a restart keeps its serial, as hardware does.
        digest = hashlib.sha256(name.encode()).hexdigest().upper()
        version = f"v{release.lstrip('v')}" if release else VERSION  # the inventory's release
        return cls(hostname=hostname, serial=f"FGVMEV{digest[:10]}", booted=booted, version=version)

    @property
    def version_line(self) -> str:
        return f"{self.model} {self.version},build{self.build},{BUILD_DATE} ({RELEASE})"

    @property
    def config_header(self) -> str:
        v = self.version.lstrip("v")
        return f"#config-version=FGVM64-{v}-FW-build{self.build}-{BUILD_DATE}:opmode=0:vdom=0"


# -- show ---------------------------------------------------------------------------------
def with_defaults(node: Node, schema: PathSchema) -> Node:
    """A copy with every schema default filled in (``show full-configuration``)."""
    out = Node(is_table=node.is_table, quoted_key=node.quoted_key)
    if node.is_table:
        for key, entry in node.entries.items():
            out.entries[key] = _body_with_defaults(entry, schema)
        return out
    return _body_with_defaults(node, schema)


def _body_with_defaults(node: Node, schema: PathSchema) -> Node:
    out = Node(is_table=node.is_table, quoted_key=node.quoted_key)
    for key, item in node.items.items():
        if isinstance(item, Setting):
            out.items[key] = item
        else:
            out.items[key] = with_defaults(item, schema.child(key[1]) or LOOSE)
    for name, value in schema.defaults.items():
        if out.get(name) is None:
            out.set(name, [Token(v) for v in value.split()] if value else [Token("", True)])
    for name, child in (schema.children or {}).items():
        if child.table and out.block(name) is None:
            out.put_block(name, Node(is_table=True))
    return out


def without_defaults(node: Node, schema: PathSchema) -> Node:
    """A copy without values equal to their default (plain ``show``)."""
    out = Node(is_table=node.is_table, quoted_key=node.quoted_key)
    for entry_key, entry in node.entries.items():
        out.entries[entry_key] = without_defaults(entry, schema)
    for item_key, item in node.items.items():
        if isinstance(item, Setting):
            if schema.defaults.get(item_key[1]) != " ".join(item.texts):
                out.items[item_key] = item
        else:
            child = without_defaults(item, schema.child(item_key[1]) or LOOSE)
            # `show` omits a nested block left at defaults (`config ipv6`) or emptied (a
            # `config vrrp` whose last entry was deleted): what it prints depends on the
            # content only, never on history, so a rollback reads back byte for byte.
            if not child.is_empty():
                out.items[item_key] = child
    return out


def show_config(
    root: Node, words: Sequence[str], *, full: bool, identity: SystemIdentity, user: str
) -> list[str]:
    """``show [full-configuration] [path [entry]]``."""
    view = with_defaults if full else without_defaults
    if not words:
        lines = [
            f"{identity.config_header}:user={user}",
            f"#buildno={identity.build}",
            "#global_vdom=1",
        ]
        for top in _top_paths(root, full=full):
            schema = SCHEMA.get(top, LOOSE)
            block = root.block(top) or Node(is_table=schema.table)
            lines.extend(render_block(top, view(block, schema)))
        return lines
    path: str | None
    path, found = lookup(list(words))
    entry_key: str | None = None
    if path is None and len(words) > 1:
        path, found = lookup(list(words[:-1]))
        entry_key = words[-1]
    if path is None or not isinstance(found, PathSchema):
        bad_index = found if isinstance(found, int) else len(words) - 1
        return parse_error(words[min(bad_index, len(words) - 1)])
    block = root.block(path) or Node(is_table=found.table)
    shown = view(block, found)
    if entry_key is None:
        return render_block(path, shown)
    entry = shown.entries.get(entry_key)
    if entry is None:
        return parse_error(entry_key)
    return [
        f"config {path}",
        f"{INDENT}edit {Token(entry_key, entry.quoted_key).render()}",
        *render_body(entry, depth=2),
        f"{INDENT}next",
        "end",
    ]


def _top_paths(root: Node, *, full: bool) -> list[str]:
    paths = list(root.blocks)
    if not full:
        # Content, not history, decides: a section emptied by a rollback prints as it did
        # before it was ever configured (the factory sections always print).
        return [
            p
            for p in paths
            if p in FACTORY_SECTIONS
            or not without_defaults(root.blocks[p], SCHEMA.get(p, LOOSE)).is_void()
        ]
    return paths + [p for p, s in SCHEMA.items() if p not in paths and (s.defaults or s.table)]


def show_context(context: Context, *, full: bool) -> list[str]:
    """``show`` typed inside a config block: the block or entry being edited, as it stands
    in this session (uncommitted changes included)."""
    shown = (with_defaults if full else without_defaults)(context.node, context.schema)
    if context.key is None:
        return render_block(context.block_path, shown)
    return [
        f"config {context.block_path}",
        f"{INDENT}edit {Token(context.key, context.node.quoted_key).render()}",
        *render_body(shown, depth=2),
        f"{INDENT}next",
        "end",
    ]


# -- get ----------------------------------------------------------------------------------
def get_object(node: Node, schema: PathSchema) -> list[str]:
    """``get system console`` and friends: ``name  : value`` for every field."""
    full = _body_with_defaults(node, schema)
    lines = []
    for name, setting in full.settings.items():
        lines.append(f"{name:<20}: {' '.join(setting.texts)}")
    for name in full.blocks:
        lines.append(f"{name:<20}:")  # FortiOS lists a nested block by name only
    return lines


def get_table(node: Node, schema: PathSchema) -> list[str]:
    """``get router static``: each entry's fields, as FortiOS lists a table."""
    lines: list[str] = []
    for key, entry in node.entries.items():
        lines.append(f"{'== [ ' + key + ' ]'}")
        lines.extend(get_object(entry, schema))
    return lines


_INTERFACE_TAIL = (
    ("netflow-sampler", "disable", 4),
    ("sflow-sampler", "disable", 4),
    ("src-check", "enable", 4),
    ("explicit-web-proxy", "disable", 4),
    ("explicit-ftp-proxy", "disable", 4),
    ("proxy-captive-portal", "disable", 4),
    ("mtu-override", "disable", 4),
    ("wccp", "disable", 4),
    ("drop-overlapped-fragment", "disable", 4),
    ("drop-fragment", "disable", 0),
)


# Releases that print "management-ip: A M" before "ip:" on every interface with a mode
# (ntc-templates' fortinet_get_system_interface 5.6, 6.0, 6.2 and 7.0 captures; their 6.4.2
# and 7.4 captures do not print it)
_MANAGEMENT_IP_TRAINS = frozenset({"5.6", "6.0", "6.2", "7.0"})


def get_system_interface(
    root: Node, *, link_up: Mapping[str, bool] | None = None, release: str = "7.2"
) -> list[str]:
    """``get system interface`` (one ``== [ name ]`` + one line per interface) as ``release``
    prints it.

    ``link_up`` (from the lab's link simulator) turns an administratively up port down.
    """
    major, _, rest = release.lstrip("v").partition(".")
    management_ip = f"{major}.{rest.split('.')[0]}" in _MANAGEMENT_IP_TRAINS
    table = root.block("system interface") or Node(is_table=True)
    lines: list[str] = []
    for name, entry in table.entries.items():
        status = entry.value("status", "up")
        if link_up is not None and not link_up.get(name, True):
            status = "down"
        kind = entry.value("type", "physical")
        ip = entry.value("ip", "0.0.0.0 0.0.0.0")
        parts = [f"name: {name}   "]
        if kind not in ("tunnel", "loopback"):
            parts.append(f"mode: {entry.value('mode', 'static')}    ")
            if management_ip:
                parts.append(f"management-ip: {entry.value('management-ip', '0.0.0.0 0.0.0.0')}   ")
        parts.append(f"ip: {ip}   ")
        parts.append(f"status: {status}    ")
        parts.append(f"netbios-forward: {entry.value('netbios-forward', 'disable')}    ")
        parts.append(f"type: {kind}   ")
        if kind == "physical":
            parts.append("ring-rx: 0   ring-tx: 0   ")
        for field_name, default, pad in _INTERFACE_TAIL:
            parts.append(f"{field_name}: {entry.value(field_name, default)}" + " " * pad)
        lines.append(f"== [ {name} ]")
        lines.append("".join(parts).rstrip())
    return lines


# "Current HA mode: a-p, <role>": 6.x words the roles master/backup, 7.x primary/secondary
# (ntc-templates' fortinet_get_system_status captures: "a-p, master" on 6.2, "a-p, primary"
# on 7.0; "a-p, backup" on a 6.x secondary)
_HA_ROLE_WORDS = {"6": ("master", "backup"), "7": ("primary", "secondary")}


def get_system_status(
    root: Node,
    identity: SystemIdentity,
    *,
    now: datetime,
    primary: bool = True,
    release: str = "7.2",
) -> list[str]:
    """``get system status`` as a FortiGate-VM64 prints it; ``primary`` is this member's HA
    role, worded as its ``release`` words it."""
    ha = root.block("system ha") or Node()
    mode = ha.value("mode", "standalone")
    major = release.lstrip("v").split(".")[0]
    words = _HA_ROLE_WORDS.get(major, _HA_ROLE_WORDS["7"])
    ha_line = "standalone" if mode == "standalone" else f"{mode}, {words[0 if primary else 1]}"
    hostname = _hostname(root, identity)
    lines = [
        f"Version: {identity.version_line}",
        "First GA patch build date: 220331",
        "Security Level: 1",
        "Firmware Signature: certified",
        "Virus-DB: 1.00000(2018-04-09 18:07)",
        "Extended DB: 1.00000(2018-04-09 18:07)",
        "Extreme DB: 1.00000(2018-04-09 18:07)",
        "AV AI/ML Model: 0.00000(2001-01-01 00:00)",
        "IPS-DB: 6.00741(2015-12-01 02:30)",
        "IPS-ETDB: 6.00741(2015-12-01 02:30)",
        "APP-DB: 6.00741(2015-12-01 02:30)",
        "INDUSTRIAL-DB: 6.00741(2015-12-01 02:30)",
        "IPS Malicious URL Database: 1.00001(2015-01-01 01:01)",
        "IoT-Detect: 0.00000(2022-08-17 17:31)",
        f"Serial-Number: {identity.serial}",
        "License Status: Valid",
        "VM Resources: 1 CPU/2 allowed, 2007 MB RAM",
        "Log hard disk: Available",
        f"Hostname: {hostname}",
        "Private Encryption: Disable",
        "Operation Mode: NAT",
        "Current virtual domain: root",
        "Max number of virtual domains: 10",
        "Virtual domains status: 1 in NAT mode, 0 in TP mode",
        "Virtual domain configuration: disable",
        "FIPS-CC mode: disable",
        f"Current HA mode: {ha_line}",
    ]
    if mode != "standalone":
        lines += [
            f"Cluster uptime: {_uptime_words(now - identity.booted)}",
            f"Cluster state change time: {identity.booted:%Y-%m-%d %H:%M:%S}",
        ]
    lines += [
        f"Branch point: {identity.build}",
        "Release Version Information: GA",
        "FortiOS x86-64: Yes",
        f"System time: {_ctime(now)}",
        "Last reboot reason: warm reboot",
    ]
    return lines


@dataclass(frozen=True)
class HaPeer:
    """Another cluster member as the simulator reports it."""

    hostname: str
    serial: str
    primary: bool = False


def get_system_ha_status(
    root: Node, identity: SystemIdentity, *, now: datetime, peers: Sequence[HaPeer] = ()
) -> list[str]:
    """``get system ha status``: standalone form, or a cluster seen from this unit."""
    ha = root.block("system ha") or Node()
    mode = ha.value("mode", "standalone")
    pickup = ha.value("session-pickup", "disable")
    override = ha.value("override", "disable")
    group = ha.value("group-id", "0")
    if mode == "standalone":
        return [
            "HA Health Status: OK",
            f"Model: {identity.model}",
            "Mode: Standalone",
            f"Group: {group}",
            "Debug: 0",
            "Cluster Uptime: 0 days 0:0:0",
            "Cluster state change time: N/A",
            f"ses_pickup: {pickup}, ses_pickup_delay=disable",
            f"override: {override}",
            "System Usage stats:",
            "HBDEV stats:",
            "number of vcluster: 0",
        ]
    hostname = _hostname(root, identity)
    me_primary = not any(p.primary for p in peers)
    members = [HaPeer(hostname, identity.serial, me_primary), *peers]
    primary = next(m for m in members if m.primary)
    secondaries = [m for m in members if not m.primary]
    up = now - identity.booted
    days, rest = divmod(int(up.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    reason = (
        "it's the only member in the cluster" if not peers else "it has the largest value of uptime"
    )
    lines = [
        "HA Health Status: OK",
        f"Model: {identity.model}",
        f"Mode: HA {mode.upper()}",
        f"Group: {group}",
        "Debug: 0",
        f"Cluster Uptime: {days} days {hours}:{minutes}:{seconds}",
        f"Cluster state change time: {identity.booted:%Y-%m-%d %H:%M:%S}",
        "Primary selected using:",
        f"    <{identity.booted:%Y/%m/%d %H:%M:%S}> {primary.serial} is selected as the primary "
        f"because {reason}.",
        f"ses_pickup: {pickup}, ses_pickup_delay=disable",
        f"override: {override}",
        "Configuration Status:",
        *(f"    {m.serial}(updated 0 seconds ago): in-sync" for m in members),
        "System Usage stats:",
    ]
    for m in members:
        lines += [
            f"    {m.serial}(updated 0 seconds ago):",
            "        sessions=3, average-cpu-user/nice/system/idle=0%/0%/0%/100%, memory=42%",
        ]
    lines.append("HBDEV stats:")
    hbdevs = [t for t in (ha.get("hbdev") or ()) if not t.isdigit()]
    for m in members:
        lines.append(f"    {m.serial}(updated 0 seconds ago):")
        lines += [
            f"        {dev}: physical/10000full, up, rx-bytes/packets/dropped/errors=0/0/0/0, "
            "tx=0/0/0/0"
            for dev in hbdevs
        ]
    lines.append(f"Primary: {primary.hostname}, {primary.serial}, HA cluster index = 0")
    lines += [
        f"Secondary: {m.hostname}, {m.serial}, HA cluster index = {i}"
        for i, m in enumerate(secondaries, 1)
    ]
    lines += [
        "number of vcluster: 1",
        "vcluster 1: work 169.254.0.1",
        f"Primary: {primary.serial}, HA operating index = 0",
        *(f"Secondary: {m.serial}, HA operating index = {i}" for i, m in enumerate(secondaries, 1)),
    ]
    return lines


def get_system_console(root: Node) -> list[str]:
    return get_object(root.block("system console") or Node(), SCHEMA["system console"])


# -- output filters -----------------------------------------------------------------------
def grep(lines: Sequence[str], args: Sequence[str]) -> list[str]:
    """FortiOS ``| grep [-i] [-v] [-c] pattern`` (a POSIX-ish regex)."""
    flags = 0
    invert = count = False
    pattern: str | None = None
    for arg in args:
        if arg == "-i":
            flags |= re.IGNORECASE
        elif arg == "-v":
            invert = True
        elif arg == "-c":
            count = True
        elif arg.startswith("-") and pattern is None and arg not in ("-e",):
            continue  # -f/-A/-B context options: accept, show matches only
        elif arg != "-e":
            pattern = arg
    if pattern is None:
        return list(lines)
    try:
        regex = re.compile(pattern, flags)
    except re.error:
        regex = re.compile(re.escape(pattern), flags)
    hits = [line for line in lines if bool(regex.search(line)) != invert]
    return [str(len(hits))] if count else hits


# -- helpers ------------------------------------------------------------------------------
def hostname_of(root: Node, default: str) -> str:
    glob = root.block("system global")
    return glob.value("hostname", default) if glob is not None else default


def _hostname(root: Node, identity: SystemIdentity) -> str:
    return hostname_of(root, identity.hostname)


def _ctime(now: datetime) -> str:
    return now.strftime("%a %b ") + f"{now.day:>2}" + now.strftime(" %H:%M:%S %Y")


def _uptime_words(delta: timedelta) -> str:
    total = int(delta.total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{days} days, {hours} hours, {minutes} minutes, {seconds} seconds"
