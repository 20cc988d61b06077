"""``flash:``: files kept byte for byte (napalm compares MD5s), listed the way ``dir`` does.

Files live in memory and under ``<device_dir>/flash/`` so a restarted lab still has the
rollback and candidate files a change left behind.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

FILESYSTEM = "flash:"
# IOS-XE names the same disk both ways; napalm and operators use either.
_ALIASES = ("flash:", "bootflash:")
TOTAL_BYTES = 6_816_858_112
# The image and boot files every C8000V has: listed by ``dir``, sizes only.
_SYSTEM_FILES: tuple[tuple[str, int, bool], ...] = (
    ("lost+found", 16384, True),
    ("packages.conf", 7389, False),
    ("c8000v-rpboot.17.09.04a.SPA.pkg", 534_871_040, False),
    ("c8000v-mono-universalk9.17.09.04a.SPA.pkg", 563_412_992, False),
)
_BOOT_TIME = datetime(2026, 1, 5, 9, 12, 44, tzinfo=UTC)


@dataclass
class FlashFile:
    data: bytes
    mtime: datetime


class FlashPathError(ValueError):
    """A path that is not on ``flash:`` (the only writable file system of the lab)."""


def split_path(path: str) -> str:
    """``flash:/x.txt``, ``flash:x.txt``, ``bootflash:/x.txt`` -> ``x.txt`` ('' = the root)."""
    for alias in _ALIASES:
        if path.lower().startswith(alias):
            name = path[len(alias) :].lstrip("/")
            if ".." in name.split("/"):
                raise FlashPathError(path)
            return name
    raise FlashPathError(path)


def is_flash_path(path: str) -> bool:
    return path.lower().startswith(_ALIASES)


class Flash:
    """The device's ``flash:`` file system."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self.files: dict[str, FlashFile] = {}
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.endswith(".tmp"):
                    stat = path.stat()
                    self.files[path.relative_to(root).as_posix()] = FlashFile(
                        path.read_bytes(), datetime.fromtimestamp(stat.st_mtime, tz=UTC)
                    )

    def read(self, name: str) -> bytes | None:
        entry = self.files.get(name)
        return entry.data if entry is not None else None

    def write(self, name: str, data: bytes) -> None:
        self.files[name] = FlashFile(data, datetime.now(tz=UTC))
        target = self._root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)

    def delete(self, name: str) -> bool:
        if self.files.pop(name, None) is None:
            return False
        (self._root / name).unlink(missing_ok=True)
        return True

    def free_bytes(self) -> int:
        used = sum(size for _, size, _ in _SYSTEM_FILES)
        used += sum(len(f.data) for f in self.files.values())
        return TOTAL_BYTES - used

    def md5(self, name: str) -> str | None:
        data = self.read(name)
        return hashlib.md5(data, usedforsecurity=False).hexdigest() if data is not None else None

    # -- dir --------------------------------------------------------------------------
    def _entries(self) -> list[tuple[int, str, int, datetime, str]]:
        rows: list[tuple[int, str, int, datetime, str]] = []
        for index, (name, size, is_dir) in enumerate(_SYSTEM_FILES):
            rows.append((11 + index, "drwx" if is_dir else "-rw-", size, _BOOT_TIME, name))
        for index, (name, entry) in enumerate(sorted(self.files.items())):
            inode = 24 + index + int(hashlib.sha1(name.encode()).hexdigest()[:4], 16)
            rows.append((inode, "-rw-", len(entry.data), entry.mtime, name))
        return rows

    @staticmethod
    def _row(row: tuple[int, str, int, datetime, str]) -> str:
        inode, perms, size, mtime, name = row
        stamp = mtime.strftime("%b %d %Y %H:%M:%S") + " +00:00"
        return f"{inode:>8}  {perms} {size:>16}  {stamp}  {name}"

    def dir(self, path: str) -> str:
        """``dir flash:`` / ``dir flash:/file``; an error line for a missing file."""
        name = split_path(path)
        footer = f"{TOTAL_BYTES} bytes total ({self.free_bytes()} bytes free)"
        if not name:
            rows = [self._row(r) for r in self._entries()]
            return "\n".join([f"Directory of {FILESYSTEM}/", "", *rows, "", footer]) + "\n"
        found = [r for r in self._entries() if r[4] == name]
        if not found:
            return f"%Error opening {FILESYSTEM}/{name} (No such file or directory)\n"
        header = f"Directory of {FILESYSTEM}/{name}"
        return "\n".join([header, "", self._row(found[0]), "", footer]) + "\n"

    def verify_md5(self, path: str) -> str:
        name = split_path(path)
        digest = self.md5(name)
        if digest is None:
            return f"%Error opening {FILESYSTEM}/{name} (No such file or directory)\n"
        dots = "." * max(1, min(40, len(self.files[name].data) // 256))
        return f"{dots}Done!\nverify /md5 ({FILESYSTEM}/{name}) = {digest}\n"
