"""The Dask runner against the lab (issue 15): the same change run by the threaded runner,
by an embedded LocalCluster of 2 workers and by a separately started `dask scheduler` + 2
`dask worker` processes leaves the same record, report and device configs; a worker killed
mid-commit leaves its device at pre-change, reported, exit 1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from egress.devices.configtext import residue
from egress.lab.control import set_fault
from tests.integration.conftest import Lab, lab_of, start_commit
from tests.integration.dask_cluster import (
    _text,
    dask_cluster,
    record_of,
    started_batches,
    wait_for,
)
from tests.integration.deploy.helpers import running_config
from tests.integration.deploy.test_deploy_lab import LOST_SESSION_RESIDUE

# an HA pair (waves: secondary, then primary), a Junos chassis cluster and a FortiGate FGCP
# cluster (the member backed up before its primary, then checked as a mirror)
HOSTS = ("ams-edge-01", "ams-edge-02", "lon-srx-01", "lon-srx-02", "sin-fgt-01", "sin-fgt-02")


def _egress(lab: Lab, *args: str, runner: list[str]) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "egress.cli", *args, *lab.args(), *runner, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.stdout.strip(), done.stderr
    return done.returncode, json.loads(done.stdout.strip().splitlines()[-1])


def _report(data: dict[str, Any]) -> Any:
    """A --json report less what differs between any two runs (ids, paths, timings)."""
    if isinstance(data, dict):
        return {
            k: _report(v)
            for k, v in data.items()
            if k not in ("change_id", "record", "path", "duration_s", "started")
        }
    if isinstance(data, list):
        return [_report(v) for v in data]
    return data


def _change(lab: Lab, runner: list[str]) -> dict[str, Any]:
    """diff (every device at once), then commit (in HA waves): the records, the reports
    and the devices' configs."""
    hosts = ",".join(HOSTS)
    codes, reports = [], []
    for verb in (["diff"], ["commit", "--yes", "--confirm", "600"]):
        code, report = _egress(lab, *verb, "--hosts", hosts, runner=runner)
        codes.append(code)
        reports.append(_report(report))
    changes = sorted(p for p in lab.changes.iterdir() if p.is_dir())
    return {
        "codes": codes,
        "reports": reports,
        "records": [record_of(c) for c in changes],
        "configs": {h: _text("x.cfg", running_config(lab, h)) for h in HOSTS},
    }


def test_threaded_local_cluster_and_external_cluster_change_alike(tmp_path: Path) -> None:
    runs: dict[str, dict[str, Any]] = {}
    with lab_of(tmp_path / "threaded") as lab:
        runs["threaded"] = _change(lab, [])
    with lab_of(tmp_path / "local") as lab:
        runs["local"] = _change(lab, ["--runner", "dask", "--dask-workers", "2"])
    with dask_cluster(2) as cluster, lab_of(tmp_path / "external") as lab:
        runs["external"] = _change(lab, ["--scheduler", cluster.address])
        # the batches did run on the external workers
        assert started_batches(cluster.address)
    threaded = runs["threaded"]
    assert threaded["codes"] == [0, 0]
    assert len(threaded["records"]) == 2
    committed = threaded["records"][1]
    # the record is complete: a backup, a diff and a confirmed commit of every pushed device
    assert {"ams-edge-01/pre.cfg", "ams-edge-01/diff.txt", "ams-edge-01/post.cfg"} <= set(committed)
    assert [s["step"] for s in committed["steps.jsonl"]["ams-edge-01"]] == [
        "backup",
        "commit",
        "verify",
        "validate",
        "confirm",
    ]
    for name in ("local", "external"):
        other = runs[name]
        assert other["codes"] == threaded["codes"], name
        assert other["reports"] == threaded["reports"], name
        for mine, theirs in zip(threaded["records"], other["records"], strict=True):
            assert sorted(mine) == sorted(theirs), name
            for key in mine:
                assert mine[key] == theirs[key], f"{name}: {key}"
        assert other["configs"] == threaded["configs"], name


def test_a_worker_killed_mid_commit_leaves_its_device_at_pre_change(tmp_path: Path) -> None:
    host = "ams-edge-02"
    with dask_cluster(2) as cluster, lab_of(tmp_path) as lab:
        before = running_config(lab, host)
        # slow answers keep the device between its commit and its confirm long enough
        set_fault(lab.state, host=host, kind="slow", argument="200")
        run = start_commit(
            lab,
            host,
            *("--timeout", "60", "--scheduler", cluster.address, "--json"),
            env={**os.environ, "COLUMNS": "200"},
        )

        def committed() -> bool:
            assert run.poll() is None, run.communicate()
            return any('"step": "commit"' in p.read_text() for p in lab.changes.glob("*/steps.*"))

        wait_for(committed, timeout=120, what="the commit")
        # the last batch started is the device's pipeline (before it: the ownership check)
        started = list(started_batches(cluster.address).values())[-1]
        os.kill(int(started["pid"]), signal.SIGKILL)  # the worker running it
        out, err = run.communicate(timeout=180)
        set_fault(lab.state, host=host, kind="clear")
        assert run.returncode == 1, err
        report = json.loads(out.strip().splitlines()[-1])
        device = report["hosts"][host]
        assert device["outcome"] == "rolled-back", device
        assert "worker" in device["message"], device
        left = residue("ios", before, running_config(lab, host))
        assert set(left) <= LOST_SESSION_RESIDUE.get("ios", set()), left
        # the record says it once: the commit the worker did, then the client's rollback
        (change,) = [p for p in lab.changes.iterdir() if p.is_dir()]
        steps = [s["step"] for s in record_of(change)["steps.jsonl"][host]]
        assert steps == ["backup", "commit", "failure", "rollback"], steps


def test_the_scheduler_gone_mid_run_stops_new_work_and_ends_at_pre_change(
    tmp_path: Path,
) -> None:
    """The scheduler killed while the secondary's wave commits: that device ends at its
    pre-change config, its primary's wave is never started, the record says both."""
    secondary, primary = "ams-edge-02", "ams-edge-01"
    with dask_cluster(2) as cluster, lab_of(tmp_path) as lab:
        before = {h: running_config(lab, h) for h in (secondary, primary)}
        set_fault(lab.state, host=secondary, kind="slow", argument="200")
        run = start_commit(
            lab,
            f"{secondary},{primary}",
            *("--timeout", "60", "--scheduler", cluster.address, "--json"),
            env={**os.environ, "COLUMNS": "200"},
        )

        def committed() -> bool:
            assert run.poll() is None, run.communicate()
            return any('"step": "commit"' in p.read_text() for p in lab.changes.glob("*/steps.*"))

        wait_for(committed, timeout=120, what="the commit")
        cluster.scheduler.send_signal(signal.SIGKILL)
        out, err = run.communicate(timeout=240)
        set_fault(lab.state, host=secondary, kind="clear")
        assert run.returncode == 1 and out.strip(), err[-3000:]
        report = json.loads(out.strip().splitlines()[-1])["hosts"]
        assert report[secondary]["config"] == "pre-change", report[secondary]
        assert report[primary]["config"] == "pre-change", report[primary]
        assert report[primary]["outcome"] in ("skipped", "failed-untouched"), report[primary]
        for host in (secondary, primary):
            left = residue("ios", before[host], running_config(lab, host))
            assert set(left) <= LOST_SESSION_RESIDUE.get("ios", set()), (host, left)
