"""A change's plan and results: the HA-aware waves (:func:`plan_change`), the options a
change runs with, and each device's outcome (run by :mod:`egress.rollout.deploy`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from egress.model.intent import DeviceIntent


class Outcome(StrEnum):
    UNCHANGED = "unchanged"  # the device already held the intended config
    WOULD_CHANGE = "would-change"  # dry-run: the diff is in the change directory
    COMMITTED = "committed"  # intended config, confirmed
    MIRRORED = "mirrored"  # a cluster member that took the primary's config
    ROLLED_BACK = "rolled-back"  # pre-change config, verified
    REVERTING = "reverting"  # contact lost after commit: the device's timer restores it
    FAILED_UNTOUCHED = "failed-untouched"  # failed before any line was sent
    FAILED_UNKNOWN = "failed-unknown"  # rollback could not be verified: look now
    SKIPPED = "skipped"  # the failure budget stopped the rollout first

    @property
    def failed(self) -> bool:
        return self not in (
            Outcome.UNCHANGED,
            Outcome.WOULD_CHANGE,
            Outcome.COMMITTED,
            Outcome.MIRRORED,
        )

    @property
    def config(self) -> str:
        """Which config the device is left at."""
        return {
            Outcome.COMMITTED: "intended",
            Outcome.MIRRORED: "intended",
            Outcome.UNCHANGED: "intended",
            Outcome.FAILED_UNKNOWN: "UNKNOWN - check it",
            Outcome.REVERTING: "pre-change (after its confirm timer)",
        }.get(self, "pre-change")


@dataclass(frozen=True, slots=True)
class HostPlan:
    host: str
    site: str
    role: str
    wave: int  # 1: secondaries, 2: primaries and clusters
    action: str  # "push" or "check-mirror" (a shared-config cluster's other member)
    why: str
    # post-checks: "local" while the peer still runs the old config, "pair" once both do
    scope: str = "pair"


@dataclass(frozen=True, slots=True)
class DeployOptions:
    commit: bool = False
    replace: bool = False
    confirm_s: int | None = 300  # arms the device's own timer; None: commit without it
    max_failures: int = 0
    validate: bool = True  # post-checks gate the confirm
    settle_s: float = 20.0  # how long post-checks may take to pass (BFD, probes converge)
    # replace objects at egress's IDs that egress did not write (else: refused, exit 2)
    take_over: bool = False


@dataclass
class HostResult:
    host: str
    outcome: Outcome
    message: str = ""
    diff_lines: int = 0
    duration_s: float = 0.0


@dataclass
class ChangeResult:
    change_id: str
    root: Path
    dry_run: bool
    hosts: dict[str, HostResult] = field(default_factory=dict)
    stopped_by_budget: bool = False
    interrupted: bool = False  # stopped by the operator (Ctrl-C): nothing new was started
    batches: list[list[str]] = field(default_factory=list)
    record_error: str = ""  # why summary.json could not be written ('' when it was)

    @property
    def failed(self) -> list[HostResult]:
        return [h for h in self.hosts.values() if h.outcome.failed]

    @property
    def budget_spent(self) -> int:
        """The devices that failed against the failure budget: those tried. A device not
        started (its site's earlier wave failed, the budget or Ctrl-C held it) is reported
        failed but spends nothing: counting a held primary as a second failure would let one
        broken secondary stop every other site, depending on which lane got there first."""
        return sum(1 for h in self.failed if h.outcome is not Outcome.SKIPPED)


Progress = Callable[[str, str], None]  # (host, what is happening)


def plan_change(intents: Mapping[str, DeviceIntent]) -> list[HostPlan]:
    """Which device when, and why, decided before anything is sent."""
    plans = []
    for name, intent in sorted(intents.items()):
        ha = intent.ha_sync
        if ha is not None and ha.form == "cluster":
            if intent.role == "primary":
                plans.append(
                    HostPlan(
                        name,
                        intent.site,
                        intent.role,
                        2,
                        "push",
                        f"shared-config cluster: commit once here; {intent.peer} "
                        "takes it by config sync",
                    )
                )
            else:
                plans.append(
                    HostPlan(
                        name,
                        intent.site,
                        intent.role,
                        2,
                        "check-mirror",
                        f"shared-config cluster member: checked for sync with "
                        f"{intent.peer}, never pushed",
                    )
                )
        elif intent.role == "secondary":
            plans.append(
                HostPlan(
                    name,
                    intent.site,
                    intent.role,
                    1,
                    "push",
                    "own config: secondary first, while the primary carries traffic",
                    scope="local",
                )
            )
        else:
            plans.append(
                HostPlan(
                    name,
                    intent.site,
                    intent.role,
                    2,
                    "push",
                    f"own config: after its secondary {intent.peer} is done",
                )
            )
    return plans
