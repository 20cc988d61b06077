"""``copy`` and ``delete``: files, running/startup config and ``null:``.

``copy flash:/x running-config`` is the merge napalm commits with; IOS applies every line it
accepts, prints the caret and ``% Invalid input`` for each it refuses, and carries on.
Without ``file prompt quiet`` IOS asks before writing (``Destination filename [x]?``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from egress.lab.ios.errors import INCOMPLETE, INVALID_INPUT, CommandError
from egress.lab.ios.filesystem import FlashPathError, is_flash_path, split_path

if TYPE_CHECKING:
    from egress.lab.ios.cli import IosSession

_RUNNING = ("running-config", "system:running-config", "system:/running-config")
_STARTUP = ("startup-config", "nvram:startup-config", "nvram:/startup-config")


@dataclass(frozen=True)
class Location:
    kind: str  # "running" | "startup" | "null" | "flash"
    name: str = ""  # the flash file name

    @property
    def default_name(self) -> str:
        return {"running": "running-config", "startup": "startup-config"}.get(
            self.kind, self.name.rsplit("/", 1)[-1]
        )

    @property
    def url(self) -> str:
        return f"flash:/{self.name}" if self.kind == "flash" else self.default_name


def parse_location(word: str) -> Location | None:
    lowered = word.lower()
    if lowered in _RUNNING or (len(lowered) >= 3 and "running-config".startswith(lowered)):
        return Location("running")
    if lowered in _STARTUP or (len(lowered) >= 3 and "startup-config".startswith(lowered)):
        return Location("startup")
    if lowered == "null:":
        return Location("null")
    if is_flash_path(word):
        try:
            return Location("flash", split_path(word))
        except FlashPathError:
            return None
    return None


def _copied(size: int) -> str:
    seconds = 0.05 + size / 180_000
    return f"{size} bytes copied in {seconds:.3f} secs ({int(size / seconds)} bytes/sec)\n"


async def copy_command(session: IosSession, args: list[str]) -> str:
    words = [a for a in args if not a.startswith("/")]
    if len(words) < 2:
        raise CommandError(INCOMPLETE)
    source, destination = parse_location(words[0]), parse_location(words[1])
    if source is None:
        return f"%Error opening {words[0]} (Invalid argument)\n"
    if destination is None or destination.kind == "null":
        return f"%Error opening {words[1]} (Permission denied)\n"
    device = session.device
    data = _read_source(session, source)
    if data is None:
        return f"%Error opening {source.url} (No such file or directory)\n"
    if not device.file_prompt_quiet:
        answer = await session.ask(f"Destination filename [{destination.default_name}]? ")
        if answer is None:
            return ""
        if answer.strip() and destination.kind == "flash":
            destination = Location("flash", split_path("flash:/" + answer.strip()))
    if destination.kind == "running":
        return await _merge(session, data)
    if destination.kind == "startup":
        device.set_startup(data.decode(errors="replace"))
        return "[OK]\n"
    device.flash.write(destination.name, data)
    return _copied(len(data))


def _read_source(session: IosSession, source: Location) -> bytes | None:
    device = session.device
    if source.kind == "running":
        return device.saved_running().encode()
    if source.kind == "startup":
        return (device.startup or "").encode()
    if source.kind == "null":
        return b""
    return device.flash.read(source.name)


async def _merge(session: IosSession, data: bytes) -> str:
    device = session.device
    drop = device.faults.drop_on_commit
    rejected = device.merge(data.decode(errors="replace"), user=session.username)
    if drop:
        # The change is on the device; the answer never reaches the client.
        session.drop()
        return ""
    errors = "".join(
        f"{message}\n" if message else f"{line}\n^\n{INVALID_INPUT}\n\n"
        for line, message in rejected
    )
    return errors + _copied(len(data))


async def delete_command(session: IosSession, args: list[str]) -> str:
    flags = {a.lower() for a in args if a.startswith("/")}
    words = [a for a in args if not a.startswith("/")]
    if not words:
        raise CommandError(INCOMPLETE)
    location = parse_location(words[0])
    if location is None or location.kind != "flash":
        return f"%Error deleting {words[0]} (Permission denied)\n"
    device = session.device
    if "/force" not in flags and not device.file_prompt_quiet:
        await session.ask(f"Delete filename [{location.default_name}]? ")
        answer = await session.ask(f"Delete {location.url}? [confirm]")
        if answer is None or answer.strip().lower() not in ("", "y", "yes"):
            return ""
    if not device.flash.delete(location.name):
        return f"%Error deleting {location.url} (No such file or directory)\n"
    return ""
