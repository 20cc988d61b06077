"""The lab Junos configuration database: locks, history, commit confirmed, persistence."""

from __future__ import annotations

import pytest

from egress.lab.junos.commit import MAX_HISTORY, ConfigDB, DatabaseError
from egress.lab.junos.config import parse_text


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def make_db(clock: FakeTime) -> ConfigDB:
    tree, _ = parse_text("system { host-name a; }")
    return ConfigDB.fresh(tree, user="root", now=clock)


def set_host(db: ConfigDB, name: str) -> None:
    tree, _ = parse_text(f"system {{ host-name {name}; }}")
    db.candidate = tree


def host(db: ConfigDB, number: int = 0) -> list[str] | None:
    node = db.rollback_config(number).find(["system", "host-name"])
    return None if node is None else node.values


def test_history_is_newest_first_and_bounded() -> None:
    clock = FakeTime()
    db = make_db(clock)
    for index in range(MAX_HISTORY + 5):
        set_host(db, f"h{index}")
        clock.now += 1
        db.commit(user="egress")
    assert len(db.history) == MAX_HISTORY
    assert host(db) == [f"h{MAX_HISTORY + 4}"] and host(db, 10) == [f"h{MAX_HISTORY - 6}"]
    assert db.history[0].sequence == MAX_HISTORY + 6
    with pytest.raises(DatabaseError):
        db.rollback_config(MAX_HISTORY)


def test_lock_rules() -> None:
    db = make_db(FakeTime())
    db.acquire(1, "egress")
    db.acquire(1, "egress")  # re-locking your own lock is fine
    with pytest.raises(DatabaseError, match="configuration database locked by") as held:
        db.acquire(2, "other")
    assert held.value.tag == "lock-denied" and held.value.session == 1
    with pytest.raises(DatabaseError):
        db.check_writable(2)
    with pytest.raises(DatabaseError, match="not locked"):
        db.release(2)
    set_host(db, "b")
    db.session_ended(1)  # the holder went away: lock released, its changes discarded
    assert db.lock is None and not db.candidate_modified()
    set_host(db, "c")  # someone edits the shared candidate without a lock
    with pytest.raises(DatabaseError, match="modified"):
        db.acquire(3, "egress")


def test_unconfirmed_commit_rolls_back_when_due() -> None:
    clock = FakeTime()
    db = make_db(clock)
    set_host(db, "b")
    revision = db.commit(user="egress", confirm_minutes=5, confirm_deadline=clock.now + 300)
    assert revision.comment == "commit confirmed, rollback in 5mins"
    clock.now += 299
    assert not db.expire_if_due()
    clock.now += 1
    assert db.expire_if_due()
    assert host(db) == ["a"] and db.history[0].client == "other"
    assert db.pending_deadline is None and len(db.history) == 3


def test_a_plain_commit_confirms() -> None:
    clock = FakeTime()
    db = make_db(clock)
    set_host(db, "b")
    db.commit(user="egress", confirm_minutes=1, confirm_deadline=clock.now + 60)
    db.commit(user="egress")
    clock.now += 3600
    assert not db.expire_if_due()
    assert host(db) == ["b"] and db.history[0].comment is None


def test_json_round_trip_keeps_history_and_pending_deadline() -> None:
    clock = FakeTime()
    db = make_db(clock)
    set_host(db, "b")
    db.commit(user="egress", confirm_minutes=1, confirm_deadline=clock.now + 60, log="change 42")
    again = ConfigDB.from_json(db.to_json(), now=clock)
    assert again.history == db.history
    assert again.pending_deadline == clock.now + 60
    assert again.history[0].comment == "commit confirmed, rollback in 1mins change 42"
    clock.now += 61
    assert again.expire_if_due() and host(again) == ["a"]
