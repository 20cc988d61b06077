"""Batches from sites and plan_change waves: canary first, a pair never down at once.

A batch is the devices changed at the same time. The sites of one site group (the canary,
then ``sites_per_batch`` at a time) give two batches: their secondaries (wave 1), then their
primaries and shared-config clusters (wave 2). So the two members of a sync pair are never in
one batch; only a cluster's members are (one config, pushed once, the other mirrors it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from egress.model.intent import DeviceIntent
from egress.rollout.deploy import plan_change

_WAVE_NAMES = {1: "secondaries", 2: "primaries and clusters"}


@dataclass(frozen=True, slots=True)
class Batch:
    number: int
    label: str
    sites: tuple[str, ...]
    hosts: tuple[str, ...]


def derive_batches(
    intents: Mapping[str, DeviceIntent],
    *,
    canary: Sequence[str] | None,
    sites_per_batch: int,
) -> list[Batch]:
    plans = plan_change(intents)
    sites = sorted({p.site for p in plans})
    first = [s for s in sites if s in canary] if canary is not None else sites[:1]
    rest = [s for s in sites if s not in first]
    groups = [first] + [rest[i : i + sites_per_batch] for i in range(0, len(rest), sites_per_batch)]
    batches: list[Batch] = []
    for index, group in enumerate(g for g in groups if g):
        name = "canary " if index == 0 else ""
        for wave in (1, 2):
            hosts = tuple(sorted(p.host for p in plans if p.site in group and p.wave == wave))
            if hosts:
                label = f"{name}{', '.join(group)}: {_WAVE_NAMES[wave]}"
                batches.append(Batch(len(batches) + 1, label, tuple(group), hosts))
    check_pairs_apart(batches, intents)
    return batches


def check_pairs_apart(batches: Sequence[Batch], intents: Mapping[str, DeviceIntent]) -> None:
    """Refuse a batch holding both members of a sync pair (both could go down together)."""
    for batch in batches:
        members = set(batch.hosts)
        for host in batch.hosts:
            intent = intents[host]
            cluster = intent.ha_sync is not None and intent.ha_sync.form == "cluster"
            if intent.peer in members and not cluster:
                raise ValueError(
                    f"batch {batch.number} holds both {host} and its peer {intent.peer}"
                )
