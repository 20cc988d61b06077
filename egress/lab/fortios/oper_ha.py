"""``get system ha status`` and ``diagnose sys ha checksum cluster`` of the emulated FortiGate.

An FGCP member (``system ha / set mode a-p|a-a``) prints the cluster as the lab's simulation
sees it: the primary chosen by priority, both members ``in-sync`` while the HA link is up and
the members agree, and this unit alone when it is not (the peer is gone from every list, as
on a unit that lost its heartbeat). An FGSP member is a standalone FortiGate: FortiOS prints
the standalone form (``Mode: Standalone``) whatever session sync is doing; the session
pickup switch is the only sync setting that form carries. Layout after the real 6.4/7.0
captures under ``tests/fixtures/parse/fortios/get_system_ha_status``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from egress.lab.fortios.show import SystemIdentity
from egress.lab.fortios.show import get_system_ha_status as standalone_status
from egress.lab.world import DeviceFacts, OpState
from egress.platforms import PLATFORMS
from napalm_fortios.tree import Node

# Heartbeat addresses FGCP gives the members (169.254.0.1 on the primary's vcluster line).
_HB_ADDRESS = {True: "169.254.0.1", False: "169.254.0.2"}


@dataclass(frozen=True, slots=True)
class Member:
    hostname: str
    serial: str
    primary: bool
    local: bool = False


def cluster_members(
    facts: DeviceFacts, op: OpState, *, identity: SystemIdentity, booted: datetime
) -> list[Member]:
    """The FGCP members this unit sees, itself first (FortiOS lists the local unit first)."""
    ha = op.ha
    alone = ha is None or not ha.in_sync or ha.peer is None
    me = Member(
        identity.hostname,
        identity.serial,
        alone or (ha is not None and ha.local_role == "Primary"),
        local=True,
    )
    if alone or ha is None or ha.peer is None:
        return [me]
    peer = SystemIdentity.for_device(ha.peer, hostname=ha.peer, booted=booted)
    return [me, Member(peer.hostname, peer.serial, primary=not me.primary)]


def _is_cluster(root: Node) -> bool:
    ha = root.block("system ha") or Node()
    return ha.value("mode", "standalone") in ("a-p", "a-a")


def _uptime(now: datetime, since: datetime) -> str:
    total = max(int((now - since).total_seconds()), 0)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{days} days {hours}:{minutes}:{seconds}"


def _dev_stats(names: Sequence[str], down: frozenset[str]) -> list[str]:
    return [
        f"        {name}: physical/10000full, {'down' if name in down else 'up'}, "
        "rx-bytes/packets/dropped/errors=0/0/0/0, tx=0/0/0/0"
        for name in names
    ]


def member_line(release: str, primary: bool, hostname: str, serial: str, index: int) -> str:
    """One member line of "get system ha status", as the release prints it (real captures,
    ntc-templates' fortinet_get_system_ha_status_*.raw):
      6.0      "Master: fgt-200d_a, FG200D..., cluster index = 1" / "Slave : ..."
      6.2-6.4  "Primary : FW, FGXXXX..., HA cluster index = 0"
      7.x      "Primary     : FGT-fw-a       , FGT40..., HA cluster index = 1" (padded)"""
    train = PLATFORMS["fortios"].release_train(release or PLATFORMS["fortios"].default_release)
    if train == "6.0":
        role = "Master" if primary else "Slave "
        return f"{role}: {hostname}, {serial}, cluster index = {index}"
    role = "Primary" if primary else "Secondary"
    if train.startswith("6."):
        return f"{role} : {hostname}, {serial}, HA cluster index = {index}"
    return f"{role:<12}: {hostname:<15}, {serial}, HA cluster index = {index}"


def election_reason(release: str, peer: str | None) -> str:
    """Why the primary was chosen: 7.x words the override comparison against the peer
    ("because its override priority is larger than peer member FGT40...", ntc-templates'
    7.0 captures); earlier releases "it has the largest value of override priority"."""
    train = PLATFORMS["fortios"].release_train(release or PLATFORMS["fortios"].default_release)
    if peer is None:
        return "it's the only member in the cluster"
    if train.startswith("7."):
        return f"its override priority is larger than peer member {peer}"
    return "it has the largest value of override priority"


def get_system_ha_status(
    facts: DeviceFacts,
    op: OpState,
    *,
    root: Node,
    identity: SystemIdentity,
    now: datetime,
    release: str = "",
) -> list[str]:
    """``get system ha status`` from this unit's point of view."""
    if not _is_cluster(root):
        return standalone_status(root, identity, now=now)
    ha = root.block("system ha") or Node()
    mode = ha.value("mode", "a-p")
    members = cluster_members(facts, op, identity=identity, booted=identity.booted)
    me = members[0]
    primary = next(m for m in members if m.primary)
    since = identity.booted
    peer = next((m.serial for m in members if m is not primary), None)
    reason = election_reason(release, peer)
    hbdevs = [t for t in (ha.get("hbdev") or ()) if not t.isdigit()]
    monitored = list(ha.get("monitor") or ())
    down = frozenset(i.name for i in facts.interfaces) - op.interfaces_up
    lines = [
        "HA Health Status: OK",
        f"Model: {identity.model}",
        f"Mode: HA {mode.upper()}",
        f"Group: {ha.value('group-id', '0')}",
        "Debug: 0",
        f"Cluster Uptime: {_uptime(now, since)}",
        f"Cluster state change time: {since:%Y-%m-%d %H:%M:%S}",
        "Primary selected using:",
        f"    <{since:%Y/%m/%d %H:%M:%S}> {primary.serial} is selected as the primary because "
        f"{reason}.",
        f"ses_pickup: {ha.value('session-pickup', 'disable')}, ses_pickup_delay="
        f"{ha.value('session-pickup-delay', 'disable')}",
        f"override: {ha.value('override', 'disable')}",
        "Configuration Status:",
        *(f"    {m.serial}(updated {i} seconds ago): in-sync" for i, m in enumerate(members)),
        "System Usage stats:",
    ]
    for i, m in enumerate(members):
        lines += [
            f"    {m.serial}(updated {i} seconds ago):",
            "        sessions=3, average-cpu-user/nice/system/idle=0%/0%/0%/100%, memory=42%",
        ]
    lines.append("HBDEV stats:")
    for i, m in enumerate(members):
        lines.append(f"    {m.serial}(updated {i} seconds ago):")
        lines += _dev_stats(hbdevs, down if m.local else frozenset())
    if monitored:
        lines.append("MONDEV stats:")
        for i, m in enumerate(members):
            lines.append(f"    {m.serial}(updated {i} seconds ago):")
            lines += _dev_stats(monitored, down if m.local else frozenset())
    # the cluster index follows the serial numbers, the operating index the roles
    by_serial = sorted(members, key=lambda m: m.serial, reverse=True)
    for m in members:
        lines.append(member_line(release, m.primary, m.hostname, m.serial, by_serial.index(m)))
    lines += [
        "number of vcluster: 1",
        # a-p: the secondary stands by; a-a: every member works
        f"vcluster 1: {'work' if me.primary or mode == 'a-a' else 'standby'} "
        f"{_HB_ADDRESS[me.primary]}",
    ]
    for m in members:
        role = "Primary" if m.primary else "Secondary"
        lines.append(f"{role}: {m.serial}, HA operating index = {0 if m.primary else 1}")
    return lines


def _digest(*parts: str) -> str:
    raw = hashlib.md5("|".join(parts).encode(), usedforsecurity=False).hexdigest()
    return " ".join(raw[i : i + 2] for i in range(0, len(raw), 2)) + " "


def diagnose_sys_ha_checksum_cluster(
    facts: DeviceFacts, op: OpState, *, root: Node, identity: SystemIdentity
) -> list[str]:
    """Each member's configuration checksums. Members in sync print the same sums (the
    synchronised config); a unit alone, or outside FGCP, prints its own block only."""
    if _is_cluster(root):
        members = cluster_members(facts, op, identity=identity, booted=identity.booted)
    else:
        members = [Member(identity.hostname, identity.serial, True, local=True)]
    shared = ",".join(sorted(m.serial for m in members))
    lines: list[str] = []
    for m in sorted(members, key=lambda m: not m.primary):
        key = shared if len(members) > 1 else m.serial
        sums = [
            f"global: {_digest(key, 'global')}",
            f"root: {_digest(key, 'root')}",
            f"all: {_digest(key, 'all')}",
        ]
        flag = int(m.primary)
        lines += [
            "",
            f"================== {m.serial} ==================",
            "",
            f"is_manage_primary()={flag}, is_root_primary()={flag}",
            "debugzone",
            *sums,
            "",
            "checksum",
            *sums,
        ]
    return lines


def diagnose_sys_session_sync(facts: DeviceFacts, op: OpState, *, root: Node) -> list[str]:
    """The session-sync summary (FGSP's own proof; FGCP session pickup prints it too):
    synchronisation has started while the simulation has the pair in sync."""
    ha = root.block("system ha") or Node()
    fgsp = root.block("system standalone-cluster") or Node()
    peers = (fgsp.block("cluster-peer") or Node(is_table=True)).entries
    pickup = ha.value("session-pickup", "disable") == "enable"
    configured = len(peers) if peers else int(_is_cluster(root))
    started = int(pickup and op.ha is not None and op.ha.in_sync)

    def flag(name: str) -> int:
        return int(pickup and ha.value(name, "disable") == "enable")

    sent, received = (41, 38) if started else (0, 0)
    return [
        f"sync_ctx: sync_started={started}, sync_tcp={int(pickup)}, "
        f"sync_others={flag('session-pickup-connectionless')},",
        f"sync_expectation={flag('session-pickup-expectation')}, sync_redir=0, "
        f"sync_nat={flag('session-pickup-nat')}, stdalone_sessync=0.",
        f"sync: create={sent}:0, update=0, delete=0:0, query={2 * started}",
        f"recv: create={received}:0, update=0, delete=0:0, query={2 * started}",
        "ses pkts: send=0, alloc_fail=0, recv=0, recv_err=0 sz_err=0",
        f"nCfg_sess_sync_num={configured}, mtu=16000",
        "sync_filter:",
    ]
