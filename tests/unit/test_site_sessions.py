"""A site's sessions around its waves (issue 18, third pass, egress/rollout/deploy.py): closed
as soon as the site is done, a cluster's member before its primary (FGCP syncs the console
setting a closing FortiOS session puts back); a wave's cluster member without a session has
it opened while its primary changes, only where the session would be the one its check uses
and no primary session closes before the check."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from nornir.core import Nornir
from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory
from nornir.plugins.runners import SerialRunner, ThreadedRunner

from egress.devices.connection import CONNECTION
from egress.rollout import deploy
from egress.rollout.deploy_plan import HostPlan

CLUSTER = [
    HostPlan("c-01", "c", "primary", 2, "push", ""),
    HostPlan("c-02", "c", "secondary", 2, "check-mirror", ""),
]
PAIR = [
    HostPlan("p-01", "p", "primary", 2, "push", ""),
    HostPlan("p-02", "p", "secondary", 1, "push", ""),
]


def _nornir(runner: Any = None) -> Nornir:
    hosts = Hosts({p.host: Host(name=p.host) for p in (*CLUSTER, *PAIR)})
    return Nornir(
        inventory=Inventory(hosts=hosts, groups=Groups(), defaults=Defaults()),
        runner=runner or ThreadedRunner(num_workers=4),
    )


@pytest.fixture
def closed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(thread, host) of every close, in order."""
    seen: list[tuple[str, str]] = []
    lock = threading.Lock()

    def close_sessions(host: Host) -> None:
        with lock:
            seen.append((threading.current_thread().name, host.name))

    monkeypatch.setattr(deploy, "close_sessions", close_sessions)
    return seen


def test_a_clusters_member_is_closed_before_its_primary_in_one_go(
    closed: list[tuple[str, str]],
) -> None:
    with ThreadPoolExecutor(max_workers=4) as closer:
        deploy._close_site(closer, _nornir(), CLUSTER)  # primary first in the plan
    assert [host for _, host in closed] == ["c-02", "c-01"]
    assert len({thread for thread, _ in closed}) == 1  # in order, not side by side


def test_a_pairs_devices_are_closed_each_on_its_own(closed: list[tuple[str, str]]) -> None:
    submitted: list[list[str]] = []

    class Recording(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            submitted.append([h.name for h in args[0]])
            return super().submit(fn, *args, **kwargs)

    with Recording(max_workers=4) as closer:
        deploy._close_site(closer, _nornir(), PAIR)
    assert sorted(submitted) == [["p-01"], ["p-02"]]
    assert sorted(host for _, host in closed) == ["p-01", "p-02"]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def get_connection(self: Host, connection: str, configuration: Any) -> object:
        assert connection == CONNECTION
        seen.append(self.name)
        return object()

    monkeypatch.setattr(Host, "get_connection", get_connection)
    return seen


def test_a_member_without_a_session_has_it_opened_ahead(opened: list[str]) -> None:
    thread = deploy._open_ahead(_nornir(), {"c-02": "c-01"}, release=False, commit=True)
    assert thread is not None
    thread.join()
    assert opened == ["c-02"]


def test_a_member_with_its_session_open_is_left_alone(opened: list[str]) -> None:
    nr = _nornir()
    nr.inventory.hosts["c-02"].connections[CONNECTION] = object()  # type: ignore[assignment]
    assert deploy._open_ahead(nr, {"c-02": "c-01"}, release=False, commit=True) is None
    assert opened == []


@pytest.mark.parametrize(
    ("runner", "release", "commit"),
    [
        (ThreadedRunner(num_workers=4), True, True),  # the primary's closes before the check
        (SerialRunner(), False, True),  # any runner but the threaded one (Dask: elsewhere)
        (ThreadedRunner(num_workers=4), False, False),  # a dry-run's check opens nothing
    ],
)
def test_no_session_is_opened_ahead_where_the_check_would_not_use_it(
    opened: list[str], runner: Any, release: bool, commit: bool
) -> None:
    members = {"c-02": "c-01"}
    assert deploy._open_ahead(_nornir(runner), members, release=release, commit=commit) is None
    assert opened == []
