"""One clear line per device for whatever napalm, netmiko, paramiko or PyEZ raised.

napalm does not wrap PyEZ's or netmiko's own exceptions, so the mapping covers all of them,
by class name where importing the class would pull a driver in for nothing.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

# (kind, matching exception class names, message)
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
        frozenset({"BadHostKeyException", "HostKeyError"}),
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
    (
        "rejected",
        frozenset(
            {
                "MergeConfigException",
                "ReplaceConfigException",
                "ConfigLoadError",
                "CommitError",
                "RpcError",
            }
        ),
        "the device rejected the configuration",
    ),
    ("lock", frozenset({"LockError"}), "the configuration is locked by another session"),
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
# egress's own failures (post-check, interrupted commit, vault, ...) already carry their line
_OWN = frozenset({"EgressError"})


@dataclass(frozen=True, slots=True)
class DeviceFailure:
    kind: str
    message: str


def describe(exc: BaseException | None) -> DeviceFailure:
    """The kind of failure and one line saying it, with the device's own words if short."""
    if exc is None:
        return DeviceFailure("error", "failed without an exception (see the change record)")
    for error in chain(exc):
        names = {cls.__name__ for cls in type(error).__mro__}
        if names & _OWN:
            return DeviceFailure("check", getattr(error, "message", str(error)))
        text = " ".join(str(error).split())
        if "known_hosts" in text or "not found in known" in text.lower():
            return DeviceFailure("hostkey", "SSH host key unknown: refusing to connect")
        if "timed out" in text.lower() or "timeout" in text.lower():
            return DeviceFailure("timeout", "no answer (timeout)")
        for kind, classes, message in _KINDS:
            if names & classes:
                detail = f": {text[:160]}" if text and kind in ("rejected", "confirm") else ""
                return DeviceFailure(kind, message + detail)
        if isinstance(error, socket.timeout):
            return DeviceFailure("timeout", "no answer (timeout)")
    text = " ".join(str(exc).split())[:160]
    return DeviceFailure("error", f"{type(exc).__name__}: {text}")


def chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes, innermost last (Nornir wraps subtask errors)."""
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
