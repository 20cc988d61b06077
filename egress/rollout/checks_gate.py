"""The checks around a commit: the starting state recorded before it, and the post-checks
that gate its confirm (retried for ``--settle`` seconds while BFD and probes converge)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import asdict

from nornir.core.task import Task

from egress.change.recorder import Record, Step, note
from egress.devices.device_errors import describe
from egress.errors import DeviceError, Location
from egress.model.intent import DeviceIntent
from egress.tasks.validate import validate_state
from egress.validate import Check


class PostCheckFailed(DeviceError):
    """The device took the config but does not do what the design says."""


def pre_check(
    task: Task,
    *,
    intents: Mapping[str, DeviceIntent],
    scope: str,
) -> None:
    """Record the starting state; it is evidence for the report, never a reason to stop."""
    name = task.host.name
    try:
        pre = task.run(task=validate_state, intents=intents, scope=scope, record=True, label="pre")[
            0
        ].result
    except Exception as exc:  # noqa: BLE001
        said = f"pre-change checks not recorded: {describe(exc).message}"
        task.run(task=note, record=Record(name, said=(said,)))
        return
    task.run(task=note, record=Record(name, files=(("pre-validate.json", _checks_json(pre)),)))


def post_check(
    task: Task,
    *,
    intents: Mapping[str, DeviceIntent],
    scope: str,
    settle_s: float,
) -> None:
    """Validate until every check passes or ``settle_s`` runs out; fail with what failed."""
    name = task.host.name
    started = time.time()
    deadline = time.monotonic() + settle_s
    while True:
        checks: list[Check] = task.run(
            task=validate_state, intents=intents, scope=scope, record=True, label="post"
        )[0].result
        failed = [c for c in checks if not c.passed]
        if not failed or time.monotonic() >= deadline:
            break
        time.sleep(min(2.0, max(0.0, deadline - time.monotonic())))
    step = Step.ended(
        name,
        "validate",
        ok=not failed,
        started=started,
        scope=scope,
        failed=[f"{c.subject}: expected {c.expected}, got {c.observed}" for c in failed],
    )
    said = () if failed else (f"{len(checks)} post-checks passed ({scope})",)
    files = (("post-validate.json", _checks_json(checks)),)
    task.run(task=note, record=Record(name, files=files, steps=(step,), said=said))
    if failed:
        first = failed[0]
        raise PostCheckFailed(
            f"post-check failed: {first.subject}: expected {first.expected}, observed "
            f"{first.observed}" + (f" (+{len(failed) - 1} more)" if len(failed) > 1 else ""),
            location=Location(host=name),
        )


def _checks_json(checks: list[Check]) -> str:
    return json.dumps([asdict(c) for c in checks], indent=2) + "\n"
