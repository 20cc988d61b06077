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
import logging
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from nornir.core.inventory import Host
from nornir.core.task import AggregatedResult, MultiResult, Result, Task
from nornir.plugins.runners import ThreadedRunner

from egress.runners.dask_worker import (
    LOST,
    STARTED,
    WorkerLost,
    _Event,
    _Outcome,
    close_held,
    run_batch,
    warm,
)

__all__ = ["LOST", "DaskRunner", "WorkerLost", "region_resource"]

SCHEDULER_ENV = "EGRESS_SCHEDULER"
REGION_KEY = "region"  # inventory data.region -> worker resource region-<name>
# Nornir's own close_connections runs through the runner: the client's own sessions (a
# recovery's) close here, the workers' through close_held
CLOSE_TASKS = frozenset({"close_connections_task"})
# the client's poll of a batch's events: fastest, slowest
IDLE_S = (0.005, 0.1)
# closing a worker's sessions (napalm's close() talks to each device)
CLOSE_TIMEOUT_S = 120.0


def region_resource(region: str) -> str:
    return f"region-{region}"


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
        # session affinity: host -> the worker holding its sessions; batch -> its worker
        self._home: dict[str, str] = {}
        self._pinned: dict[str, str] = {}
        self.owner = ""  # this client's id: the workers keep its sessions under it
        self._starter: threading.Thread | None = None

    def start(self) -> None:
        """Start the cluster (or join it) now, in the background, while the client reads the
        inventory and renders: the first batch then finds the workers up and warm. A start
        that fails is retried, and its error raised, by the first batch."""
        if self._starter is None:
            self._starter = threading.Thread(
                target=self._start_quietly, name="egress-dask-start", daemon=True
            )
            self._starter.start()
            atexit.register(self.close)  # a run that ends early waits for it, then stops it

    def _start_quietly(self) -> None:
        with contextlib.suppress(Exception):
            self.client()

    # the client and the cluster start on first use (or at start())
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                import dask
                from distributed import Client, LocalCluster

                if self.scheduler:
                    self._client = Client(self.scheduler, security=self.security, timeout=30)
                else:
                    # no spilling: a task's arguments hold credentials, never put on disk;
                    # no statistical profiler (dask_worker.quiet_profiler says why)
                    with dask.config.set(
                        {
                            "distributed.worker.memory.spill": False,
                            "distributed.worker.profile.enabled": False,
                        }
                    ):
                        self._cluster = LocalCluster(
                            n_workers=self.workers,
                            threads_per_worker=max(1, self.threads // self.workers),
                            processes=True,
                            dashboard_address=":0",
                            resources=None,
                        )
                    self._client = Client(self._cluster)
                self.owner = str(self._client.id)
                atexit.register(self.close)  # the embedded workers end with this process
                self._warm(self._client)
            return self._client

    @staticmethod
    def _warm(client: Any) -> None:
        """Every worker imports the drivers now, at cluster start, not inside the change's
        first batch (a worker that joins later pays it in its first batch)."""
        workers = list(_workers(client))
        futures = [
            client.submit(warm, workers=[w], allow_other_workers=False, pure=False) for w in workers
        ]
        with contextlib.suppress(Exception):  # a worker that cannot warm fails its batches
            client.gather(futures)

    def close(self) -> None:
        with self._lock:
            if self._client is not None and not self.gone:
                # whatever the change left open (it closes its connections itself)
                with contextlib.suppress(Exception):
                    self._close_on_workers(self._client, None)
            if self._cluster is not None:
                # the embedded workers' shutdown is ours: not a warning for the operator
                # (a nanny kills a worker still busy closing its sessions after 4 s)
                logging.getLogger("distributed").setLevel(logging.ERROR)
            if self._client is not None:
                self._client.close()
            if self._cluster is not None:
                self._cluster.close()
            self._client = self._cluster = None

    def _close_on_workers(self, client: Any, names: Sequence[str] | None) -> None:
        """Close the sessions the workers hold for this change (``names``' or all)."""
        homes: dict[str, list[str]] = {}
        wanted = None if names is None else set(names)
        for name, address in list(self._home.items()):
            if wanted is None or name in wanted:
                homes.setdefault(address, []).append(name)
                self._home.pop(name, None)
        alive = self._alive(client)
        futures = [
            client.submit(
                close_held,
                self.owner,
                None if names is None else members,
                workers=[address],
                allow_other_workers=False,
                pure=False,
            )
            for address, members in homes.items()
            if address in alive  # a lost worker's sessions ended with it
        ]
        if futures:
            from distributed import wait

            # a hung device must not hold the change's end: its session ends with the worker
            with contextlib.suppress(Exception):
                wait(futures, timeout=CLOSE_TIMEOUT_S)

    @staticmethod
    def _alive(client: Any) -> dict[str, dict[str, Any]]:
        try:
            return _workers(client)
        except Exception:  # noqa: BLE001
            return {}

    def run(self, task: Task, hosts: list[Host]) -> AggregatedResult:
        result = AggregatedResult(task.name)
        if not hosts:
            return result
        if task.name in CLOSE_TASKS:
            if self._client is not None and not self.gone:
                with contextlib.suppress(Exception):  # a worker gone: its sessions with it
                    self._close_on_workers(self._client, [h.name for h in hosts])
            # the client's own sessions (a recovery's): closed here
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

    def _placed(self, client: Any, hosts: list[Host]) -> list[tuple[str, str | None, list[Host]]]:
        """One batch per worker: a host goes to the worker holding its sessions, a new host
        (or one whose worker is gone) to the eligible worker holding the fewest hosts —
        eligible: in the host's region (``data.region``), when it has one."""
        alive = self._alive(client)
        batches: dict[tuple[str, str | None], list[Host]] = {}
        with self._lock:
            load: dict[str, int] = {w: 0 for w in alive}
            for address in self._home.values():
                if address in load:
                    load[address] += 1
            for host in hosts:
                region = host.data.get(REGION_KEY) if hasattr(host, "data") else None
                region = str(region) if region else None
                wanted = region_resource(region) if region else None
                eligible = [
                    w
                    for w, info in alive.items()
                    if wanted is None or wanted in (info.get("resources") or {})
                ]
                address = self._home.get(host.name) or ""
                if address not in eligible:
                    if not eligible:  # no worker (yet) for this region: the scheduler waits
                        batches.setdefault(("", region), []).append(host)
                        continue
                    address = min(eligible, key=lambda w: (load[w], w))
                    self._home[host.name] = address
                    load[address] += 1
                batches.setdefault((address, region), []).append(host)
        return [(address, region, members) for (address, region), members in batches.items()]

    def _run(self, task: Task, hosts: list[Host]) -> AggregatedResult:
        result = AggregatedResult(task.name)
        client = self.client()
        placed = self._placed(client, hosts)
        batches = [
            (uuid.uuid4().hex, address, region, members) for address, region, members in placed
        ]
        from distributed import Queue

        queues = {b: Queue(f"egress-events-{b}", client=client) for b, _, _, _ in batches}
        futures = {}
        for batch, address, region, members in batches:
            names = [h.name for h in members]
            if address:
                self._pinned[batch] = address
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
                self.owner,
                key=f"egress-batch-{batch}",
                pure=False,
                retries=0,
                resources={region_resource(region): 1} if region else None,
                # the worker that holds the hosts' sessions, and only it
                workers=[address] if address else None,
                allow_other_workers=False,
            )
        replays = {b: _Replay(task, {h.name: h for h in m}) for b, _, _, m in batches}
        done: dict[str, Any] = {}
        try:
            self._drain(queues, futures, replays, done)
        finally:
            for queue in queues.values():  # the scheduler keeps a queue until all let go
                with contextlib.suppress(Exception):
                    queue.close()
            for batch in futures:
                self._pinned.pop(batch, None)
                self._checked.pop(batch, None)
        for batch, _address, _region, members in batches:
            outcome = done.get(batch)
            returned = outcome.get("hosts", {}) if isinstance(outcome, dict) else {}
            if isinstance(outcome, dict) and outcome.get("address"):
                held = set(outcome.get("held") or ())
                with self._lock:  # the worker holding their sessions now; a host whose
                    # sessions were closed goes wherever there is room next time
                    self._home.update(dict.fromkeys(held, str(outcome["address"])))
                    for name in set(returned) - held:
                        self._home.pop(name, None)
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
        """The worker that started ``batch`` (or, before it started, the one it is pinned
        to) is no longer in the cluster (checked at most every second: it asks the
        scheduler)."""
        now = time.monotonic()
        if now - self._checked.get(batch, 0.0) < 1.0:
            return False
        self._checked[batch] = now
        try:
            started = self._client.get_metadata([STARTED, batch], default=None)
            address = started["address"] if started else self._pinned.get(batch)
            if not address:
                return False
            return address not in _workers(self._client)
        except Exception:  # noqa: BLE001 - the scheduler itself: _lost_scheduler says so
            return False

    def _lost_scheduler(self) -> bool:
        client = self._client
        return client is not None and client.status in ("closed", "closing", "failed", "connecting")


def _workers(client: Any) -> dict[str, dict[str, Any]]:
    """The cluster's workers, asked of the scheduler now. Not ``client.scheduler_info()``:
    it returns the client's cached identity, which the client's own periodic refresh
    replaces with one that lists no worker (``n_workers=0``) — read from another thread at
    the wrong moment, every worker looked lost (seen once in a 200-device commit)."""
    identity = client.sync(client.scheduler.identity, n_workers=-1)
    return dict(identity.get("workers", {}))


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
