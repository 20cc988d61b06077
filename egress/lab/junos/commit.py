"""The configuration database: candidate, lock, commit history and commit confirmed.

Junos keeps ``rollback 0`` (the active configuration) to ``rollback 49``; every commit,
including one that changes nothing and the automatic rollback of an unconfirmed
``commit confirmed``, adds a revision. The database is plain data: timers live in the device,
which calls :meth:`ConfigDB.expire_if_due`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from egress.lab.junos.config import Node, parse_text, render_text

MAX_HISTORY = 50


@dataclass
class Revision:
    """One committed configuration (``show system commit`` line)."""

    config: str
    seconds: int
    user: str
    client: str
    sequence: int
    log: str | None = None
    confirm_minutes: int | None = None

    @property
    def revision_id(self) -> str:
        return f"re0-{self.seconds}-{self.sequence}"

    @property
    def comment(self) -> str | None:
        """What ``show system commit`` prints under the line (napalm reads it)."""
        parts: list[str] = []
        if self.confirm_minutes is not None:
            parts.append(f"commit confirmed, rollback in {self.confirm_minutes}mins")
        if self.log:
            parts.append(self.log)
        return " ".join(parts) if parts else None


@dataclass
class LockHolder:
    session_id: int
    user: str
    since: int


class DatabaseError(Exception):
    """A configuration operation Junos refuses; ``tag`` is the NETCONF error-tag."""

    def __init__(self, message: str, *, tag: str = "operation-failed", session: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.tag = tag
        self.session = session


@dataclass
class ConfigDB:
    history: list[Revision]
    now: Callable[[], float] = time.time
    candidate: Node = field(init=False)
    lock: LockHolder | None = None
    pending_deadline: float | None = None
    _committed: Node | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.candidate = self.committed().clone()

    @classmethod
    def fresh(cls, config: Node, *, user: str, now: Callable[[], float] = time.time) -> ConfigDB:
        first = Revision(
            config=render_text(config), seconds=int(now()), user=user, client="cli", sequence=1
        )
        return cls(history=[first], now=now)

    # -- reading ------------------------------------------------------------------------
    def committed(self) -> Node:
        if self._committed is None:
            tree, _ = parse_text(self.history[0].config)
            self._committed = tree
        return self._committed

    def rollback_config(self, number: int) -> Node:
        if not 0 <= number < len(self.history):
            raise DatabaseError(f"rollback {number} does not exist", tag="invalid-value")
        if number == 0:
            return self.committed().clone()
        tree, _ = parse_text(self.history[number].config)
        return tree

    def candidate_modified(self) -> bool:
        return not self.candidate.same_as(self.committed())

    # -- locking ------------------------------------------------------------------------
    def lock_message(self) -> str:
        assert self.lock is not None
        since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.lock.since))
        return (
            "configuration database locked by:\n"
            f"  {self.lock.user} terminal p0 (pid {self.lock.session_id}) on since {since}\n"
            "  exclusive [edit]"
        )

    def check_writable(self, session_id: int) -> None:
        if self.lock is not None and self.lock.session_id != session_id:
            raise DatabaseError(
                self.lock_message(), tag="lock-denied", session=self.lock.session_id
            )

    def acquire(self, session_id: int, user: str) -> None:
        if self.lock is not None and self.lock.session_id == session_id:
            return
        self.check_writable(session_id)
        if self.candidate_modified():
            # Junos refuses an exclusive lock over someone else's uncommitted changes.
            raise DatabaseError("configuration database modified", tag="lock-denied")
        self.lock = LockHolder(session_id=session_id, user=user, since=int(self.now()))

    def release(self, session_id: int) -> None:
        if self.lock is None or self.lock.session_id != session_id:
            raise DatabaseError("configuration database not locked", tag="operation-failed")
        self.lock = None

    def session_ended(self, session_id: int) -> None:
        """A session that held the lock went away: Junos drops its uncommitted changes."""
        if self.lock is not None and self.lock.session_id == session_id:
            self.lock = None
            self.discard()

    # -- changing -----------------------------------------------------------------------
    def discard(self) -> None:
        self.candidate = self.committed().clone()

    def commit(
        self,
        *,
        user: str,
        client: str = "netconf",
        confirm_minutes: int | None = None,
        confirm_deadline: float | None = None,
        log: str | None = None,
    ) -> Revision:
        """Make the candidate active; ``confirm_deadline`` (wall time) arms the rollback."""
        seconds = int(self.now())
        revision = Revision(
            config=render_text(self.candidate),
            seconds=seconds,
            user=user,
            client=client,
            sequence=self.history[0].sequence + 1,
            log=log,
            confirm_minutes=confirm_minutes,
        )
        self.history.insert(0, revision)
        del self.history[MAX_HISTORY:]
        self._committed = None
        self.candidate = self.committed().clone()
        self.pending_deadline = confirm_deadline
        return revision

    def expire_if_due(self) -> bool:
        """Roll back an unconfirmed ``commit confirmed`` whose (wall-clock) time is up."""
        if self.pending_deadline is None or self.now() < self.pending_deadline:
            return False
        self.pending_deadline = None
        self.candidate = self.rollback_config(1) if len(self.history) > 1 else self.committed()
        self.commit(user="root", client="other", log="automatic rollback: commit not confirmed")
        self.pending_deadline = None
        return True

    # -- persistence --------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(
            {
                "history": [asdict(rev) for rev in self.history],
                "pending_deadline": self.pending_deadline,
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str, *, now: Callable[[], float] = time.time) -> ConfigDB:
        data = json.loads(text)
        history = [Revision(**rev) for rev in data["history"]]
        db = cls(history=history, now=now)
        db.pending_deadline = data.get("pending_deadline")
        return db
