"""One small known_hosts file per device, cut from a shared one, so each SSH connection does
not parse every other device's keys.

paramiko (netmiko's ``alt_key_file``) and ncclient (``UserKnownHostsFile`` of an ssh_config)
load the whole known_hosts file on every connection, decoding every key in it: ~20 ms for
the lab's 120 lines, paid by each of a commit's ~100 connections (the sessions, napalm ios's
SCP connections), ~2 CPU-seconds of a 60-device commit on one interpreter lock. The cut
keeps every line that can match the device: the lines naming it, in the file's order (ncclient
offers the host-key types in that order, egress/devices/sshkeys.py), and every line that
cannot be ruled out by its name alone (hashed names, ``@cert-authority``/``@revoked``
markers, patterns with ``*``, ``?`` or ``!``). Only lines naming other hosts are left out,
plain or hashed (``|1|``: its HMAC is checked against the device's name with the entry's own
salt, as paramiko does): no check changes. Real devices driven by netmiko read their cut of
``~/.ssh/known_hosts`` (egress/devices/connection.py). Messages still name the shared file
(``host_key_ref``).
"""

from __future__ import annotations

import atexit
import binascii
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from paramiko.hostkeys import HostKeys

_PATTERN = set("*?!")


def known_hosts_name(hostname: str, port: int) -> str:
    """The name known_hosts gives a device: ``host``, or ``[host]:port`` off port 22."""
    return hostname if port == 22 else f"[{hostname}]:{port}"


@dataclass(frozen=True, slots=True)
class _Entry:
    """One known_hosts line as the cut reads it: the names it plainly gives, its hashed
    (``|1|``) names, and whether only paramiko/ncclient can say where it applies."""

    line: str
    names: frozenset[str]
    hashed: tuple[str, ...]
    anywhere: bool  # @cert-authority/@revoked, a pattern, another hashed form
    rest: str = ""  # what follows the names: the key type, the key, a comment

    def for_name(self, name: str) -> str:
        """The line as one device's cut holds it: a line of plain names only gives this
        device's name alone (paramiko checks every name of a line against every entry it
        has loaded: a line naming 2,000 devices cost each connection 4 million compares),
        any other line as it is."""
        if self.anywhere or self.hashed or not self.rest:
            return self.line
        return f"{name} {self.rest}"

    def applies_to(self, name: str) -> bool:
        return (
            self.anywhere
            or name in self.names
            # OpenSSH's HashKnownHosts form (Debian's default): its HMAC names it
            or any(_hashed_is(entry, name) for entry in self.hashed)
        )


def _entry(line: str) -> _Entry | None:
    """The line read once (None: a comment or a blank line, which applies nowhere)."""
    words = line.split()
    if not words or words[0].startswith("#"):
        return None
    if words[0].startswith("@"):  # @cert-authority / @revoked: kept wherever they could apply
        return _Entry(line, frozenset(), (), anywhere=True)
    names = words[0].split(",")
    hashed = tuple(n for n in names if n.startswith("|1|"))
    # another hashed form or a pattern: paramiko/ncclient decide, as with the whole file
    anywhere = any((n.startswith("|") and n not in hashed) or _PATTERN & set(n) for n in names)
    rest = line.split(None, 1)[1].strip() if len(words) > 1 else ""
    return _Entry(line, frozenset(names), hashed, anywhere, rest)


def may_match(line: str, name: str) -> bool:
    """Whether this known_hosts line can apply to ``name`` (comments and blanks cannot)."""
    entry = _entry(line)
    return entry is not None and entry.applies_to(name)


def _hashed_is(entry: str, name: str) -> bool:
    """Whether a ``|1|salt|hmac`` entry is ``name``: paramiko's own hash with the entry's
    salt, as paramiko's HostKeys.lookup compares it (a malformed entry is kept)."""
    try:
        return bool(HostKeys.hash_host(name, entry) == entry)
    except (ValueError, TypeError, IndexError, binascii.Error):
        return True


def cut_per_host(
    known_hosts: Path, names: Iterable[str], *, ssh_config: Path | None = None
) -> dict[str, tuple[Path, Path | None]]:
    """Per known_hosts name: its own known_hosts file (and an ssh_config naming it, when
    ``ssh_config`` names ``known_hosts`` as its ``UserKnownHostsFile``), in a fresh private
    directory removed at exit. Each line is read once, and a device's plainly named lines
    are found by its name, not by testing every line (a fleet's file against a fleet);
    hashed lines are tested per device, as paramiko's own lookup does."""
    entries = [e for e in map(_entry, known_hosts.read_text().splitlines()) if e is not None]
    by_name: dict[str, list[int]] = {}
    for number, entry in enumerate(entries):
        for plain in entry.names:
            by_name.setdefault(plain, []).append(number)
    maybe = [n for n, e in enumerate(entries) if e.anywhere or e.hashed]
    config = ssh_config.read_text().splitlines() if ssh_config is not None else None
    directory = Path(tempfile.mkdtemp(prefix="egress-known-hosts-"))
    atexit.register(shutil.rmtree, directory, True)
    cut: dict[str, tuple[Path, Path | None]] = {}
    for number, name in enumerate(sorted(set(names))):
        own = directory / f"{number}.known_hosts"
        kept = set(by_name.get(name, ())) | {n for n in maybe if entries[n].applies_to(name)}
        own.write_text("".join(entries[n].for_name(name) + "\n" for n in sorted(kept)))
        cut[name] = (own, _ssh_config(config, known_hosts, own, directory / f"{number}.ssh_config"))
    return cut


def _ssh_config(lines: list[str] | None, shared: Path, own: Path, path: Path) -> Path | None:
    """The ssh_config with its ``UserKnownHostsFile <shared>`` lines pointing at ``own``
    (None: no ssh_config, or it does not name the shared file: use it as it is)."""
    if lines is None:
        return None
    swapped = [_swap(line, shared, own) for line in lines]
    if swapped == lines:
        return None
    path.write_text("".join(line + "\n" for line in swapped))
    return path


def _swap(line: str, shared: Path, own: Path) -> str:
    words = line.split()
    named = len(words) == 2 and words[0].lower() == "userknownhostsfile"
    if named and Path(words[1]).expanduser().resolve() == shared.resolve():
        return line.replace(words[1], str(own))
    return line


def originals(args: Mapping[str, object]) -> Path | None:
    """The shared known_hosts a device's options were cut from (for messages)."""
    value = args.get(ORIGINAL)
    return Path(str(value)) if value else None


# the optional_args key that keeps the shared file's path (egress's own: never sent to napalm)
ORIGINAL = "egress_known_hosts"
