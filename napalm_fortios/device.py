"""Transport only: one netmiko ``fortinet`` SSH session and the VDOM context of each command.

Nothing here knows about candidates, diffs or commits; :mod:`napalm_fortios.driver` does.
The driver talks to a :class:`Transport`, so unit tests give it a fake instead of SSH.
"""

from __future__ import annotations

import contextlib
import re
import time
from typing import Any, Protocol

from napalm.base.netmiko_helpers import netmiko_args
from netmiko import ConnectHandler
from netmiko.exceptions import ConfigInvalidException

# What FortiOS prints for a line it refuses (netmiko has no config mode for FortiOS: errors
# are only seen through this pattern).
ERROR_PATTERN = r"Command fail|parse error|incomplete command|Unknown action"
# A prompt inside a `config` block carries the context in parentheses: `FGT (port2) # `.
_NESTED_PROMPT = re.compile(r"\(\S+\)\s*[#$]\s*$")
_ANY_PROMPT = r"[#$]\s*$"
_MAX_DEPTH = 16  # deeper than any FortiOS config path


class ScriptRejected(Exception):
    """The device refused a line of a script; ``line`` is the line, ``output`` its answer."""

    def __init__(self, line: str, output: str) -> None:
        super().__init__(f"the device rejected {line!r}: {output.strip()[-300:]}")
        self.line = line
        self.output = output


class Transport(Protocol):
    """What the driver needs from a FortiGate session."""

    def open(self) -> None: ...

    def close(self) -> None: ...

    def is_alive(self) -> bool: ...

    def command(self, command: str, *, scope: str | None = None) -> str: ...

    def script(self, lines: list[str]) -> str: ...

    def unwind(self) -> None: ...

    def reload(self) -> str: ...

    def reopen(self, *, wait_s: float) -> None: ...


class NetmikoTransport:
    """A netmiko ``fortinet`` session to one FortiGate (or one VDOM of it).

    ``scope`` of a command: None (no VDOMs, or a top-level command), ``"global"`` (run inside
    ``config global``) or ``"vdom"`` (inside ``config vdom / edit <vdom>``).
    """

    def __init__(
        self,
        hostname: str,
        username: str,
        password: str,
        *,
        timeout: int,
        optional_args: dict[str, Any],
    ) -> None:
        self.hostname = hostname
        self.username = username
        self.password = password
        self.timeout = timeout
        self.vdom: str | None = optional_args.get("vdom")
        # netmiko's own parameters pass through (port, host keys, timeouts); ours do not.
        self.netmiko_args = netmiko_args(optional_args)
        self.connection: Any = None
        # `config system console / set output` as the unit had it before the first session
        self.original_output_mode: str | None = None
        # a command failed (timeout, dropped): netmiko's own restore on disconnect cannot
        # be relied on for this session
        self.broken = False

    def open(self) -> None:
        self.broken = False
        self.connection = ConnectHandler(
            device_type="fortinet",
            host=self.hostname,
            username=self.username,
            password=self.password,
            timeout=self.timeout,
            **self.netmiko_args,
        )
        # netmiko's session_preparation sets `config system console / set output standard`
        # when the unit pages (`more`, the default) and its disconnect() puts back what it
        # found when it connected (netmiko/fortinet/fortinet_ssh.py). A unit that rebooted
        # to a config saved during our session comes back with `standard`: a new session
        # would keep that, so it is told what the unit had before our first session.
        found = getattr(self.connection, "_original_output_mode", None)
        if self.original_output_mode is None:
            self.original_output_mode = found
        elif found is not None:
            self.connection._original_output_mode = self.original_output_mode

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is None:
            return
        # a session that already died has nothing left to close
        with contextlib.suppress(Exception):
            connection.disconnect()

    def is_alive(self) -> bool:
        return bool(self.connection is not None and self.connection.is_alive())

    def _conn(self) -> Any:
        if self.connection is None:
            raise ConnectionError(f"no open session to {self.hostname}: call open() first")
        return self.connection

    def command(self, command: str, *, scope: str | None = None) -> str:
        """Output of one show/get/execute command, run in ``scope``."""
        conn = self._conn()
        enter = self._enter(scope)
        try:
            for line in enter:
                conn.send_command(line, expect_string=_ANY_PROMPT)
            try:
                return str(conn.send_command(command, expect_string=_ANY_PROMPT))
            finally:
                if enter:
                    conn.send_command("end", expect_string=_ANY_PROMPT)
        except Exception:
            self.broken = True
            raise

    def _enter(self, scope: str | None) -> list[str]:
        if self.vdom is None or scope is None:
            return []
        return ["config global"] if scope == "global" else ["config vdom", f"edit {self.vdom}"]

    def script(self, lines: list[str]) -> str:
        """Send a config script line by line; raise :class:`ScriptRejected` at the first
        refused line, leaving the session where the device left it (see :meth:`unwind`)."""
        conn = self._conn()
        stripped = [line.strip() for line in lines if line.strip()]
        try:
            output = str(
                conn.send_config_set(stripped, error_pattern=ERROR_PATTERN, cmd_verify=True)
            )
        except ConfigInvalidException as exc:
            match = re.search(r"at command: (.*), matched error", str(exc))
            raise ScriptRejected(match[1] if match else "?", str(exc)) from exc
        except Exception:
            self.broken = True
            raise
        if any(line.startswith("set hostname ") for line in stripped):
            conn.set_base_prompt()  # netmiko waits for the prompt by the hostname
        return output

    def unwind(self) -> None:
        """Back to the top level after a refused line: ``abort`` discards the entry or object
        being edited (FortiOS keeps what earlier ``next``/``end`` already applied)."""
        conn = self._conn()
        for _ in range(_MAX_DEPTH):
            prompt = str(conn.find_prompt())
            if not _NESTED_PROMPT.search(prompt):
                return
            conn.send_command("abort", expect_string=_ANY_PROMPT)
        raise ConnectionError(f"{self.hostname}: could not leave the config context")

    def reload(self) -> str:
        """``execute cfg reload``: back to the saved config; the unit reboots (the session
        dies) unless nothing was unsaved."""
        conn = self._conn()
        output = str(
            conn.send_command(
                "execute cfg reload",
                # a reboot sends no prompt; "no config to be reloaded." is followed by one
                expect_string=r"will reboot|[#$]\s*$",
                read_timeout=max(self.timeout, 10),
            )
        )
        if "will reboot" in output:
            self.close()
        return output

    def reopen(self, *, wait_s: float) -> None:
        """Connect again after a reboot, retrying until ``wait_s`` has passed."""
        deadline = time.monotonic() + wait_s
        while True:
            try:
                self.open()
                return
            except Exception:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(min(5.0, max(0.5, wait_s / 20)))


__all__ = ["ERROR_PATTERN", "NetmikoTransport", "ScriptRejected", "Transport"]
