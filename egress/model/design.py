"""The vendor-neutral design as written in the inventory files, validated strictly.

These models mirror the YAML: a ``site`` block in a group (the HA pair's shared design) and
per-host data (the device's role and its interfaces). Every model is frozen and forbids
unknown keys, so a typo is an error before anything is rendered or sent.
"""

from __future__ import annotations

import re
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from egress.model.design_bgp import Bgp
from egress.model.words import HaForm, Hashing

# Characters that can never reach a device config: a newline would start a new config
# line, quotes would close a FortiOS string, `;`/`{`/`}` would end or open a Junos statement.
_TEXT = re.compile(r"[A-Za-z0-9 ._,:/()@+#-]*")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,30}")
_IFNAME = re.compile(r"[A-Za-z][A-Za-z0-9/._:-]{0,40}")
_URL_PATH = re.compile(r"/[A-Za-z0-9._~/%-]{0,120}")


def _matcher(pattern: re.Pattern[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            bad = sorted({c for c in value if not pattern.fullmatch(c)} - {""})
            shown = ", ".join(repr(c) for c in bad) if bad else "its form"
            raise ValueError(
                f"{what} {value!r} is not allowed ({shown}); it would inject config. "
                f"Allowed: {pattern.pattern}"
            )
        return value

    return AfterValidator(check)


# Longer than any description, provider or alias a device keeps (IOS `description` takes
# 240 characters, a FortiOS alias 25, Junos 900); a 1 MB value is a mistake, not a design.
MAX_TEXT = 240
Text = Annotated[str, Field(max_length=MAX_TEXT), _matcher(_TEXT, "text")]
Name = Annotated[str, _matcher(_NAME, "name")]
InterfaceName = Annotated[str, _matcher(_IFNAME, "interface name")]
UrlPath = Annotated[str, _matcher(_URL_PATH, "URL path")]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Mode(StrEnum):
    ACTIVE_STANDBY = "active-standby"
    LOAD_SHARING = "load-sharing"


class ProbeType(StrEnum):
    ICMP = "icmp"
    TCP = "tcp"
    HTTP = "http"


class Role(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


DSCP_NAMES: dict[str, int] = {
    "ef": 46,
    "af41": 34,
    "af31": 26,
    "af21": 18,
    "af11": 10,
    "cs5": 40,
    "cs3": 24,
    "cs6": 48,
}


def _in_subnet(address: IPv4Address, network: IPv4Network, what: str) -> None:
    if address not in network or address in (network.network_address, network.broadcast_address):
        raise ValueError(f"{what} {address} is not a usable address in {network}")


class Bfd(Frozen):
    interval_ms: int = Field(ge=1, le=30000)
    multiplier: int = Field(ge=1, le=255)


class Lan(Frozen):
    prefix: IPv4Network
    vip: IPv4Address
    vrrp_group: int = Field(default=10, ge=1, le=255)

    @model_validator(mode="after")
    def _vip_in_lan(self) -> Lan:
        _in_subnet(self.vip, self.prefix, "VRRP virtual address")
        return self


class Link(Frozen):
    name: Name
    provider: Text = ""
    prefix: IPv4Network
    gateway: IPv4Address

    @model_validator(mode="after")
    def _gateway_in_link(self) -> Link:
        _in_subnet(self.gateway, self.prefix, "gateway")
        return self


class Probe(Frozen):
    name: Name
    type: ProbeType
    link: Name
    target: IPv4Address
    port: int | None = Field(default=None, ge=1, le=65535)
    path: UrlPath | None = None
    interval_s: int = Field(default=10, ge=1, le=3600)
    timeout_ms: int = Field(default=1000, ge=20, le=60000)
    threshold_ms: int = Field(default=500, ge=1, le=60000)
    failures: int = Field(default=3, ge=1, le=60)

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Probe:
        if self.type is ProbeType.TCP and self.port is None:
            raise ValueError("a tcp probe needs a port")
        if self.type is ProbeType.ICMP and (self.port is not None or self.path is not None):
            raise ValueError("an icmp probe takes no port or path")
        if self.type is not ProbeType.HTTP and self.path is not None:
            raise ValueError("only an http probe takes a path")
        return self


class PbrMatch(Frozen):
    dscp: Name | None = None
    source: IPv4Network | None = None

    @model_validator(mode="after")
    def _something_matches(self) -> PbrMatch:
        if self.dscp is None and self.source is None:
            raise ValueError("a policy route must match a dscp or a source prefix")
        if self.dscp is not None and self.dscp not in DSCP_NAMES:
            raise ValueError(f"unknown dscp {self.dscp!r}; known: {', '.join(DSCP_NAMES)}")
        return self


class PbrRule(Frozen):
    name: Name
    match: PbrMatch
    via: Name


class HaSync(Frozen):
    form: HaForm
    group_id: int = Field(ge=1, le=255)
    prefix: IPv4Network | None = None  # addressing of the sync link (sync-pair form)
    session_sync: bool = True

    @model_validator(mode="after")
    def _sync_pair_has_addresses(self) -> HaSync:
        if self.form is HaForm.SYNC_PAIR and self.prefix is None:
            raise ValueError("a sync-pair needs `prefix`, the subnet of its sync link")
        return self


class NatAnnounce(StrEnum):
    # the pool's route exists (and BGP announces it) only while this member is VRRP master
    FOLLOWS_VRRP = "follows-vrrp"
    # both members announce the pool whatever their LAN/VRRP state (lint E905 flags it)
    ALWAYS = "always"


class Nat(Frozen):
    """Source NAT of the LAN to one pool per link, announced upstream by eBGP.

    Return traffic to a pool follows BGP, not VRRP: whichever member announces the pool
    receives it (found by `egress drill`), so the announcement should follow the member's
    LAN/VRRP health.
    """

    pools: dict[Name, IPv4Network]  # link name -> the pool its traffic is translated to
    announce: NatAnnounce = NatAnnounce.FOLLOWS_VRRP


class SecurityZones(Frozen):
    """The security zones a zone-based firewall (SRX in flow mode) binds the site's ports to.

    The defaults are the SRX factory-default zone names; a site whose zones are named
    otherwise says so here. egress only binds its interfaces and opens the host-inbound
    protocols its own features need (VRRP, BFD, ping); policies and NAT are not its to write.
    """

    lan: Name = "trust"
    uplinks: Name = "untrust"


class Site(Frozen):
    """One egress site: an HA pair and the design it implements."""

    name: Name
    description: Text = ""
    mode: Mode
    hashing: Hashing
    lan: Lan
    links: list[Link] = Field(min_length=2)
    primary_link: Name | None = None
    bfd: Bfd
    probes: list[Probe] = Field(default_factory=list)
    pbr: list[PbrRule] = Field(default_factory=list)
    ha_sync: HaSync | None = None
    nat: Nat | None = None
    # None: the platform's defaults where it has zones (SRX: trust/untrust)
    security_zones: SecurityZones | None = None
    bgp: Bgp | None = None  # route injection: eBGP announcements tied to health

    @model_validator(mode="after")
    def _references_resolve(self) -> Site:
        names = [link.name for link in self.links]
        if len(set(names)) != len(names):
            raise ValueError(f"link names must be unique, got {names}")
        if self.primary_link is not None and self.primary_link not in names:
            raise ValueError(f"primary_link {self.primary_link!r} is not a link ({names})")
        for probe in self.probes:
            if probe.link not in names:
                raise ValueError(f"probe {probe.name!r} uses unknown link {probe.link!r}")
        for rule in self.pbr:
            if rule.via not in names:
                raise ValueError(f"policy route {rule.name!r} via unknown link {rule.via!r}")
        for link_name in self.nat.pools if self.nat else {}:
            if link_name not in names:
                raise ValueError(f"nat pool for unknown link {link_name!r}")
        probe_names = [p.name for p in self.probes]
        if len(set(probe_names)) != len(probe_names):
            raise ValueError(f"probe names must be unique, got {probe_names}")
        return self

    @property
    def primary(self) -> str:
        return self.primary_link or self.links[0].name


class InterfaceAssignment(Frozen):
    name: InterfaceName
    address: IPv4Address | None = None
    description: Text | None = None


class HostDesign(Frozen):
    """What a host adds to its site: its role and which port plays which part."""

    role: Role
    interfaces: dict[Name, InterfaceAssignment]
    # the OS release the device runs ("17.9.4a", "21.4R3-S5", "7.2.8"): show output layouts
    # differ by release, and the lab prints the one this names; None is the platform's
    # default (egress.platforms.PlatformProfile.default_release). Checked against the
    # platform's known release trains when the intent is built.
    os_release: str | None = Field(default=None, pattern=r"^v?\d+\.\d+[0-9A-Za-z.\-]*$")
    vrrp_priority: int | None = Field(default=None, ge=1, le=254)
