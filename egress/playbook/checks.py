"""A validate step outside the commit pipeline: the whole selection, optionally during a link
cut (a failover drill), retried until it passes or the settle window ends."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from nornir.core import Nornir

from egress.change.changes import ChangeDir
from egress.change.recorder import ChangeRecorder, Record, Step
from egress.devices.device_errors import describe
from egress.devices.overlay import link_cut
from egress.model.intent import DeviceIntent
from egress.rollout.validate import check_fleet
from egress.validate import Check

Say = Callable[[str, str], None]


def validate_fleet(
    nr: Nornir,
    *,
    change: ChangeDir,
    intents: Mapping[str, DeviceIntent],
    label: str,
    failover: frozenset[str] = frozenset(),
    features: Sequence[str] = (),
    settle_s: float = 20.0,
    cut: tuple[str, str] | None = None,
    lab_state: Path | None = None,
    say: Say,
) -> dict[str, str]:
    """Run the checks; host -> why it failed ("" when every check passed).

    A cut link is restored whatever happens (also on Ctrl-C): a drill must never leave the
    network degraded.
    """
    started = time.time()
    state = lab_state or Path()
    if cut is not None:
        cutter = link_cut(state)  # the provider's plugin (the lab's: egress.link_cut)
        say(cut[0], f"cutting link {cut[1]} (drill)")
        cutter.set_link(state, host=cut[0], interface=cut[1], up=False)
        _step(change, cut[0], "cut-link", ok=True, started=started, interface=cut[1])
    try:
        checks, unreachable = _until_settled(
            nr,
            intents=intents,
            change=change,
            label=label,
            failover=failover,
            features=features,
            settle_s=settle_s,
        )
    finally:
        if cut is not None:
            cutter.set_link(state, host=cut[0], interface=cut[1], up=True)
            _step(change, cut[0], "restore-link", ok=True, started=time.time(), interface=cut[1])
            say(cut[0], f"link {cut[1]} restored")
    failures: dict[str, str] = {}
    for host, host_checks in checks.items():
        ChangeRecorder(change).write(
            Record(
                host,
                files=(
                    (
                        f"{label}-validate.json",
                        json.dumps([asdict(c) for c in host_checks], indent=2) + "\n",
                    ),
                ),
            )
        )
        failed = [c for c in host_checks if not c.passed]
        failures[host] = "; ".join(
            f"{c.subject}: expected {c.expected}, got {c.observed}" for c in failed[:3]
        ) + (f" (+{len(failed) - 3} more)" if len(failed) > 3 else "")
        _step(
            change,
            host,
            "validate",
            ok=not failed,
            started=started,
            label=label,
            failover=sorted(failover),
            failed=[f"{c.subject}: expected {c.expected}, got {c.observed}" for c in failed],
        )
        passed = len(host_checks) - len(failed)
        say(
            host,
            f"{label}: {passed}/{len(host_checks)} checks passed"
            + (f" (failover expected: {', '.join(sorted(failover))})" if failover else ""),
        )
    for host, message in unreachable.items():
        failures[host] = message
        _step(
            change,
            host,
            "validate",
            ok=False,
            started=started,
            label=label,
            message=message,
        )
        say(host, f"{label}: cannot validate: {message}")
    return failures


def _until_settled(
    nr: Nornir,
    *,
    intents: Mapping[str, DeviceIntent],
    change: ChangeDir,
    label: str,
    failover: frozenset[str],
    features: Sequence[str],
    settle_s: float,
) -> tuple[dict[str, list[Check]], dict[str, str]]:
    deadline = time.monotonic() + settle_s
    while True:
        found = check_fleet(nr, intents=intents, failover=failover, change=change, label=label)
        checks = {
            host: [c for c in done if not features or c.feature in features]
            for host, done in found.checks.items()
        }
        unreachable = {host: describe(e).message for host, e in found.unreachable.items()}
        settled = not unreachable and all(c.passed for cs in checks.values() for c in cs)
        if settled or time.monotonic() >= deadline:
            return checks, unreachable
        time.sleep(min(2.0, max(0.0, deadline - time.monotonic())))


def _step(
    change: ChangeDir, host: str, step: str, *, ok: bool, started: float, **details: Any
) -> None:
    """A step of the playbook's own (on the client), written by the change recorder."""
    ChangeRecorder(change).write(
        Record(host, steps=(Step.ended(host, step, ok=ok, started=started, **details),))
    )
