"""The Dask runner's worker side: a batch of hosts runs here, its events stream to the client,
and the devices' sessions stay open here between the batches of one change.

**Session affinity.** The threaded runner keeps a device's session open for the whole change
(the ownership check, the pipeline, the waves all reuse it). Here too: at the end of a batch
its hosts' sessions are kept in this worker process under the change's owner (the id of the
client that submitted it); the client sends the host's next batch to this worker
(``workers=``, ``allow_other_workers=False``) and the batch adopts them. They are closed:

- when the change closes its connections (Nornir's ``close_connections`` goes through the
  runner, which runs :func:`close_held` here for that owner) — the normal end, and Ctrl-C,
  whose ``finally`` blocks close the connections the same way, then the runner's ``close()``
  closes anything still held before it lets the cluster go;
- when their owner is gone from the scheduler (the client killed, or its process lost): a
  reaper thread asks the scheduler every :data:`REAP_S` seconds which clients it knows and
  closes the sessions of any other;
- when the scheduler is gone: the reaper cannot reach it and closes every idle session, and
  Dask itself closes a worker whose scheduler connection broke (the embedded cluster's
  scheduler lives in the client, so a killed client ends its workers); at the exit of this
  process what is still held is closed, and what a process kill leaves is ended by TCP.

A Junos session holds the exclusive configuration lock for its whole life (``config_lock``,
egress/devices/connection.py): each path above ends the session, napalm's ``close()``
unlocks and closes it, and a session ended without it (a worker killed) releases the lock on
the device as well — RFC 6241 §7.5: "If the session holding the lock is terminated, the lock
is released" (Junos: "the lock is released when the session ends", NETCONF XML Management
Protocol Developer Guide, <lock>).
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from nornir.core import Nornir
from nornir.core.exceptions import NornirSubTaskError
from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory
from nornir.core.processor import Processors
from nornir.core.state import GlobalState
from nornir.core.task import AggregatedResult, MultiResult, Result, Task

from egress.change.recorder import Record, record_of

LOST = "worker-lost"
STARTED = "egress-started"  # scheduler metadata: batch -> the worker that started it
# the client writes a backup in milliseconds; beyond this it is gone
ACK_TIMEOUT_S = 120.0
# how often a worker holding sessions asks the scheduler whether their owners are alive
REAP_S = 2.0


class WorkerLost(RuntimeError):
    """The Dask worker running this host's batch was lost (or the scheduler went away)
    before the batch returned: the host's state is what its recorded steps say."""


@dataclass(slots=True)
class _Event:
    kind: str  # task_started | subtask_started | task_completed | subtask_completed | end
    host: str
    name: str
    record: Record | None = None
    ack: str = ""  # the name of the Dask Event the worker waits on (a backup)


@dataclass(slots=True)
class _Outcome:
    """One host's top-level result, without its Host (re-attached on the client)."""

    name: str
    result: Any
    changed: bool
    diff: str
    failed: bool
    exception: BaseException | None
    severity_level: int
    extra: dict[str, Any] = field(default_factory=dict)


class _Forward:
    """The worker's only processor: every start and end, with its record, to the client."""

    def __init__(self, queue: Any, batch: str) -> None:
        self.queue = queue
        self.batch = batch
        self.count = itertools.count()

    def _send(self, kind: str, host: Host, task: Task, result: MultiResult | None) -> None:
        record = record_of(result[0]) if result is not None and len(result) else None
        ack = ""
        if record is not None and record.backup is not None:
            ack = f"egress-ack-{self.batch}-{next(self.count)}"
        self.queue.put(_Event(kind, host.name, task.name, record, ack))
        if ack:
            from distributed import Event, Variable

            # the backup is on the client's disk before this task goes on (issue 17)
            if not Event(ack).wait(timeout=ACK_TIMEOUT_S):
                raise WorkerLost("the client did not confirm the backup was written")
            status = Variable(ack).get(timeout=ACK_TIMEOUT_S)
            if status != "ok":
                raise WorkerLost(f"the client could not write the backup: {status}")

    def task_started(self, task: Task) -> None:
        pass

    def task_completed(self, task: Task, result: AggregatedResult) -> None:
        pass

    def task_instance_started(self, task: Task, host: Host) -> None:
        self._send("task_started", host, task, None)

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        self._send("task_completed", host, task, result)

    def subtask_instance_started(self, task: Task, host: Host) -> None:
        self._send("subtask_started", host, task, None)

    def subtask_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        self._send("subtask_completed", host, task, result)


def _portable(exc: BaseException | None) -> BaseException | None:
    """An exception that survives pickling: a subtask's error is its root failure (what
    ``describe`` reads), anything unpicklable becomes its text."""
    while isinstance(exc, NornirSubTaskError):
        inner = [r.exception for r in exc.result if r.failed and r.exception is not None]
        if not inner:
            break
        exc = inner[0]
    if exc is None:
        return None
    try:
        # PyEZ's errors hold the Device, whose __getattr__ turns unpickling into an RPC
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes, this process
    except Exception:  # noqa: BLE001 - any pickling failure
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


_RESULT_FIELDS = {
    "name",
    "result",
    "changed",
    "diff",
    "failed",
    "exception",
    "severity_level",
    "host",
    "stdout",
    "stderr",
}


def _outcome(result: Result) -> _Outcome:
    extra = {k: v for k, v in vars(result).items() if k not in _RESULT_FIELDS}
    return _Outcome(
        name=str(result.name),
        result=result.result,
        changed=result.changed,
        diff=result.diff,
        failed=result.failed,
        exception=_portable(result.exception),
        severity_level=result.severity_level,
        extra=extra,
    )


# ---------------------------------------------------------------- sessions kept here


class _Held:
    """The sessions this worker process keeps between batches: owner -> host -> the host's
    open connections (Nornir's ``Host.connections``)."""

    lock = threading.Lock()
    sessions: dict[str, dict[str, dict[str, Any]]] = {}
    reaper: threading.Thread | None = None


def _adopt(owner: str, hosts: Iterable[Host]) -> None:
    """Give each host the sessions this worker holds for it (and take them out of the
    registry while the batch uses them: the reaper closes only idle ones)."""
    with _Held.lock:
        held = _Held.sessions.get(owner, {})
        for host in hosts:
            connections = held.pop(host.name, None)
            if connections:
                host.connections = connections  # type: ignore[assignment]


def _keep(owner: str, hosts: Iterable[Host], client: Any) -> list[str]:
    """Hold the hosts' open sessions for ``owner``'s next batch; the names held (a host
    whose task closed its sessions is not: egress/rollout/deploy.py's HELD_SESSIONS_MAX)."""
    kept: list[str] = []
    with _Held.lock:
        held = _Held.sessions.setdefault(owner, {})
        for host in hosts:
            if host.connections:
                held[host.name] = host.connections
                kept.append(host.name)
        if _Held.reaper is None:
            _Held.reaper = threading.Thread(
                target=_reap, args=(client,), name="egress-session-reaper", daemon=True
            )
            _Held.reaper.start()
            atexit.register(_close_all)  # a worker that ends: its sessions end cleanly first
    return kept


def _close(connections: Iterable[dict[str, Any]]) -> int:
    """Close sessions in parallel (napalm's close() talks to the device); broken ones too."""

    def one(held: dict[str, Any]) -> None:
        for conn in list(held.values()):
            with contextlib.suppress(Exception):  # closing a broken session
                conn.close()
        held.clear()

    items = list(connections)
    if items:
        with ThreadPoolExecutor(max_workers=min(20, len(items))) as pool:
            list(pool.map(one, items))
    return len(items)


def close_held(owner: str, names: list[str] | None = None) -> int:
    """A Dask task (or the reaper): close the sessions this worker holds for ``owner`` (all
    of them, or ``names``'). Returns how many hosts' sessions were closed."""
    with _Held.lock:
        held = _Held.sessions.get(owner, {})
        picked = list(held) if names is None else [n for n in names if n in held]
        taken = [held.pop(n) for n in picked]
        if not held:
            _Held.sessions.pop(owner, None)
    return _close(taken)


def held_hosts(owner: str) -> list[str]:
    """The hosts whose sessions this worker holds for ``owner`` (tests, diagnostics)."""
    with _Held.lock:
        return sorted(_Held.sessions.get(owner, {}))


def _close_all() -> None:
    with _Held.lock:
        owners = list(_Held.sessions)
    for owner in owners:
        close_held(owner)


def _client_ids(dask_scheduler: Any = None) -> list[str]:
    """On the scheduler: the clients it knows (a client that died or left is not there)."""
    return [str(c) for c in dask_scheduler.clients]


def _reap(client: Any) -> None:
    """Close the sessions whose owner the scheduler no longer knows (or all, when the
    scheduler itself cannot be reached: no client can use them, and a Junos session would
    keep its device locked against the client's own recovery)."""
    while True:
        time.sleep(REAP_S)
        with _Held.lock:
            owners = [o for o, s in _Held.sessions.items() if s]
        if not owners:
            continue
        try:
            present = set(client.run_on_scheduler(_client_ids, callback_timeout=REAP_S * 5))
        except Exception:  # noqa: BLE001 - the scheduler gone or unreachable
            present = set()
        for owner in owners:
            if owner not in present:
                close_held(owner)


def warm() -> str:
    """Import what a batch needs (napalm and its drivers: netmiko, PyEZ, ncclient; egress's
    tasks) before the change's first batch, and connect this worker's client. Returns the
    worker's address."""
    from distributed import get_client, get_worker
    from napalm import get_network_driver

    import egress.devices.connection  # noqa: F401 - registers egress's connection plugin
    import egress.rollout.backup  # noqa: F401 - the tasks' modules, unpickled by reference
    import egress.rollout.deploy  # noqa: F401
    import egress.rollout.validate  # noqa: F401
    from egress.platforms import PLATFORMS

    for name in PLATFORMS:
        with contextlib.suppress(Exception):  # a platform whose driver is not installed
            get_network_driver(name)
    get_client()
    worker = get_worker()
    worker.loop.add_callback(quiet_profiler, worker)  # its callbacks live on its loop
    return str(worker.address)


def quiet_profiler(worker: Any) -> None:
    """Stop the worker's statistical profiler (``distributed.worker.profile``), also on a
    cluster started without egress's config. Every 10 ms it calls ``sys._current_frames()``
    over all of the worker's threads (a batch runs one per device, and paramiko one per
    session): on CPython 3.11 that can deadlock the interpreter, a lock-order inversion of the
    runtime's thread-list lock and the GIL (python/cpython#116969, "Issue with Python 3.11 and
    dask[distributed] with high number of threads"; #106883) — measured here: a worker of a
    2,000-device dry-run stopped for good, every thread waiting on the GIL, 0 CPU. The
    profile only feeds Dask's dashboard, which egress does not use."""
    for name in ("profile", "profile-cycle"):
        callback = worker.periodic_callbacks.pop(name, None)
        if callback is not None:
            callback.stop()


# ---------------------------------------------------------------- a batch


def run_batch(
    batch: str,
    function: Callable[..., Any],
    name: str,
    params: dict[str, Any],
    dry_run: bool,
    config: Any,
    hosts: list[Host],
    threads: int,
    owner: str = "",
) -> dict[str, Any]:
    """A Dask task: run ``function`` on ``hosts`` here; the events went to the client, the
    top-level results come back (or :data:`LOST` when this batch already started once).
    The hosts' sessions held here for ``owner`` are used, and kept for its next batch."""
    from distributed import Queue, get_client, get_worker

    client = get_client()
    # a batch runs once: the scheduler restarts a lost worker's task on another worker
    if client.get_metadata([STARTED, batch], default=None) is not None:
        return {"status": LOST}
    # where it runs: the client watches that worker (and a test may kill it)
    client.set_metadata([STARTED, batch], {"address": get_worker().address, "pid": os.getpid()})
    queue = Queue(f"egress-events-{batch}")
    import egress.devices.connection  # noqa: F401 - registers egress's connection plugin

    _adopt(owner, hosts)
    inventory = Inventory(
        hosts=Hosts({h.name: h for h in hosts}), groups=Groups(), defaults=Defaults()
    )
    nornir = Nornir(inventory=inventory, config=config, data=GlobalState(dry_run=dry_run))
    processors = Processors([_Forward(queue, batch)])
    out: dict[str, list[_Outcome]] = {}
    held: list[str] = []
    try:

        def one(host: Host) -> None:
            task = Task(
                function,
                nornir,
                global_dry_run=dry_run,
                processors=processors,
                name=name,
                **params,
            )
            multi = task.start(host)
            out[host.name] = [_outcome(r) for r in multi]

        with ThreadPoolExecutor(max_workers=max(1, min(threads, len(hosts)))) as pool:
            for future in [pool.submit(one, h) for h in hosts]:
                future.result()
    finally:
        if owner:
            held = _keep(owner, hosts, client)
        else:  # nobody to close them later: as Nornir's own runners leave it, closed here
            _close(h.connections for h in hosts)  # type: ignore[misc]
        queue.put(_Event("end", "", ""))
        queue.close()  # this side's hold on it; the client lets go once it has read it all
    # where the hosts' sessions now are (the client pinned it, unless no worker of the
    # region was known when it submitted), and which hosts still have one here
    return {"status": "done", "hosts": out, "address": get_worker().address, "held": held}
