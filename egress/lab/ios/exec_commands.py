"""Privileged-exec commands: keyword expansion (``sh ip int br``), dispatch and handlers.

Keywords abbreviate as on IOS (any unique prefix); arguments (file names, regexes) do not.
A handler gets the session and the words after its keywords and returns the text to print.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from egress.lab.ios import commit, exec_oper, show
from egress.lab.ios.archive import contextual_diff, incremental_diff, show_archive
from egress.lab.ios.archive import show_rollback_timer as rollback_timer_text
from egress.lab.ios.config import Node, parse_config, section_lines
from egress.lab.ios.errors import INCOMPLETE, CommandError, invalid_input
from egress.lab.ios.filesystem import FILESYSTEM, FlashPathError, is_flash_path, split_path
from egress.lab.ios.transfer import copy_command, delete_command

if TYPE_CHECKING:
    from egress.lab.ios.cli import IosSession

Handler = Callable[["IosSession", list[str]], Awaitable[str]]
# A grammar node: keyword -> sub-grammar; None means "arguments follow, do not expand".
Grammar = dict[str, "Grammar | None"]

_SHOW: Grammar = {
    "running-config": None,
    "startup-config": None,
    "version": {},
    "hosts": None,
    "clock": {},
    "ip": {
        "interface": {"brief": {}},
        "sla": {"statistics": None, "summary": {}},
        "route": None,
        "policy": {},
        "bgp": {"neighbors": None, "summary": {}},
    },
    "bgp": {"ipv4": {"unicast": {"summary": {}}}},
    "vrrp": {"brief": {"all": {}}, "all": {}, "detail": {}},
    "bfd": {"neighbors": {"details": {}}},
    "track": None,
    "route-map": None,
    "redundancy": {"application": {"group": None}},
    "archive": {
        "config": {"rollback": {"timer": {}}, "incremental-diffs": None, "differences": None}
    },
}
GRAMMAR: Grammar = {
    "show": _SHOW,
    "configure": {
        "terminal": None,
        "replace": None,
        "confirm": {},
        "revert": {"now": {}, "timer": None},
    },
    "copy": None,
    "dir": None,
    "verify": None,
    "more": None,
    "delete": None,
    "write": {"memory": {}, "terminal": {}},
    "terminal": None,
    "enable": None,
    "disable": {},
    "exit": {},
    "logout": {},
    "quit": {},
    "archive": {"config": {}},
}
# Commands a non-privileged (``host>``) session may run.
_USER_EXEC = {
    ("show", "version"),
    ("show", "hosts"),
    ("show", "clock"),
    ("show", "ip", "interface", "brief"),
    ("enable",),
    ("exit",),
    ("logout",),
    ("quit",),
    ("terminal",),
}
# Keyword paths that may stop before their grammar ends (``write`` = ``write memory``).
_COMPLETE_EARLY = {
    ("write",),
    ("configure",),
    ("show", "archive"),
    ("show", "vrrp"),
    ("show", "vrrp", "brief"),
    ("show", "bfd", "neighbors"),
}
_PIPED = {"show", "more"}


def expand(line: str) -> tuple[tuple[str, ...], list[str]]:
    """Split ``line`` into its full keywords and its arguments."""
    keywords: list[str] = []
    node: Grammar | None = GRAMMAR
    position = 0
    words = line.split()
    index = 0
    for index, word in enumerate(words):
        column = line.index(word, position)
        position = column + len(word)
        if node is None:
            return tuple(keywords), words[index:]
        matches = [k for k in node if k.startswith(word.lower())]
        exact = [k for k in matches if k == word.lower()]
        if exact:
            matches = exact
        if not matches:
            raise CommandError("invalid", column=column)
        if len(matches) > 1:
            raise CommandError(f'% Ambiguous command:  "{line.strip()}"\n')
        keywords.append(matches[0])
        node = node[matches[0]]
    else:
        index = len(words)
    if node and tuple(keywords) not in _COMPLETE_EARLY:
        raise CommandError(INCOMPLETE)
    return tuple(keywords), words[index:] if index < len(words) else []


async def run(session: IosSession, line: str, *, from_config: bool = False) -> str:
    """Run one exec-mode line and return what IOS prints."""
    text = line.strip()
    if not text:
        return ""
    command, _, pipe = text.partition("|")
    prompt_width = len(session.prompt) + (3 if from_config else 0)
    offset = len(line) - len(line.lstrip())
    try:
        keywords, args = expand(command)
        if not session.privileged and not any(
            keywords[: len(allowed)] == allowed for allowed in _USER_EXEC
        ):
            # The caret goes under the first word user exec does not know.
            known = 1 if any(keywords[0] == allowed[0] for allowed in _USER_EXEC) else 0
            words = command.split()
            column = command.index(words[known]) if known < len(words) else 0
            raise CommandError("invalid", column=column)
        handler = _lookup(keywords)
        output = await handler(session, args)
    except CommandError as error:
        if error.column is None:
            return error.message
        return invalid_input(prompt_width + offset + error.column)
    if pipe and keywords[0] in _PIPED:
        piped = show.apply_pipe(output, pipe)
        if piped is None:
            return invalid_input(prompt_width + offset + len(command) + 2)
        return piped
    return output


def _lookup(keywords: tuple[str, ...]) -> Handler:
    for length in range(len(keywords), 0, -1):
        handler = HANDLERS.get(keywords[:length])
        if handler is not None:
            return handler
    raise CommandError("invalid", column=0)


# -- show ----------------------------------------------------------------------------------
async def _show_running(session: IosSession, args: list[str]) -> str:
    device = session.device
    if args[:1] and "interface".startswith(args[0].lower()) and len(args) > 1:
        node = device.running.child(f"interface {args[1]}")
        if node is None:
            raise CommandError("invalid", column=0)
        body = "\n".join(section_lines(node))
        size = len(body)
        return (
            f"Building configuration...\n\nCurrent configuration : {size} bytes\n!\n{body}\nend\n"
        )
    return show.show_running_config(device.running, last_change=device.last_change_text())


async def _show_startup(session: IosSession, args: list[str]) -> str:
    return show.show_startup_config(session.device.startup)


async def _show_version(session: IosSession, args: list[str]) -> str:
    device = session.device
    return show.show_version(device.running, device.op_state(), now=device.now())


async def _show_hosts(session: IosSession, args: list[str]) -> str:
    return show.show_hosts(session.device.running)


async def _show_ip_int_brief(session: IosSession, args: list[str]) -> str:
    device = session.device
    return show.show_ip_interface_brief(device.running, device.op_state())


async def _show_clock(session: IosSession, args: list[str]) -> str:
    now = session.device.now()
    return (
        now.strftime("*%H:%M:%S.")
        + f"{now.microsecond // 1000:03d}"
        + now.strftime(" UTC %a %b %-d %Y\n")
    )


async def _show_archive(session: IosSession, args: list[str]) -> str:
    device = session.device
    return show_archive(device.running, device.archive, hostname=device.hostname)


async def _show_rollback_timer(session: IosSession, args: list[str]) -> str:
    return rollback_timer_text(session.device.timer)


def _config_source(session: IosSession, url: str) -> Node:
    """A config named in an exec command, as a tree (running, startup or a flash file)."""
    device = session.device
    lowered = url.lower()
    if lowered in ("system:running-config", "system:/running-config", "running-config"):
        return device.running
    if lowered in ("nvram:startup-config", "nvram:/startup-config", "startup-config"):
        return parse_config(device.startup or "")
    return parse_config(_read_flash_text(session, url))


def _read_flash_text(session: IosSession, url: str) -> str:
    try:
        data = session.device.flash.read(split_path(url))
    except FlashPathError:
        raise CommandError("invalid", column=0) from None
    if data is None:
        raise CommandError(f"%Error opening {url} (No such file or directory)\n")
    return data.decode(errors="replace")


async def _show_differences(session: IosSession, args: list[str]) -> str:
    if not args:
        base, new = parse_config(session.device.startup or ""), session.device.running
    elif len(args) == 1:
        base, new = _config_source(session, args[0]), session.device.running
    else:
        base, new = _config_source(session, args[0]), _config_source(session, args[1])
    return contextual_diff(base, new)


async def _show_incremental(session: IosSession, args: list[str]) -> str:
    if not args:
        raise CommandError(INCOMPLETE)
    text = _read_flash_text(session, args[0])
    ignorecase = any(a.lower() == "ignorecase" for a in args[1:])
    device = session.device
    return incremental_diff(
        device.running, text, ignorecase=ignorecase, reject=device.reject_pattern()
    )


# -- files ---------------------------------------------------------------------------------
async def _dir(session: IosSession, args: list[str]) -> str:
    paths = [a for a in args if not a.startswith("/")]
    target = paths[0] if paths else FILESYSTEM
    if not is_flash_path(target):
        return f"%Error opening {target} (No such device)\n"
    try:
        return session.device.flash.dir(target)
    except FlashPathError:
        return f"%Error opening {target} (Permission denied)\n"


async def _verify(session: IosSession, args: list[str]) -> str:
    if len(args) < 2 or args[0].lower() != "/md5":
        raise CommandError(INCOMPLETE)
    try:
        return session.device.flash.verify_md5(args[1])
    except FlashPathError:
        return f"%Error verifying {args[1]} (Invalid argument)\n"


async def _more(session: IosSession, args: list[str]) -> str:
    if not args:
        raise CommandError(INCOMPLETE)
    url = [a for a in args if not a.startswith("/")][0]
    lowered = url.lower()
    device = session.device
    if lowered in ("system:running-config", "system:/running-config"):
        return show.saved_config(device.running, last_change=device.last_change_text())
    if lowered in ("nvram:startup-config", "nvram:/startup-config"):
        return device.startup or ""
    text = _read_flash_text(session, url)
    return text if text.endswith("\n") or not text else text + "\n"


# -- modes and sessions --------------------------------------------------------------------
async def _write(session: IosSession, args: list[str]) -> str:
    return session.device.write_memory(session.username)


async def _write_terminal(session: IosSession, args: list[str]) -> str:
    return await _show_running(session, [])


async def _terminal(session: IosSession, args: list[str]) -> str:
    return ""  # width, length, monitor: nothing the lab needs to remember


async def _enable(session: IosSession, args: list[str]) -> str:
    if session.privileged:
        return ""
    answer = await session.ask("Password: ", echo=False)
    if answer is not None and answer == session.device.credentials.password:
        session.privileged = True
        return ""
    return "% Access denied\n\n"


async def _disable(session: IosSession, args: list[str]) -> str:
    session.privileged = False
    return ""


async def _exit(session: IosSession, args: list[str]) -> str:
    session.closed = True
    session.process.exit(0)
    return ""


async def _archive_config(session: IosSession, args: list[str]) -> str:
    name = session.device.archive_config()
    return "" if name else "%Archive path is not configured\n"


async def _configure(session: IosSession, args: list[str]) -> str:
    # ``configure`` alone means ``configure terminal`` once the [terminal] default is taken.
    return await commit.configure_terminal(session, [])


async def _configure_terminal(session: IosSession, args: list[str]) -> str:
    return await commit.configure_terminal(session, args)


async def _configure_replace(session: IosSession, args: list[str]) -> str:
    return await commit.configure_replace(session, args)


async def _configure_confirm(session: IosSession, args: list[str]) -> str:
    return session.device.confirm_revert()


async def _configure_revert_now(session: IosSession, args: list[str]) -> str:
    return session.device.revert_now()


async def _configure_revert_timer(session: IosSession, args: list[str]) -> str:
    return session.device.reset_revert_timer(args)


HANDLERS: dict[tuple[str, ...], Handler] = {
    ("show", "running-config"): _show_running,
    ("show", "startup-config"): _show_startup,
    ("show", "version"): _show_version,
    ("show", "hosts"): _show_hosts,
    ("show", "clock"): _show_clock,
    ("show", "ip", "interface", "brief"): _show_ip_int_brief,
    ("show", "archive"): _show_archive,
    ("show", "archive", "config", "rollback", "timer"): _show_rollback_timer,
    ("show", "archive", "config", "differences"): _show_differences,
    ("show", "archive", "config", "incremental-diffs"): _show_incremental,
    ("configure",): _configure,
    ("configure", "terminal"): _configure_terminal,
    ("configure", "replace"): _configure_replace,
    ("configure", "confirm"): _configure_confirm,
    ("configure", "revert", "now"): _configure_revert_now,
    ("configure", "revert", "timer"): _configure_revert_timer,
    ("copy",): copy_command,
    ("delete",): delete_command,
    ("dir",): _dir,
    ("verify",): _verify,
    ("more",): _more,
    ("write",): _write,
    ("write", "memory"): _write,
    ("write", "terminal"): _write_terminal,
    ("terminal",): _terminal,
    ("enable",): _enable,
    ("disable",): _disable,
    ("exit",): _exit,
    ("logout",): _exit,
    ("quit",): _exit,
    ("archive", "config"): _archive_config,
    **exec_oper.HANDLERS,
}
