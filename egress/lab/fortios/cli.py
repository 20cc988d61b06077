"""The FortiOS SSH shell: echo, prompts, paging, ``show``/``get``/``config`` dispatch, faults.

What the terminal sees is modelled on FortiOS 7.2 over SSH:
- every typed character is echoed; Enter echoes ``\\r\\n``;
- the prompt is ``HOST # `` at top level and ``HOST (label) # `` inside ``config``/``edit``
  (``(interface)``, ``(port2)``, ``(vrrp)``, ``(10)``), always the last bytes sent;
- output of a command is followed by a blank line, then the prompt;
- with ``config system console / set output more`` (the factory default) long output stops at
  ``--More--`` every 24 lines, which is why netmiko switches the console to ``standard``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import asyncssh

from egress.lab.fortios import oper_cli, show
from egress.lab.fortios.engine import ConfigSession, incomplete, parse_error
from egress.lab.fortios.schema import lookup, resolve_word
from egress.platforms import PLATFORMS
from napalm_fortios.tree import ConfigSyntaxError, Node, Token, tokenize

if TYPE_CHECKING:
    from egress.lab.fortios.device import FortiOSDevice

_log = logging.getLogger(__name__)

PAGE_LINES = 24
MORE = "--More-- "
_MORE_ERASE = "\r" + " " * len(MORE) + "\r"
# netmiko's connect/disconnect paging dance must not trip drop_on_commit (see device docs).
_NOT_A_PUSH = frozenset({"system console"})


class SessionClosed(Exception):
    """The client went away (or a fault closed the session)."""


class FortiOSShell:
    """One interactive CLI session."""

    def __init__(self, device: FortiOSDevice, process: asyncssh.SSHServerProcess[str]) -> None:
        self.device = device
        self.process = process
        self.session = ConfigSession(device.running)
        self._pending = ""
        self._skip_lf = False
        self._user = str(process.get_extra_info("username") or device.credentials.username)
        self._closing = False

    # -- I/O ----------------------------------------------------------------------------
    def write(self, text: str) -> None:
        self.process.stdout.write(text)

    async def _read_more(self) -> str:
        data = await self.process.stdin.read(4096)
        if not data:
            raise SessionClosed
        return data

    async def _next_char(self) -> str:
        while not self._pending:
            self._pending = await self._read_more()
        char, self._pending = self._pending[0], self._pending[1:]
        return char

    async def _read_line(self) -> str:
        """One line, echoing as the device does; accepts ``\\n``, ``\\r`` and ``\\r\\n``."""
        buf: list[str] = []
        echo: list[str] = []
        while True:
            if not self._pending and echo:
                # Echo what has arrived before waiting for more: one write per chunk, not
                # per character, so a client that types `exit` and hangs up is not flooded.
                self.write("".join(echo))
                echo.clear()
            char = await self._next_char()
            if char == "\n" and self._skip_lf:
                self._skip_lf = False
                continue
            self._skip_lf = char == "\r"
            if char in "\r\n":
                self.write("".join(echo) + "\r\n")
                return "".join(buf)
            if char in "\x08\x7f":
                if buf:
                    buf.pop()
                    echo.append("\x08 \x08")
                continue
            if char == "\x03":  # Ctrl-C drops the typed line
                self.write("".join(echo) + "^C\r\n")
                return ""
            buf.append(char)
            echo.append(char)

    @property
    def prompt(self) -> str:
        host = show.hostname_of(self.device.running, self.device.name)
        label = self.session.label
        return f"{host} ({label}) # " if label else f"{host} # "

    # -- session ------------------------------------------------------------------------
    async def run(self) -> None:
        self.device.register(self)
        try:
            await self.device.answer_delay()
            self.write(self.prompt)
            while True:
                line = await self._read_line()
                self.device.touch()
                await self.device.answer_delay()
                if not await self.handle(line) or self._closing:
                    break
                self.write(self.prompt)
        except (SessionClosed, asyncssh.BreakReceived, asyncssh.TerminalSizeChanged):
            pass
        except (BrokenPipeError, ConnectionError, asyncssh.DisconnectError):
            pass
        except Exception:
            # A bug in the emulator must not look like a device that hangs: log and close.
            _log.exception("fortios shell of %s failed", self.device.name)
        finally:
            # Blocks left open are abandoned: what `next`/`end` committed stays.
            self.session.reset()
            self.device.unregister(self)
            if not self._closing and not self.process.is_closing():
                self.process.exit(0)

    async def handle(self, line: str) -> bool:
        """Run one line; False ends the session."""
        try:
            tokens = tokenize(line)
        except ConfigSyntaxError:
            await self._output(["token line: Unmatched double quote."])
            return True
        if not tokens:
            return True
        command, pipes = _split_pipes(tokens)
        if not command:
            return True
        if not self.session.in_config:
            if command[0].text in ("exit", "quit"):
                return False
            verb = resolve_word(command[0].text, _TOP_VERBS)
            answer = {
                "show": self._show,
                "get": self._get,
                "execute": self._execute,
                "diagnose": self._diagnose,
            }.get(verb or "")
            if answer is not None:
                lines = answer([t.text for t in command[1:]])
                await self._output(_apply_pipes(lines, pipes))
                return True
        else:
            verb = self.session.resolve_verb(command[0].text)
            if verb in ("show", "get"):
                lines = self._context_show_get(verb, [t.text for t in command[1:]])
                await self._output(_apply_pipes(lines, pipes))
                return True
        return await self._config_line(command)

    async def _config_line(self, tokens: list[Token]) -> bool:
        faults = self.device.faults
        reject = re.compile(faults.reject_pattern) if faults.reject_pattern else None
        context = self.session.context()
        top_path = context.top_path if context is not None else None
        mode_before = self.device.cfg_save_mode
        global_before = _save_mode_free(self.device.running.block("system global"))
        reply = self.session.feed(tokens, reject=reject)
        if reply.committed or reply.top_end_changed:
            self.device.commit_point(mode_before=mode_before)
        if reply.lines:
            await self._output(reply.lines)
        if (
            reply.top_end_changed
            and top_path not in _NOT_A_PUSH
            # arming the revert timer is how a commit starts, not the change it protects
            and not (
                top_path == "system global"
                and _save_mode_free(self.device.running.block("system global")) == global_before
            )
            and self.device.faults.drop_on_commit
        ):
            # Faithful variant: the change is applied and saved, then the session dies (as
            # when a push cuts the management path) — the client must reconnect and look.
            self._drop()
            return False
        return True

    def drop_later(self) -> None:
        """End this session shortly, after what was just written has left (a reboot)."""
        self._closing = True
        asyncio.get_running_loop().call_later(0.1, self._drop)

    def _drop(self) -> None:
        conn = self.process.channel.get_extra_info("connection")
        if conn is not None:
            conn.abort()
        else:
            self.process.channel.abort()

    async def _output(self, lines: list[str]) -> None:
        if not lines:
            return
        console = self.device.running.block("system console")
        paged = (console.value("output", "more") if console else "more") == "more"
        if not paged or len(lines) <= PAGE_LINES:
            self.write("".join(line + "\r\n" for line in lines) + "\r\n")
            return
        index = 0
        step = PAGE_LINES - 1
        while True:
            chunk = lines[index : index + step]
            self.write("".join(line + "\r\n" for line in chunk))
            index += len(chunk)
            if index >= len(lines):
                break
            self.write(MORE)
            key = await self._next_char()
            if key == "\r" and self._pending.startswith("\n"):
                self._pending = self._pending[1:]
            self.write(_MORE_ERASE)
            if key in "qQ":
                break
            # Space shows the next page, Enter the next line, as on the device.
            step = 1 if key in "\r\n" else PAGE_LINES - 1
        self.write("\r\n")

    # -- commands -----------------------------------------------------------------------
    def _show(self, words: list[str]) -> list[str]:
        full = bool(words) and resolve_word(words[0], ["full-configuration"]) is not None
        if full:
            words = words[1:]
        return show.show_config(
            self.device.running, words, full=full, identity=self.device.identity, user=self._user
        )

    def _get(self, words: list[str]) -> list[str]:
        now = datetime.now()
        running = self.device.running
        if not words:
            return incomplete()
        operational = oper_cli.answer(self.device, words, table=oper_cli.GET)
        if operational is not None:
            return operational
        fixed: dict[str, Callable[[], list[str]]] = {
            "system status": lambda: show.get_system_status(running, self.device.identity, now=now),
            "system interface": lambda: show.get_system_interface(
                running,
                link_up=self._link_state(),
                release=self.device.os_release or PLATFORMS["fortios"].default_release,
            ),
            "system ha status": lambda: show.get_system_ha_status(
                running, self.device.identity, now=now
            ),
            "system console": lambda: show.get_system_console(running),
        }
        for phrase, render in fixed.items():
            if _matches_phrase(words, phrase.split()):
                return render()
        path, schema = lookup(words)
        if path is None or isinstance(schema, int):
            bad = schema if isinstance(schema, int) and schema < len(words) else -1
            return parse_error(words[bad])
        node = running.block(path)
        if schema.table:
            return show.get_table(node, schema) if node is not None else []
        return show.get_object(node or Node(), schema)

    def _link_state(self) -> dict[str, bool] | None:
        world = self.device.world
        if world is None:
            return None
        table = self.device.running.block("system interface")
        names = list(table.entries) if table is not None else []
        return {name: world.link_up(self.device.name, name) for name in names}

    def _diagnose(self, words: list[str]) -> list[str]:
        if not words:
            return incomplete()
        lines = oper_cli.answer(self.device, words, table=oper_cli.DIAGNOSE)
        return lines if lines is not None else parse_error(words[-1])

    def _execute(self, words: list[str]) -> list[str]:
        if not words:
            return incomplete()
        if resolve_word(words[0], ["cfg"]) != "cfg":
            return parse_error(words[0])
        action = resolve_word(words[1], ["save", "reload"]) if len(words) > 1 else None
        if len(words) != 2 or action is None:
            return incomplete() if len(words) == 1 else parse_error(words[-1])
        return self.device.cfg_save() if action == "save" else self.device.cfg_reload()

    def _context_show_get(self, verb: str, words: list[str]) -> list[str]:
        context = self.session.context()
        assert context is not None
        if verb == "show":
            full = bool(words) and resolve_word(words[0], ["full-configuration"]) is not None
            return show.show_context(context, full=full)
        if context.node.is_table:
            return show.get_table(context.node, context.schema)
        return show.get_object(context.node, context.schema)


# Top-level commands; `exit` is matched exactly, so `ex` abbreviates `execute` as on the device.
_TOP_VERBS = ("config", "show", "get", "execute", "diagnose")


def _save_mode_free(node: Node | None) -> Node:
    """``system global`` without the commit-confirm settings (``cfg-save``, its timeout)."""
    out = node.copy() if node is not None else Node()
    out.unset("cfg-save")
    out.unset("cfg-revert-timeout")
    return out


def _matches_phrase(words: list[str], phrase: list[str]) -> bool:
    if len(words) != len(phrase):
        return False
    return all(resolve_word(w, [p]) == p for w, p in zip(words, phrase, strict=True))


def _split_pipes(tokens: list[Token]) -> tuple[list[Token], list[list[str]]]:
    command: list[Token] = []
    pipes: list[list[str]] = []
    for token in tokens:
        if token.text == "|" and not token.quoted:
            pipes.append([])
        elif pipes:
            pipes[-1].append(token.text)
        else:
            command.append(token)
    return command, pipes


def _apply_pipes(lines: list[str], pipes: list[list[str]]) -> list[str]:
    for pipe in pipes:
        if pipe and resolve_word(pipe[0], ["grep"]) == "grep":
            lines = show.grep(lines, pipe[1:])
    return lines


def serve(device: FortiOSDevice) -> Callable[[asyncssh.SSHServerProcess[str]], object]:
    """asyncssh ``process_factory`` for ``device``."""

    async def handler(process: asyncssh.SSHServerProcess[str]) -> None:
        await FortiOSShell(device, process).run()

    return handler


__all__ = ["FortiOSShell", "serve"]
