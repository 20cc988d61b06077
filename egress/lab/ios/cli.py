"""The IOS shell of one SSH session: echo, prompts, exec and configuration modes.

netmiko finds its way by what a real router sends: every typed character echoed, ``\\r\\n``
line ends, and the prompt (``host#``, ``host(config-if)#``) as the very last bytes of every
answer. The session reads raw bytes (asyncssh's line editor is off) and does all of that
itself, one line at a time; exec commands live in :mod:`.exec_commands`.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import asyncssh

from egress.lab.ios import exec_commands
from egress.lab.ios.config import ConfigEditor, Outcome
from egress.lab.ios.errors import invalid_input

if TYPE_CHECKING:
    from egress.lab.ios.device import IosDevice

_log = logging.getLogger(__name__)

CTRL_C = "\x03"
CTRL_Z = "\x1a"
_BACKSPACE = (0x08, 0x7F)
# Config-mode prompts carry at most this much of the hostname (netmiko relies on it).
_CONFIG_PROMPT_HOST = 20


def crlf(text: str) -> str:
    return re.sub(r"(?<!\r)\n", "\r\n", text)


class IosSession:
    """One shell (or one exec request) on the device."""

    def __init__(
        self, device: IosDevice, process: asyncssh.SSHServerProcess[bytes], *, username: str
    ) -> None:
        self.device = device
        self.process = process
        self.username = username
        self.privileged = device.user_privilege(username) == 15
        self.editor: ConfigEditor | None = None
        self.closed = False
        self._pending = bytearray()
        self._line = bytearray()
        self._last_cr = False

    # -- prompt and output ------------------------------------------------------------
    @property
    def prompt(self) -> str:
        host = self.device.hostname
        if self.editor is not None:
            return f"{host[:_CONFIG_PROMPT_HOST]}({self.editor.mode})#"
        return f"{host}{'#' if self.privileged else '>'}"

    def write(self, text: str) -> None:
        if not self.closed:
            self.process.stdout.write(crlf(text).encode())

    def drop(self) -> None:
        """Lose the session the way a router that reloads or loses its path does."""
        self.closed = True
        connection = self.process.channel.get_connection()
        connection.abort()

    # -- input ------------------------------------------------------------------------
    async def read_line(self, *, echo: bool = True) -> str | None:
        """The next line typed, echoing it; None at end of input."""
        while True:
            echoed = bytearray()
            while self._pending:
                byte = self._pending.pop(0)
                if byte in (0x0D, 0x0A):
                    if byte == 0x0A and self._last_cr:
                        self._last_cr = False
                        continue
                    self._last_cr = byte == 0x0D
                    line = self._line.decode(errors="replace")
                    self._line.clear()
                    self.process.stdout.write(bytes(echoed) + b"\r\n")
                    return line
                self._last_cr = False
                if byte in _BACKSPACE:
                    if self._line:
                        self._line.pop()
                        if echo:
                            echoed += b"\b \b"
                elif byte in (0x03, 0x1A):  # Ctrl-C, Ctrl-Z
                    self._line.clear()
                    self.process.stdout.write(bytes(echoed) + b"^" + bytes([byte + 0x40]))
                    self.process.stdout.write(b"\r\n")
                    return chr(byte)
                elif byte >= 0x20:
                    self._line.append(byte)
                    if echo:
                        echoed.append(byte)
                # other control characters (NUL keepalives, tabs) are not echoed
            if echoed:
                self.process.stdout.write(bytes(echoed))
            try:
                data = await self.process.stdin.read(4096)
            except (asyncssh.TerminalSizeChanged, asyncssh.BreakReceived):
                continue
            except (asyncssh.DisconnectError, ConnectionError):
                return None
            if not data:
                return None
            self._pending += data

    async def ask(self, question: str, *, echo: bool = True) -> str | None:
        """Print an interactive question (``Destination filename [x]?``) and read the answer."""
        self.write(question)
        return await self.read_line(echo=echo)

    # -- the loop ---------------------------------------------------------------------
    async def run(self) -> None:
        await self.device.answer_delay()
        self.write("\n" + self.prompt)
        while not self.closed:
            line = await self.read_line()
            if line is None:
                return
            await self.device.answer_delay()
            try:
                output = await self.execute(line)
            except Exception as error:  # noqa: BLE001 - a lab bug must not hang the client
                _log.exception("%s: %r failed", self.device.name, line)
                output = f"% Lab emulator error: {error!r}\n"
            if self.closed:
                return
            self.write(output + self.prompt)

    async def run_once(self, command: str) -> None:
        """An exec request (``ssh host 'show version'``): answer, then close."""
        await self.device.answer_delay()
        self.write(await self.execute(command))

    async def execute(self, line: str) -> str:
        if line in (CTRL_C, CTRL_Z):
            if self.editor is not None:
                self.editor = None
            return ""
        if self.editor is not None:
            return await self._config_line(line)
        return await exec_commands.run(self, line)

    def enter_config(self) -> None:
        self.editor = ConfigEditor(self.device.running, reject=self.device.reject_pattern())

    async def _config_line(self, line: str) -> str:
        assert self.editor is not None
        text = line.strip()
        if text.startswith("do "):
            return await exec_commands.run(self, text[3:], from_config=True)
        column = len(self.prompt) + len(line) - len(line.lstrip())
        self.editor.reject = self.device.reject_pattern()
        self.editor.root = self.device.running
        result = self.editor.feed(line)
        if result.outcome is Outcome.END:
            self.editor = None
            return ""
        if result.outcome is Outcome.REJECTED:
            return result.message + "\n" if result.message else invalid_input(column)
        if result.changed:
            self.device.touch(self.username)
        return ""
