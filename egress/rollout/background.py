"""A change in a worker thread, so Ctrl-C lets the devices in flight finish.

Ctrl-C (SIGINT) reaches the main thread only. If the change ran there, the interrupt would
cut the sessions in flight wherever they were — between a commit and its confirm — and
the record would list only the hosts that had answered. Here the main thread waits, and on
Ctrl-C sets ``stop``: every device in flight ends committed or rolled back as usual,
nothing new starts, and the summary lists every host (those never started as skipped)
with ``interrupted: true``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from nornir.core import Nornir

from egress.change.changes import ChangeDir
from egress.model.intent import DeviceIntent
from egress.rollout.deploy import (
    ChangeResult,
    DeployOptions,
    HostResult,
    Outcome,
    Progress,
    run_change,
    write_summary,
)

# 128 + SIGINT, what a shell reports for a run stopped with Ctrl-C
EXIT_INTERRUPTED = 130


def run_interruptible(
    nr: Nornir,
    *,
    change: ChangeDir,
    intents: Mapping[str, DeviceIntent],
    configs: Mapping[str, str],
    options: DeployOptions,
    progress: Progress,
    batches: Sequence[Sequence[str]] | None = None,
    stop: threading.Event | None = None,
    label: str = "change",
) -> ChangeResult:
    """:func:`egress.rollout.deploy.run_change`, stopped cleanly by Ctrl-C (or by ``stop``,
    set by the caller: a playbook's own stop); ``label`` names the run in progress lines."""
    stop = stop or threading.Event()
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["result"] = run_change(
                nr,
                change=change,
                intents=intents,
                configs=configs,
                options=options,
                progress=progress,
                batches=batches,
                stop=stop,
            )
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            box["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=work, name="egress-change")
    worker.start()
    # poll, not Thread.join(): an interrupted join can misreport is_alive(); the wait ends
    # as soon as the change does (a sleep(0.1) loop ended up to 0.1 s later), and Ctrl-C
    # still interrupts it (a lock's timed acquire is interruptible on POSIX since 3.2)
    while not done.is_set():
        try:
            done.wait(0.1)
        except KeyboardInterrupt:
            if not stop.is_set():
                progress(
                    label,
                    "interrupted: finishing the devices in flight (each ends committed or "
                    "rolled back); nothing new starts",
                )
            stop.set()
    worker.join()
    if "error" in box:
        raise box["error"]
    result: ChangeResult = box["result"]
    if stop.is_set():
        result.interrupted = True
        for host in nr.inventory.hosts:
            result.hosts.setdefault(
                host, HostResult(host, Outcome.SKIPPED, "interrupted before it started")
            )
        write_summary(change, result)
    return result
