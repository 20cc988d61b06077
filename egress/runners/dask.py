"""A Nornir runner on Dask distributed: a batch of hosts runs on a Dask worker, the change
record is written on the client.

Nornir calls a runner with one task and the hosts of one ``nr.run`` — for a change, one
site's wave (secondaries, then primaries: egress/rollout/lanes.py), so HA order and the
failure budget stay the client's, exactly as with the threaded runner. The hosts are split
by ``data.region`` (a worker started with ``--resources region-<name>=1`` takes only its
region's batches) and, within a region, into one batch per worker. Each batch is one Dask
task: the worker runs the Nornir task on its hosts in threads, with none of the client's
processors, and streams each (sub)task's start and end, with the
:class:`egress.change.recorder.Record` it carries, to the client over a Dask ``Queue``;
the client replays them through its own processors in order, so the client stays the one
writer of ``changes/<id>/``. A backup is acknowledged: the worker waits until the client
has written it (pre.cfg and the vault entry, fsync'ed) before the task goes on, so the
backup is on disk before the first config line is sent, as in one process.

Credentials travel with the hosts, in the task, over Dask's comms (TLS where configured:
docs/adr.md), never to a file on the worker (spilling is off in the embedded cluster; a
batch's result holds no host). A batch runs at most once: a worker lost mid-batch makes the
scheduler start it elsewhere, and that second start refuses (:data:`LOST`), so nothing is
pushed twice; the client reports the batch's hosts as lost and recovers them.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import itertools
import logging
import os
import pickle
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from nornir.core import Nornir
from nornir.core.exceptions import NornirSubTaskError
from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory
from nornir.core.processor import Processors
from nornir.core.state import GlobalState
from nornir.core.task import AggregatedResult, MultiResult, Result, Task
from nornir.plugins.runners import ThreadedRunner

from egress.change.recorder import Record, record_of

SCHEDULER_ENV = "EGRESS_SCHEDULER"
REGION_KEY = "region"  # inventory data.region -> worker resource region-<name>
LOST = "worker-lost"
# Nornir's own close_connections runs through the runner: the client's sessions are here
LOCAL_TASKS = frozenset({"close_connections_task"})
STARTED = "egress-started"  # scheduler metadata: batch -> the worker that started it
# the client writes a backup in milliseconds; beyond this it is gone
ACK_TIMEOUT_S = 120.0
# the client's poll of a batch's events: fastest, slowest
IDLE_S = (0.005, 0.1)


class WorkerLost(RuntimeError):
    """The Dask worker running this host's batch was lost (or the scheduler went away)
    before the batch returned: the host's state is what its recorded steps say."""


def region_resource(region: str) -> str:
    return f"region-{region}"


# ---------------------------------------------------------------- on the worker


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


def run_batch(
    batch: str,
    function: Callable[..., Any],
    name: str,
    params: dict[str, Any],
    dry_run: bool,
    config: Any,
    hosts: list[Host],
    threads: int,
) -> dict[str, Any]:
    """A Dask task: run ``function`` on ``hosts`` here; the events went to the client, the
    top-level results come back (or :data:`LOST` when this batch already started once)."""
    from distributed import Queue, get_client, get_worker

    client = get_client()
    # a batch runs once: the scheduler restarts a lost worker's task on another worker
    if client.get_metadata([STARTED, batch], default=None) is not None:
        return {"status": LOST}
    # where it runs: the client watches that worker (and a test may kill it)
    client.set_metadata([STARTED, batch], {"address": get_worker().address, "pid": os.getpid()})
    queue = Queue(f"egress-events-{batch}")
    import egress.devices.connection  # noqa: F401 - registers egress's connection plugin

    inventory = Inventory(
        hosts=Hosts({h.name: h for h in hosts}), groups=Groups(), defaults=Defaults()
    )
    nornir = Nornir(inventory=inventory, config=config, data=GlobalState(dry_run=dry_run))
    processors = Processors([_Forward(queue, batch)])
    out: dict[str, list[_Outcome]] = {}
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
        for host in hosts:
            for conn in list(host.connections):
                with contextlib.suppress(Exception):  # closing a broken session
                    host.close_connection(conn)
        queue.put(_Event("end", "", ""))
        queue.close()  # this side's hold on it; the client lets go once it has read it all
    return {"status": "done", "hosts": out}


# ---------------------------------------------------------------- on the client


def _portable_host(host: Host) -> Host:
    """The host as the worker gets it: inventory data and credentials, no live session."""
    clone = copy.copy(host)
    clone.connections = {}
    return clone


def _per_host(params: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """A mapping holding an entry for every host of the batch is per host: only the
    batch's entries are sent (the intents and configs of 2,000 devices stay home)."""
    wanted = set(names)
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Mapping) and not isinstance(value, Host):
            snapshot = dict(value)  # another lane may be adding to it
            if wanted <= snapshot.keys():
                snapshot = {k: snapshot[k] for k in names}
            value = snapshot
        out[key] = value
    return out


class _Replay:
    """Replays a batch's events through the client's processors, in order."""

    def __init__(self, task: Task, hosts: Mapping[str, Host]) -> None:
        self.task = task
        self.hosts = hosts
        self.ended = 0
        self.errors: list[BaseException] = []  # raised by the runner once the batch is done

    def __call__(self, event: _Event) -> None:
        from distributed import Event, Variable

        if event.kind == "end":
            self.ended += 1
            return
        host = self.hosts[event.host]
        stand_in = Task(
            _replayed,
            self.task.nornir,
            global_dry_run=self.task.global_dry_run,
            processors=self.task.processors,
            name=event.name,
        )
        processors = self.task.processors
        status = "ok"
        try:
            if event.kind == "task_started":
                processors.task_instance_started(stand_in, host)
            elif event.kind == "subtask_started":
                processors.subtask_instance_started(stand_in, host)
            else:
                multi = MultiResult(event.name)
                multi.append(Result(host=host, record=event.record))
                if event.kind == "task_completed":
                    processors.task_instance_completed(stand_in, host, multi)
                else:
                    processors.subtask_instance_completed(stand_in, host, multi)
        except Exception as exc:  # noqa: BLE001 - a full disk: the worker's task fails
            status = str(exc) or type(exc).__name__
            if not event.ack:
                self.errors.append(exc)
        finally:
            if event.ack:  # the worker's task goes on only once the backup is written
                Variable(event.ack).set(status)
                Event(event.ack).set()


def _replayed(task: Task) -> Result:  # pragma: no cover - a name holder, never run
    raise NotImplementedError


class DaskRunner:
    """Nornir runner plugin: ``DaskRunner(scheduler="tcp://host:8786")`` joins a cluster;
    ``DaskRunner(workers=N)`` starts an embedded LocalCluster of N worker processes."""

    def __init__(
        self,
        *,
        scheduler: str | None = None,
        workers: int | None = None,
        threads: int = 20,
        security: Any = None,
        num_workers: int | None = None,  # nornir.yaml's name for the threads per batch
    ) -> None:
        self.scheduler = scheduler
        self.workers = workers or 2
        self.threads = num_workers or threads
        self.security = security
        self._client: Any = None
        self._cluster: Any = None
        self._lock = threading.Lock()
        self.gone = False  # the scheduler went away: no batch starts after that
        self._checked: dict[str, float] = {}

    # the client and the cluster start on first use
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                import dask
                from distributed import Client, LocalCluster

                if self.scheduler:
                    self._client = Client(self.scheduler, security=self.security, timeout=30)
                else:
                    # no spilling: a task's arguments hold credentials, never put on disk
                    with dask.config.set({"distributed.worker.memory.spill": False}):
                        self._cluster = LocalCluster(
                            n_workers=self.workers,
                            threads_per_worker=max(1, self.threads // self.workers),
                            processes=True,
                            dashboard_address=":0",
                            resources=None,
                        )
                    self._client = Client(self._cluster)
                atexit.register(self.close)  # the embedded workers end with this process
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._cluster is not None:
                # the embedded workers' shutdown is ours: not a warning for the operator
                # (a nanny kills a worker still busy closing its sessions after 4 s)
                logging.getLogger("distributed").setLevel(logging.ERROR)
            if self._client is not None:
                self._client.close()
            if self._cluster is not None:
                self._cluster.close()
            self._client = self._cluster = None

    def _worker_count(self, client: Any, region: str | None) -> int:
        try:
            info = client.scheduler_info()["workers"]
        except Exception:  # noqa: BLE001
            return 1
        if region is None:
            return max(1, len(info))
        wanted = region_resource(region)
        return max(1, sum(1 for w in info.values() if wanted in (w.get("resources") or {})))

    def run(self, task: Task, hosts: list[Host]) -> AggregatedResult:
        result = AggregatedResult(task.name)
        if not hosts:
            return result
        if task.name in LOCAL_TASKS:
            # the client's own sessions (a recovery's): closed here, not on a worker
            return ThreadedRunner(num_workers=self.threads).run(task, hosts)
        if self.gone:
            for host in hosts:
                result[host.name] = _lost(task, host, "not started: the Dask scheduler is gone")
            return result
        try:
            return self._run(task, hosts)
        except Exception as exc:  # noqa: BLE001 - the scheduler went away between batches
            if not self._lost_scheduler():
                raise
            self.gone = True
            for host in hosts:
                why = f"not started: the Dask scheduler is gone ({type(exc).__name__})"
                result[host.name] = _lost(task, host, why)
            return result

    def _run(self, task: Task, hosts: list[Host]) -> AggregatedResult:
        result = AggregatedResult(task.name)
        client = self.client()
        by_region: dict[str | None, list[Host]] = {}
        for host in hosts:
            region = host.data.get(REGION_KEY) if hasattr(host, "data") else None
            by_region.setdefault(str(region) if region else None, []).append(host)
        batches: list[tuple[str, str | None, list[Host]]] = []
        for region, members in by_region.items():
            count = min(len(members), self._worker_count(client, region))
            size = -(-len(members) // count)
            for start in range(0, len(members), size):
                batches.append((uuid.uuid4().hex, region, members[start : start + size]))
        from distributed import Queue

        queues = {b: Queue(f"egress-events-{b}", client=client) for b, _, _ in batches}
        futures = {}
        for batch, region, members in batches:
            names = [h.name for h in members]
            futures[batch] = client.submit(
                run_batch,
                batch,
                task.task,
                task.name,
                _per_host(task.params, names),
                task.global_dry_run,
                task.nornir.config,
                [_portable_host(h) for h in members],
                self.threads,
                key=f"egress-batch-{batch}",
                pure=False,
                retries=0,
                resources={region_resource(region): 1} if region else None,
            )
        replays = {b: _Replay(task, {h.name: h for h in m}) for b, _, m in batches}
        done: dict[str, Any] = {}
        try:
            self._drain(queues, futures, replays, done)
        finally:
            for queue in queues.values():  # the scheduler keeps a queue until all let go
                with contextlib.suppress(Exception):
                    queue.close()
        for batch, _region, members in batches:
            outcome = done.get(batch)
            returned = outcome.get("hosts", {}) if isinstance(outcome, dict) else {}
            why = (
                "the Dask worker running its batch was lost"
                if not isinstance(outcome, BaseException)
                else f"its Dask batch failed: {type(outcome).__name__}: {outcome}"
            )
            for host in members:
                if host.name in returned:
                    multi = MultiResult(task.name)
                    for data in returned[host.name]:
                        multi.append(_rebuild(host, data))
                    result[host.name] = multi
                else:
                    result[host.name] = _lost(task, host, why)
        for replay in replays.values():
            if replay.errors:  # the record could not be written: as in one process, say so
                raise replay.errors[0]
        return result

    def _drain(
        self,
        queues: Mapping[str, Any],
        futures: Mapping[str, Any],
        replays: Mapping[str, _Replay],
        done: dict[str, Any],
    ) -> None:
        """Replay every batch's events until each batch ended (its "end" event read after
        its future finished) or failed."""
        pending = set(futures)
        idle = IDLE_S[0]
        while pending:
            quiet = True
            for batch in sorted(pending):
                # what is there now (a Queue's batch get never waits); waiting on the
                # scheduler with a timeout would log each timeout as an error there
                events = _rest(queues[batch])
                quiet = quiet and not events
                for event in events:
                    replays[batch](event)
                future = futures[batch]
                if future.done() and (replays[batch].ended or future.status != "finished"):
                    try:
                        done[batch] = future.result()
                    except Exception as exc:  # noqa: BLE001 - the worker or scheduler died
                        done[batch] = exc
                    if future.status != "finished":
                        # the events it sent before dying are still the record's
                        for event in _rest(queues[batch]):
                            replays[batch](event)
                    pending.discard(batch)
                elif self._lost_scheduler():
                    self.gone = True
                    done[batch] = WorkerLost("the Dask scheduler is gone")
                    pending.discard(batch)
                elif self._lost_worker(batch):
                    # do not wait for the scheduler to start it again (it would refuse)
                    for event in _rest(queues[batch]):
                        replays[batch](event)
                    with contextlib.suppress(Exception):
                        futures[batch].cancel()
                    done[batch] = WorkerLost("the Dask worker running its batch was lost")
                    pending.discard(batch)
            # poll fast while events flow (a backup waits for its acknowledgement), slower
            # while the devices work
            idle = IDLE_S[0] if not quiet else min(IDLE_S[1], idle * 2)
            if pending and quiet:
                time.sleep(idle)

    def _lost_worker(self, batch: str) -> bool:
        """The worker that started ``batch`` is no longer in the cluster (checked at most
        every second: it asks the scheduler)."""
        now = time.monotonic()
        if now - self._checked.get(batch, 0.0) < 1.0:
            return False
        self._checked[batch] = now
        try:
            started = self._client.get_metadata([STARTED, batch], default=None)
            if not started:
                return False
            return started["address"] not in self._client.scheduler_info()["workers"]
        except Exception:  # noqa: BLE001 - the scheduler itself: _lost_scheduler says so
            return False

    def _lost_scheduler(self) -> bool:
        client = self._client
        return client is not None and client.status in ("closed", "closing", "failed", "connecting")


def _rest(queue: Any) -> list[_Event]:
    try:
        return list(queue.get(batch=True))
    except Exception:  # noqa: BLE001
        return []


def _rebuild(host: Host, data: _Outcome) -> Result:
    result = Result(
        host=host,
        result=data.result,
        changed=data.changed,
        diff=data.diff,
        failed=data.failed,
        exception=data.exception,
        severity_level=data.severity_level,
        **data.extra,
    )
    result.name = data.name  # type: ignore[assignment]
    return result


def _lost(task: Task, host: Host, why: str) -> MultiResult:
    multi = MultiResult(task.name)
    error = WorkerLost(why)
    result = Result(host=host, result=why, failed=True, exception=error, lost=True)
    result.name = task.name  # type: ignore[assignment]
    multi.append(result)
    return multi
