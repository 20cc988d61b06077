"""The unmodified napalm ``ios`` driver against the lab IOS-XE emulator, over real SSH + SCP.

Every test checks what the device ended up with (its running/startup config), not only what
napalm returned. Revert timers run on a scaled clock: one device minute is one second.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import napalm
import pytest
from napalm.base.base import NetworkDriver
from napalm.base.exceptions import (
    CommitConfirmException,
    ConnectionException,
    MergeConfigException,
    ReplaceConfigException,
)
from netmiko import ConnectHandler
from netmiko.exceptions import NetmikoAuthenticationException, ReadTimeout

from egress.lab.base import Faults, LabClock, management_address
from egress.lab.ios import IosDevice
from egress.lab.ios.config import render_body
from egress.lab.testing import ServedDevice, serve_in_background

USERNAME = "egress"
PASSWORD = "egress-lab"
UPLINK = (
    "interface GigabitEthernet2\n"
    " description uplink isp1\n"
    " ip address 198.51.100.2 255.255.255.252\n"
    " no shutdown\n"
    "ip route 0.0.0.0 0.0.0.0 198.51.100.1\n"
)
FAST_CLOCK = LabClock(scale=60.0)  # 1 device minute = 1 s
REAL_CLOCK = LabClock(scale=1.0)


def running(device: IosDevice) -> str:
    """The device's running config, less napalm's own ``file prompt quiet`` housekeeping
    (napalm adds it before file operations and removes it on close())."""
    lines = [line for line in render_body(device.running) if line != "file prompt quiet"]
    return "\n".join(lines).replace("!\n!\n", "!\n")


def wait_for(condition: Callable[[], bool], *, timeout: float = 6.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def lab(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ServedDevice]:
    clock = getattr(request, "param", FAST_CLOCK)
    device = IosDevice(name="edge1", state_dir=tmp_path, clock=clock)
    with serve_in_background([device]) as served:
        yield served[0]


def driver(served: ServedDevice, **extra: Any) -> NetworkDriver:
    optional_args: dict[str, Any] = {
        "port": served.port,
        "ssh_config_file": None,
        # A dropped or hung session otherwise costs netmiko's 90 s read timeout.
        "read_timeout_override": 4,
        "conn_timeout": 5,
    }
    optional_args.update(extra)
    cls = napalm.get_network_driver("ios")
    return cls(served.host, USERNAME, PASSWORD, timeout=10, optional_args=optional_args)


@pytest.fixture
def ios(lab: ServedDevice) -> Iterator[NetworkDriver]:
    drv = driver(lab)
    drv.open()
    yield drv
    with contextlib.suppress(OSError):  # a test that drops the session leaves nothing to close
        drv.close()


def device_of(served: ServedDevice) -> IosDevice:
    assert isinstance(served.device, IosDevice)
    return served.device


# -- the napalm workflow -----------------------------------------------------------------
def test_get_facts(lab: ServedDevice, ios: NetworkDriver) -> None:
    facts = ios.get_facts()
    assert facts["hostname"] == "edge1"
    assert facts["fqdn"] == "edge1.lab.egress.example"
    assert facts["model"] == "C8000V"
    assert facts["vendor"] == "Cisco"
    assert "17.9.4a" in facts["os_version"]
    assert facts["interface_list"] == [f"GigabitEthernet{i}" for i in range(1, 7)]
    assert "hostname edge1" in running(device_of(lab))


def test_merge_compare_commit(lab: ServedDevice, ios: NetworkDriver) -> None:
    device = device_of(lab)
    ios.load_merge_candidate(config=UPLINK)
    assert device.flash.read("merge_config.txt") == UPLINK.encode()
    diff = ios.compare_config()
    assert "+ description uplink isp1" in diff
    assert "+ip route 0.0.0.0 0.0.0.0 198.51.100.1" in diff
    assert "198.51.100.1" not in running(device)  # loading changes nothing yet

    ios.commit_config()

    config = running(device)
    assert (
        "interface GigabitEthernet2\n description uplink isp1\n ip address 198.51.100.2" in config
    )
    assert "ip route 0.0.0.0 0.0.0.0 198.51.100.1" in config
    assert "interface GigabitEthernet2\n description uplink isp1\n ip address" in config
    assert "ip route 0.0.0.0 0.0.0.0 198.51.100.1" in (device.startup or "")  # write mem
    ios.load_merge_candidate(config=UPLINK)
    assert ios.compare_config() == ""


def test_compare_empty_when_merge_is_already_there(lab: ServedDevice, ios: NetworkDriver) -> None:
    before = running(device_of(lab))
    ios.load_merge_candidate(config="ip scp server enable\nhostname edge1\n")
    assert ios.compare_config() == ""
    assert running(device_of(lab)) == before


def test_replace_compare_commit(lab: ServedDevice, ios: NetworkDriver) -> None:
    device = device_of(lab)
    current = ios.cli(["show running-config"])["show running-config"]
    candidate = (
        current.replace("description OOB management", "description OOB mgmt")
        .replace("interface GigabitEthernet4\n no ip address\n shutdown\n", "")
        .replace(
            " negotiation auto\n!\nip forward-protocol",
            " negotiation auto\n!\nip route 0.0.0.0 0.0.0.0 198.51.100.1\n!\nip forward-protocol",
        )
    )
    ios.load_replace_candidate(config=candidate)
    diff = ios.compare_config()
    assert "+description OOB mgmt" in diff
    assert "-description OOB management" in diff
    assert "-interface GigabitEthernet4" in diff
    assert "+ip route 0.0.0.0 0.0.0.0 198.51.100.1" in diff

    ios.commit_config()

    config = running(device)
    assert "description OOB mgmt" in config
    assert "interface GigabitEthernet4" not in config
    assert "ip route 0.0.0.0 0.0.0.0 198.51.100.1" in config
    assert "interface GigabitEthernet4" not in (device.startup or "")
    ios.load_replace_candidate(config=candidate)
    assert ios.compare_config() == ""


@pytest.mark.parametrize("lab", [REAL_CLOCK], indirect=True, ids=["real-clock"])
def test_commit_revert_in_then_confirm(lab: ServedDevice, ios: NetworkDriver) -> None:
    device = device_of(lab)
    ios.load_merge_candidate(config=UPLINK)
    ios.commit_config(revert_in=60)

    assert ios.has_pending_commit()
    timer = ios.cli(["show archive config rollback timer"])["show archive config rollback timer"]
    assert f"User: {USERNAME}" in timer and "Timer value: 1 min" in timer
    assert "198.51.100.1" in running(device)
    assert "198.51.100.1" not in (device.startup or "")  # no write mem while pending

    ios.confirm_commit()

    assert not ios.has_pending_commit()
    assert device.timer is None
    assert "198.51.100.1" in running(device)
    assert "198.51.100.1" in (device.startup or "")


def test_commit_revert_in_unconfirmed_reverts_by_itself(
    lab: ServedDevice, ios: NetworkDriver
) -> None:
    device = device_of(lab)
    ios.load_merge_candidate(config=UPLINK)
    ios.commit_config(revert_in=120)  # 2 device minutes = 2 s here
    assert "198.51.100.1" in running(device)
    assert ios.has_pending_commit()

    assert wait_for(lambda: "198.51.100.1" not in running(device))
    assert "interface GigabitEthernet2\n no ip address\n shutdown" in running(device)
    assert not ios.has_pending_commit()
    assert "198.51.100.1" not in (device.startup or "")


def test_replace_with_revert_in_unconfirmed_reverts(lab: ServedDevice, ios: NetworkDriver) -> None:
    device = device_of(lab)
    current = ios.cli(["show running-config"])["show running-config"]
    ios.load_replace_candidate(config=current.replace("OOB management", "replaced"))
    ios.commit_config(revert_in=60)
    assert "description replaced" in running(device)
    assert wait_for(lambda: "description OOB management" in running(device))


def test_discard_config(lab: ServedDevice, ios: NetworkDriver) -> None:
    device = device_of(lab)
    before = running(device)
    ios.load_merge_candidate(config=UPLINK)
    ios.discard_config()
    assert device.flash.read("merge_config.txt") == b""
    assert ios.compare_config() == ""
    assert running(device) == before


def test_rollback_after_commit(lab: ServedDevice, ios: NetworkDriver) -> None:
    device = device_of(lab)
    ios.load_merge_candidate(config=UPLINK)
    ios.commit_config()
    assert "198.51.100.1" in running(device)

    ios.rollback()

    assert "198.51.100.1" not in running(device)
    assert "interface GigabitEthernet2\n no ip address\n shutdown" in running(device)
    assert "198.51.100.1" not in (device.startup or "")


@pytest.mark.parametrize("lab", [REAL_CLOCK], indirect=True, ids=["real-clock"])
def test_rollback_of_a_pending_commit_reverts_now(lab: ServedDevice, ios: NetworkDriver) -> None:
    device = device_of(lab)
    ios.load_merge_candidate(config=UPLINK)
    ios.commit_config(revert_in=300)
    assert "198.51.100.1" in running(device)

    ios.rollback()  # napalm sends "configure revert now"

    assert device.timer is None
    assert "198.51.100.1" not in running(device)


def test_close_removes_file_prompt_quiet(lab: ServedDevice) -> None:
    device = device_of(lab)
    drv = driver(lab)
    drv.open()
    drv.load_merge_candidate(config=UPLINK)
    drv.discard_config()
    assert device.file_prompt_quiet
    drv.close()
    assert not device.file_prompt_quiet


def test_cli(lab: ServedDevice, ios: NetworkDriver) -> None:
    out = ios.cli(["show version", "show ip interface brief", "show running-config | inc hostname"])
    assert "edge1 uptime is" in out["show version"]
    mgmt = management_address("edge1", network="172.31.255")
    assert f"GigabitEthernet1       {mgmt:<16}YES manual up" in out["show ip interface brief"]
    assert out["show running-config | inc hostname"] == "hostname edge1"
    bogus = ios.cli(["show bogus"])["show bogus"]
    assert "% Invalid input detected at '^' marker." in bogus
    assert "hostname edge1" in running(device_of(lab))


def test_committed_config_survives_a_restart(lab: ServedDevice, ios: NetworkDriver) -> None:
    device = device_of(lab)
    ios.load_merge_candidate(config=UPLINK)
    ios.commit_config()
    rebooted = IosDevice(name=device.name, state_dir=device.state_dir)
    assert "ip route 0.0.0.0 0.0.0.0 198.51.100.1" in running(rebooted)
    assert rebooted.flash.read("rollback_config.txt") is not None


# -- faults: what the client sees -----------------------------------------------------
def set_faults(served: ServedDevice, faults: Faults) -> None:
    faults.write(device_of(served).faults_path)


def test_rejected_line_in_merge_rolls_back(lab: ServedDevice, ios: NetworkDriver) -> None:
    device = device_of(lab)
    before = running(device)
    set_faults(lab, Faults(reject_pattern=r"^bfd interval"))
    ios.load_merge_candidate(config=UPLINK + "interface GigabitEthernet2\n bfd interval 50\n")
    with pytest.raises(MergeConfigException, match="Invalid input detected"):
        ios.commit_config()
    # IOS applied the other lines; napalm then rolled back to its rollback_config.txt.
    assert "198.51.100.1" not in running(device)
    assert "bfd interval" not in running(device)
    assert "ip route" not in before


def test_rejected_line_in_replace_restores_original(lab: ServedDevice, ios: NetworkDriver) -> None:
    device = device_of(lab)
    before = running(device)
    set_faults(lab, Faults(reject_pattern=r"^ip route "))
    current = ios.cli(["show running-config"])["show running-config"]
    candidate = current.replace("OOB management", "changed").replace(
        "ip forward-protocol nd", "ip route 0.0.0.0 0.0.0.0 198.51.100.1\nip forward-protocol nd"
    )
    ios.load_replace_candidate(config=candidate)
    with pytest.raises(ReplaceConfigException, match="original configuration has been"):
        ios.commit_config()
    assert running(device) == before


def test_refuse_auth(lab: ServedDevice) -> None:
    set_faults(lab, Faults(refuse_auth=True))
    with pytest.raises(NetmikoAuthenticationException):
        driver(lab).open()


def test_refuse_connect(lab: ServedDevice) -> None:
    set_faults(lab, Faults(refuse_connect=True))
    with pytest.raises(ConnectionException):
        driver(lab).open()


def test_hang(lab: ServedDevice) -> None:
    set_faults(lab, Faults(hang=True))
    started = time.monotonic()
    with pytest.raises(ReadTimeout):
        driver(lab, read_timeout_override=1).open()
    assert time.monotonic() - started < 15


def test_slow(lab: ServedDevice) -> None:
    set_faults(lab, Faults(slow_ms=60))
    drv = driver(lab)
    started = time.monotonic()
    drv.open()
    facts = drv.get_facts()
    drv.close()
    assert facts["hostname"] == "edge1"
    assert time.monotonic() - started > 0.06 * 10  # every answer waited


def test_drop_on_commit(lab: ServedDevice) -> None:
    device = device_of(lab)
    ios = driver(lab, read_timeout_override=1.5)
    ios.open()
    ios.load_merge_candidate(config=UPLINK)
    set_faults(lab, Faults(drop_on_commit=True))
    with pytest.raises(ReadTimeout):  # what a lost session looks like to netmiko
        ios.commit_config()
    # The router applied the change before the session died; nothing was saved.
    assert "198.51.100.1" in running(device)
    assert "198.51.100.1" not in (device.startup or "")


def test_drop_on_replace(lab: ServedDevice) -> None:
    device = device_of(lab)
    ios = driver(lab, read_timeout_override=1.5)
    ios.open()
    current = ios.cli(["show running-config"])["show running-config"]
    ios.load_replace_candidate(config=current.replace("OOB management", "replaced"))
    set_faults(lab, Faults(drop_on_commit=True))
    with pytest.raises(ReadTimeout):
        ios.commit_config()
    assert "description replaced" in running(device)
    assert "description replaced" not in (device.startup or "")


# -- the shell itself (netmiko directly) ------------------------------------------------
def test_prompts_modes_and_enable(lab: ServedDevice) -> None:
    device = device_of(lab)
    conn = ConnectHandler(
        device_type="cisco_ios",
        host=lab.host,
        port=lab.port,
        username=USERNAME,
        password=PASSWORD,
        secret=PASSWORD,
    )
    try:
        assert conn.find_prompt() == "edge1#"
        out = conn.send_config_set(
            [
                "interface GigabitEthernet2",
                " vrrp 10 address-family ipv4",
                "  priority 110",
                "ip sla 10",
                " icmp-echo 192.0.2.1 source-interface GigabitEthernet1",
                "track 1 ip sla 10 reachability",
                "route-map VOICE permit 10",
            ]
        )
        for prompt in (
            "(config-if)#",
            "(config-if-vrrp)#",
            "(config-ip-sla-echo)#",
            "(config-track)#",
            "(config-route-map)#",
        ):
            assert f"edge1{prompt}" in out
        assert "vrrp 10 address-family ipv4\n  priority 110" in running(device)
        conn.send_command("disable", expect_string=r"edge1>")
        assert conn.find_prompt() == "edge1>"
        refused = conn.send_command("show running-config", expect_string=r"edge1>")
        assert "% Invalid input detected at '^' marker." in refused
        conn.enable()
        assert conn.find_prompt() == "edge1#"
    finally:
        conn.disconnect()


def test_revert_in_needs_the_archive_feature(lab: ServedDevice, ios: NetworkDriver) -> None:
    device = device_of(lab)
    ios.device.send_config_set(["no archive"])
    ios.load_merge_candidate(config=UPLINK)
    with pytest.raises(CommitConfirmException, match="archive"):
        ios.commit_config(revert_in=60)
    assert "198.51.100.1" not in running(device)
    assert device.timer is None


GOLDEN = Path(__file__).parents[2] / "golden" / "ams-edge-01.cfg"


def test_rendered_config_commits_and_then_has_no_diff(
    lab: ServedDevice, ios: NetworkDriver
) -> None:
    device = device_of(lab)
    rendered = GOLDEN.read_text()
    ios.load_merge_candidate(config=rendered)
    assert "+ip sla 1" in ios.compare_config()
    ios.commit_config()
    config = running(device)
    assert "vrrp 10 address-family ipv4\n  address 10.10.0.1 primary" in config
    assert "ip route 0.0.0.0 0.0.0.0 GigabitEthernet3 198.51.100.1 1 name EGRESS-ISP1" in config
    ios.load_merge_candidate(config=rendered)
    assert ios.compare_config() == ""
    # operational state follows the committed config (standalone: every neighbour answers)
    shown = ios.cli(["show vrrp brief", "show bfd neighbors details", "show track"])
    assert "10.10.0.2(local) 10.10.0.1" in shown["show vrrp brief"]
    assert shown["show bfd neighbors details"].count("Session state is UP") == 2
    assert "Reachability is Up" in shown["show track"]
