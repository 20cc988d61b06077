"""The change directory: everything a run did, on disk, as it happens.

``changes/<change-id>/`` holds the plan, and per device the backup taken before the first
line was sent (``pre.cfg`` + its sha256), the candidate, the diff, the config afterwards and
the outcome of every step with timings (``steps.jsonl``, appended as each step ends), so a
report can be built later and nothing depends on scrollback.

No secret is ever written here: every file goes through :mod:`egress.change.redact`. The backup
keeps ``<secret:N>`` placeholders whose values are in the encrypted vault outside this
directory (:mod:`egress.change.vault`); :meth:`ChangeDir.verified_backup` puts them back.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from egress.change import vault
from egress.change.redact import redact_data, redact_text, restore_secrets, split_secrets
from egress.errors import EgressError, Location

PRE = "pre.cfg"
CANDIDATE = "candidate.cfg"
DIFF = "diff.txt"  # what changes, before and after (the review diff of each vendor)
SENT = "sent.txt"  # the lines the device was (or would be) sent, where they differ
POST = "post.cfg"
STEPS = "steps.jsonl"
PLAN = "plan.json"
SUMMARY = "summary.json"
META = "change.json"  # who, why and where: what the change board reads first


@dataclass(frozen=True, slots=True)
class ChangeMeta:
    """The change as the board knows it: its ticket, who ran it, who approved it, the planned
    window and which network it touched. Written when the change directory is created."""

    verb: str  # diff | commit | rollback | run
    operator: str
    environment: str  # "lab" or "production"
    ticket: str = ""
    approver: str = ""
    window: str = ""  # the planned change window, as the ticket states it

    @staticmethod
    def operator_name() -> str:
        """Who runs egress: ``EGRESS_OPERATOR`` (a CI job names its trigger) or the login."""
        import getpass

        try:
            return os.environ.get("EGRESS_OPERATOR") or getpass.getuser()
        except (KeyError, OSError):  # no passwd entry in a container
            return "unknown"


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
        # a change record holds configs: the operator's alone, whatever the umask
        with _recording(root):
            changes_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            root.mkdir(mode=0o700, exist_ok=False)
            os.chmod(root, 0o700)
        # sessions opened from here on belong to this change (egress.devices.session's markers)
        os.environ["EGRESS_CHANGE_ID"] = change_id
        return cls(root=root, change_id=change_id)

    @classmethod
    def open(cls, changes_dir: Path, change_id: str) -> ChangeDir:
        root = changes_dir / change_id
        if not root.is_dir():
            from egress.errors import InputError

            raise InputError(
                f"no change {change_id!r} in {changes_dir}",
                location=Location(file=root),
                hint=f"ls {changes_dir} lists the change ids",
            )
        return cls(root=root, change_id=change_id)

    def host_dir(self, host: str) -> Path:
        path = self.root / host
        with _recording(path):
            path.mkdir(mode=0o700, exist_ok=True)
        return path

    def write_host_file(self, host: str, name: str, text: str) -> Path:
        """Redacted, atomic, fsync'ed (``.json`` files stay JSON: their strings are redacted)."""
        if name.endswith(".json"):
            text = json.dumps(redact_data(json.loads(text)), indent=2) + "\n"
        else:
            text = redact_text(text)
        return self._write(self.host_dir(host) / name, text)

    def read_host_file(self, host: str, name: str) -> str | None:
        try:
            return (self.root / host / name).read_text()
        except FileNotFoundError:
            return None

    def write_backup(self, host: str, text: str, *, restorable: bool = True) -> str:
        """Keep ``text`` restorably: its secrets in the vault, the rest in ``pre.cfg``, both
        fsync'ed before this returns (so before the first config line is sent). Returns the
        sha256 of ``text`` itself: :meth:`verified_backup` proves the reassembly by it.
        ``restorable=False`` (a dry-run sends nothing, so restores nothing): secrets masked
        and no vault entry; :meth:`verified_backup` then finds no intact backup."""
        digest = sha256(text)
        if not restorable:
            self._write(self.host_dir(host) / PRE, redact_text(text))
            self._write(self.host_dir(host) / (PRE + ".sha256"), f"{digest}  {PRE}\n")
            return digest
        redacted, values = split_secrets(text)
        original = None
        if restore_secrets(redacted, values) != text:
            # the config itself holds a `<secret:N>` text: keep all of it in the vault
            redacted, original = redact_text(text), text
        if values or original is not None:
            entry = vault.Entry(sha256=digest, secrets=values, original=original)
            vault.write_entry(self.change_id, host, entry)
        self._write(self.host_dir(host) / PRE, redacted)
        self._write(self.host_dir(host) / (PRE + ".sha256"), f"{digest}  {PRE}\n")
        return digest

    def has_backup(self, host: str) -> bool:
        """A backup was written for ``host`` (whether it is intact is :meth:`verified_backup`)."""
        return all((self.root / host / name).is_file() for name in (PRE, PRE + ".sha256"))

    def verified_backup(self, host: str) -> str | None:
        """The backup as the device printed it, only if it matches the checksum taken when it
        was written; ``None`` when there is no intact backup. Raises
        :class:`egress.change.vault.VaultError` when its secrets are not in the vault: a redacted
        config must never be pushed back to a device."""
        text = self.read_host_file(host, PRE)
        recorded = self.read_host_file(host, PRE + ".sha256")
        if text is None or recorded is None or not recorded.split():
            return None
        digest = recorded.split()[0]
        if sha256(text) == digest:
            return text  # nothing was redacted (or a backup from before the vault)
        entry = vault.read_entry(self.change_id, host)
        if entry.sha256 != digest:
            raise vault.VaultError(
                f"vault entry for change {self.change_id} belongs to another backup",
                location=Location(file=vault.entry_path(self.change_id, host), host=host),
                hint="is another change directory using the same change id?",
            )
        if entry.original is not None:
            original = entry.original
        else:
            try:
                original = restore_secrets(text, entry.secrets)
            except IndexError:
                return None  # pre.cfg holds a placeholder the vault never issued: edited
        return original if sha256(original) == digest else None

    @staticmethod
    def _write(path: Path, text: str) -> Path:
        tmp = path.with_name(f".{path.name}.tmp")
        with _recording(path, tmp), _private_open(tmp) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.replace(tmp, path)
        return path

    def write_meta(self, meta: ChangeMeta) -> None:
        self.write_json(META, meta)

    def write_json(self, name: str, data: Any) -> None:
        path = self.root / name
        tmp = path.with_name(f".{name}.tmp")
        text = json.dumps(_redacted(data), indent=2) + "\n"
        with _recording(path, tmp), _private_open(tmp) as handle:
            handle.write(text)
            handle.close()
            os.replace(tmp, path)

    def read_json(self, name: str) -> Any:
        return json.loads((self.root / name).read_text())


class RecordError(EgressError):
    """The change record could not be written (a full disk, a read-only directory)."""


@contextmanager
def _recording(path: Path, tmp: Path | None = None) -> Iterator[None]:
    """One clear error instead of a traceback when the record cannot be written; a half
    written temporary file is removed."""
    try:
        yield
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise RecordError(
            f"cannot write the change record: {exc.strerror or exc}",
            location=Location(file=path),
            hint="free space (or fix the directory's permissions) and look at the devices "
            "named above",
        ) from None


def _private_open(path: Path, *, append: bool = False) -> IO[str]:
    """A text file only its owner can read (0600), created so from the start."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "a" if append else "w")


def _redacted(data: Any) -> Any:
    """JSON-ready ``data`` with every string redacted (messages may quote config lines)."""
    return redact_data(json.loads(json.dumps(data, default=_jsonable)))


_steps_lock = threading.Lock()


def record_step(
    change: ChangeDir, *, host: str, step: str, ok: bool, started: float, **details: Any
) -> None:
    """Append one step's outcome; called from worker threads, so appends are serialised."""
    append_step(
        change,
        {
            "host": host,
            "step": step,
            "ok": ok,
            "started": datetime.fromtimestamp(started, tz=UTC).isoformat(),
            "duration_s": round(time.time() - started, 3),
        },
        details,
    )


def append_step(change: ChangeDir, head: dict[str, Any], details: dict[str, Any]) -> None:
    """One ``steps.jsonl`` line: ``head`` (host, step, ok, timing) then the redacted
    ``details``; appends from several threads are serialised."""
    line = json.dumps({**head, **_redacted(details)}, default=_jsonable) + "\n"
    path = change.root / STEPS
    with _steps_lock, _recording(path), _private_open(path, append=True) as handle:
        handle.write(line)


def read_steps(change: ChangeDir) -> list[dict[str, Any]]:
    try:
        lines = (change.root / STEPS).read_text().splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.strip()]
