"""The playbook's rollback policy: which committed devices to restore after a failure, and
restoring them (last batch first, so a pair's primary goes back before its secondary)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nornir.core import Nornir

from egress.change.changes import ChangeDir
from egress.devices.device_errors import describe
from egress.playbook.model import RollbackPolicy
from egress.rollout.deploy import ChangeResult, HostResult, Outcome
from egress.rollout.rollback import restore_group

Say = Callable[[str, str], None]
_KEPT = (Outcome.COMMITTED, Outcome.MIRRORED)
# outcomes that are a device failure (SKIPPED is the budget's doing, not the device's)
_FAILURES = tuple(o for o in Outcome if o.failed and o is not Outcome.SKIPPED)


def to_roll_back(
    result: ChangeResult, *, batches: Sequence[Sequence[str]], policy: RollbackPolicy
) -> dict[str, str]:
    """host -> why it is rolled back, for the committed devices the policy sends back."""
    failed = sorted(h for h, r in result.hosts.items() if r.outcome in _FAILURES)
    if not failed or policy is RollbackPolicy.FAILED:
        return {}
    kept = {h for h, r in result.hosts.items() if r.outcome in _KEPT}
    if policy is RollbackPolicy.ALL:
        reason = f"rollback: all - {', '.join(failed)} failed in this run"
        return {h: reason for h in sorted(kept)}
    chosen: dict[str, str] = {}
    for number, batch in enumerate(batches, 1):
        bad = [h for h in batch if h in failed]
        if bad:
            reason = f"rollback: batch - batch {number} had a failure ({', '.join(bad)})"
            chosen.update({h: reason for h in batch if h in kept})
    return chosen


def roll_back(
    nr: Nornir,
    *,
    change: ChangeDir,
    result: ChangeResult,
    chosen: dict[str, str],
    batches: Sequence[Sequence[str]],
    say: Say,
) -> None:
    """Restore every chosen device from its backup and update its outcome in ``result``."""
    for batch in reversed(batches):
        wanted = [h for h in batch if h in chosen]
        if not wanted:
            continue
        mirrored = {h for h in wanted if result.hosts[h].outcome is Outcome.MIRRORED}
        pushed = [h for h in wanted if h not in mirrored]
        for group, mirrors in ((pushed, False), (sorted(mirrored), True)):
            if not group:
                continue
            for host in group:
                say(host, f"rolling back ({chosen[host]})")
            # the primary's session ends before its cluster members are looked at
            for host, done in restore_group(nr, change=change, hosts=group, mirrors=mirrors):
                before = result.hosts[host]
                if done.rolled is None:
                    outcome = Outcome.FAILED_UNKNOWN
                    detail = f"rollback failed: {describe(done.error).message}"
                else:
                    rolled = done.rolled
                    outcome = Outcome.FAILED_UNKNOWN if rolled.residue else Outcome.ROLLED_BACK
                    detail = (
                        f"still differs after rollback: {'; '.join(rolled.residue[:3])}"
                        if rolled.residue
                        else f"restored ({rolled.method})"
                    )
                result.hosts[host] = HostResult(
                    host, outcome, f"{chosen[host]}; {detail}", before.diff_lines, before.duration_s
                )
                say(host, f"{outcome.value}: {detail}")
    nr.close_connections(on_good=True, on_failed=True)
