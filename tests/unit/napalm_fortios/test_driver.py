"""The driver's contract, offline: napalm signatures, registration, VDOM wrapping, commit
flow decisions — against a fake transport (the lab has no VDOMs; the lab tests cover SSH)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from napalm import get_network_driver
from napalm.base.exceptions import CommitError, MergeConfigException
from napalm.base.test.getters import BaseTestGetters

from napalm_fortios import FortiOSDriver
from napalm_fortios.scope import unwrap
from napalm_fortios.tree import parse
from tests.unit.napalm_fortios.fakes import FakeTransport

GLOBAL = """config system global
    set hostname "fw1"
end
config system interface
    edit "port2"
        set vdom "cust1"
        set ip 10.0.0.1 255.255.255.0
    next
end
"""
VDOM = """config router static
    edit 1
        set gateway 10.0.0.254
        set device "port2"
    next
end
"""
CANDIDATE = """config system interface
    edit "port2"
        set alias "lan"
    next
end
config router static
    edit 2
        set gateway 10.0.0.253
        set device "port2"
    next
end
"""


def _driver(fake: FakeTransport, **optional: str) -> FortiOSDriver:
    driver = FortiOSDriver("fw1", "admin", "secret", optional_args=dict(optional))
    driver.device = fake
    return driver


@pytest.fixture
def vdom_fake() -> FakeTransport:
    return FakeTransport(configs={"global": GLOBAL, "vdom": VDOM})


def test_napalm_finds_the_driver_by_its_platform_name() -> None:
    assert get_network_driver("fortios") is FortiOSDriver


def test_method_signatures_are_napalms() -> None:
    """napalm's own check: every public method exists on NetworkDriver with its signature."""
    BaseTestGetters.test_method_signatures(SimpleNamespace(driver=FortiOSDriver))


def test_vdom_diff_is_wrapped_per_scope(vdom_fake: FakeTransport) -> None:
    driver = _driver(vdom_fake, vdom="cust1")
    driver.load_merge_candidate(config=CANDIDATE)
    diff = driver.compare_config()
    assert diff.splitlines() == [
        "config global",
        "    config system interface",
        '        edit "port2"',
        '            set alias "lan"',
        "        next",
        "    end",
        "end",
        "config vdom",
        "edit cust1",
        "    config router static",
        "        edit 2",
        "            set gateway 10.0.0.253",
        '            set device "port2"',
        "        next",
        "    end",
        "end",
    ]
    # each section was read in its own context
    assert ("show full-configuration system interface", "global") in vdom_fake.commands
    assert ("show full-configuration router static", "vdom") in vdom_fake.commands
    # the wrapped script is FortiOS syntax and unwraps to the flat diff
    assert unwrap(parse(diff), "cust1").block("router static") is not None


def test_vdom_replace_prunes_in_both_scopes_removals_vdom_first(vdom_fake: FakeTransport) -> None:
    driver = _driver(vdom_fake, vdom="cust1")
    driver.load_replace_candidate(config=GLOBAL)  # no routes: static 1 goes
    lines = driver.compare_config().splitlines()
    assert lines == [
        "config vdom",
        "edit cust1",
        "    config router static",
        "        delete 1",
        "    end",
        "end",
    ]


def test_vdom_commit_arms_the_timer_in_config_global(vdom_fake: FakeTransport) -> None:
    driver = _driver(vdom_fake, vdom="cust1")
    driver.load_merge_candidate(config=CANDIDATE)
    driver.commit_config(revert_in=120)
    arm, change = vdom_fake.scripts
    assert arm == [
        "config global",
        "    config system global",
        "    set cfg-save revert",
        "    set cfg-revert-timeout 120",
        "    end",
        "end",
    ]
    assert change[0] == "config global" and "config vdom" in change
    assert driver.has_pending_commit()
    assert driver.backup is not None and driver.backup.startswith("config global\n")
    with pytest.raises(CommitError, match="waiting for confirmation"):
        driver.load_merge_candidate(config=CANDIDATE)
        driver.commit_config()
    driver.confirm_commit()
    assert ("execute cfg save", "global") in vdom_fake.commands
    assert vdom_fake.scripts[-1][2:4] == ["    unset cfg-save", "    unset cfg-revert-timeout"]
    assert not driver._pending


def test_vdom_get_config_wraps_and_a_wrapped_backup_loads_back(vdom_fake: FakeTransport) -> None:
    driver = _driver(vdom_fake, vdom="cust1")
    running = driver.get_config(retrieve="running")["running"]
    assert running.startswith("config global\nconfig system global")
    assert "config vdom\nedit cust1\nconfig router static" in running
    driver.load_replace_candidate(config=running)
    assert driver.compare_config() == ""


def test_a_rejected_line_unwinds_restores_and_raises() -> None:
    fake = FakeTransport(configs={None: GLOBAL + VDOM}, reject="10.0.0.253")
    driver = _driver(fake)
    driver.load_merge_candidate(config=CANDIDATE)
    with pytest.raises(MergeConfigException, match="restored"):
        driver.commit_config()
    assert fake.unwound == 1
    # the change, then the restore (a replace back to the backup: nothing differs in the fake)
    assert len(fake.scripts) == 1


def test_an_unchanged_config_sends_nothing() -> None:
    fake = FakeTransport(configs={None: GLOBAL + VDOM})
    driver = _driver(fake)
    driver.load_merge_candidate(config=VDOM)
    assert driver.compare_config() == ""
    driver.commit_config(revert_in=60)
    assert fake.scripts == [] and not driver.has_pending_commit()


def test_defaults_hidden_by_show_are_no_diff() -> None:
    shown = (
        'config system interface\n    edit "port2"\n        set ip 10.0.0.1 255.255.255.0\n'
        "    next\nend\n"
    )
    full = shown.replace(
        "    next", "        set status up\n        set mtu-override disable\n    next"
    )
    fake = FakeTransport(configs={None: shown}, full={None: full})
    driver = _driver(fake)
    driver.load_merge_candidate(
        config='config system interface\n    edit "port2"\n        set status up\n'
        "        set ip 10.0.0.1/24\n    next\nend\n"
    )
    assert driver.compare_config() == ""


def test_rollback_without_a_commit_says_what_to_do_instead() -> None:
    fake = FakeTransport(configs={None: GLOBAL}, full={None: GLOBAL})
    driver = _driver(fake)
    with pytest.raises(NotImplementedError, match="load_replace_candidate"):
        driver.rollback()


def test_get_facts_from_status_and_interfaces() -> None:
    fake = FakeTransport(
        configs={},
        outputs={
            "get system status": "Version: FortiGate-VM64 v7.2.8,build1639,240313 (GA.M)\n"
            "Serial-Number: FGVM01\nHostname: fw1\n"
            "Cluster uptime: 1 days, 2 hours, 3 minutes, 4 seconds\n",
            "get system interface": "== [ port1 ]\nname: port1   status: up\n== [ port2 ]\n",
        },
    )
    facts = _driver(fake).get_facts()
    assert facts == {
        "uptime": 93784.0,
        "vendor": "Fortinet",
        "os_version": "v7.2.8,build1639,240313 (GA.M)",
        "serial_number": "FGVM01",
        "model": "FortiGate-VM64",
        "hostname": "fw1",
        "fqdn": "fw1",
        "interface_list": ["port1", "port2"],
    }


def test_cli_and_get_config_arguments() -> None:
    fake = FakeTransport(configs={None: GLOBAL}, outputs={"get system status": "x"})
    driver = _driver(fake)
    assert driver.cli(["get system status"]) == {"get system status": "x"}
    with pytest.raises(ValueError, match="retrieve"):
        driver.get_config(retrieve="saved")
    assert driver.get_config(retrieve="candidate")["candidate"] == ""
