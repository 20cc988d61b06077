"""One clear line per device for whatever napalm, netmiko, paramiko, ncclient or PyEZ raised.

napalm does not wrap PyEZ's or netmiko's own exceptions, so the mapping covers all of them,
by class name where importing the class would pull a driver in for nothing. The kind comes
from the exception classes only, innermost cause first: a device's message that happens to
contain "timeout" (``bfd ... timeout``, ``cfg-revert-timeout``) is a rejection, not a
timeout. A rejection says the device's own words and the line it refused. Every message
goes through the same redaction as the change directory: a refused line may carry a secret.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from egress.change.redact import redact_text

# (kind, matching exception class names, message); the first kind that matches wins
_KINDS: tuple[tuple[str, frozenset[str], str], ...] = (
    (
        "auth",
        frozenset(
            {
                "NetmikoAuthenticationException",
                "AuthenticationException",
                "ConnectAuthError",
                "AuthenticationError",
            }
        ),
        "authentication refused",
    ),
    (
        "hostkey",
        frozenset(
            {
                "BadHostKeyException",
                "HostKeyError",
                "SSHUnknownHostError",
                "ConnectUnknownHostError",
            }
        ),
        "SSH host key unknown or changed: refusing to connect",
    ),
    ("refused", frozenset({"ConnectionRefusedError", "ConnectRefusedError"}), "connection refused"),
    (
        "timeout",
        frozenset(
            {
                "NetmikoTimeoutException",
                "ConnectTimeoutError",
                "ReadTimeout",
                "RpcTimeoutError",
                "TimeoutError",
                "timeout",
                "SSHTimeout",
            }
        ),
        "no answer (timeout)",
    ),
    # before "rejected": PyEZ's LockError is an RpcError
    ("lock", frozenset({"LockError"}), "the configuration is locked by another session"),
    (
        "rejected",
        frozenset(
            {
                "ScriptRejected",
                "MergeConfigException",
                "ReplaceConfigException",
                "ConfigLoadError",
                "CommitError",
                "RpcError",
            }
        ),
        "the device rejected the configuration",
    ),
    (
        "dropped",
        frozenset(
            {
                "ConnectClosedError",
                "EOFError",
                "SessionCloseError",
                "ConnectionResetError",
                "BrokenPipeError",
                "OSError",
                "SSHException",
                "TransportError",
            }
        ),
        "the session dropped",
    ),
    ("confirm", frozenset({"CommitConfirmException"}), "commit-confirm is not possible"),
)
_PRIORITY = {kind: index for index, (kind, _classes, _message) in enumerate(_KINDS)}
# egress's own failures (post-check, interrupted commit, vault, ...) already carry their line
_OWN = frozenset({"EgressError"})
# connection wrappers whose text is the only record of their cause (not device output)
_CONNECT_WRAPPERS = frozenset({"ConnectError", "ConnectionException"})
# paramiko's words for a host that has no line in known_hosts (netmiko ssh_strict)
_UNKNOWN_HOST = re.compile(r"not found in known_hosts", re.I)
# IOS prints the refused line, a caret under the offending word, then the `% ...` reason
_CARET = re.compile(r"^\s*\^\s*$")
_DETAIL = 240


@dataclass(frozen=True, slots=True)
class DeviceFailure:
    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class HostKeyRef:
    """Where a device's host key is checked: its known_hosts name and file."""

    name: str  # `host` or `[host]:port`, as known_hosts writes it
    file: Path

    def describe(self, *, changed: bool | None) -> str:
        if changed is None:
            changed = self._listed()
        what = "changed" if changed else "unknown"
        return (
            f"SSH host key {what} for {self.name}: refusing to connect (check its line in "
            f"{self.file}: ssh-keygen -F '{self.name}' -f {self.file})"
        )

    def _listed(self) -> bool:
        """The name has a line of its own: then a refused key is a changed key."""
        try:
            lines = self.file.read_text().splitlines()
        except OSError:
            return False
        return any(line.split(" ", 1)[0].split(",").count(self.name) for line in lines)


def describe(exc: BaseException | None, *, host_key: HostKeyRef | None = None) -> DeviceFailure:
    """The kind of failure and one line saying it, with the device's own words when it
    refused something (redacted)."""
    if exc is None:
        return DeviceFailure("error", "failed without an exception (see the change record)")
    errors = chain(exc)
    for error in errors:
        names = {cls.__name__ for cls in type(error).__mro__}
        if names & _OWN:
            return DeviceFailure("check", redact_text(getattr(error, "message", _text(error))))
    best: tuple[int, str, BaseException] | None = None
    for error in errors:  # innermost first: the cause, not a wrapper's summary of it
        kind = _kind_of(error)
        if kind is not None and (best is None or _PRIORITY[kind] < best[0]):
            best = (_PRIORITY[kind], kind, error)
    if best is None:
        inner = errors[0]  # the cause, not Nornir's "Subtask ... (failed)" around it
        text = " ".join(_text(inner).split())[:160]
        return DeviceFailure("error", redact_text(f"{type(inner).__name__}: {text}"))
    _, kind, error = best
    message = dict((k, m) for k, _c, m in _KINDS)[kind]
    if kind == "hostkey":
        changed = True if "BadHostKeyException" in _names(error) else None
        if _UNKNOWN_HOST.search(_text(error)):
            changed = False
        if host_key is not None:
            return DeviceFailure(kind, host_key.describe(changed=changed))
        return DeviceFailure(kind, message)
    if kind == "lock":  # who holds it, in the device's words
        words = _junos_errors(error) or _one_line(error)
        return DeviceFailure(kind, redact_text(f"{message}: {words}" if words else message))
    if kind in ("rejected", "confirm"):
        detail = rejection(errors) or _one_line(error)
        return DeviceFailure(kind, redact_text(f"{message}: {detail}" if detail else message))
    return DeviceFailure(kind, message)


def _kind_of(error: BaseException) -> str | None:
    names = _names(error)
    if "SSHException" in names and _UNKNOWN_HOST.search(_text(error)):
        return "hostkey"
    if "NoValidConnectionsError" in names:
        # paramiko: every address refused or unreachable; its `errors` say which
        causes = getattr(error, "errors", {}) or {}
        if any(isinstance(e, ConnectionRefusedError) for e in causes.values()):
            return "refused"
        return "dropped"
    if names & _CONNECT_WRAPPERS:
        # PyEZ's and napalm's connection wrappers carry the cause only as text (ncclient's
        # "Capability exchange timed out", a socket's "Connection refused")
        text = _text(error).lower()
        if "refused" in text:
            return "refused"
        if "timed out" in text or "timeout" in text:
            return "timeout"
    for kind, classes, _message in _KINDS:
        if names & classes:
            return kind
    if isinstance(error, socket.timeout):
        return "timeout"
    return None


def _names(error: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(error).__mro__}


def rejection(errors: list[BaseException]) -> str:
    """The refused line and the device's reason, from whichever driver raised it."""
    for error in errors:
        line = getattr(error, "line", None)
        output = getattr(error, "output", None)
        if isinstance(line, str) and isinstance(output, str):  # napalm_fortios ScriptRejected
            reason = _last_words(output)
            return f"{line!r}: {reason}" if reason else repr(line)
        junos = _junos_errors(error)
        if junos:
            return junos
    for error in errors:
        ios = _ios_rejection(_text(error))
        if ios:
            return ios
    return ""


def _junos_errors(error: BaseException) -> str:
    """PyEZ RpcError ``errs`` (also what napalm junos passes to MergeConfigException)."""
    errs: Any = getattr(error, "errs", None)
    if errs is None and error.args and isinstance(error.args[0], list):
        errs = error.args[0]
    if isinstance(errs, dict):
        errs = [errs]
    if not isinstance(errs, list):
        return ""
    parts = []
    for err in errs:
        if not isinstance(err, dict):
            continue
        message = " ".join(str(err.get("message") or "").split())
        where = err.get("bad_element") or err.get("edit_path")
        if message:
            parts.append(f"{where!r}: {message}" if where else message)
    return "; ".join(parts)[:_DETAIL]


def _ios_rejection(text: str) -> str:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if _CARET.match(line) and index > 0:
            reason = next((n.strip() for n in lines[index + 1 :] if n.strip().startswith("%")), "")
            refused = lines[index - 1].strip()
            return f"{refused!r}: {reason}" if reason else repr(refused)
    reason = next((ln.strip() for ln in lines if ln.strip().startswith("% ")), "")
    return reason[:_DETAIL]


def _last_words(output: str) -> str:
    """A FortiOS refusal: its own lines (`command parse error before ...`, `Command fail.`)."""
    words = [
        " ".join(line.split())
        for line in output.splitlines()
        if re.search(r"error|fail|invalid|not found|out of range", line, re.I)
    ]
    return "; ".join(dict.fromkeys(words))[:_DETAIL]


def _text(error: BaseException) -> str:
    """``str(error)``; some driver exceptions cannot print themselves half-built."""
    try:
        return str(error)
    except Exception:  # noqa: BLE001
        return type(error).__name__


def _one_line(error: BaseException) -> str:
    return " ".join(_text(error).split())[:160]


def chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes, innermost first (Nornir wraps subtask errors)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        # NornirSubTaskError carries the failed task's MultiResult
        result = getattr(current, "result", None)
        results = result if isinstance(result, list) else [result]
        inner = next(
            (r.exception for r in results if r is not None and getattr(r, "exception", None)),
            None,
        )
        current = inner or current.__cause__ or current.__context__
    return list(reversed(seen))
