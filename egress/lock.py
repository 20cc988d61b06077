"""One change at a time per inventory: an advisory lock naming who holds it and since when."""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from egress.errors import InputError, Location

LOCK_FILE = ".egress.lock"


class LockHeld(InputError):
    """Another run holds the change lock of this inventory."""

    exit_code = 1


@contextmanager
def change_lock(inventory: Path, *, change_id: str) -> Iterator[None]:
    """Held for the whole run; released by the OS even if the process dies."""
    path = inventory / LOCK_FILE
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        try:
            holder = json.loads(handle.read() or "{}")
        except json.JSONDecodeError:
            holder = {}
        handle.close()
        who = f"{holder.get('user', '?')}@{holder.get('host', '?')} (pid {holder.get('pid', '?')})"
        raise LockHeld(
            f"inventory {inventory} is locked by {who} since {holder.get('since', '?')} "
            f"for change {holder.get('change', '?')}",
            location=Location(file=path),
            hint="wait for that change to finish; the lock frees itself when its run ends",
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps(
                {
                    "user": getpass.getuser(),
                    "host": socket.gethostname(),
                    "pid": os.getpid(),
                    "since": datetime.now(tz=UTC).isoformat(timespec="seconds"),
                    "change": change_id,
                }
            )
        )
        handle.flush()
        yield
    finally:
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
