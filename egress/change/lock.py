"""One change at a time per device, whatever inventory named it.

Two copies of an inventory (or two inventories naming one router) must not change the same
device at once, so the lock is the device's, not the inventory's: one advisory ``flock``
file per device in the state directory, keyed by the address and port egress connects to
(``$EGRESS_STATE_DIR/locks/<address>_<port>.lock``). Each names who holds it and since
when; the OS releases it if the process dies. A run takes the locks of all its devices
before it creates its change directory, so a refused run leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import re
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from egress.change import vault
from egress.errors import InputError, Location


class LockHeld(InputError):
    """Another run holds the change lock of one of the devices: nothing was sent (exit 2,
    like every refusal before a device is contacted)."""


@dataclass(frozen=True, slots=True)
class DeviceKey:
    """A device as egress reaches it: the same box whatever inventory names it."""

    name: str  # the inventory's name, for messages only
    address: str
    port: int

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9.-]", "_", f"{self.address.lower()}_{self.port}")


def lock_dir() -> Path:
    path = vault.state_dir() / "locks"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@contextmanager
def device_locks(devices: Iterable[DeviceKey], *, change_id: str) -> Iterator[None]:
    """Hold every device's lock for the whole run, or none: refused naming the holder."""
    held: list[IO[str]] = []
    try:
        for device in sorted(set(devices), key=lambda d: d.slug):
            held.append(_take(device, change_id=change_id))
        yield
    finally:
        for handle in held:
            with contextlib.suppress(OSError):
                handle.seek(0)
                handle.truncate()
                fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


def _take(device: DeviceKey, *, change_id: str) -> IO[str]:
    path = lock_dir() / f"{device.slug}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    handle = os.fdopen(fd, "r+")
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
            f"device {device.name} ({device.address}:{device.port}) is locked by {who} since "
            f"{holder.get('since', '?')} for change {holder.get('change', '?')}",
            location=Location(file=path, host=device.name),
            hint="wait for that change to finish; the lock frees itself when its run ends",
        ) from None
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
                "device": device.name,
            }
        )
    )
    handle.flush()
    return handle
