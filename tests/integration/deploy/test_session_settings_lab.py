"""A change leaves nothing of the drivers' own session settings on the device."""

from __future__ import annotations

from egress.lab.control import set_link
from egress.lab.fortios.schema import SCHEMA
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


def _commit(lab: Lab, *hosts: str) -> dict[str, dict[str, str]]:
    """Each host's summary of one `egress commit` of ``hosts`` (held by a confirm timer)."""
    result = egress(
        "commit",
        *lab.args(),
        "--hosts",
        ",".join(hosts),
        "--yes",
        "--json",
        "--confirm",
        "600",
        "--no-post-check",
    )
    assert result.exit_code == 0, result.output
    outcomes: dict[str, dict[str, str]] = summary(result)["hosts"]
    return outcomes


def test_ios_startup_config_keeps_no_file_prompt_quiet_after_a_commit(lab: Lab) -> None:
    assert _commit(lab, IOS)[IOS]["outcome"] == "committed"
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


FORTIOS = "syd-fgt-02"


def _saved(lab: Lab, host: str) -> str:
    """The FortiGate's saved config on its flash (the lab's file), as `show` prints it (a
    field set to its default is not shown). Read without a session, since every netmiko
    session itself switches the console to `standard` while it lasts."""
    lines, path = [], None
    for line in (lab.state / "devices" / host / "running.conf").read_text().splitlines():
        if line.startswith("config "):
            path = line.removeprefix("config ")
        words = line.split()
        schema = SCHEMA.get(path or "")
        default = schema.defaults.get(words[1]) if schema and len(words) == 3 else None
        if line.startswith("    set ") and default == words[2]:
            continue
        lines.append(line)
    return "\n".join(lines)


def test_fortios_failure_path_ends_at_exactly_the_pre_change_config(lab: Lab) -> None:
    before = _saved(lab, FORTIOS)
    assert "set output standard" not in before  # the factory default: `more`
    set_link(lab.state, host=FORTIOS, interface="port3", up=False)  # post-checks fail
    try:
        result = egress(
            "commit",
            *lab.args(),
            "--hosts",
            FORTIOS,
            "--yes",
            "--json",
            "--confirm",
            "600",
            "--settle",
            "0",
        )
    finally:
        set_link(lab.state, host=FORTIOS, interface="port3", up=True)
    outcome = summary(result)["hosts"][FORTIOS]
    assert result.exit_code == 1, result.output
    assert (outcome["outcome"], outcome["config"]) == ("rolled-back", "pre-change"), outcome
    assert outcome["message"].startswith("post-check failed"), outcome
    # byte for byte, `config system console` included
    assert _saved(lab, FORTIOS) == before
    # and egress's backup is that config, not the one netmiko's session setting made
    change = lab.changes / summary(result)["change_id"] / FORTIOS / "pre.cfg"
    assert "set output standard" not in change.read_text()


FGCP = ("sin-fgt-01", "sin-fgt-02")  # FortiGate FGCP cluster: primary, member


def test_fgcp_cluster_commit_leaves_both_members_console_as_it_found_it(lab: Lab) -> None:
    """The member backed up first, its session opened again while the primary changes
    (egress/rollout/deploy.py `_open_ahead`), the site's sessions closed as soon as it is
    done: the member's check still works on that session (mirrored), and FGCP, which syncs
    `config system console`, is left with no session's `output standard` on either unit."""
    before = {host: _saved(lab, host) for host in FGCP}
    assert not any("set output standard" in text for text in before.values())
    hosts = _commit(lab, *FGCP)
    assert (hosts[FGCP[0]]["outcome"], hosts[FGCP[1]]["outcome"]) == ("committed", "mirrored")
    for host in FGCP:
        assert "set output standard" not in _saved(lab, host), host
