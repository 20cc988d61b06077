"""`egress rollback --change ID`: every device of a change back to its backup, in the order a
cluster needs, and the rollback written into the change record.

Devices restored from their own backup go first; a shared-config cluster's other members
(the plan's ``check-mirror`` hosts) after their primary, checked against their own backup
(:func:`egress.rollout.rollback.verify_mirror`). The change's ``summary.json`` then says where
every device was left by the rollback, and ``rollback.json`` keeps what was done, so
``egress report ID`` rebuilt afterwards tells the whole story.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from nornir.core import Nornir

from egress.change.changes import PLAN, SUMMARY, ChangeDir
from egress.devices.connection import host_key_ref
from egress.devices.device_errors import describe
from egress.rollout.clusters import rollback_order
from egress.rollout.rollback import restore_group
from egress.tasks.deploy import RolledBack

ROLLBACK = "rollback.json"
Say = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class HostRollback:
    host: str
    ok: bool
    message: str


def rollback_change(
    nr: Nornir, *, change: ChangeDir, hosts: set[str], say: Say
) -> dict[str, HostRollback]:
    """Restore ``hosts`` (those with a backup in ``change``); never raises for a device."""
    plan = _read(change, PLAN)
    actions = {str(p["host"]): str(p.get("action", "push")) for p in plan.get("hosts", [])}
    first, members = rollback_order({h: actions.get(h, "push") for h in hosts})
    outcomes: dict[str, HostRollback] = {}
    try:
        for group, mirrors in ((first, False), (members, True)):
            if not group:
                continue
            # the primaries' sessions end before their members are looked at (with the
            # primary's session still open, the lab's FGCP member stalled on its own push;
            # not root-caused, and closing is right anyway: the primary is done)
            for host, done in restore_group(nr, change=change, hosts=group, mirrors=mirrors):
                if done.rolled is None:
                    failure = describe(done.error, host_key=host_key_ref(nr.inventory.hosts[host]))
                    outcomes[host] = HostRollback(
                        host, False, f"rollback failed: {failure.message}"
                    )
                else:
                    outcomes[host] = _outcome(host, done.rolled, member=host in members)
                say(host, outcomes[host].message)
    finally:
        nr.close_connections(on_good=True, on_failed=True)
    return outcomes


def _outcome(host: str, rolled: RolledBack, *, member: bool) -> HostRollback:
    if rolled.residue:
        return HostRollback(host, False, f"still differs: {'; '.join(rolled.residue[:3])}")
    if member:
        return HostRollback(
            host,
            True,
            f"restored through its cluster primary ({rolled.method}); verified "
            "against its own backup",
        )
    return HostRollback(host, True, "restored to its backup (verified)")


def record_rollback(change: ChangeDir, outcomes: dict[str, HostRollback]) -> None:
    """The rollback becomes part of the change record (summary.json, rollback.json)."""
    at = datetime.now(tz=UTC).isoformat(timespec="seconds")
    change.write_json(
        ROLLBACK,
        {"at": at, "hosts": {h: {"ok": o.ok, "message": o.message} for h, o in outcomes.items()}},
    )
    summary = _read(change, SUMMARY)
    hosts = dict(summary.get("hosts") or {})
    for host, outcome in outcomes.items():
        entry = dict(hosts.get(host) or {})
        entry.update(
            {
                "outcome": "rolled-back" if outcome.ok else "failed-unknown",
                "config": "pre-change" if outcome.ok else "UNKNOWN - check it",
                "message": f"egress rollback --change at {at}: {outcome.message}"
                + (f" (was: {entry['outcome']})" if entry.get("outcome") else ""),
            }
        )
        hosts[host] = entry
    summary["hosts"] = hosts
    summary["rolled_back_at"] = at
    summary["status"] = "rolled-back" if all(o.ok for o in outcomes.values()) else "failed"
    change.write_json(SUMMARY, summary)


def _read(change: ChangeDir, name: str) -> dict:  # type: ignore[type-arg]
    try:
        data = change.read_json(name)
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
