"""An external Dask cluster for the runner tests: `dask scheduler` and `dask worker`
processes from the project's environment, as an operator starts them; and the comparison of
two change records up to what differs between any two runs (ids, timings, live counters)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DASK = str(Path(sys.executable).parent / "dask")


@dataclass
class Cluster:
    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dask_cluster(workers: int = 2, *, nanny: bool = False) -> Iterator[Cluster]:
    """``dask scheduler`` + ``workers`` × ``dask worker`` on 127.0.0.1 (no nanny by default:
    a killed worker stays dead, as a lost machine does)."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(  # noqa: S603 - the environment's own dask command
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        **quiet,
    )
    cluster = Cluster(address, scheduler)
    try:
        for _ in range(workers):
            cluster.workers.append(
                subprocess.Popen(  # noqa: S603
                    [DASK, "worker", address, "--nthreads", "10", "--no-dashboard"]
                    + ([] if nanny else ["--no-nanny"]),
                    **quiet,
                )
            )
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=60)
        yield cluster
    finally:
        for process in [*cluster.workers, scheduler]:
            process.kill()
            process.wait(timeout=30)


def started_batches(address: str) -> dict[str, dict[str, Any]]:
    """batch -> the worker that started it (what the runner records on the scheduler)."""
    from distributed import Client

    with Client(address, timeout=30) as client:
        found = client.get_metadata(["egress-started"], default=None)
    return dict(found or {})


_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")
_TIMING = {"started", "duration_s", "created", "operator"}


def _text(name: str, text: str) -> str:
    text = _ID.sub("<id>", text)
    # live device state, different in any two runs: Junos stamps its config with the last
    # commit's time; show outputs carry uptimes, counters and clocks
    text = re.sub(r"## Last commit: .*", "## Last commit: <time>", text)
    if name.endswith(".txt") and name.startswith(("pre.", "post.", "validate.")):
        text = re.sub(r"\d+", "0", text)
    return text


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items() if k not in _TIMING}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, str):
        return _ID.sub("<id>", value)
    return value


def record_of(change: Path) -> dict[str, Any]:
    """A change directory as comparable data: every file, steps per host in order."""
    out: dict[str, Any] = {}
    for path in sorted(p for p in change.rglob("*") if p.is_file()):
        name = str(path.relative_to(change))
        if name.endswith(".sha256"):
            continue  # the checksum of a text compared itself
        text = path.read_text()
        if name == "steps.jsonl":
            steps: dict[str, list[Any]] = {}
            for line in text.splitlines():
                row = _json(json.loads(line))
                row.pop("sha256", None)  # of pre.cfg, compared above
                steps.setdefault(row["host"], []).append(row)
            out[name] = steps  # hosts interleave by timing; each host's order is its own
        elif name.endswith(".json"):
            out[name] = _json(json.loads(text))
        else:
            out[name] = _text(path.name, text)
    return out


def wait_for(predicate: Any, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
