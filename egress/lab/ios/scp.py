"""The receiving end of ``scp -t`` (the sink), as IOS's ``ip scp server enable`` runs it.

napalm (through netmiko's ``FileTransfer`` and the ``scp`` package) opens a second SSH
connection and execs ``scp -t flash:/merge_config.txt``. The protocol is small enough to
speak directly: every control line and every file body is acknowledged with a NUL byte.
"""

from __future__ import annotations

import asyncio
import re
import shlex

import asyncssh

from egress.lab.ios.filesystem import Flash, FlashPathError, split_path

_FILE_HEADER = re.compile(rb"^C([0-7]{4}) (\d+) (.+)$")
_OK = b"\x00"


def scp_target(command: str) -> tuple[bool, str] | None:
    """``scp -t [-d] path`` -> (is a sink, path); None when it is not an scp command."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words or words[0] != "scp":
        return None
    flags = [w for w in words[1:] if w.startswith("-")]
    paths = [w for w in words[1:] if not w.startswith("-")]
    return ("-t" in flags, paths[-1] if paths else "")


def _error(stdout: asyncssh.SSHWriter[bytes], message: str) -> int:
    # A leading 0x01 is a warning/error line in the scp protocol; the client shows the text.
    stdout.write(b"\x01scp: " + message.encode() + b"\n")
    return 1


async def scp_sink(
    process: asyncssh.SSHServerProcess[bytes], *, flash: Flash, target: str, enabled: bool
) -> int:
    """Receive files into ``flash``; returns the exit status for the scp command."""
    stdout, stdin = process.stdout, process.stdin
    if not enabled:
        return _error(stdout, "SCP server is not enabled (ip scp server enable)")
    try:
        name = split_path(target)
    except FlashPathError:
        return _error(stdout, f"{target}: Permission denied")
    stdout.write(_OK)
    while True:
        try:
            line = await stdin.readuntil(b"\n")
        except (asyncio.IncompleteReadError, asyncssh.DisconnectError, ConnectionError):
            return 0
        command = line.rstrip(b"\n")
        if command[:1] in (b"T", b"E"):  # times / end of directory: nothing to keep
            stdout.write(_OK)
            continue
        match = _FILE_HEADER.match(command)
        if match is None:
            return _error(stdout, "unsupported scp request (only single files)")
        size = int(match.group(2))
        filename = match.group(3).decode(errors="replace")
        stdout.write(_OK)
        data = await stdin.readexactly(size)
        await stdin.readexactly(1)  # the sender's NUL after the body
        destination = name if name and not name.endswith("/") else name + filename
        flash.write(destination, data)
        stdout.write(_OK)
