"""The Dask runner keeps a device's session on the worker that opened it, for the change's
next batches, as the threaded runner keeps it in its process; the change closing its
connections closes them there, and a client that vanished has them closed by the worker
(a Junos session holds the configuration lock until it ends). An in-process cluster and a
stand-in connection plugin: no device, no lab."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from nornir.core import Nornir
from nornir.core.configuration import Config
from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.task import Result, Task

from egress.runners import dask_worker
from egress.runners.dask import DaskRunner

EVENTS: list[tuple[str, str]] = []
_EVENTS_LOCK = threading.Lock()
STAND_IN = "egress_test_session"


class StandIn:
    """A session that says when it opens and closes (the worker is this process)."""

    connection: Any = None

    def open(
        self,
        hostname: str | None,
        username: str | None,
        password: str | None,
        port: int | None,
        platform: str | None,
        extras: dict[str, Any] | None = None,
        configuration: Config | None = None,
    ) -> None:
        self.name = str(hostname)
        with _EVENTS_LOCK:
            EVENTS.append(("open", self.name))

    def close(self) -> None:
        with _EVENTS_LOCK:
            EVENTS.append(("close", self.name))


ConnectionPluginRegister.register(STAND_IN, StandIn)


def use_session(task: Task) -> Result:
    return Result(host=task.host, result=id(task.host.get_connection(STAND_IN, task.nornir.config)))


@pytest.fixture
def cluster() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, processes=False, protocol="tcp", dashboard_address=None
    ) as local:
        yield str(local.scheduler_address)


def _nornir(address: str) -> Nornir:
    hosts = Hosts({n: Host(name=n, hostname=n) for n in ("a", "b", "c", "d")})
    inventory = Inventory(hosts=hosts, groups=Groups(), defaults=Defaults())
    return Nornir(inventory=inventory, runner=DaskRunner(scheduler=address, threads=4))


def _events(kind: str) -> list[str]:
    with _EVENTS_LOCK:
        return sorted(name for k, name in EVENTS if k == kind)


def test_a_session_is_opened_once_per_change_and_closed_where_it_lives(cluster: str) -> None:
    EVENTS.clear()
    nr = _nornir(cluster)
    runner: Any = nr.runner
    try:
        first = nr.run(task=use_session)
        where = dict(runner._home)  # the worker holding each host's session
        assert len(set(where.values())) == 2  # spread over both workers
        # a wave of two of them, then all again: each sent to the worker holding its session
        second = nr.filter(filter_func=lambda h: h.name in ("a", "c")).run(task=use_session)
        third = nr.run(task=use_session)
        assert runner._home == where
        sessions = {h: m[0].result for h, m in first.items()}
        assert {h: m[0].result for h, m in second.items()} == {h: sessions[h] for h in "ac"}
        assert {h: m[0].result for h, m in third.items()} == sessions
        assert _events("open") == ["a", "b", "c", "d"]  # once each, not once per batch
        assert _events("close") == []
        nr.close_connections(on_good=True, on_failed=True)
        assert _events("close") == ["a", "b", "c", "d"]
        assert dask_worker.held_hosts(runner.owner) == []
    finally:
        runner.close()


def test_sessions_of_a_client_that_is_gone_are_closed_by_the_worker(cluster: str) -> None:
    EVENTS.clear()
    nr = _nornir(cluster)
    runner: Any = nr.runner
    nr.run(task=use_session)
    owner = runner.owner
    assert dask_worker.held_hosts(owner) == ["a", "b", "c", "d"]
    # the client vanishes without closing its connections (a killed egress process)
    runner._client.close()
    deadline = time.monotonic() + dask_worker.REAP_S * 5
    while _events("close") != ["a", "b", "c", "d"]:
        assert time.monotonic() < deadline, EVENTS
        time.sleep(0.1)
    assert dask_worker.held_hosts(owner) == []


def use_and_close(task: Task) -> Result:
    """A device's pipeline that closes its sessions when done (a change past
    HELD_SESSIONS_MAX devices, egress/rollout/deploy.py)."""
    used = id(task.host.get_connection(STAND_IN, task.nornir.config))
    task.host.close_connections()
    return Result(host=task.host, result=used)


def test_a_host_whose_sessions_were_closed_is_not_pinned_to_its_worker(cluster: str) -> None:
    EVENTS.clear()
    nr = _nornir(cluster)
    runner: Any = nr.runner
    try:
        nr.filter(filter_func=lambda h: h.name in ("a", "b")).run(task=use_session)
        nr.filter(filter_func=lambda h: h.name in ("c", "d")).run(task=use_and_close)
        # a and b hold sessions on their worker: pinned there; c and d hold none: their next
        # batch goes wherever there is room, not only where they ran
        assert sorted(runner._home) == ["a", "b"]
        assert dask_worker.held_hosts(runner.owner) == ["a", "b"]
        assert _events("close") == ["c", "d"]
    finally:
        nr.close_connections(on_good=True, on_failed=True)
        runner.close()


def test_workers_run_without_the_statistical_profiler(cluster: str) -> None:
    # a worker's profiler samples sys._current_frames() every 10 ms: on CPython 3.11 with a
    # thread per device it can deadlock the worker (python/cpython#116969); egress stops it
    # on every worker it warms, a cluster started without egress's config too
    runner = DaskRunner(scheduler=cluster, threads=4)
    try:
        client = runner.client()

        def profiling(dask_worker: Any) -> bool:
            return "profile" in dask_worker.periodic_callbacks

        deadline = time.monotonic() + 10
        while any(client.run(profiling).values()):
            assert time.monotonic() < deadline, client.run(profiling)
            time.sleep(0.05)
        assert len(client.run(profiling)) == 2
    finally:
        runner.close()
