"""Everything egress and its drivers write is the operator's alone.

Device configs hold secrets, and drivers write them to disk on their own: napalm ``ios``
puts every config it loads (candidates, and on a rollback the whole backup) in a file from
``tempfile.gettempdir()`` before copying it over SCP, with the process umask's mode (0644
under the usual 022), and a process killed in between leaves it there. So each egress
process runs with umask 077 and its own temporary directory (``mkdtemp``: 0700), which
``TMPDIR`` and :mod:`tempfile` point every library at, and which is removed on exit. A
process that cannot clean up (``kill -9``) leaves a directory only its owner can read, and
the next egress run removes it: the directory is named after the process id, so a
directory whose process is gone is known to be stale.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "egress-tmp-"
# the lab's server outlives the command that starts it: it gets the caller's own TMPDIR back
ORIGINAL_TMPDIR = "EGRESS_ORIGINAL_TMPDIR"
_OWN = re.compile(re.escape(PREFIX) + r"(\d+)-")

_active: Path | None = None


def private_temp_dir() -> Path:
    """Set umask 077 and a fresh 0700 temporary directory for this process (idempotent)."""
    global _active
    os.umask(0o077)
    if _active is not None and _active.is_dir():
        return _active
    base = Path(tempfile.gettempdir())
    os.environ.setdefault(ORIGINAL_TMPDIR, str(base))
    remove_stale(base)
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))
    os.environ["TMPDIR"] = str(path)
    tempfile.tempdir = str(path)
    atexit.register(_remove, path)
    _active = path
    return path


def remove_stale(base: Path) -> list[Path]:
    """Remove the private temp dirs of egress processes that no longer run (``kill -9``)."""
    removed = []
    with contextlib.suppress(OSError):
        for path in base.iterdir():
            match = _OWN.match(path.name)
            if match is None or not path.is_dir() or path.owner() != _me():
                continue
            if not _running(int(match[1])):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


def original_env() -> dict[str, str]:
    """The environment with the caller's own TMPDIR, for processes that outlive this one."""
    env = dict(os.environ)
    original = env.pop(ORIGINAL_TMPDIR, None)
    if original is not None:
        env["TMPDIR"] = original
    return env


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _me() -> str:
    import getpass

    return getpass.getuser()
