"""The design's optional `bgp:` block: eBGP to each ISP and the prefixes a site announces.

Route injection (issue 19): the outside world hears of a failover only through routing. A
member announces a prefix to an ISP only while it is healthy for it: its LAN port is up (so
it holds, or may hold, the VRRP gateway) and the link's probes succeed. On an active-standby
site the backup announces with its AS path prepended (``standby: prepend``), so return
traffic prefers the primary until the primary withdraws.

These models check what one block can check alone (ASN range, prefix forms, prepend count);
what needs the whole site (neighbors in a link's segment, prefixes the site owns, link
names) is checked when the intent is built (egress.model.bgp_intent), where the error can name the
exact field. This module imports nothing from egress.model.design so that design.py can import it.
"""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

# RFC 6793: a four-octet AS number; 0 is reserved (RFC 7607) and never a peer's AS.
# Private ranges (RFC 6996: 64512-65534, 4200000000-4294967294) are allowed: sites use them.
Asn = Annotated[int, Field(ge=1, le=4294967295)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Standby(StrEnum):
    # the active-standby backup announces with its own AS prepended: the ISPs prefer the
    # primary's path until the primary withdraws
    PREPEND = "prepend"
    # the backup announces like the primary (lint E952 flags it on an active-standby site)
    EQUAL = "equal"


class Health(StrEnum):
    """What an announcement is tied to on each member."""

    LAN = "lan"  # the member's LAN port is up: it holds (or may hold) the VRRP gateway
    PROBE = "probe"  # the probes of the link it is announced over succeed


class BgpPeer(_Frozen):
    """One ISP's eBGP session over one link."""

    peer_as: Asn
    neighbor: IPv4Address | None = None  # the link's gateway when not given


class Announcement(_Frozen):
    prefix: IPv4Network
    links: list[str] | None = None  # the links it is announced over; None: every peered link
    # which members announce it; both, unless a design says otherwise (lint E951 flags one)
    members: list[str] = Field(default_factory=lambda: ["primary", "secondary"], min_length=1)
    when: list[Health] = Field(default_factory=lambda: [Health.LAN, Health.PROBE])

    @model_validator(mode="after")
    def _members_are_roles(self) -> Announcement:
        for member in self.members:
            if member not in ("primary", "secondary"):
                raise ValueError(f"member {member!r} is not a role (primary, secondary)")
        if len(set(self.members)) != len(self.members):
            raise ValueError(f"members listed twice: {self.members}")
        return self


class Bgp(_Frozen):
    local_as: Asn
    # the public address space the site owns (its PI/PA allocation); every announcement is
    # inside it or is one of the site's NAT pools
    public: list[IPv4Network] = Field(default_factory=list)
    peers: dict[str, BgpPeer] = Field(min_length=1)  # link name -> the ISP's session
    announce: list[Announcement] = Field(min_length=1)
    standby: Standby = Standby.PREPEND
    prepend: int = Field(default=3, ge=1, le=10)  # how often the backup repeats its AS
    bfd: bool = True  # the session follows BFD with the site's timers

    @model_validator(mode="after")
    def _local_as_not_a_peer(self) -> Bgp:
        for link, peer in self.peers.items():
            if peer.peer_as == self.local_as:
                raise ValueError(
                    f"peer {link!r} has the site's own AS {self.local_as}: the sessions are eBGP"
                )
        prefixes = [str(a.prefix) for a in self.announce]
        if len(set(prefixes)) != len(prefixes):
            raise ValueError(f"a prefix is announced twice: {prefixes}")
        return self
