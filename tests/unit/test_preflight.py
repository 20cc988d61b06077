"""Before anything is sent (issue 18, egress/rollout/preflight.py): a cluster member's backup
ends before its primary's read begins (FGCP syncs what a session sets: the primary must not
have a session while the member's is open); the other devices' reads do not wait for the
members' backups; a failed member backup decides its primary, which is still read."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from nornir.core import Nornir
from nornir.core.configuration import Config, RunnerConfig
from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory
from nornir.core.task import Result, Task
from nornir.plugins.runners import SerialRunner, ThreadedRunner

from egress.change.changes import ChangeDir
from egress.rollout import preflight
from egress.rollout.deploy_plan import ChangeResult, DeployOptions, HostPlan, Outcome
from egress.tasks.deploy import Ownership

PLANS = [
    HostPlan("c1-01", "c1", "primary", 2, "push", ""),
    HostPlan("c1-02", "c1", "secondary", 2, "check-mirror", ""),
    HostPlan("p1-01", "p1", "primary", 2, "push", ""),
    HostPlan("p1-02", "p1", "secondary", 1, "push", ""),
    HostPlan("p2-01", "p2", "primary", 2, "push", ""),
    HostPlan("p2-02", "p2", "secondary", 1, "push", ""),
]
INTENTS: Any = {
    "c1-01": SimpleNamespace(peer="c1-02"),
    "c1-02": SimpleNamespace(peer="c1-01"),
    **{p.host: SimpleNamespace(peer=None) for p in PLANS if p.site != "c1"},
}
BACKUP_S = 0.3


def _nornir(workers: int, runner: Any = None) -> Nornir:
    # the primary comes first in the inventory: only the pre-flight's own order keeps it
    # behind its member
    hosts = Hosts({p.host: Host(name=p.host) for p in PLANS})
    return Nornir(
        inventory=Inventory(hosts=hosts, groups=Groups(), defaults=Defaults()),
        config=Config(runner=RunnerConfig(options={"num_workers": workers})),
        runner=runner or ThreadedRunner(num_workers=workers),
    )


@pytest.fixture
def timeline(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    spans: dict[str, tuple[float, float]] = {}
    reads: dict[str, float] = {}
    failing: set[str] = set()
    lock = threading.Lock()

    def back_up_members(nr: Nornir, members: list[str], *, change: object) -> dict[str, str]:
        started = time.monotonic()
        time.sleep(BACKUP_S)
        with lock:
            for member in members:
                spans[member] = (started, time.monotonic())
        return {m: "no route to host" for m in members if m in failing}

    def ownership(task: Task, **_: object) -> Result:
        with lock:
            reads[task.host.name] = time.monotonic()
        time.sleep(0.05)
        return Result(host=task.host, result=Ownership((), {"text": f"{task.host.name} cfg"}))

    monkeypatch.setattr(preflight, "back_up_members", back_up_members)
    monkeypatch.setattr(preflight, "_ownership", ownership)
    return {"spans": spans, "reads": reads, "failing": failing}


def _run(nr: Nornir, *, commit: bool = True) -> tuple[dict[str, dict[str, str]], ChangeResult]:
    result = ChangeResult("c", Path("."), dry_run=not commit)
    reads = preflight.read_before_change(
        nr,
        nr,
        PLANS,
        INTENTS,
        change=cast(ChangeDir, None),  # the fake backup writes nothing
        configs={p.host: "" for p in PLANS},
        records={},
        options=DeployOptions(commit=commit),
        result=result,
        say=lambda _host, _what: None,
        hold=True,
    )
    return reads, result


@pytest.mark.parametrize("workers", [1, 2, 20])
def test_a_primary_is_read_after_its_members_backup_and_the_others_do_not_wait(
    timeline: dict[str, Any], workers: int
) -> None:
    reads, result = _run(_nornir(workers))
    assert sorted(reads) == ["c1-01", "p1-01", "p1-02", "p2-01", "p2-02"]
    assert result.hosts == {}
    backed_up = timeline["spans"]["c1-02"]
    assert timeline["reads"]["c1-01"] >= backed_up[1]
    if workers > 1:  # a second thread reads the other devices while the member is backed up
        assert min(t for h, t in timeline["reads"].items() if h != "c1-01") < backed_up[1]


def test_a_failed_member_backup_decides_its_primary_which_is_still_read(
    timeline: dict[str, Any],
) -> None:
    timeline["failing"].add("c1-02")
    reads, result = _run(_nornir(4))
    assert "c1-01" in reads  # read all the same: a foreign object anywhere stops the change
    assert result.hosts["c1-02"].outcome is Outcome.FAILED_UNTOUCHED
    assert result.hosts["c1-01"].outcome is Outcome.FAILED_UNTOUCHED
    assert "backup of its cluster member c1-02 failed" in result.hosts["c1-01"].message


def test_a_dry_run_backs_up_no_member(timeline: dict[str, Any]) -> None:
    reads, _ = _run(_nornir(4), commit=False)
    assert timeline["spans"] == {}
    assert sorted(reads) == ["c1-01", "p1-01", "p1-02", "p2-01", "p2-02"]


def test_on_another_runner_every_member_is_backed_up_before_any_read(
    timeline: dict[str, Any],
) -> None:
    # the Dask runner's case: not a run per device, the members first, then one run
    reads, result = _run(_nornir(4, runner=SerialRunner()))
    assert sorted(reads) == ["c1-01", "p1-01", "p1-02", "p2-01", "p2-02"]
    assert result.hosts == {}
    assert min(timeline["reads"].values()) >= timeline["spans"]["c1-02"][1]
