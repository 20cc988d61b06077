"""The unmodified netmiko ``fortinet`` driver against the emulated FortiGate over real SSH.

Every test asserts on the device's running config afterwards, not only on what the client
got back: the lab is only useful if what a push leaves behind is what a FortiGate would keep.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from netmiko import ConnectHandler
from netmiko.base_connection import BaseConnection
from netmiko.exceptions import (
    ConfigInvalidException,
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadTimeout,
)

from egress.lab.base import Faults, LabClock
from egress.lab.fortios import FortiOSDevice
from egress.lab.fortios.cli import MORE
from egress.lab.testing import ServedDevice, serve_in_background

# netmiko's fortinet driver insists on finite-field DH kex, which `cryptography` deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:Diffie-Hellman over finite fields")

ERRORS = "Command fail|parse error"


@pytest.fixture
def device(tmp_path: Path) -> FortiOSDevice:
    return FortiOSDevice(name="FGVM01", state_dir=tmp_path)


@pytest.fixture
def served(device: FortiOSDevice) -> Iterator[ServedDevice]:
    with serve_in_background([device]) as devices:
        yield devices[0]


def connect(served: ServedDevice, **kwargs: Any) -> BaseConnection:
    creds = served.device.credentials
    params: dict[str, Any] = {
        "device_type": "fortinet",
        "host": served.host,
        "port": served.port,
        "username": creds.username,
        "password": creds.password,
        "conn_timeout": 5,
        **kwargs,
    }
    return ConnectHandler(**params)


def set_faults(device: FortiOSDevice, **faults: Any) -> None:
    Faults(**faults).write(device.faults_path)


def console_output(device: FortiOSDevice) -> str:
    console = device.running.block("system console")
    return console.value("output", "more") if console is not None else "more"


# -- the happy path ------------------------------------------------------------------------
def test_connect_switches_console_to_standard_and_disconnect_restores_it(
    served: ServedDevice, device: FortiOSDevice
) -> None:
    assert console_output(device) == "more"  # factory default
    conn = connect(served)
    try:
        assert conn.base_prompt == "FGVM01 "
        assert conn._os_version == "v7_or_later"  # type: ignore[attr-defined]
        assert conn._original_output_mode == "more"  # type: ignore[attr-defined]
        # The dance (`config system console / set output standard / end`) changed the device.
        assert console_output(device) == "standard"
        assert "output              : standard" in conn.send_command("get system console")
    finally:
        conn.disconnect()
    deadline = time.monotonic() + 5
    while console_output(device) != "more" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert console_output(device) == "more"


def test_show_system_interface_matches_the_running_config(
    served: ServedDevice, device: FortiOSDevice
) -> None:
    conn = connect(served)
    try:
        output = conn.send_command("show system interface")
        full = conn.send_command("show full-configuration system interface port1")
        status = conn.send_command("get system status")
        interfaces = conn.send_command("get system interface")
        ha = conn.send_command("get system ha status")
    finally:
        conn.disconnect()
    block = device.running_text().split("config system interface\n", 1)[1].split("\nend\n")[0]
    assert str(output).strip() == ("config system interface\n" + block + "\nend").strip()
    assert '    edit "port1"' in full and "        set status up" in full  # defaults shown
    assert "Hostname: FGVM01" in status
    assert "== [ port5 ]" in interfaces
    assert "Mode: Standalone" in ha


def test_send_config_set_adds_interface_setting_and_vrrp(
    served: ServedDevice, device: FortiOSDevice
) -> None:
    lines = [
        "config system interface",
        'edit "port2"',
        "set ip 10.0.0.2 255.255.255.0",
        "set vrrp-virtual-mac enable",
        "config vrrp",
        "edit 10",
        "set vrip 10.0.0.1",
        "set priority 200",
        "set preempt enable",
        "next",
        "end",
        "next",
        "end",
    ]
    conn = connect(served)
    try:
        output = conn.send_config_set(lines, error_pattern=ERRORS)
        shown = conn.send_command("show system interface port2")
    finally:
        conn.disconnect()
    assert "FGVM01 (10) # set vrip 10.0.0.1" in output
    vrrp = device.running.find("system interface", "port2", "vrrp", "10")
    assert vrrp is not None
    assert vrrp.value("vrip") == "10.0.0.1" and vrrp.value("priority") == "200"
    port2 = device.running.find("system interface", "port2")
    assert port2 is not None and port2.value("vrrp-virtual-mac") == "enable"
    assert "            edit 10\n                set vrip 10.0.0.1" in shown
    # `preempt enable` is the default: FortiOS stores it but `show` does not print it.
    assert "preempt" not in shown


def test_error_line_raises_and_leaves_the_session_in_the_block(
    served: ServedDevice, device: FortiOSDevice
) -> None:
    conn = connect(served)
    try:
        with pytest.raises(ConfigInvalidException, match="parse error"):
            conn.send_config_set(
                [
                    "config system interface",
                    "edit port3",
                    'set alias "isp1"',
                    "next",
                    "edit port4",
                    'set alias "isp2"',
                    "set speedd 1000full",
                    "set status down",
                ],
                error_pattern=ERRORS,
            )
        # Still inside `edit port4`: what `next` wrote is live, the open entry is not.
        assert conn.find_prompt() == "FGVM01 (port4) #"
        assert device.running.find("system interface", "port3").value("alias") == "isp1"  # type: ignore[union-attr]
        assert device.running.find("system interface", "port4").get("alias") is None  # type: ignore[union-attr]
        conn.send_config_set(["abort"])
        assert conn.find_prompt() == "FGVM01 #"
    finally:
        conn.disconnect()
    port4 = device.running.find("system interface", "port4")
    assert port4 is not None and port4.get("alias") is None and port4.get("status") is None
    assert "isp2" not in device.running_text()


def test_abort_discards_an_object_block(served: ServedDevice, device: FortiOSDevice) -> None:
    conn = connect(served)
    try:
        conn.send_config_set(["config system settings", "set v4-ecmp-mode usage-based", "abort"])
        assert device.running.block("system settings").get("v4-ecmp-mode") is None  # type: ignore[union-attr]
        conn.send_config_set(["config system settings", "set v4-ecmp-mode usage-based", "end"])
    finally:
        conn.disconnect()
    assert device.running.block("system settings").value("v4-ecmp-mode") == "usage-based"  # type: ignore[union-attr]


def test_hostname_change_changes_the_prompt_and_survives_a_restart(
    served: ServedDevice, device: FortiOSDevice, tmp_path: Path
) -> None:
    conn = connect(served)
    try:
        conn.send_config_set(
            ["config router static", "edit 901", "set gateway 198.51.100.33",
             'set device "port3"', "next", "end",
             "config system global", 'set hostname "FW-NEW"', "end"],
            error_pattern=ERRORS,
        )  # fmt: skip
        assert conn.find_prompt() == "FW-NEW #"
    finally:
        conn.disconnect()
    assert device.hostname == "FW-NEW"
    restarted = FortiOSDevice(name="FGVM01", state_dir=tmp_path)
    assert restarted.running == device.running
    route = restarted.running.find("router static", "901")
    assert route is not None and route.value("device") == "port3"


# -- the pager netmiko avoids ------------------------------------------------------------
def test_console_more_pages_long_output(served: ServedDevice) -> None:
    async def session() -> str:
        creds = served.device.credentials
        async with asyncssh.connect(
            served.host, served.port, username=creds.username, password=creds.password,
            known_hosts=None,
        ) as conn:  # fmt: skip
            proc = await conn.create_process(term_type="vt100")
            proc.stdin.write("show\n")
            out = ""
            while MORE not in out:
                out += await asyncio.wait_for(proc.stdout.read(65536), 5)
            proc.stdin.write("q")
            while not out.rstrip().endswith("#"):
                out += await asyncio.wait_for(proc.stdout.read(65536), 5)
            proc.stdin.write("exit\n")
            return out

    out = asyncio.run(session())
    assert out.count(MORE) == 1
    assert out.rstrip().endswith("FGVM01 #")


# -- faults: what the client sees -----------------------------------------------------------
def test_fault_refuse_auth(served: ServedDevice, device: FortiOSDevice) -> None:
    set_faults(device, refuse_auth=True)
    with pytest.raises(NetmikoAuthenticationException):
        connect(served)
    assert console_output(device) == "more"  # nothing ran


def test_fault_refuse_connect(served: ServedDevice, device: FortiOSDevice) -> None:
    set_faults(device, refuse_connect=True)
    with pytest.raises(NetmikoTimeoutException):
        connect(served)
    assert console_output(device) == "more"


def test_fault_reject_pattern(served: ServedDevice, device: FortiOSDevice) -> None:
    conn = connect(served)
    try:
        set_faults(device, reject_pattern=r"^set vrip ")
        with pytest.raises(ConfigInvalidException, match="parse error"):
            conn.send_config_set(
                ["config system interface", "edit port2", "config vrrp", "edit 10",
                 "set vrip 10.0.0.1", "next", "end", "next", "end"],
                error_pattern=ERRORS,
            )  # fmt: skip
        assert conn.find_prompt() == "FGVM01 (10) #"
        conn.send_config_set(["abort", "abort", "abort"])
    finally:
        conn.disconnect()
    assert device.running.find("system interface", "port2", "vrrp") is None


def test_fault_drop_on_commit_applies_then_drops(
    served: ServedDevice, device: FortiOSDevice
) -> None:
    conn = connect(served)
    set_faults(device, drop_on_commit=True)
    try:
        with pytest.raises(ReadTimeout) as raised:
            conn.send_config_set(
                ["config system global", 'set alias "dropped"', "end"], read_timeout=1
            )
        assert "Pattern not detected" in str(raised.value)
    finally:
        conn.disconnect()
    # The faithful variant: the change was applied and saved before the session died.
    assert device.running.block("system global").value("alias") == "dropped"  # type: ignore[union-attr]
    assert 'set alias "dropped"' in (device.device_dir / "running.conf").read_text()
    # The console dance on connect is not a push: connecting still works under the fault.
    conn = connect(served)
    try:
        assert "dropped" in conn.send_command("show system global")
    finally:
        set_faults(device)
        conn.disconnect()


def test_fault_hang(served: ServedDevice, device: FortiOSDevice) -> None:
    conn = connect(served)
    try:
        set_faults(device, hang=True)
        with pytest.raises(ReadTimeout):
            # expect_string: skip netmiko's find_prompt, which has its own 10 s timeout.
            conn.send_command("show system interface", expect_string=r"#", read_timeout=1)
    finally:
        set_faults(device)
        # A graceful disconnect would wait on the hung session; drop the socket instead.
        conn.paramiko_cleanup()
    assert console_output(device) == "standard"  # the hung session never restored it


def test_fault_slow(served: ServedDevice, device: FortiOSDevice) -> None:
    conn = connect(served)
    try:
        set_faults(device, slow_ms=400)
        started = time.monotonic()
        output = conn.send_command("get system status | grep Hostname")
        elapsed = time.monotonic() - started
    finally:
        set_faults(device)
        conn.disconnect()
    assert str(output).strip() == "Hostname: FGVM01"
    assert elapsed >= 0.4


def test_show_inside_a_block_shows_the_uncommitted_entry(
    served: ServedDevice, device: FortiOSDevice
) -> None:
    conn = connect(served)
    try:
        output = conn.send_config_set(
            ["config system interface", "edit port2", 'set alias "draft"', "show"]
        )
        conn.send_config_set(["abort"])
    finally:
        conn.disconnect()
    assert 'config system interface\n    edit "port2"' in output
    assert '        set alias "draft"' in output
    assert "draft" not in device.running_text()


# -- FortiOS's own commit-confirm: cfg-save revert ------------------------------------------
@pytest.fixture
def fast_device(tmp_path: Path) -> FortiOSDevice:
    # 600 device seconds of cfg-revert-timeout pass in 0.6 s.
    return FortiOSDevice(name="FGVM01", state_dir=tmp_path, clock=LabClock(scale=1000))


def _wait_for(condition: Callable[[], bool], *, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_cfg_save_revert_rolls_back_an_unconfirmed_change(fast_device: FortiOSDevice) -> None:
    saved_file = fast_device.device_dir / "running.conf"
    with serve_in_background([fast_device]) as devices:
        conn = connect(devices[0])
        assert "no config to be saved." in conn.send_command("execute cfg save")
        conn.send_config_set(["config system global", "set cfg-save revert", "end"])
        assert "set cfg-save revert" in saved_file.read_text()  # typed in automatic mode
        conn.send_config_set(
            ["config system interface", "edit port2", 'set alias "unconfirmed"', "next", "end"]
        )
        assert fast_device.unsaved
        assert "unconfirmed" in fast_device.running_text()
        assert "unconfirmed" not in saved_file.read_text()
        # Idle past cfg-revert-timeout: the unit reloads its saved config and reboots.
        assert _wait_for(lambda: not fast_device.unsaved)
        conn.paramiko_cleanup()
        assert "unconfirmed" not in fast_device.running_text()
        assert fast_device.cfg_save_mode == "revert"

        conn = connect(devices[0])
        try:
            conn.send_config_set(
                ["config system interface", "edit port2", 'set alias "confirmed"', "next", "end"]
            )
            assert "config saved." in conn.send_command("execute cfg save")
        finally:
            conn.disconnect()
        time.sleep(1.0)  # longer than the revert timeout: nothing may revert now
        assert "confirmed" in fast_device.running_text()
        assert 'set alias "confirmed"' in saved_file.read_text()


def test_cfg_reload_reboots_to_the_saved_config(fast_device: FortiOSDevice) -> None:
    fast_device.reset()
    with serve_in_background([fast_device]) as devices:
        conn = connect(devices[0])
        conn.send_config_set(["config system global", "set cfg-save manual", "end"])
        conn.send_config_set(["config router static", "edit 7", "set gateway 192.0.2.7", "end"])
        assert fast_device.running.find("router static", "7") is not None
        with pytest.raises(ReadTimeout):
            conn.send_command("execute cfg reload", expect_string=r"#", read_timeout=1)
        conn.paramiko_cleanup()
        assert fast_device.running.find("router static", "7") is None
        assert not fast_device.unsaved
