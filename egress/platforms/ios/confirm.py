"""IOS-XE: confirm a commit made with a revert timer, with one look at the pending commit.

napalm ``ios`` ``confirm_commit()`` (napalm 5.2, napalm/ios/ios.py) runs
``has_pending_commit()`` and then ``_get_pending_commits()`` again: ``show archive`` and
``show archive config rollback timer`` twice each, the same state read twice a few ms apart
on one session. It then sends ``configure confirm`` and ``write mem`` while its own ``file
prompt quiet`` is still configured, so egress's restore afterwards (``session.py``) removed
the line, read the startup-config for it, asked for a pending commit (the same two commands
again) and saved a second time: eleven commands, ~1 s per device on the lab.

Here: napalm's own parse of the pending commit, once (same refusals, same messages); the
``configure confirm``; napalm's session line removed before the one save, so the
startup-config is written once, without it (Cisco IOS-XE Configuration Replace and
Configuration Rollback: ``configure confirm`` ends the Rollback Confirmed Change, after
which nothing is pending and ``write memory`` saves the running config as it stands). Five
commands. The session's state is what ``session.restore`` leaves, so a later restore has
nothing to put back.
"""

from __future__ import annotations

from typing import Any

from egress.platforms.ios.session import restored_before_save

NOTHING_PENDING = "No pending configuration"  # napalm's words, which egress reads


def confirm(driver: Any) -> None:
    """Confirm the pending commit of this session's user; raise napalm's
    ``CommitConfirmException`` as ``confirm_commit()`` does when there is none, or it is
    another user's."""
    from napalm.base.exceptions import CommitConfirmException  # the session imported napalm

    pending = driver._get_pending_commits()  # `show archive` + the rollback timer, parsed
    if not pending:
        raise CommitConfirmException(NOTHING_PENDING)
    if pending.get("user") != driver.username:
        raise CommitConfirmException(
            f"Configuration session active but not owned by {driver.username} cannot confirm commit"
        )
    driver.device.send_command("configure confirm")
    restored_before_save(driver)
    driver.device.save_config()
