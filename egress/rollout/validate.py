"""Validating a fleet: every selected device's show output against its intent, once
(``egress validate`` and a playbook's validate step, which retries it until it settles)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from nornir.core import Nornir

from egress.change.changes import ChangeDir
from egress.change.recorder import ChangeRecorder
from egress.devices.connection import CONNECTION
from egress.model.intent import DeviceIntent
from egress.tasks.validate import validate_state
from egress.validate import Check


@dataclass(slots=True)
class FleetChecks:
    checks: dict[str, list[Check]] = field(default_factory=dict)
    # hosts that could not be asked, and why (described by the caller, who knows its wording)
    unreachable: dict[str, BaseException] = field(default_factory=dict)
    # what opening a session found left over and put right (a FortiOS unit left in revert
    # mode by a lost session, napalm's IOS line): said, never silent
    repaired: dict[str, str] = field(default_factory=dict)


def check_fleet(
    nr: Nornir,
    *,
    intents: Mapping[str, DeviceIntent],
    failover: frozenset[str] = frozenset(),
    cut: Mapping[str, frozenset[str]] | None = None,
    features: Collection[str] | None = None,
    change: ChangeDir | None = None,
    label: str = "validate",
) -> FleetChecks:
    """Run every host's checks once (recorded in ``change`` when given); never raises for a
    device. ``cut``: host -> its links cut by a drill; ``features``: only these. The sessions
    stay open: the caller closes them (a retry reuses them)."""
    if change is not None:
        nr = nr.with_processors([ChangeRecorder(change)])
    results = nr.run(
        task=validate_state,
        intents=intents,
        failover=failover,
        cut=cut,
        features=features,
        record=change is not None,
        label=label,
        on_failed=True,
    )
    found = FleetChecks()
    for name, entry in nr.inventory.hosts.items():
        note = str(getattr(entry.connections.get(CONNECTION), "repaired", "") or "")
        if note:
            found.repaired[name] = note
    for host, multi in sorted(results.items()):
        if multi.failed:
            found.unreachable[host] = multi[0].exception or RuntimeError("validation failed")
        else:
            found.checks[host] = multi[0].result
    return found
