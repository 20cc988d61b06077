"""The emulated IOS-XE router: its state (running, startup, flash:, archive, revert timer)
and how asyncssh serves it (an interactive shell, exec requests and the ``scp -t`` sink).

State survives a lab restart the way it survives a reload: the router boots from its
startup-config (``write mem``), flash: keeps its files. The running config is also written
out on every change (``running-config`` in the device directory) for inspection.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

import asyncssh

from egress.lab import brownfield
from egress.lab.base import LabDevice, serial_suffix
from egress.lab.ios import rules
from egress.lab.ios.archive import ArchiveLog, RevertTimer, archive_settings
from egress.lab.ios.baseline import base_config
from egress.lab.ios.cli import IosSession
from egress.lab.ios.config import ConfigEditor, Node, Outcome, hostname_of, is_noise, parse_config
from egress.lab.ios.facts import facts_from_config
from egress.lab.ios.filesystem import Flash, FlashPathError, split_path
from egress.lab.ios.scp import scp_sink, scp_target
from egress.lab.ios.show import DeviceState, saved_config
from egress.lab.world import DeviceFacts, OpState, Topology, simulate
from egress.platforms import PLATFORMS

STARTUP_FILE = "startup-config"
RUNNING_FILE = "running-config"


def prune_rejected(new: Node, base: Node | None, reject: re.Pattern[str]) -> list[str]:
    """Drop from ``new`` the lines a replace would have to add but the device refuses."""
    failed: list[str] = []
    for child in list(new.children):
        match = base.child(child.text) if base is not None else None
        if match is None and reject.search(child.text):
            new.children.remove(child)
            failed.append(child.text)
        else:
            failed.extend(prune_rejected(child, match, reject))
    return failed


@dataclass
class IosDevice(LabDevice):
    """A Cisco IOS-XE router for the unmodified napalm ``ios`` driver."""

    platform: ClassVar[str] = "ios"

    running: Node = field(init=False, default_factory=Node, repr=False)
    startup: str | None = field(init=False, default=None, repr=False)
    flash: Flash = field(init=False, repr=False)
    archive: ArchiveLog = field(init=False, default_factory=ArchiveLog, repr=False)
    timer: RevertTimer | None = field(init=False, default=None, repr=False)
    boot_time: datetime = field(init=False, default_factory=lambda: datetime.now(tz=UTC))
    _last_change: tuple[datetime, str] = field(init=False, repr=False)
    _timer_task: asyncio.Task[None] | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.flash = Flash(self.device_dir / "flash")
        saved = self.load_text(STARTUP_FILE)
        if saved is None:
            saved = base_config(self.name, credentials=self.credentials)
            if self.brownfield:
                saved = brownfield.ios_config(saved)
            self.save_text(STARTUP_FILE, saved)
        self.startup = saved
        self.running = parse_config(saved)
        self._last_change = (self.boot_time, "")
        self._recover_archive_log()
        self.save_text(RUNNING_FILE, self.saved_running())

    def _recover_archive_log(self) -> None:
        """After a restart, ``show archive`` lists the archive files still on flash:."""
        path = self.archive_path()
        if path is None:
            return
        try:
            stem = split_path(path.replace("$h", self.hostname))
        except FlashPathError:
            return
        numbered = sorted(
            int(m.group(1))
            for name in self.flash.files
            if (m := re.fullmatch(re.escape(stem) + r"-(\d+)", name))
        )
        for number in numbered:
            self.archive.counter = number - 1
            self.archive.add(f"flash:{stem}-{number}", maximum=archive_settings(self.running)[1])

    # -- facts ------------------------------------------------------------------------
    @property
    def hostname(self) -> str:
        return hostname_of(self.running)

    @staticmethod
    def now() -> datetime:
        return datetime.now(tz=UTC)

    def op_state(self) -> DeviceState:
        world = self.world
        down = frozenset(
            name
            for c in self.running.top("interface ")
            if world is not None and not world.link_up(self.name, name := c.text.split()[1])
        )
        # a C8000V's serial is "9" and ten more characters; each lab router has its own
        serial = "9" + serial_suffix(self.name, 10)
        release = self.os_release or PLATFORMS["ios"].default_release
        return DeviceState(
            boot_time=self.boot_time, serial=serial, links_down=down, release=release
        )

    def facts(self) -> DeviceFacts:
        """What this router has configured, for the lab's network simulation."""
        return facts_from_config(self.name, self.running)

    def network_state(self) -> tuple[DeviceFacts, OpState]:
        """(what is configured, what the network does with it) for operational shows.

        Standalone (no lab world), the router's own links decide: every neighbour answers
        on a link that is up.
        """
        facts = self.facts()
        if self.world is not None:
            return facts, self.world.op_state(self.name)
        down = frozenset((self.name, name) for name in self.op_state().links_down)
        return facts, simulate({self.name: facts}, Topology(segments=()), links_down=down)[
            self.name
        ]

    def user_privilege(self, username: str) -> int:
        """The privilege a login lands in: ``username X privilege N`` (15 when not said)."""
        for child in self.running.top(f"username {username} "):
            match = re.search(r" privilege (\d+)", child.text)
            return int(match.group(1)) if match else 1
        return 15

    @property
    def file_prompt_quiet(self) -> bool:
        return self.running.child("file prompt quiet") is not None

    def reject_pattern(self) -> re.Pattern[str] | None:
        pattern = self.faults.reject_pattern
        return re.compile(pattern) if pattern else None

    def archive_path(self) -> str | None:
        return archive_settings(self.running)[0]

    def last_change_text(self) -> str:
        when, user = self._last_change
        stamp = when.strftime("%H:%M:%S UTC %a %b %-d %Y")
        return f"{stamp} by {user}" if user else stamp

    def saved_running(self) -> str:
        return saved_config(self.running, last_change=self.last_change_text())

    # -- changing the configuration ---------------------------------------------------
    def touch(self, user: str) -> None:
        """Record a change of the running config and keep its copy on disk current."""
        self._last_change = (self.now(), user)
        self.save_text(RUNNING_FILE, self.saved_running())
        if self.world is not None:
            self.world.config_committed(self.name)

    def merge(self, text: str, *, user: str) -> list[tuple[str, str]]:
        """Apply ``text`` line by line as ``copy … running-config`` does; returns the refused
        lines with IOS's answer to each ("" for `% Invalid input`)."""
        editor = ConfigEditor(self.running, reject=self.reject_pattern())
        rejected: list[tuple[str, str]] = []
        changed = False
        for raw in text.splitlines():
            if raw.strip() == "end":
                break
            if is_noise(raw):
                continue
            result = editor.feed(raw)
            if result.outcome is Outcome.END:
                break
            if result.outcome is Outcome.REJECTED:
                rejected.append((raw.strip(), result.message))
            changed = changed or result.changed
        if changed:
            self.touch(user)
        return rejected

    def replace(self, text: str, *, user: str, revert_on_error: bool) -> tuple[bool, list[str]]:
        """Make the running config equal to ``text``; (applied?, lines the device refused)."""
        target = parse_config(text)
        reject = self.reject_pattern()
        failed = prune_rejected(target, self.running, reject) if reject else []
        if failed and revert_on_error:
            return False, failed
        self._set_running(target)
        self.touch(user)
        return True, failed

    def _set_running(self, target: Node) -> None:
        kept = [
            c
            for c in self.running.children
            if c.text.startswith(rules.IMMUTABLE_PREFIXES)
            and not any(t.text.startswith(rules.IMMUTABLE_PREFIXES) for t in target.children)
        ]
        # The root object stays the same: open config-mode sessions keep editing it.
        self.running.children[:] = kept + target.children

    def set_startup(self, text: str) -> None:
        self.startup = text
        self.save_text(STARTUP_FILE, text)

    def write_memory(self, user: str) -> str:
        stamp = self.now().strftime("%H:%M:%S UTC %a %b %-d %Y")
        nvram = f"{stamp} by {user}" if user else stamp
        text = saved_config(self.running, last_change=self.last_change_text(), nvram_updated=nvram)
        self.set_startup(text)
        section = self.running.child("archive")
        if section is not None and section.child("write-memory") is not None:
            self.archive_config()
        return "Building configuration...\n[OK]\n"

    def archive_config(self) -> str | None:
        """Save the running config as the next archive file; its name, None if archive is off."""
        path, maximum = archive_settings(self.running)
        if path is None:
            return None
        name = self.archive.next_name(path, self.hostname)
        try:
            file_name = split_path(name)
        except FlashPathError:
            return None
        self.flash.write(file_name, self.saved_running().encode())
        for old in self.archive.add(name, maximum=maximum):
            with contextlib.suppress(FlashPathError):
                self.flash.delete(split_path(old))
        return name

    # -- rollback confirmed change ----------------------------------------------------
    def arm_revert(
        self, *, minutes: int, user: str, idle: bool = False, snapshot: str | None = None
    ) -> str:
        """Start (or restart) the revert timer; the message IOS prints when it backs up."""
        if self.timer is not None:
            self.timer.minutes = minutes
            self.timer.configured_at = self.now()
            self._start_timer(self.timer)
            return ""
        name = self.archive_config() or ""
        self.timer = RevertTimer(
            snapshot=snapshot if snapshot is not None else self.saved_running(),
            archive_name=name,
            minutes=minutes,
            user=user,
            configured_at=self.now(),
            idle=idle,
        )
        self._start_timer(self.timer)
        return f"Rollback Confirmed Change: Backing up current running config to {name}\n"

    def _start_timer(self, timer: RevertTimer) -> None:
        if self._timer_task is not None:
            self._timer_task.cancel()
        self._timer_task = asyncio.get_running_loop().create_task(self._revert_later(timer))

    async def _revert_later(self, timer: RevertTimer) -> None:
        await self.clock.sleep(timer.minutes * 60)
        if self.timer is timer:
            self._timer_task = None  # this task is ending: nothing to cancel
            self.revert_now()

    def confirm_revert(self) -> str:
        if self.timer is None:
            return "%No Rollback Confirmed Change pending\n"
        self._cancel_timer()
        return ""

    def revert_now(self) -> str:
        if self.timer is None:
            return "%No Rollback Confirmed Change pending\n"
        snapshot = self.timer.snapshot
        self._cancel_timer()
        self._set_running(parse_config(snapshot))
        self.touch("")
        return ""

    def reset_revert_timer(self, args: list[str]) -> str:
        if self.timer is None:
            return "%No Rollback Confirmed Change pending\n"
        words = [a for a in args if a.lower() != "idle"]
        if not words or not words[0].isdigit() or not 1 <= int(words[0]) <= 120:
            return "% Invalid input detected at '^' marker.\n"
        self.arm_revert(minutes=int(words[0]), user=self.timer.user)
        return ""

    def _cancel_timer(self) -> None:
        if self._timer_task is not None:
            self._timer_task.cancel()
        self._timer_task = None
        self.timer = None

    # -- serving ----------------------------------------------------------------------
    def server_options(self) -> dict[str, Any]:
        # Raw bytes in and out: the session echoes and edits lines itself, like IOS.
        return {"process_factory": self._serve_process, "encoding": None, "line_editor": False}

    async def _serve_process(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        username = str(process.get_extra_info("username") or "")
        status = 0
        try:
            command = process.command
            if command is None:
                await IosSession(self, process, username=username).run()
                return
            scp = scp_target(command)
            if scp is not None and scp[0]:
                status = await scp_sink(
                    process,
                    flash=self.flash,
                    target=scp[1],
                    enabled=self.running.child("ip scp server enable") is not None,
                )
            else:
                await IosSession(self, process, username=username).run_once(command)
        except (asyncssh.DisconnectError, ConnectionError):
            return
        finally:
            if not process.is_closing():
                process.exit(status)
