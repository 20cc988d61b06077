"""Shared-config clusters (SRX chassis cluster, FortiGate FGCP): every member's backup
before anything is sent, and a rollback through the primary.

A cluster member other than the primary is never pushed to: it takes the primary's config
by config sync the moment the primary commits. Its backup must therefore be taken before
the primary is touched, or it would record the change itself as "pre-change" and a later
rollback would restore the change. On rollback the primary is restored first (the cluster
syncs it to the others); each other member is then checked against its own backup and
only what the cluster keeps per member (FGCP priority/override) is pushed to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nornir.core import Nornir

from egress.change.changes import ChangeDir
from egress.change.recorder import ChangeRecorder
from egress.devices.device_errors import describe
from egress.platforms import PLATFORMS
from egress.tasks.backup import backup_config


def back_up_members(nr: Nornir, members: Iterable[str], *, change: ChangeDir) -> dict[str, str]:
    """Back up ``members`` now; returns member -> why its backup failed (empty: all taken)."""
    wanted = set(members)
    if not wanted:
        return {}
    chosen = nr.filter(filter_func=lambda h: h.name in wanted)
    try:
        results = chosen.with_processors([ChangeRecorder(change)]).run(
            task=backup_config, on_failed=True
        )
    finally:
        # Not kept open across its primary's sessions where the cluster synchronises what a
        # session sets (FortiOS FGCP: `config system console`, which netmiko's `fortinet`
        # sets to `output standard` on open and puts back on close): a member session opened
        # while the primary had `more` would be paged as soon as a primary session closed.
        # The member's check opens a session of its own when it is due. (An SRX member's
        # NETCONF session changes nothing on the cluster: kept for its check.)
        synced = chosen.filter(
            filter_func=lambda h: PLATFORMS[str(h.platform)].cluster_syncs_session_settings
        )
        synced.close_connections(on_good=True, on_failed=True)
    return {
        host: describe(multi[0].exception).message
        for host, multi in results.items()
        if multi.failed
    }


def rollback_order(actions: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """(hosts restored from their own backup first, cluster members checked after)."""
    mirrors = sorted(h for h, a in actions.items() if a == "check-mirror")
    return sorted(h for h in actions if h not in mirrors), mirrors
