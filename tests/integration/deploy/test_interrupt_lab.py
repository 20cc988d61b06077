"""Ctrl-C on `egress commit`: the devices in flight finish, nothing new starts, and the
summary lists every host with `interrupted: true`."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

from egress.devices.configtext import normalise
from tests.integration.conftest import Lab, interruptible
from tests.integration.deploy.helpers import running_config

HOSTS = ("ams-edge-01", "ams-edge-02", "nyc-srx-01", "nyc-srx-02")
SECONDARIES = ("ams-edge-02", "nyc-srx-02")  # wave 1: changed first


def test_ctrl_c_lets_the_wave_in_flight_finish_and_starts_nothing_new(lab: Lab) -> None:
    before = {h: running_config(lab, h) for h in HOSTS}
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "egress.cli",
            "commit",
            *lab.args(),
            "--hosts",
            ",".join(HOSTS),
            "--confirm",
            "600",
            "--yes",
            "--no-post-check",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=interruptible,  # noqa: PLW1509 - two C calls, no lock taken
    )
    deadline = time.monotonic() + 60
    while not any('"step": "backup"' in p.read_text() for p in lab.changes.glob("*/steps.jsonl")):
        assert run.poll() is None, run.communicate()[0]
        assert time.monotonic() < deadline, "the change never started"
        time.sleep(0.02)
    interrupted_at = time.monotonic()
    run.send_signal(signal.SIGINT)
    output = run.communicate(timeout=120)[0]
    assert time.monotonic() - interrupted_at < 45, "Ctrl-C stalled the run"
    assert run.returncode == 130, output
    assert "Traceback" not in output
    (summary_path,) = lab.changes.glob("*/summary.json")
    summary = json.loads(summary_path.read_text())
    assert summary["interrupted"] is True
    assert sorted(summary["hosts"]) == sorted(HOSTS)
    for host in HOSTS:
        outcome = summary["hosts"][host]
        running = normalise(lab.spec.device(host).platform, running_config(lab, host))
        if host in SECONDARIES:  # in flight when Ctrl-C came: finished as usual
            assert outcome["outcome"] == "committed", outcome
            assert running != normalise(lab.spec.device(host).platform, before[host])
        else:  # never started
            assert outcome["outcome"] == "skipped", outcome
            assert outcome["message"] == "interrupted before it started"
            assert running == normalise(lab.spec.device(host).platform, before[host])
