"""How the IOS shell refuses a command: the caret line and the ``%`` message."""

from __future__ import annotations

INVALID_INPUT = "% Invalid input detected at '^' marker."
INCOMPLETE = "% Incomplete command.\n\n"


def invalid_input(column: int) -> str:
    """The caret under ``column`` (counted from the prompt's first character) and the message."""
    return " " * column + "^\n" + INVALID_INPUT + "\n\n"


class CommandError(Exception):
    """A command IOS refuses; ``column`` is where the caret goes (within the line typed)."""

    def __init__(self, message: str, *, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
