"""The change record written from the tasks' results: one Nornir ``Processor``.

The Nornir tasks (``egress/tasks/``, the device pipeline in ``egress/rollout/``) never write
the change directory or print: each returns what it read and did as data — a :class:`Record`
on its ``Result`` (the host files it produced, the steps it ended, what to tell the
operator, the backup text) — or, when it fails, on its exception. :class:`ChangeRecorder`,
registered with ``nr.with_processors``, writes them. Nornir calls a processor in the thread
that ran the task, as the (sub)task ends and before its parent continues, so the backup
(``pre.cfg`` and its vault entry, fsync'ed) is on disk before the next subtask sends the
first config line, exactly as when the task wrote it itself. A task run elsewhere (a Dask
worker) returns the same data, replayed through the same processor on the client, which
stays the single writer of ``changes/<id>/``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from nornir.core.inventory import Host
from nornir.core.task import AggregatedResult, MultiResult, Result, Task

from egress.change.changes import ChangeDir, append_step

Progress = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class Step:
    """One step's outcome, timed where it ran (``steps.jsonl`` line)."""

    host: str
    step: str
    ok: bool
    started: float
    duration_s: float
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def ended(cls, host: str, step: str, *, ok: bool, started: float, **details: Any) -> Step:
        """The step ends now: its duration counts up to this call (as ``record_step`` did)."""
        return cls(host, step, ok, started, round(time.time() - started, 3), details)

    def head(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "step": self.step,
            "ok": self.ok,
            "started": datetime.fromtimestamp(self.started, tz=UTC).isoformat(),
            "duration_s": self.duration_s,
        }


@dataclass(frozen=True, slots=True)
class BackupText:
    """A running config to keep before anything is sent: its secrets go to the vault."""

    text: str = field(repr=False)
    restorable: bool = True


@dataclass(frozen=True, slots=True)
class Record:
    """What one (sub)task produced for the change record, written in this order: the
    backup, the host files, the steps; then ``said`` is told to the operator."""

    host: str
    backup: BackupText | None = None
    files: tuple[tuple[str, str], ...] = ()
    steps: tuple[Step, ...] = ()
    said: tuple[str, ...] = ()

    def plus(self, other: Record) -> Record:
        return Record(
            self.host,
            other.backup or self.backup,
            self.files + other.files,
            self.steps + other.steps,
            self.said + other.said,
        )


def with_record(exc: BaseException, record: Record) -> BaseException:
    """``exc`` carrying ``record``: a failing task's steps and files are still written."""
    exc.egress_record = record  # type: ignore[attr-defined]
    return exc


def record_of(result: Result) -> Record | None:
    """The record a task's result (or its exception) carries, if any."""
    found = getattr(result, "record", None)
    if found is None and result.exception is not None:
        found = getattr(result.exception, "egress_record", None)
    return found if isinstance(found, Record) else None


def note(task: Task, *, record: Record) -> Result:
    """A subtask that only carries ``record`` to the processor: a step or a message an
    orchestrating task ends mid-way (a failure, before its rollback starts)."""
    return Result(host=task.host, record=record)


# What is told as a subtask starts (the operator sees what a device is doing now).
STARTING: dict[str, str] = {
    "backup_config": "backing up the running config",
    "deploy_config": "loading the candidate and diffing",
    "verify_applied": "committed; checking before confirming",
}


class ChangeRecorder:
    """The one writer of a change's steps, host files and progress (a Nornir Processor)."""

    def __init__(
        self, change: ChangeDir, progress: Progress | None = None, *, starting: bool = True
    ) -> None:
        self.change = change
        self.progress = progress
        self.starting = starting

    def write(self, record: Record) -> None:
        """Write one record (also what a remote runner replays on the client)."""
        if record.backup is not None:
            self.change.write_backup(
                record.host, record.backup.text, restorable=record.backup.restorable
            )
        for name, text in record.files:
            self.change.write_host_file(record.host, name, text)
        for step in record.steps:
            append_step(self.change, step.head(), step.details)
        if self.progress is not None:
            for message in record.said:
                self.progress(record.host, message)

    def write_all(self, records: Iterable[Record]) -> None:
        for record in records:
            self.write(record)

    def _done(self, multi: MultiResult) -> None:
        record = record_of(multi[0])
        if record is not None:
            self.write(record)

    # Nornir's Processor protocol
    def task_started(self, task: Task) -> None:
        pass

    def task_completed(self, task: Task, result: AggregatedResult) -> None:
        pass

    def task_instance_started(self, task: Task, host: Host) -> None:
        pass

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        self._done(result)

    def subtask_instance_started(self, task: Task, host: Host) -> None:
        said = STARTING.get(task.name) if self.starting else None
        if said is not None and self.progress is not None:
            self.progress(host.name, said)

    def subtask_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        self._done(result)
