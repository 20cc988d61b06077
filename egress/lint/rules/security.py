"""E8xx: no plaintext secret anywhere, no management access open to the world, and on a
zone-based firewall every protocol egress runs admitted host-inbound."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from egress.errors import InputError
from egress.lint.facts import ConfigFacts, address_of
from egress.lint.findings import Issue, Where
from egress.lint.model import DeviceView
from egress.lint.registry import Fleet, Scope, rule
from egress.model.yamlfile import line_of, load_yaml


@rule("E801", title="plaintext secret in the rendered config")
def config_secret(view: DeviceView) -> Iterable[Issue]:
    for what, line in view.facts.secrets:
        yield view.at(
            line,
            f"{what} in plaintext in the rendered config",
            "secrets come from the secret source at push time; never render them",
        )


SECRET_KEY = re.compile(
    r"(pass(word|wd|phrase)?|secret|community|psk|pre[-_]?shared[-_]?key|api[-_]?key|token|"
    r"private[-_]?key|auth[-_]?key)$",
    re.IGNORECASE,
)
# a value that names where the secret lives instead of holding it
SECRET_REFERENCE = re.compile(r"^(\$\{[A-Za-z0-9_]+\}|(env|vault|file|secret):\S+)$")


@rule("E802", title="plaintext secret in the inventory", scope=Scope.INVENTORY)
def inventory_secret(fleet: Fleet) -> Iterable[Issue]:
    files = fleet.files
    if files is None:
        return
    defaults = files.hosts.with_name("defaults.yaml")
    for path in (files.hosts, files.groups, defaults):
        if not _may_hold_secrets(path):
            continue
        try:
            data = load_yaml(path) if path.exists() else None
        except InputError:
            continue
        if not isinstance(data, dict):
            continue
        # hosts.yaml/groups.yaml: one entry per owner; defaults.yaml: one owner, the file
        owners = {"defaults": data} if path == defaults else data
        for owner, tree in owners.items():
            top = [] if path == defaults else [owner]
            for keys, key in _secrets(tree, top):
                dotted = ".".join(map(str, keys))
                yield Issue(
                    str(owner),
                    Where(path, line_of(path, keys)),
                    f"{key} stored in plaintext in {path.name} ({dotted})",
                    "remove it: reference the secret source instead (env:VAR) or let "
                    "the operator supply it at run time",
                )


# Every key SECRET_KEY finds contains one of these (lower case; "pre-shared-key" holds "key").
# A file holding none of them has no such key, so at fleet scale its megabytes are not parsed
# and walked a second time (that was a tenth of lint's time in one process). Non-ASCII text
# or a backslash (a quoted key may spell a letter as an escape, Unicode case folding has its
# own forms): walk it. Read as bytes: ASCII needs no decoding (a quarter of the check's time
# on a 3.4 MB hosts.yaml).
_STEMS = (b"pass", b"secret", b"community", b"psk", b"key", b"token")


def _may_hold_secrets(path: Path) -> bool:
    try:
        raw = path.read_bytes()
    except OSError:
        return path.exists()  # let the full read report or skip it as before
    if not raw.isascii() or b"\\" in raw:
        return True  # (undecodable UTF-8 too: the full read skips it as before)
    lowered = raw.lower()
    return any(stem in lowered for stem in _STEMS)


def _secrets(tree: Any, keys: list[Any]) -> Iterator[tuple[list[Any], str]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            here = [*keys, key]
            if (
                isinstance(key, str)
                and SECRET_KEY.search(key)
                and isinstance(value, (str, int))
                and str(value)
                and not SECRET_REFERENCE.match(str(value))
            ):
                yield here, key
            else:
                yield from _secrets(value, here)
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _secrets(value, [*keys, index])


@rule("E803", title="management access open to any source")
def open_management(view: DeviceView) -> Iterable[Issue]:
    for what, line in view.facts.open_access:
        yield view.at(
            line,
            f"management access open to any source: {what}",
            "restrict it (IOS access-class, Junos lo0 filter, FortiOS admin trusthost)",
        )


@rule("E804", title="VRRP or BFD on a unit whose security zone does not admit it host-inbound")
def zone_admits(view: DeviceView) -> Iterable[Issue]:
    # SRX flow mode: a unit outside every zone drops all traffic, a zoned one accepts only
    # the host-inbound traffic its zone allows: VRRP adverts and BFD packets would be dropped
    if not view.profile.security_zones:
        return
    facts = view.facts
    for group in facts.vrrp:
        unit = view.profile.unit_format.format(name=group.interface)
        if not facts.admits(unit, "vrrp"):
            yield view.at(
                group.line,
                _refused(facts, unit, "vrrp", f"VRRP group {group.group} on {group.interface}"),
                f"bind {unit} to the LAN zone with host-inbound-traffic protocols vrrp",
            )
    for bfd in facts.bfd:
        # the interface whose subnet holds the peer, only looked for when BFD names none
        name = bfd.interface or _holding(facts, bfd.peer)
        if name is None:
            continue  # the next hop is on no interface: another rule's concern
        unit = view.profile.unit_format.format(name=name)
        if not facts.admits(unit, "bfd"):
            yield view.at(
                bfd.line,
                _refused(facts, unit, "bfd", f"BFD towards {bfd.peer}"),
                f"bind {unit} to the uplinks zone with host-inbound-traffic protocols bfd",
            )


def _holding(facts: ConfigFacts, peer: str | None) -> str | None:
    """The first interface whose subnet holds ``peer`` (None: no such interface, or the
    peer is no address)."""
    if peer is None:
        return None
    try:
        address = address_of(peer)  # read once, not once per interface
    except ValueError:
        return None
    for iface in facts.interfaces.values():
        if iface.address is not None and address in iface.address.network:
            return iface.name
    return None


def _refused(facts: ConfigFacts, unit: str, protocol: str, what: str) -> str:
    zone = facts.zone_of(unit)
    if zone is None:
        return f"{what}: {unit} is in no security zone, so the SRX drops every packet on it"
    return (
        f"{what}: security zone {zone.name!r} does not admit {protocol} host-inbound on "
        f"{unit}, so the SRX drops the peer's packets"
    )
