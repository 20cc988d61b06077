"""Lab faults during a change: each device ends at its pre-change or intended config, the
backup exists whenever anything was sent, and the outcome says which."""

from __future__ import annotations

import pytest

from egress.change.changes import ChangeDir
from egress.devices.configtext import normalise
from egress.lab.control import set_fault
from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import egress, running_config, summary

# one member of a VRRP pair per platform that napalm drives out of the box
HOSTS = {"ios": "ams-edge-02", "junos": "nyc-srx-02"}


def _commit(lab: Lab, host: str, *extra: str) -> dict[str, str]:
    result = egress(
        "commit",
        *lab.args(),
        "--hosts",
        host,
        "--yes",
        "--json",
        "--confirm",
        "600",
        "--no-post-check",
        *extra,
    )
    assert result.exit_code == 1, result.output
    outcome: dict[str, str] = summary(result)["hosts"][host]
    outcome["change_id"] = summary(result)["change_id"]
    return outcome


@pytest.mark.parametrize("platform", sorted(HOSTS))
def test_connection_refused_is_one_line_and_touches_nothing(lab: Lab, platform: str) -> None:
    host = HOSTS[platform]
    before = running_config(lab, host)
    set_fault(lab.state, host=host, kind="refuse-connect")
    import time

    time.sleep(0.5)  # the lab closes the listening socket within 0.2 s
    outcome = _commit(lab, host, "--timeout", "5")
    assert (outcome["outcome"], outcome["config"]) == ("failed-untouched", "pre-change")
    assert outcome["message"] == "connection refused", outcome
    set_fault(lab.state, host=host, kind="clear")
    time.sleep(0.5)
    assert running_config(lab, host) == before


@pytest.mark.parametrize("platform", sorted(HOSTS))
def test_a_hanging_device_times_out_untouched(lab: Lab, platform: str) -> None:
    host = HOSTS[platform]
    before = running_config(lab, host)
    set_fault(lab.state, host=host, kind="hang")
    outcome = _commit(lab, host, "--timeout", "4")
    assert outcome["config"] == "pre-change", outcome
    assert "timeout" in outcome["message"] or "dropped" in outcome["message"], outcome
    set_fault(lab.state, host=host, kind="clear")
    assert running_config(lab, host) == before


@pytest.mark.parametrize("platform", sorted(HOSTS))
def test_session_dropped_mid_commit_ends_rolled_back(lab: Lab, platform: str) -> None:
    host = HOSTS[platform]
    before = running_config(lab, host)
    set_fault(lab.state, host=host, kind="drop-on-commit")
    outcome = _commit(lab, host, "--timeout", "8")
    set_fault(lab.state, host=host, kind="clear")
    # either egress rolled it back on a fresh session, or the commit never landed
    assert outcome["config"] == "pre-change", outcome
    assert normalise(platform, running_config(lab, host)) == normalise(platform, before)
    assert ChangeDir.open(lab.changes, outcome["change_id"]).verified_backup(host) == before
