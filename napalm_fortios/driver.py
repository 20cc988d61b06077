"""The NAPALM driver for Fortinet FortiOS: the NetworkDriver contract mapped onto the CLI.

FortiOS has no candidate datastore and applies every ``next``/``end`` at once, so:
- the candidate is kept here, as a tree; ``compare_config`` computes the FortiOS script that
  would be sent (:mod:`napalm_fortios.diff`) against the running config read just before;
- ``commit_config`` first takes a backup of the running config (``self.backup``), then sends
  that script as one batch; a refused line stops the batch and the backup is restored (as a
  replace), so nothing is left half-applied;
- ``revert_in`` arms the unit's own timer (``config system global / set cfg-save revert /
  set cfg-revert-timeout <seconds>``): unsaved changes are dropped by the FortiGate itself
  when its CLI stays idle that long, even if this process is gone. ``confirm_commit`` saves
  (``execute cfg save``) and puts the save mode back; ``rollback`` reverts at once
  (``execute cfg reload``) or, without a pending commit, restores the backup.

Signatures are napalm's (positional where napalm has them), so the driver is a drop-in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from napalm.base import NetworkDriver, models
from napalm.base.exceptions import (
    CommitConfirmException,
    CommitError,
    ConnectionException,
    MergeConfigException,
    ReplaceConfigException,
)

from napalm_fortios.device import NetmikoTransport, ScriptRejected, Transport
from napalm_fortios.diff import diff_phases
from napalm_fortios.parsers import parse_interface_names, parse_system_status
from napalm_fortios.review import review
from napalm_fortios.sanitize import sanitize_config
from napalm_fortios.scope import scope_of, unwrap, wrap_script
from napalm_fortios.tree import ConfigSyntaxError, Node, parse, render

# Above this many sections one `show full-configuration` is cheaper than one per section.
_WHOLE_CONFIG_ABOVE = 10
_DEVICE_ERROR = ("Command fail", "command parse error")
_RETRIEVE = ("all", "running", "candidate", "startup")


@dataclass(frozen=True)
class PendingCommit:
    """A commit whose revert timer runs; what ``system global`` said before it was armed
    (None: not configured, i.e. the default)."""

    cfg_save: str | None
    cfg_revert_timeout: str | None


class FortiOSDriver(NetworkDriver):
    """NAPALM driver for FortiGate (FortiOS 6.x/7.x) over SSH with netmiko ``fortinet``.

    ``optional_args``: netmiko's connection arguments (``port``, ``ssh_strict``,
    ``alt_host_keys``, ``alt_key_file``, ``system_host_keys``, ``conn_timeout``,
    ``read_timeout_override``, …) pass through; ``vdom`` manages one VDOM of a multi-VDOM
    unit (global sections go through ``config global``); ``reload_wait`` is how long
    ``rollback`` waits for the unit to come back after ``execute cfg reload`` (s, 600).
    """

    platform = "fortios"

    def __init__(
        self,
        hostname: str,
        username: str,
        password: str,
        timeout: int = 60,
        optional_args: dict[str, Any] | None = None,
    ) -> None:
        self.hostname = hostname
        self.username = username
        self.password = password
        self.timeout = timeout
        self.optional_args = dict(optional_args or {})
        self.vdom: str | None = self.optional_args.get("vdom")
        self.reload_wait = float(self.optional_args.get("reload_wait", 600))
        self.device: Transport = NetmikoTransport(
            hostname, username, password, timeout=timeout, optional_args=self.optional_args
        )
        self._candidate: Node | None = None
        self._replace = False
        # The last compare_config as a reviewer reads it: each changed value beside its old
        # one (napalm_fortios.review). An attribute, not a method: NAPALM's API has no such
        # method and napalm's own test refuses public methods it does not define.
        self.review = ""
        self._backup: str | None = None
        self._pending: PendingCommit | None = None
        self.repaired = ""  # what open() found left over and put right (for the caller)

    @property
    def backup(self) -> str | None:
        """The running config as it was before the last commit (``get_config`` text)."""
        return self._backup

    # -- session --------------------------------------------------------------------------
    def open(self) -> None:
        try:
            self.device.open()
        except Exception as exc:
            raise ConnectionException(f"cannot connect to {self.hostname}: {exc}") from exc
        if self.optional_args.get("repair_revert_mode", True):
            self.repaired = self._repair_revert_mode()

    def _repair_revert_mode(self) -> str:
        """A unit left in ``cfg-save revert`` by a session that died after its commit.

        The unit reverts by itself when the timer fires, but the switch to revert mode was
        typed in automatic mode and so saved: it stays in revert mode, and every later
        change made on it (by anyone, on the plain CLI too) is silently reverted after the
        idle timeout. A new session of this driver has no commit of its own pending, so
        revert mode here is left over: whatever it still protects is reverted now (what its
        timer would do; ``execute cfg reload``) and the save mode goes back to the default.
        """
        pending = self._device_pending()
        if pending is None:
            return ""
        if "will reboot" in self.device.reload():
            self.device.reopen(wait_s=self.reload_wait)
        self._disarm(pending)
        return (
            "the unit was left in cfg-save revert mode (a session died after its commit): "
            "unsaved changes reverted, save mode back to automatic"
        )

    def close(self) -> None:
        self.device.close()

    def is_alive(self) -> models.AliveDict:
        return {"is_alive": self.device.is_alive()}

    # -- candidate ------------------------------------------------------------------------
    def load_merge_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        self._candidate = self._load(filename, config, error=MergeConfigException)
        self._replace = False

    def load_replace_candidate(
        self, filename: str | None = None, config: str | None = None
    ) -> None:
        self._candidate = self._load(filename, config, error=ReplaceConfigException)
        self._replace = True

    def _load(self, filename: str | None, config: str | None, *, error: type[Exception]) -> Node:
        if filename is not None:  # napalm: the file wins over the string
            config = Path(filename).read_text()
        if config is None:
            raise error("give a filename or a config string")
        try:
            tree = parse(config)
        except ConfigSyntaxError as exc:
            raise error(f"not FortiOS configuration syntax: {exc}") from exc
        return self._flat(tree)

    def _flat(self, tree: Node) -> Node:
        has_wrappers = tree.block("global") is not None or tree.block("vdom") is not None
        return unwrap(tree, self.vdom) if self.vdom is not None and has_wrappers else tree

    def discard_config(self) -> None:
        self._candidate = None
        self._replace = False

    def compare_config(self) -> str:
        if self._candidate is None:
            return ""
        return _as_text(self._script(self._candidate, replace=self._replace))

    def _script(self, candidate: Node, *, replace: bool) -> list[str]:
        """What would turn the running config into the candidate, wrapped for the VDOM."""
        paths = list(candidate.blocks)
        reference = self._read(full=True, paths=paths)
        running = self._read(full=False, paths=None) if replace else reference
        phases = diff_phases(running, candidate, prune=replace, reference=reference)
        # what the unit held, for the review: the values compared (defaults included), and
        # what a replace removes beyond the candidate's sections
        before = running.copy() if replace else reference
        if replace:
            for path, node in reference.blocks.items():
                before.put_block(path, node)
        script = wrap_script(phases, self.vdom) if self.vdom is not None else phases[0] + phases[1]
        self.review = review(_as_text(script), before)
        return script

    # -- reading ------------------------------------------------------------------------
    def _read(self, *, full: bool, paths: Sequence[str] | None) -> Node:
        """The running config as a flat tree (``full``: defaults included)."""
        verb = "show full-configuration" if full else "show"
        if paths is None or len(paths) > _WHOLE_CONFIG_ABOVE:
            if self.vdom is None:
                return parse(self._before_session(self.device.command(verb), full=full))
            root = parse(self._before_session(self.device.command(verb, scope="global"), full=full))
            for path, node in parse(self.device.command(verb, scope="vdom")).blocks.items():
                root.put_block(path, node)
            return root
        root = Node()
        for path in paths:
            scope = scope_of(path) if self.vdom is not None else None
            text = self._before_session(
                self.device.command(f"{verb} {path}", scope=scope), full=full
            )
            if not any(marker in text for marker in _DEVICE_ERROR):
                # an unknown section stays absent here: sending it will say why it failed
                parse(text, into=root)
        return root

    def _before_session(self, text: str, *, full: bool) -> str:
        """``text`` with the console's ``output`` as the unit had it before netmiko's session
        setting (:attr:`NetmikoTransport.original_output_mode`): the session's own change
        is neither backed up, nor diffed, nor restored over the session using it."""
        original = getattr(self.device, "original_output_mode", None)
        if original not in ("more", "standard"):
            return text
        return console_as(text, original, full=full)

    def _config_text(self, *, full: bool) -> str:
        verb = "show full-configuration" if full else "show"
        if self.vdom is None:
            return self._before_session(self.device.command(verb), full=full)
        global_text = self._before_session(
            self.device.command(verb, scope="global"), full=full
        ).rstrip("\n")
        vdom_text = self.device.command(verb, scope="vdom").rstrip("\n")
        return (
            f"config global\n{global_text}\nend\nconfig vdom\nedit {self.vdom}\n{vdom_text}\nend\n"
        )

    def _send(self, lines: list[str]) -> None:
        """A script for `config system global` and friends, in `config global` if needed."""
        self.device.script(wrap_script((lines, []), self.vdom) if self.vdom else lines)

    def _execute(self, command: str) -> str:
        return self.device.command(command, scope="global" if self.vdom else None)

    # -- commit -------------------------------------------------------------------------
    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        if self._pending is not None:
            raise CommitError(
                "a commit is waiting for confirmation: confirm_commit() or rollback() first"
            )
        if self._candidate is None:
            raise CommitError("nothing to commit: load a candidate first")
        # cfg-revert-timeout takes 10 - 4294967295 s (FortiOS CLI reference, system global)
        if revert_in is not None and (not isinstance(revert_in, int) or revert_in < 10):
            raise CommitConfirmException(
                f"revert_in must be whole seconds >= 10 (cfg-revert-timeout), not {revert_in}"
            )
        self._backup = self._config_text(full=False)
        before = self._flat(parse(self._backup))
        script = self._script(self._candidate, replace=self._replace)
        if not script:
            self.discard_config()
            return
        if revert_in is not None:
            self._arm(before, revert_in)
        try:
            self.device.script(script)
        except ScriptRejected as exc:
            self._restore(before)
            error = ReplaceConfigException if self._replace else MergeConfigException
            raise error(f"{exc}; the pre-commit config was restored") from exc
        if revert_in is None and _cfg_save(before)[0] not in (None, "automatic"):
            self._execute("execute cfg save")  # manual save mode: a commit must persist
        self.discard_config()

    def _arm(self, before: Node, seconds: int) -> None:
        mode, timeout = _cfg_save(before)
        try:
            self._send(
                [
                    "config system global",
                    "set cfg-save revert",
                    f"set cfg-revert-timeout {seconds}",
                    "end",
                ]
            )
        except ScriptRejected as exc:
            self.device.unwind()
            raise CommitConfirmException(f"cannot arm the revert timer: {exc}") from exc
        # Set before the change is sent: if the session dies mid-batch, rollback() knows.
        self._pending = PendingCommit(mode, timeout)

    def _restore(self, before: Node) -> None:
        """After a refused line: leave the config context, put the backup back, disarm."""
        self.device.unwind()
        restore = self._script(before, replace=True)
        try:
            if restore:
                self.device.script(restore)
        except ScriptRejected as exc:
            self.device.unwind()
            raise CommitError(
                f"{exc}; restoring the backup failed too: the running config "
                "may be half-changed, compare it with driver.backup"
            ) from exc
        if self._pending is not None:
            self._disarm(self._pending)

    def _disarm(self, pending: PendingCommit) -> None:
        """Save what runs, then put ``cfg-save``/``cfg-revert-timeout`` back as they were."""
        self._execute("execute cfg save")
        lines = ["config system global"]
        for name, value in (
            ("cfg-save", pending.cfg_save),
            ("cfg-revert-timeout", pending.cfg_revert_timeout),
        ):
            lines.append(f"set {name} {value}" if value is not None else f"unset {name}")
        self._send([*lines, "end"])
        # Whether leaving revert mode is itself saved varies; saving again costs nothing.
        self._execute("execute cfg save")
        self._pending = None

    def confirm_commit(self) -> None:
        pending = self._pending or self._device_pending()
        if pending is None:
            raise CommitError("no commit is waiting for confirmation")
        self._disarm(pending)

    def has_pending_commit(self) -> bool:
        return self._pending is not None or self._device_pending() is not None

    def _device_pending(self) -> PendingCommit | None:
        """A revert timer armed by another session (or before a dropped one).

        FortiOS shows no "unsaved changes" flag in the CLI, so revert mode itself counts as
        pending; what the save mode was before is unknown, the defaults are restored.
        """
        text = self.device.command(
            "show full-configuration system global", scope="global" if self.vdom else None
        )
        mode, _ = _cfg_save(parse(text) if "Command fail" not in text else Node())
        return PendingCommit(None, None) if mode == "revert" else None

    def rollback(self) -> None:
        pending = self._pending or self._device_pending()
        if pending is not None:
            # FortiOS's own revert: back to the saved (pre-commit) config, a reboot if
            # anything was unsaved; then the save mode the commit changed goes back too.
            if "will reboot" in self.device.reload():
                self.device.reopen(wait_s=self.reload_wait)
            self._disarm(pending)
            return
        if self._backup is None:
            raise NotImplementedError(
                f"{self.hostname}: nothing was committed through this driver instance; "
                "load the backup with load_replace_candidate() and commit it"
            )
        script = self._script(self._flat(parse(self._backup)), replace=True)
        if script:
            try:
                self.device.script(script)
            except ScriptRejected as exc:
                self.device.unwind()
                raise CommitError(f"rollback refused: {exc}") from exc

    # -- getters --------------------------------------------------------------------------
    def cli(self, commands: list[str], encoding: str = "text") -> dict[str, str | dict[str, Any]]:
        if encoding != "text":
            raise NotImplementedError(f"{encoding} is not a supported encoding")
        if not isinstance(commands, list):
            raise TypeError("commands must be a list, e.g. ['get system status']")
        return {command: self.device.command(command) for command in commands}

    def get_facts(self) -> models.FactsDict:
        status = parse_system_status(self.device.command("get system status"))
        interfaces = parse_interface_names(
            self.device.command("get system interface", scope="global" if self.vdom else None)
        )
        return {
            "uptime": status.uptime,
            "vendor": "Fortinet",
            "os_version": status.os_version,
            "serial_number": status.serial_number,
            "model": status.model,
            "hostname": status.hostname,
            "fqdn": status.hostname,
            "interface_list": interfaces,
        }

    def get_config(
        self,
        retrieve: str = "all",
        full: bool = False,
        sanitized: bool = False,
        format: str = "text",
    ) -> models.ConfigDict:
        if retrieve not in _RETRIEVE:
            raise ValueError(f"retrieve must be one of {', '.join(_RETRIEVE)}, not {retrieve!r}")
        if format != "text":
            raise NotImplementedError("FortiOS configs are text only: format='text'")
        running = candidate = ""
        if retrieve in ("all", "running"):
            running = self._config_text(full=full)
        if retrieve in ("all", "candidate") and self._candidate is not None:
            candidate = self._candidate_text()
        if sanitized:
            running, candidate = sanitize_config(running), sanitize_config(candidate)
        # The saved config is not readable apart from the running one over the CLI.
        return {"running": running, "candidate": candidate, "startup": ""}

    def _candidate_text(self) -> str:
        """The running config as it would be after a commit of the candidate."""
        assert self._candidate is not None
        if self._replace:
            return render(self._candidate)
        return render(parse(render(self._candidate), into=self._read(full=False, paths=None)))


# `config system console` ... `end` at the top level of `show` output
_CONSOLE_BLOCK = re.compile(r"^config system console\n(?P<body>(?:(?!end\n).*\n)*?)end$", re.M)
_OUTPUT_LINE = re.compile(r"^(?P<pad>\s*)set output \S+\n", re.M)


def console_as(text: str, mode: str, *, full: bool) -> str:
    """``text`` with ``config system console / set output`` at ``mode``, printed as the unit
    prints it: ``show full-configuration`` lists every field in place, ``show`` only the
    ones that differ from their default (``more`` for ``output``).

    >>> console_as("config system console\\n    set output standard\\nend\\n", "more", full=False)
    'config system console\\nend\\n'
    """

    def fix(match: re.Match[str]) -> str:
        body = match.group("body")
        if full:
            body = _OUTPUT_LINE.sub(lambda m: f"{m.group('pad')}set output {mode}\n", body)
        else:
            body = _OUTPUT_LINE.sub("", body)
            if mode != "more":
                body += f"    set output {mode}\n"
        return f"config system console\n{body}end"

    return _CONSOLE_BLOCK.sub(fix, text)


def _cfg_save(tree: Node) -> tuple[str | None, str | None]:
    glob = tree.block("system global") or Node()
    mode, timeout = glob.get("cfg-save"), glob.get("cfg-revert-timeout")
    return (" ".join(mode) if mode else None), (" ".join(timeout) if timeout else None)


def _as_text(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


__all__ = ["FortiOSDriver", "PendingCommit"]
