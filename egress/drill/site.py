"""The site a drill runs: the inventory's design, re-rendered for the ``frr`` platform.

The design is vendor neutral, so the drill keeps it and changes only what ties it to the
inventory's hardware: the pair's platform becomes ``frr``, every port is named after its
role (``lan``, ``isp1``, ``isp2``, ``ha``: Linux names are at most 15 characters, IOS's are
not), SRX security zones are dropped (Linux has no zone-based firewall to open) and, where
the design leaves source NAT to the security team, each link gets a pool from
100.64.0.0/10 (RFC 6598, only ever inside the drill's namespaces) announced as the design's
`nat` says. Shared-config clusters (SRX chassis cluster, FGCP) have no FRR form: refused.
Optional overrides (``--set bfd.multiplier=10``) change the design the
data plane runs; the promises stay those of the inventory's design.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

from egress.errors import InputError, Location
from egress.model.design import HostDesign, Site
from egress.model.intent import DeviceIntent, Member, build_site_intents
from egress.model.inventory import load_nornir
from egress.model.sites import SITE_KEY, InventoryFiles, _validate

PLATFORM = "frr"
# Probe and preempt timers are seconds long in the design (10 s x 3 probes is 30 s before a
# brownout moves traffic): the drill runs them this many times faster, and says so, so a
# whole site is drilled in under two minutes. BFD and VRRP advertisements run in real time.
TIME_SCALE = 40
# a compressed probe still waits this long for its answer (first-packet ARP on two hops, a
# Python prober's scheduling)
MIN_PROBE_TIMEOUT_MS = 100


@dataclass(frozen=True, slots=True)
class DrillSite:
    name: str
    group: str  # the inventory group holding the design (where lint's findings point)
    site: Site  # the inventory's design: what the promises are derived from
    effective: Site  # what the data plane runs (the design plus --set overrides)
    intents: dict[str, DeviceIntent]  # primary first; timers compressed by TIME_SCALE
    reference: dict[str, DeviceIntent]  # the inventory design's intents, real-time timers
    time_scale: int
    overrides: tuple[str, ...]

    @property
    def primary(self) -> DeviceIntent:
        return next(i for i in self.intents.values() if i.role == "primary")

    @property
    def secondary(self) -> DeviceIntent:
        return next(i for i in self.intents.values() if i.role == "secondary")


def load_site(
    inventory_dir: Path,
    name: str,
    *,
    overrides: tuple[str, ...] = (),
    time_scale: int = TIME_SCALE,
) -> DrillSite:
    nr = load_nornir(inventory_dir)
    files = InventoryFiles.in_dir(inventory_dir)
    group = next(
        (
            g
            for g in nr.inventory.groups.values()
            if isinstance((g.data or {}).get(SITE_KEY), dict)
            and g.data[SITE_KEY].get("name") == name
        ),
        None,
    )
    if group is None:
        known = sorted(
            str(g.data[SITE_KEY].get("name"))
            for g in nr.inventory.groups.values()
            if isinstance((g.data or {}).get(SITE_KEY), dict)
        )
        raise InputError(
            f"no site {name!r} in the inventory",
            location=Location(file=files.groups, field="--site"),
            hint=f"sites: {', '.join(known)}",
        )
    raw = group.data[SITE_KEY]
    site = _validate(Site, raw, files.groups, [group.name, "data", SITE_KEY], host=name)
    hosts = [h for h in nr.inventory.hosts.values() if group in h.extended_groups()]
    designs = {
        h.name: _validate(HostDesign, h.data, files.hosts, [h.name, "data"], host=h.name)
        for h in hosts
    }
    effective_raw = _apply_overrides(raw, overrides)
    effective = _validate(
        Site, effective_raw, files.groups, [group.name, "data", SITE_KEY], host=name
    )
    reference = _intents(_with_nat(site, 0), designs)
    intents = _intents(_with_nat(effective, 0), designs)
    scaled = {h: compress(i, time_scale) for h, i in intents.items()}
    return DrillSite(
        name=name,
        group=group.name,
        site=site,
        effective=effective,
        intents=_primary_first(scaled),
        reference=_primary_first(reference),
        time_scale=time_scale,
        overrides=overrides,
    )


def _primary_first(intents: Mapping[str, DeviceIntent]) -> dict[str, DeviceIntent]:
    return dict(sorted(intents.items(), key=lambda kv: kv[1].role != "primary"))


def _intents(site: Site, designs: Mapping[str, HostDesign]) -> dict[str, DeviceIntent]:
    members = [
        Member(
            name=host,
            platform=PLATFORM,
            design=design.model_copy(
                update={
                    # the pair now runs FRR: its inventory release is the hardware's, not FRR's
                    "os_release": None,
                    "interfaces": {
                        role: port.model_copy(update={"name": role})
                        for role, port in design.interfaces.items()
                    },
                }
            ),
        )
        for host, design in designs.items()
    ]
    return build_site_intents(site, members)


def _with_nat(site: Site, index: int) -> Site:
    """The design as Linux runs it: the design's own NAT, or one pool per link from
    100.64.<link>.0/30 (announcement following VRRP, the design lint rule E905 asks for);
    without SRX security zones (a Linux router has no zone-based firewall to open)."""
    data = site.model_dump(mode="json", exclude_none=True)
    data.pop("security_zones", None)
    if site.nat is None:
        pools = {
            link.name: IPv4Network(f"100.64.{number}.0/30")
            for number, link in enumerate(site.links, start=1)
        }
        data["nat"] = {"pools": {k: str(v) for k, v in pools.items()}}
    return Site.model_validate(data)


def _apply_overrides(raw: Mapping[str, Any], overrides: tuple[str, ...]) -> dict[str, Any]:
    """``key.sub=value`` (value read as YAML) replaces one key of the site block."""
    import yaml

    data: dict[str, Any] = _deep_copy(raw)
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(
                f"bad --set {item!r}",
                location=Location(field="--set"),
                hint="--set bfd.multiplier=10",
            )
        node: Any = data
        parts = key.split(".")
        for part in parts[:-1]:
            if not isinstance(node, dict) or part not in node:
                raise InputError(f"--set {key}: no key {part!r}", location=Location(field="--set"))
            node = node[part]
        node[parts[-1]] = yaml.safe_load(value)
    return data


def _deep_copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def compress(intent: DeviceIntent, scale: int) -> DeviceIntent:
    """The probe and preempt timers ``scale`` times faster (at least 1 ms / 1 s)."""
    if scale == 1:
        return intent
    probes = tuple(
        dataclasses.replace(
            p,
            interval_ms=max(1, p.interval_ms // scale),
            timeout_ms=max(MIN_PROBE_TIMEOUT_MS, p.timeout_ms // scale),
        )
        for p in intent.probes
    )
    vrrp = tuple(
        dataclasses.replace(g, preempt_delay_s=max(1, math.ceil(g.preempt_delay_s / scale)))
        for g in intent.vrrp
    )
    return dataclasses.replace(intent, probes=probes, vrrp=vrrp)
