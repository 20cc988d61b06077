"""The one error hierarchy of egress.

Library code raises these; only the CLI turns them into output and exit codes
(0 ok, 1 a device or check failed, 2 bad input).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, a line (1-based, when known), a host and a field path."""

    file: Path | None = None
    line: int | None = None
    host: str | None = None
    field: str | None = None

    def describe(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(f"{self.file}:{self.line}" if self.line else str(self.file))
        if self.host:
            parts.append(f"host {self.host}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)


class EgressError(Exception):
    """Base of every error egress raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, location: Location | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.hint = hint

    def __reduce__(self) -> tuple[object, ...]:
        # keep location and hint when an error crosses a process boundary
        return (_rebuild, (type(self), self.message, self.location, self.hint))

    def __str__(self) -> str:
        where = self.location.describe()
        text = f"{where}: {self.message}" if where else self.message
        return f"{text}\n  hint: {self.hint}" if self.hint else text


def _rebuild(cls: type[EgressError], message: str, location: Location, hint: str) -> EgressError:
    error = cls.__new__(cls)
    EgressError.__init__(error, message, location=location, hint=hint)
    return error


class InputError(EgressError):
    """Bad input: inventory, template, playbook or CLI argument. Nothing was sent to a device."""

    exit_code = 2


class UnsupportedIntent(InputError):
    """The platform cannot express what the design asks for."""


class DeviceError(EgressError):
    """A device refused, timed out or answered something unexpected."""

    exit_code = 1


class Declined(EgressError):
    """The operator answered no: nothing was sent (exit 2, like every refusal before any
    device is contacted)."""

    exit_code = 2


def validation_messages(errors: list[Any]) -> list[Any]:
    """pydantic's errors, the likely cause first: a mistyped key is reported both as an
    unknown key and as a required key missing, and the unknown key is what to fix."""
    return sorted(errors, key=lambda err: err["type"] != "extra_forbidden")


def friendly(err: Any) -> str:
    """One pydantic error in the operator's words (its location is said by the caller)."""
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return "unknown key (a typo?)"
    if err["type"] == "missing":
        return "required field missing"
    value = err.get("input")
    if err["type"] != "value_error" and isinstance(value, (str, int)):
        msg = f"{msg} (got {value!r})"
    return msg
