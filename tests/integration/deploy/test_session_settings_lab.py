"""A change leaves nothing of the drivers' own session settings on the device."""

from __future__ import annotations

from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import _driver, egress, summary

IOS = "ams-edge-02"


def _configs(lab: Lab, host: str) -> dict[str, str]:
    driver = _driver(lab, host)
    driver.open()
    try:
        return dict(driver.get_config(retrieve="all"))
    finally:
        driver.close()


def _commit(lab: Lab, host: str) -> dict[str, str]:
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
    )
    assert result.exit_code == 0, result.output
    outcome: dict[str, str] = summary(result)["hosts"][host]
    return outcome


def test_ios_startup_config_keeps_no_file_prompt_quiet_after_a_commit(lab: Lab) -> None:
    assert _commit(lab, IOS)["outcome"] == "committed"
    configs = _configs(lab, IOS)
    assert "vrrp 10" in configs["startup"]  # the change was saved ...
    assert "file prompt quiet" not in configs["startup"]  # ... napalm's session line not
    assert "file prompt quiet" not in configs["running"]


def test_ios_keeps_its_own_file_prompt_quiet(lab: Lab) -> None:
    # the device's own setting, typed and saved by an operator (not through napalm's
    # merge: its close() would remove the line again, the very thing egress corrects)
    driver = _driver(lab, IOS)
    driver.open()
    try:
        driver.device.send_config_set(["file prompt quiet"])
        driver.device.save_config()
    finally:
        driver.close()
    _commit(lab, IOS)
    configs = _configs(lab, IOS)
    assert "file prompt quiet" in configs["running"]
    assert "file prompt quiet" in configs["startup"]
