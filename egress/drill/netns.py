"""Running commands in the drill's network namespaces, and removing everything it made.

Every object the drill creates carries one prefix: namespaces ``egd-<site>-<node>``, the
run directory ``/run/egd-<site>``, temporary veth names ``egd<n>``. ``clean()`` finds them by
that prefix alone, so a drill killed at any point is cleaned by the next one (or by
``egress drill --clean``). Every command runs with a timeout.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

PREFIX = "egd"
RUN_ROOT = Path("/run")
# the path the rendered config names (/run/egress/...): each daemon of a router sees its
# own run directory there, through a bind mount in the daemon's private mount namespace
RENDERED_RUN = "/run/egress"
_veth_ids = itertools.count(1)


class DrillError(RuntimeError):
    """A step of the drill failed (the topology is removed all the same)."""


LOCK = RUN_ROOT / f"{PREFIX}.lock"


@contextlib.contextmanager
def exclusive(*, log: Callable[[str], None], timeout: float = 900.0) -> Iterator[None]:
    """One drill at a time on a machine: they would share its CPUs (and so their timings)
    and a second drill of one site would clean the first one's namespaces away."""
    with LOCK.open("a") as handle:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DrillError(f"another drill holds {LOCK} for {timeout:g} s") from None
                if not waited:
                    log(f"waiting for another drill to finish ({LOCK})")
                    waited = True
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ns_name(site: str, node: str) -> str:
    return f"{PREFIX}-{site}-{node}"


def run_dir(site: str) -> Path:
    return RUN_ROOT / f"{PREFIX}-{site}"


def run(
    args: Sequence[str],
    *,
    ns: str | None = None,
    check: bool = True,
    timeout: float = 15.0,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    cmd = [*(["ip", "netns", "exec", ns] if ns else []), *args]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, input=input, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise DrillError(f"timed out after {timeout:g} s: {' '.join(cmd)}") from exc
    if check and done.returncode != 0:
        raise DrillError(f"{' '.join(cmd)}: exit {done.returncode}: {done.stderr.strip()[:400]}")
    return done


def ip_batch(lines: Sequence[str], *, ns: str | None = None) -> None:
    """Many `ip` commands in one process (one fork instead of dozens)."""
    if lines:
        run(["ip", "-batch", "-"], ns=ns, input="\n".join(lines) + "\n")


def with_run_dir(directory: Path, args: Sequence[str]) -> list[str]:
    """``args`` run with ``directory`` seen as /run/egress (a private tmpfs /run); its ``tmp``
    is the process's TMPDIR (keepalived writes its state dumps there, see :func:`spawn`).
    /tmp itself is left alone: binding over it would hide a checkout (and its Python) that
    lives under /tmp."""
    # bind the directory aside first: the tmpfs over /run hides where it lives
    script = (
        'mkdir -p "$1/tmp" && mount --bind "$1" /mnt && mount -t tmpfs egd-run /run && '
        'mkdir -p "$2" && mount --move /mnt "$2" && shift 2 && exec "$@"'
    )
    return ["sh", "-c", script, "sh", str(directory), RENDERED_RUN, *args]


def spawn(
    args: Sequence[str], *, ns: str, log: Path, run_in: Path | None = None
) -> subprocess.Popen[bytes]:
    """A long-running process in ``ns`` (its own session; removed with the namespace)."""
    cmd = with_run_dir(run_in, args) if run_in else list(args)
    env = dict(os.environ)
    if run_in:
        # keepalived writes its dumps to $TMPDIR (egress's own, egress.change.private, is not
        # where the driver reads them): the directory's tmp, seen as /run/egress/tmp inside
        env["TMPDIR"] = f"{RENDERED_RUN}/tmp"
    with log.open("ab") as out:
        return subprocess.Popen(
            ["ip", "netns", "exec", ns, *cmd],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def veth_names() -> tuple[str, str]:
    n = next(_veth_ids)
    return f"{PREFIX}{os.getpid() % 10000}a{n}", f"{PREFIX}{os.getpid() % 10000}b{n}"


def namespaces(site: str | None = None) -> list[str]:
    base = Path("/run/netns")
    if not base.is_dir():
        return []
    head = f"{PREFIX}-{site}-" if site else f"{PREFIX}-"
    return sorted(p.name for p in base.iterdir() if p.name.startswith(head))


def clean(site: str | None = None, *, timeout: float = 10.0) -> list[str]:
    """Kill every process in the drill's namespaces, delete them, their veths and run dirs.

    Returns what was removed. Safe to call any number of times."""
    removed: list[str] = []
    names = namespaces(site)
    deadline = time.monotonic() + timeout
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = [pid for ns in names for pid in _pids(ns)]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        while pids and time.monotonic() < deadline:
            pids = [p for p in pids if _alive(p)]
            if pids:
                time.sleep(0.05)
        if not pids:
            break
    for ns in names:
        run(["ip", "netns", "del", ns], check=False)
        removed.append(f"netns {ns}")
    links = run(["ip", "-o", "link", "show"], check=False).stdout
    for line in links.splitlines():
        name = line.split(":")[1].strip().split("@")[0] if ":" in line else ""
        if name.startswith(PREFIX):
            run(["ip", "link", "del", name], check=False)
            removed.append(f"link {name}")
    for path in RUN_ROOT.glob(f"{PREFIX}-{site}" if site else f"{PREFIX}-*"):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(f"dir {path}")
    return removed


def _pids(ns: str) -> list[int]:
    out = run(["ip", "netns", "pids", ns], check=False, timeout=5).stdout
    return [int(p) for p in out.split() if p.isdigit()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for our purposes
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False
