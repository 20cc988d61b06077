"""The checks around a commit: the starting state recorded before it, and the post-checks
that gate its confirm (retried for ``--settle`` seconds while BFD and probes converge)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict

from nornir.core.task import Task

from egress.change.changes import ChangeDir, record_step
from egress.devices.device_errors import describe
from egress.errors import DeviceError, Location
from egress.model.intent import DeviceIntent
from egress.tasks.validate import validate_state
from egress.validate import Check

Say = Callable[[str, str], None]


class PostCheckFailed(DeviceError):
    """The device took the config but does not do what the design says."""


def pre_check(
    task: Task,
    *,
    change: ChangeDir,
    intents: Mapping[str, DeviceIntent],
    scope: str,
    say: Say,
) -> None:
    """Record the starting state; it is evidence for the report, never a reason to stop."""
    try:
        pre = task.run(
            task=validate_state, intents=intents, scope=scope, change=change, label="pre"
        )[0].result
    except Exception as exc:  # noqa: BLE001
        say(task.host.name, f"pre-change checks not recorded: {describe(exc).message}")
        return
    change.write_host_file(task.host.name, "pre-validate.json", _checks_json(pre))


def post_check(
    task: Task,
    *,
    change: ChangeDir,
    intents: Mapping[str, DeviceIntent],
    scope: str,
    settle_s: float,
    say: Say,
) -> None:
    """Validate until every check passes or ``settle_s`` runs out; fail with what failed."""
    name = task.host.name
    started = time.time()
    deadline = time.monotonic() + settle_s
    while True:
        checks: list[Check] = task.run(
            task=validate_state, intents=intents, scope=scope, change=change, label="post"
        )[0].result
        failed = [c for c in checks if not c.passed]
        if not failed or time.monotonic() >= deadline:
            break
        time.sleep(min(2.0, max(0.0, deadline - time.monotonic())))
    change.write_host_file(name, "post-validate.json", _checks_json(checks))
    record_step(
        change,
        host=name,
        step="validate",
        ok=not failed,
        started=started,
        scope=scope,
        failed=[f"{c.subject}: expected {c.expected}, got {c.observed}" for c in failed],
    )
    if failed:
        first = failed[0]
        raise PostCheckFailed(
            f"post-check failed: {first.subject}: expected {first.expected}, observed "
            f"{first.observed}" + (f" (+{len(failed) - 1} more)" if len(failed) > 1 else ""),
            location=Location(host=name),
        )
    say(name, f"{len(checks)} post-checks passed ({scope})")


def _checks_json(checks: list[Check]) -> str:
    return json.dumps([asdict(c) for c in checks], indent=2) + "\n"
