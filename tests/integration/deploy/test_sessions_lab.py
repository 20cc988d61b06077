"""A fleet larger than the sessions egress holds (``HELD_SESSIONS_MAX``): each device's session
is closed when its pre-flight read is done and when its own pipeline is done, so no more are
open than the runner has workers, and the change ends as a held one does (issue 15: a
2,000-device run holding every session from the pre-flight on never finished it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from nornir.core.task import Result, Task

from egress.rollout import deploy
from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import egress, running_config, summary

WORKERS = 3


def _few_workers(inventory: Path) -> None:
    config = inventory / "nornir.yaml"
    data = yaml.safe_load(config.read_text())
    data["runner"]["options"]["num_workers"] = WORKERS
    config.write_text(yaml.safe_dump(data))


@pytest.fixture
def open_sessions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many of the change's devices had a session open as each device's pipeline began."""
    seen: list[int] = []
    change_device = deploy._change_device

    def watched(task: Task, **kwargs: Any) -> Result:
        seen.append(sum(1 for h in task.nornir.inventory.hosts.values() if h.connections))
        return change_device(task, **kwargs)

    monkeypatch.setattr(deploy, "_change_device", watched)
    return seen


def test_held_sessions_are_every_pushed_device(lab: Lab, open_sessions: list[int]) -> None:
    # the yardstick for the test below: at or under the limit the pre-flight's sessions
    # stay open for the pipeline (one handshake per device)
    _few_workers(lab.inventory)
    dry = egress("diff", *lab.args(), "--json")
    assert dry.exit_code == 0, dry.output
    pushed = sum(1 for o in summary(dry)["hosts"].values() if "cluster" not in o["message"])
    assert max(open_sessions) >= pushed > WORKERS


def test_past_the_limit_no_more_sessions_than_workers(
    lab: Lab, open_sessions: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _few_workers(lab.inventory)
    monkeypatch.setattr(deploy, "HELD_SESSIONS_MAX", 0)
    before = {h: running_config(lab, h) for h in ("nyc-srx-01", "ams-edge-01")}

    dry = egress("diff", *lab.args(), "--json")
    assert dry.exit_code == 0, dry.output
    outcomes = {h: o["outcome"] for h, o in summary(dry)["hosts"].items()}
    assert set(outcomes.values()) == {"would-change"}, outcomes
    assert len(open_sessions) >= 10 and max(open_sessions) <= WORKERS, open_sessions
    assert {h: running_config(lab, h) for h in before} == before

    open_sessions.clear()
    commit = egress("commit", *lab.args(), "--confirm", "600", "--yes", "--json")
    assert commit.exit_code == 0, commit.output
    ended = {o["outcome"] for o in summary(commit)["hosts"].values()}
    assert ended == {"committed", "mirrored"}, summary(commit)["hosts"]
    assert len(open_sessions) >= 10 and max(open_sessions) <= WORKERS, open_sessions
    # every session was ended, Junos's exclusive configuration lock with it: the next
    # change locks every device again and finds nothing left to do
    again = egress("diff", *lab.args(), "--json")
    assert again.exit_code == 0, again.output
    assert {o["outcome"] for o in summary(again)["hosts"].values()} == {"unchanged"}
