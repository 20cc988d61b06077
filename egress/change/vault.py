"""The secrets a backup needs, kept outside the change directory, encrypted.

A backup in ``changes/<id>/<host>/pre.cfg`` is the running config with every secret value
(by :mod:`egress.change.redact`'s rules) replaced by ``<secret:N>``; the values themselves go to
``$EGRESS_STATE_DIR/vault/<change-id>/<host>.secrets`` (default state dir:
``$XDG_STATE_HOME/egress``, i.e. ``~/.local/state/egress``), a Fernet token (AES-128-CBC +
HMAC-SHA256) readable only by the owner. The key is ``$EGRESS_VAULT_KEY`` if set, else
``$XDG_CONFIG_HOME/egress/vault.key`` (``~/.config/egress/vault.key``), created 0600 on the
first backup. Without the entry or the key a redacted backup cannot be restored, and the
rollback by backup says so instead of pushing placeholders to a device.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from egress.errors import EgressError, Location

KEY_ENV = "EGRESS_VAULT_KEY"
STATE_ENV = "EGRESS_STATE_DIR"
KEY_FILE = "vault.key"
SUFFIX = ".secrets"
_FORMAT = 1
_key_lock = threading.Lock()  # hosts back up in parallel threads; one key gets created


class VaultError(EgressError):
    """A backup's secrets cannot be stored or read back: the backup cannot be restored."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What the vault holds for one backup.

    ``original`` is set only when the placeholders could not be reversed exactly (the config
    itself contained a ``<secret:N>`` text): then the whole config is kept here instead.
    """

    sha256: str  # of the original running config, as in pre.cfg.sha256
    secrets: list[str]
    original: str | None = None


def state_dir() -> Path:
    if value := os.environ.get(STATE_ENV):
        return Path(value)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "egress"


def key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "egress" / KEY_FILE


def entry_path(change_id: str, host: str) -> Path:
    return state_dir() / "vault" / change_id / f"{host}{SUFFIX}"


def write_entry(change_id: str, host: str, entry: Entry) -> Path:
    """Encrypt and store ``entry`` (0600, fsync'ed, atomic); returns its path."""
    path = entry_path(change_id, host)
    payload = json.dumps(
        {
            "format": _FORMAT,
            "change_id": change_id,
            "host": host,
            "sha256": entry.sha256,
            "secrets": entry.secrets,
            "original": entry.original,
        }
    ).encode()
    token = _fernet(create=True).encrypt(payload)
    _private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, token)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(path.parent)
    return path


def read_entry(change_id: str, host: str) -> Entry:
    """The decrypted entry, or a :class:`VaultError` saying what is missing and what to do."""
    path = entry_path(change_id, host)
    where = Location(file=path, host=host)
    # errors are raised outside the `except` blocks: no OSError in their context for
    # device_errors.describe() to mistake for a dropped session
    try:
        token: bytes | None = path.read_bytes()
    except FileNotFoundError:
        token = None
    if token is None:
        raise VaultError(
            f"vault entry {path} missing: the backup in pre.cfg is redacted and cannot be "
            "restored without it",
            location=where,
            hint=f"restore {path} (or set ${STATE_ENV} to the state directory the change "
            "was made with)",
        )
    fernet = _fernet(create=False)
    try:
        data = json.loads(fernet.decrypt(token))
    except InvalidToken:
        data = None
    if data is None:
        raise VaultError(
            f"vault entry {path} cannot be decrypted with this key",
            location=where,
            hint=f"use the key the change was made with (${KEY_ENV} or {key_path()})",
        )
    return Entry(sha256=data["sha256"], secrets=list(data["secrets"]), original=data["original"])


def _fernet(*, create: bool) -> Fernet:
    if value := os.environ.get(KEY_ENV):
        return _from_key(value.encode(), source=f"${KEY_ENV}")
    path = key_path()
    with _key_lock:
        if not path.exists():
            if not create:
                raise VaultError(
                    f"vault key {path} missing: the backup's secrets cannot be decrypted",
                    location=Location(file=path),
                    hint=f"put the key back at {path} or set ${KEY_ENV}",
                )
            _create_key(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise VaultError(
            f"vault key is readable by others (mode {mode:04o})",
            location=Location(file=path),
            hint=f"chmod 600 {path}",
        )
    return _from_key(path.read_bytes().strip(), source=str(path))


def _from_key(key: bytes, *, source: str) -> Fernet:
    try:
        fernet: Fernet | None = Fernet(key)
    except ValueError:
        fernet = None
    if fernet is None:
        raise VaultError(
            f"{source} is not a Fernet key",
            hint='make one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"',
        )
    return fernet


def _create_key(path: Path) -> None:
    _private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, Fernet.generate_key() + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # never replaces a key another process created meanwhile
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    _fsync_dir(path.parent)


def _private_dir(path: Path) -> None:
    """``path`` and the parents it creates, owner-only (``mkdir(parents=True)`` would give
    the parents the umask's mode: the vault's list of change ids is nobody else's)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be fsync'ed
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
