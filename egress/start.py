"""Where the `egress` command starts (the console script): a fast path for `egress parse`,
else the typer app (egress.cli).

typer builds a pydantic TypeAdapter for each parameter of the verb it runs (~60 ms of
imports and set-up) and importing typer, rich and the group costs ~50 ms more: `egress parse`
is meant to start at once (under 0.15 s, issue 18), so its plain command lines are read here
with nothing imported but the parser itself. Everything else, and every test's CliRunner,
goes through egress.cli.app as before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

DRIVER_LOGGERS = ("nornir", "nornir.core", "paramiko", "ncclient", "netmiko", "jnpr")


def quiet_libraries() -> None:
    """Driver libraries log tracebacks for failures egress already reports in one line and
    records in the change directory; keep them off the operator's screen."""
    import logging  # here: `egress --help` needs no logging (~5 ms of start)

    for name in DRIVER_LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def debug_libraries() -> None:
    """--debug: the drivers' own logs and exceptions on stderr, as they tell them."""
    import logging

    logging.basicConfig(
        level=logging.DEBUG, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    for name in DRIVER_LOGGERS:
        logging.getLogger(name).propagate = True


# egress parse's options, as typer declares them (egress.commands.parse)
_PARSE_OPTIONS = {
    "-p": "platform",
    "--platform": "platform",
    "-c": "command",
    "--command": "command",
}


def fast_parse(args: Sequence[str]) -> Callable[[], int] | None:
    """``egress parse FILE -p PLATFORM -c COMMAND`` as a function giving the exit code, or
    None for any other command line.

    Only the plain forms are taken: the verb first, one file (``-`` for stdin), each option
    once as ``-p X``, ``--platform X`` or ``--platform=X``. Anything else (``--help``, a
    group option, an unknown or repeated option, a value that looks like an option, a
    missing one) returns None and goes through typer, which reads and reports it as always.
    The run is the typer command's (egress.commands.parsing.parse_json): the same JSON on
    stdout, the same error screen and exit code."""
    if not args or args[0] != "parse":
        return None
    values: dict[str, str] = {}
    files: list[str] = []
    rest = list(args[1:])
    while rest:
        word = rest.pop(0)
        if word == "-" or not word.startswith("-"):
            files.append(word)
            continue
        flag, equals, value = word.partition("=")
        name = _PARSE_OPTIONS.get(flag)
        if name is None or name in values:
            return None
        if not equals:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        values[name] = value
    if len(files) != 1 or len(values) != 2:
        return None
    file, platform, command = files[0], values["platform"], values["command"]

    def run() -> int:
        from pathlib import Path

        from egress.change.private import private_temp_dir
        from egress.commands.parsing import parse_json

        private_temp_dir()  # what the group's callback does before every verb
        quiet_libraries()
        try:
            text = parse_json(Path(file), platform=platform, command=command)
        except Exception as exc:
            from typer import Exit  # imported already by the error screen (egress.console)

            if isinstance(exc, Exit):  # the error was shown: its exit code
                return exc.exit_code
            raise
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        return 0

    return run


def main(**kwargs: Any) -> Any:
    """The `egress` command (``kwargs``: typer's, e.g. ``prog_name`` for ``python -m``)."""
    fast = fast_parse(sys.argv[1:])
    if fast is not None:
        sys.exit(fast())
    from egress.cli import app

    return app(**kwargs)
