"""The change directory: everything a run did, on disk, as it happens.

``changes/<change-id>/`` holds the plan, and per device the backup taken before the first
line was sent (``pre.cfg`` + its sha256), the candidate, the diff, the config afterwards and
the outcome of every step with timings (``steps.jsonl``, appended as each step ends), so a
report can be built later and nothing depends on scrollback. No credential is ever written.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import time
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PRE = "pre.cfg"
CANDIDATE = "candidate.cfg"
DIFF = "diff.txt"
POST = "post.cfg"
STEPS = "steps.jsonl"
PLAN = "plan.json"
SUMMARY = "summary.json"


def new_change_id(now: datetime | None = None) -> str:
    stamp = (now or datetime.now(tz=UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


@dataclass(frozen=True)
class ChangeDir:
    root: Path
    change_id: str

    @classmethod
    def create(cls, changes_dir: Path, change_id: str | None = None) -> ChangeDir:
        change_id = change_id or new_change_id()
        root = changes_dir / change_id
        root.mkdir(parents=True, exist_ok=False)
        return cls(root=root, change_id=change_id)

    @classmethod
    def open(cls, changes_dir: Path, change_id: str) -> ChangeDir:
        root = changes_dir / change_id
        if not root.is_dir():
            from egress.errors import InputError, Location

            raise InputError(
                f"no change {change_id!r} in {changes_dir}",
                location=Location(file=root),
                hint=f"ls {changes_dir} lists the change ids",
            )
        return cls(root=root, change_id=change_id)

    def host_dir(self, host: str) -> Path:
        path = self.root / host
        path.mkdir(exist_ok=True)
        return path

    def write_host_file(self, host: str, name: str, text: str) -> Path:
        """Atomic, fsync'ed: a backup is on disk before the first config line is sent."""
        path = self.host_dir(host) / name
        tmp = path.with_name(f".{name}.tmp")
        with tmp.open("w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        return path

    def read_host_file(self, host: str, name: str) -> str | None:
        try:
            return (self.root / host / name).read_text()
        except FileNotFoundError:
            return None

    def write_backup(self, host: str, text: str) -> str:
        digest = sha256(text)
        self.write_host_file(host, PRE, text)
        self.write_host_file(host, PRE + ".sha256", f"{digest}  {PRE}\n")
        return digest

    def verified_backup(self, host: str) -> str | None:
        """The backup, only if it still matches the checksum taken when it was written."""
        text = self.read_host_file(host, PRE)
        recorded = self.read_host_file(host, PRE + ".sha256")
        if text is None or recorded is None or recorded.split()[0] != sha256(text):
            return None
        return text

    def write_json(self, name: str, data: Any) -> None:
        path = self.root / name
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_text(json.dumps(data, indent=2, default=_jsonable) + "\n")
        os.replace(tmp, path)

    def read_json(self, name: str) -> Any:
        return json.loads((self.root / name).read_text())


_steps_lock = threading.Lock()


def record_step(
    change: ChangeDir, *, host: str, step: str, ok: bool, started: float, **details: Any
) -> None:
    """Append one step's outcome; called from worker threads, so appends are serialised."""
    entry = {
        "host": host,
        "step": step,
        "ok": ok,
        "started": datetime.fromtimestamp(started, tz=UTC).isoformat(),
        "duration_s": round(time.time() - started, 3),
        **details,
    }
    line = json.dumps(entry, default=_jsonable) + "\n"
    with _steps_lock, (change.root / STEPS).open("a") as handle:
        handle.write(line)


def read_steps(change: ChangeDir) -> list[dict[str, Any]]:
    try:
        lines = (change.root / STEPS).read_text().splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.strip()]
