"""``configure terminal [revert timer N]`` and ``configure replace``: how changes land.

napalm's merge commit is ``copy flash:/merge_config.txt running-config`` (see
:mod:`.transfer`), its replace commit is ``configure replace … force revert trigger error``,
and its ``revert_in`` arms IOS's rollback-confirmed-change timer (either form). Both need the
``archive`` feature with a ``path``, as on a real router.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from egress.lab.ios.errors import INCOMPLETE, INVALID_INPUT, CommandError
from egress.lab.ios.filesystem import FlashPathError, is_flash_path, split_path

if TYPE_CHECKING:
    from egress.lab.ios.cli import IosSession

ARCHIVE_OFF = "%Please turn config archive on before using Rollback Confirmed Change\n"
ENTER_CONFIG = "Enter configuration commands, one per line.  End with CNTL/Z.\n"
REPLACE_QUESTION = (
    "This will apply all necessary additions and deletions\n"
    "to replace the current running configuration with the\n"
    "contents of the specified configuration file, which is\n"
    "assumed to be a complete configuration, not a partial\n"
    "configuration. Enter Y if you are sure you want to proceed. ? [no]: "
)
TIMER_RANGE = range(1, 121)  # minutes, as IOS accepts


def _minutes(words: list[str], keyword: str) -> int | None:
    """The number after ``keyword`` (``timer 5``); CommandError when missing or out of range."""
    if keyword not in words:
        return None
    index = words.index(keyword) + 1
    if index < len(words) and words[index] == "idle":
        index += 1
    if index >= len(words):
        raise CommandError(INCOMPLETE)
    if not words[index].isdigit() or int(words[index]) not in TIMER_RANGE:
        raise CommandError("invalid", column=0)
    return int(words[index])


async def configure_terminal(session: IosSession, args: list[str]) -> str:
    device = session.device
    words = [a.lower() for a in args]
    if not words:
        session.enter_config()
        return ENTER_CONFIG
    if words[:2] != ["revert", "timer"]:
        raise CommandError("invalid", column=0)
    minutes = _minutes(words, "timer")
    assert minutes is not None
    if device.archive_path() is None:
        return ARCHIVE_OFF
    message = device.arm_revert(minutes=minutes, user=session.username, idle="idle" in words)
    session.enter_config()
    return message + ENTER_CONFIG


def _read_config(session: IosSession, url: str) -> str | None:
    device = session.device
    if url.lower() in ("nvram:startup-config", "nvram:/startup-config", "startup-config"):
        return device.startup
    if not is_flash_path(url):
        return None
    try:
        data = device.flash.read(split_path(url))
    except FlashPathError:
        return None
    return data.decode(errors="replace") if data is not None else None


async def configure_replace(session: IosSession, args: list[str]) -> str:
    if not args:
        raise CommandError(INCOMPLETE)
    device = session.device
    url, words = args[0], [a.lower() for a in args[1:]]
    revert_on_error = "trigger" in words and "error" in words
    minutes = _minutes(words, "timer") or _minutes(words, "time")
    if ("revert" in words or minutes is not None) and device.archive_path() is None:
        return ARCHIVE_OFF
    if minutes is not None and device.timer is not None:
        return "%Rollback Confirmed Change is already in progress\n"
    text = _read_config(session, url)
    if text is None:
        return f"%Error opening {url} (No such file or directory)\n"
    if "force" not in words:
        answer = await session.ask(REPLACE_QUESTION)
        if answer is None or answer.strip().lower() not in ("y", "yes"):
            return ""
    snapshot = device.saved_running()
    drop = device.faults.drop_on_commit
    applied, failed = device.replace(text, user=session.username, revert_on_error=revert_on_error)
    if applied and minutes is not None:
        device.arm_revert(minutes=minutes, user=session.username, snapshot=snapshot)
    if drop:
        # The replace happened on the device; the session dies before the answer.
        session.drop()
        return ""
    failures = "".join(f"{line}\n^\n{INVALID_INPUT}\n" for line in failed)
    if not applied:
        return (
            "Total number of passes: 1\n"
            "Rollback aborted: error applying the configuration\n"
            f"{failures}"
            "The original configuration has been successfully restored.\n"
        )
    passes = "Total number of passes: 1\nRollback Done\n\n"
    if failed:
        return passes + "The following commands are failed to apply to the IOS image.\n" + failures
    return passes
