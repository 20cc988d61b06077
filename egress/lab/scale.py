"""A large lab: its devices split over several server processes, each site whole in one.

A site's devices share simulated links (LAN, ISP hand-offs, the HA cable): VRRP, BFD, probes
and HA roles are computed over a site, never across sites (egress/lab/topology.py makes one
set of segments per site). So a lab can be cut along sites: each server process serves whole
sites, and simulates each device's state over its own site only — what one process serving
every device computes too, without computing every other site's state for each show command.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence

from egress.lab.world import Topology

# devices one server process serves before the lab starts another (one asyncio loop of
# emulators; beyond a few hundred, answers queue behind one core)
DEVICES_PER_SERVER = 500


# Past this many devices the lab's devices share one host key pair. Every SSH client egress
# drives (netmiko's paramiko, ncclient) reads and parses the whole known_hosts file at every
# connection: with a line per device and key, a 2,000-device lab's 4,000 lines were parsed
# at each of 2,000 connections (measured: 80 sessions opened in 13 minutes). With shared
# keys the file is two lines, each listing every device's [127.0.0.1]:port, and every
# connection still checks the key it is offered against the file. (Each session now reads
# its own cut of the file, a shared line narrowed to its own name: egress/devices/
# known_hosts.py; per-device keys would serve as well, at minutes of key generation.)
SHARED_KEYS_ABOVE = 500


def default_servers(devices: int) -> int:
    """How many server processes a lab of ``devices`` runs: one per DEVICES_PER_SERVER,
    at most one per core."""
    return max(1, min(os.cpu_count() or 1, math.ceil(devices / DEVICES_PER_SERVER)))


def components(names: Iterable[str], topology: Topology) -> list[list[str]]:
    """The devices grouped by the links that join them (a site), each group sorted."""
    parent = {name: name for name in names}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for segment in topology.segments:
        members = [d for d, _ in segment.members if d in parent]
        for other in members[1:]:
            parent[root(other)] = root(members[0])
    groups: dict[str, list[str]] = {}
    for name in parent:
        groups.setdefault(root(name), []).append(name)
    return sorted(sorted(g) for g in groups.values())


def assign_servers(groups: Sequence[Sequence[str]], servers: int) -> dict[str, int]:
    """device -> server, whole groups to the least loaded server (largest groups first)."""
    load = [0] * max(1, servers)
    placed: dict[str, int] = {}
    for group in sorted(groups, key=lambda g: (-len(g), g[0])):
        server = min(range(len(load)), key=lambda s: (load[s], s))
        load[server] += len(group)
        for name in group:
            placed[name] = server
    return placed


def file_of(base: str, server: int) -> str:
    """A per-server file name: server 0 keeps the single-server name (``lab.pid``), server k
    inserts its number (``lab.2.pid``, ``ready.2``)."""
    if server == 0:
        return base
    stem, dot, suffix = base.partition(".")
    return f"{stem}.{server}{dot}{suffix}"
