"""Load, compare, commit (with the device's confirm timer), confirm, and roll back."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nornir.core.task import Result, Task

from egress.change.changes import CANDIDATE, DIFF, POST, SENT
from egress.change.recorder import Record, Step, with_record
from egress.change.restore_points import RestorePoints
from egress.devices.configtext import residue
from egress.devices.connection import CONNECTION
from egress.devices.device_errors import describe
from egress.devices.reads import running_config
from egress.devices.session import own_setting_in, restore_own_settings
from egress.errors import DeviceError, Location
from egress.platforms import PLATFORMS
from egress.remediate import (
    INTENDED,
    REPLACE_ON_RUNNING_TEXT,
    RUNNING_FORMAT,
    Foreign,
    ForeignObjects,
    Remediation,
    plan,
)

# Platforms whose confirm looks for the pending commit itself and refuses when there is
# none, with these words: asking has_pending_commit() first would send the same commands
# twice. IOS-XE: egress's own confirm (egress/platforms/ios/confirm.py: napalm ios's
# confirm_commit() with one look at the pending commit instead of two) raises napalm's
# CommitConfirmException("No pending configuration") as napalm does. napalm junos commits
# whatever is pending or not (a plain `commit`), and egress's FortiOS driver answers
# has_pending_commit() from its own session without a command: both are asked first.
_CONFIRM_REFUSES_NOTHING_PENDING: Mapping[str, str] = {"ios": "No pending configuration"}
# a platform's own ``confirm(driver)`` in egress/platforms/<slug>/confirm.py, in place of
# the driver's confirm_commit()
_CONFIRM_PART = "confirm"


class CommitInterrupted(DeviceError):
    """commit_config failed part-way: the device must be checked and rolled back."""


class ConfirmTimerExpired(DeviceError):
    """The device's confirm timer fired before egress confirmed: it reverted by itself."""


@dataclass(frozen=True, slots=True)
class Deployed:
    diff: str
    committed: bool
    revert_in: int | None


@dataclass(frozen=True, slots=True)
class RolledBack:
    method: str  # "device" (NAPALM rollback), "backup" (replace with pre.cfg), "none" (needless)
    residue: tuple[str, ...]  # lines still differing from the backup afterwards


def remediation_for(
    task: Task,
    *,
    config: str,
    previous: str | None,
    take_over: bool,
    replace: bool,
    reads: Mapping[str, str] | None = None,
) -> Remediation:
    """What would bring the device's owned sections to ``config`` (nothing is loaded).
    ``reads``: the running config this session already read, by format (saves a read)."""
    device = task.host.get_connection(CONNECTION, task.nornir.config)
    platform = str(task.host.platform)
    form = RUNNING_FORMAT[platform]
    running = (reads or {}).get(form)
    if running is None:
        running = running_config(platform, device, form)
    backup = ""
    if replace and platform in REPLACE_ON_RUNNING_TEXT:
        backup = device.get_config(retrieve="running")["running"]
    assert running is not None
    return _plan(platform, task.host.name, running, config, previous, take_over, replace, backup)


@lru_cache(maxsize=512)
def _plan(
    platform: str,
    host: str,
    running: str,
    rendered: str,
    previous: str | None,
    take_over: bool,
    replace: bool,
    backup: str,
) -> Remediation:
    """``plan`` of the same texts computed once: a commit reads the same running config for
    its ownership pre-flight and its load (before anything is sent), and again for its
    verify and its confirm (nothing sent in between): the same inputs, the same frozen
    Remediation, ~15-30 ms of hier_config/FortiOS tree work each time saved."""
    return plan(
        platform,
        host,
        running=running,
        rendered=rendered,
        previous=previous,
        take_over=take_over,
        replace=replace,
        backup=backup,
    )


@dataclass(frozen=True, slots=True)
class Ownership:
    """The objects at egress's IDs that egress did not write, and the running config they
    were found in (by format: a dry-run computes its diff from this same read)."""

    foreign: tuple[Foreign, ...]
    reads: dict[str, str]


def check_ownership(
    task: Task, *, config: str, previous: str | None, take_over: bool, replace: bool
) -> Result:
    """Before anything is sent anywhere: the objects at egress's IDs that egress did not write."""
    device = task.host.get_connection(CONNECTION, task.nornir.config)
    form = RUNNING_FORMAT[str(task.host.platform)]
    reads = {form: running_config(str(task.host.platform), device, form)}
    found = remediation_for(
        task, config=config, previous=previous, take_over=take_over, replace=replace, reads=reads
    ).foreign
    return Result(host=task.host, result=Ownership(found, reads))


def _load(device: object, remediation: Remediation) -> None:
    for load in remediation.loads:
        if load.replace:
            device.load_replace_candidate(config=load.text)  # type: ignore[attr-defined]
        else:
            device.load_merge_candidate(config=load.text)  # type: ignore[attr-defined]


def deploy_config(
    task: Task,
    *,
    config: str,
    replace: bool = False,
    dry_run: bool | None = None,
    revert_in: int | None = None,
    take_over: bool = False,
    previous: str | None = None,
    reads: Mapping[str, str] | None = None,
) -> Result:
    """Load the remediation of egress's owned sections; a dry-run
    (``task.is_dry_run(dry_run)``) discards, a commit arms the confirm timer. ``reads`` is
    the running config this session just read, by format (saves a read). The intended
    config, the candidate and the diff are returned as host files (on the exception too
    when it fails)."""
    started = time.time()
    name = task.host.name
    commit = not task.is_dry_run(dry_run)
    device = task.host.get_connection(CONNECTION, task.nornir.config)
    files: list[tuple[str, str]] = [(INTENDED, config)]
    try:
        return _deploy(
            task,
            device,
            files,
            started,
            config=config,
            replace=replace,
            commit=commit,
            revert_in=revert_in,
            take_over=take_over,
            previous=previous,
            reads=reads,
        )
    except Exception as exc:  # its files are still the record's (then the exception)
        with_record(exc, Record(name, files=tuple(files)))
        raise


def _deploy(
    task: Task,
    device: Any,
    files: list[tuple[str, str]],
    started: float,
    *,
    config: str,
    replace: bool,
    commit: bool,
    revert_in: int | None,
    take_over: bool,
    previous: str | None,
    reads: Mapping[str, str] | None,
) -> Result:
    name = task.host.name
    remediation = remediation_for(
        task,
        config=config,
        previous=previous,
        take_over=take_over,
        replace=replace,
        reads=reads,
    )
    if remediation.foreign and not take_over:
        raise ForeignObjects(remediation.foreign)
    files.append((CANDIDATE, remediation.candidate))
    diff = ""
    if not remediation.empty:
        _load(device, remediation)
        # IOS: the remediation lines are what is sent (the device's incremental diff would
        # hide unchanged sub-commands of a re-created `ip sla`); FortiOS/Junos: the driver's
        # script or the device's own `show | compare`
        diff = remediation.shown if remediation.shown is not None else device.compare_config()
        diff = diff or ""
    review = remediation.review
    if review is None and diff.strip():
        # a driver that knows the old values it compared (egress's FortiOS driver)
        review = getattr(device, "review", None)
    if review and diff.strip():
        # the reviewer's form (before/after) in diff.txt; what is sent beside it
        files += [(DIFF, review), (SENT, diff)]
    else:
        files.append((DIFF, diff))
    if not commit or not diff.strip():
        if not remediation.empty:
            device.discard_config()
        step = Step.ended(
            name,
            "diff",
            ok=True,
            started=started,
            changed=bool(diff.strip()),
            lines=len(diff.splitlines()),
        )
        return Result(
            host=task.host,
            result=Deployed(diff, False, None),
            changed=bool(diff.strip()),
            diff=diff,
            record=Record(name, files=tuple(files), steps=(step,)),
        )
    try:
        device.commit_config(revert_in=revert_in)
    except Exception as exc:  # the device may hold some, all or none of it now
        raise CommitInterrupted(
            f"commit interrupted: {describe(exc).message}", location=Location(host=name)
        ) from exc
    step = Step.ended(
        name,
        "commit",
        ok=True,
        started=started,
        revert_in=revert_in,
        lines=len(diff.splitlines()),
    )
    return Result(
        host=task.host,
        result=Deployed(diff, True, revert_in),
        changed=True,
        diff=diff,
        record=Record(name, files=tuple(files), steps=(step,)),
    )


def confirm_config(task: Task, *, config: str) -> Result:
    """Confirm the pending commit, then prove the device still holds the intended config.

    No pending commit here means the device's own timer already fired and put the pre-change
    config back (a slow device, or post-checks that outlasted it): that is a failure, never
    a success. A timer can also fire between the look and the confirm, so the intended
    config is checked again after confirming, and ``post.cfg`` is what the device holds.
    """
    started = time.time()
    name = task.host.name
    device = task.host.get_connection(CONNECTION, task.nornir.config)
    platform = str(task.host.platform)
    said = _CONFIRM_REFUSES_NOTHING_PENDING.get(platform)

    def expired() -> BaseException:
        step = Step.ended(name, "confirm", ok=False, started=started, pending=False)
        return with_record(
            ConfirmTimerExpired(
                "the device's confirm timer fired before egress confirmed: it went back to "
                "its pre-change config by itself",
                location=Location(host=name),
                hint="give --confirm more time than --settle and the device steps take",
            ),
            Record(name, steps=(step,)),
        )

    if said is None and not device.has_pending_commit():
        raise expired()
    from napalm.base.exceptions import CommitConfirmException  # the session imported napalm

    try:
        if PLATFORMS.has_module(platform, _CONFIRM_PART):
            PLATFORMS.module(platform, _CONFIRM_PART).confirm(device)
        else:
            device.confirm_commit()
    except CommitConfirmException as exc:
        if said is not None and said in str(exc):
            raise expired() from exc
        raise
    restore_own_settings(str(task.host.platform), device)
    running = running_config(platform, device)
    # one read after the confirm: post.cfg and the proof are the same running config
    leftover = _leftover(task, device, config, reads={"text": running})
    step = Step.ended(
        name, "confirm", ok=not leftover, started=started, leftover=leftover.splitlines()[:20]
    )
    record = Record(name, files=((POST, running),), steps=(step,))
    if leftover:
        raise with_record(
            ConfirmTimerExpired(
                "after the confirm the device does not hold the intended config (its confirm "
                "timer fired first?)",
                location=Location(host=name),
                hint=f"still different:\n{leftover[:400]}",
            ),
            record,
        )
    return Result(host=task.host, result=True, record=record)


def _leftover(
    task: Task, device: Any, config: str, *, reads: Mapping[str, str] | None = None
) -> str:
    """What egress would still send to make the sections it owns the intended ones ('' when
    they are: FortiOS compares each owned entry with the unit's full configuration).
    ``reads``: the running config just read, by format (saves a read)."""
    remediation = remediation_for(
        task, config=config, previous=config, take_over=True, replace=False, reads=reads
    )
    if remediation.empty:
        return ""
    if remediation.shown is not None:
        leftover = remediation.shown
    else:
        _load(device, remediation)
        leftover = device.compare_config() or ""
        device.discard_config()
    return leftover if leftover.strip() else ""


def verify_applied(task: Task, *, config: str) -> Result:
    """The intended config is all there: every owned section is exactly the intended one
    (FortiOS: each owned entry compared with the unit's ``show full-configuration``)."""
    started = time.time()
    device = task.host.get_connection(CONNECTION, task.nornir.config)
    leftover = _leftover(task, device, config)
    ok = not leftover
    name = task.host.name
    step = Step.ended(name, "verify", ok=ok, started=started, leftover=leftover.splitlines()[:20])
    record = Record(name, steps=(step,))
    if not ok:
        raise with_record(
            DeviceError(
                "the device does not hold the intended config after commit",
                location=Location(host=name),
                hint=f"still different:\n{leftover[:400]}",
            ),
            record,
        )
    return Result(host=task.host, result=True, record=record)


def rollback_config(
    task: Task, *, backups: RestorePoints, use_device_rollback: bool = True
) -> Result:
    """Back to the backup, then prove it by comparing the running config with the backup.

    Right after our own commit the device's rollback (NAPALM ``rollback()``: IOS configure
    replace of the archive it took, Junos rollback 1, a pending confirm reverted now) is the
    exact inverse. Later, other commits may have happened, so the backup itself is loaded as
    a replace (``use_device_rollback=False``). ``backups``: the intact backups the client
    read from the change (the vault stays on the client).
    """
    started = time.time()
    name = task.host.name
    backup = backups.get(name)  # a backup whose secrets are lost is never pushed: raises
    if backup is None:
        raise DeviceError("no intact backup to roll back to", location=Location(host=name))
    device = task.host.get_connection(CONNECTION, task.nornir.config)
    # An interrupted commit may never have landed: then a device rollback would undo the
    # change BEFORE ours (Junos rollback 1). Look first; roll back only what is there.
    current: str = device.get_config(retrieve="running")["running"]
    if not residue(str(task.host.platform), backup, current) and not device.has_pending_commit():
        # the session itself may have undone it on opening (a FortiOS unit left in revert
        # mode is reverted and disarmed by the driver's open())
        repaired = str(getattr(task.host.connections.get(CONNECTION), "repaired", "") or "")
        method = "on-open" if repaired else "none"
        step = Step.ended(
            name,
            "rollback",
            ok=True,
            started=started,
            method=method,
            residue=[],
            repaired=repaired,
        )
        return Result(
            host=task.host,
            result=RolledBack(method, ()),
            changed=bool(repaired),
            record=Record(name, steps=(step,)),
        )
    method = "device"
    try:
        if not use_device_rollback:
            raise NotImplementedError
        device.rollback()
    except NotImplementedError:
        method = "backup"
        device.load_replace_candidate(config=backup)
        device.commit_config()
    platform = str(task.host.platform)
    restore_own_settings(platform, device, own=own_setting_in(platform, backup))
    running: str = device.get_config(retrieve="running")["running"]
    left = tuple(residue(str(task.host.platform), backup, running))
    step = Step.ended(
        name, "rollback", ok=not left, started=started, method=method, residue=list(left[:40])
    )
    return Result(
        host=task.host,
        result=RolledBack(method, left),
        changed=True,
        record=Record(name, files=((POST, running),), steps=(step,)),
    )
