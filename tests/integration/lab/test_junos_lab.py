"""The unmodified napalm ``junos`` driver (PyEZ, NETCONF over SSH) against the lab Junos.

Every test checks what the device ended up with (its committed configuration and history),
not only what napalm returned. Commit-confirm timers run on a scaled clock: one device minute
is one second.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import napalm
import pytest
from jnpr.junos import Device
from jnpr.junos.exception import (
    ConnectAuthError,
    ConnectClosedError,
    ConnectError,
    RpcError,
    RpcTimeoutError,
)
from napalm.base.base import NetworkDriver
from napalm.base.exceptions import LockError, MergeConfigException
from ncclient.transport.session import NetconfBase

from egress.lab.base import Faults, LabClock
from egress.lab.junos import JunosDevice
from egress.lab.junos.config import Node, parse_text
from egress.lab.testing import ServedDevice, serve_in_background

USERNAME = "egress"
PASSWORD = "egress-lab"
FAST_CLOCK = LabClock(scale=60.0)  # 1 device minute = 1 s
UPLINK = """
interfaces {
    ge-0/0/1 {
        description "uplink isp1";
        unit 0 {
            family inet {
                address 198.51.100.2/30;
            }
        }
    }
}
routing-options {
    static {
        route 0.0.0.0/0 next-hop 198.51.100.1;
    }
}
"""


def committed(device: JunosDevice) -> Node:
    return device.db.committed()


def leaf(device: JunosDevice, *keys: str) -> list[str] | None:
    node = committed(device).find(list(keys))
    return None if node is None else node.values


def wait_for(condition: Callable[[], bool], *, timeout: float = 6.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def assert_untouched(device: JunosDevice) -> None:
    """The device still runs its factory configuration: nothing was committed."""
    assert len(device.db.history) == 1
    assert device.committed_text() == device.db.history[0].config
    assert device.db.lock is None


def set_faults(device: JunosDevice, **faults: Any) -> None:
    Faults(**faults).write(device.faults_path)


@pytest.fixture(params=[True, False], ids=["base1.1-chunked", "base1.0-eom"])
def lab(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ServedDevice]:
    device = JunosDevice(
        name="edge-j1", state_dir=tmp_path, clock=FAST_CLOCK, netconf_base11=request.param
    )
    with serve_in_background([device]) as served:
        yield served[0]


@pytest.fixture
def lab11(tmp_path: Path) -> Iterator[ServedDevice]:
    """One framing is enough for tests about faults and timers."""
    device = JunosDevice(name="edge-j1", state_dir=tmp_path, clock=FAST_CLOCK)
    with serve_in_background([device]) as served:
        yield served[0]


def driver(served: ServedDevice, *, timeout: int = 10, **extra: Any) -> NetworkDriver:
    # An empty ssh_config keeps the user's ~/.ssh/config (Port, User, ProxyCommand) out.
    optional_args: dict[str, Any] = {"port": served.port, "ssh_config_file": os.devnull}
    optional_args.update(extra)
    cls = napalm.get_network_driver("junos")
    return cls(served.host, USERNAME, PASSWORD, timeout=timeout, optional_args=optional_args)


@pytest.fixture
def junos(lab: ServedDevice) -> Iterator[NetworkDriver]:
    drv = driver(lab)
    drv.open()
    yield drv
    drv.close()


def device_of(served: ServedDevice) -> JunosDevice:
    assert isinstance(served.device, JunosDevice)
    return served.device


# -- the workflow, in both framings -------------------------------------------------------
def test_framing_follows_the_hello(lab: ServedDevice, junos: NetworkDriver) -> None:
    session = junos.device._conn._session  # type: ignore[attr-defined]
    expected = NetconfBase.BASE_11 if device_of(lab).netconf_base11 else NetconfBase.BASE_10
    assert session._base == expected
    caps = set(junos.device._conn.server_capabilities)  # type: ignore[attr-defined]
    assert ("urn:ietf:params:netconf:base:1.1" in caps) == device_of(lab).netconf_base11
    # A whole load/commit cycle in this framing lands on the device.
    junos.load_merge_candidate(config="set system domain-name framing.example")
    junos.commit_config()
    assert leaf(device_of(lab), "system", "domain-name") == ["framing.example"]


def test_get_facts(lab: ServedDevice, junos: NetworkDriver) -> None:
    facts = junos.get_facts()
    device = device_of(lab)
    assert facts["vendor"] == "Juniper"
    assert facts["hostname"] == device.hostname == "edge-j1"
    assert leaf(device, "system", "host-name") == ["edge-j1"]
    assert facts["model"] == "SRX1500"
    assert facts["os_version"] == device.version
    assert facts["serial_number"] == device.serial
    assert facts["uptime"] > 0
    assert {"ge-0/0/0", "ge-0/0/1", "fxp0"} <= set(facts["interface_list"])


def test_merge_text_compare_commit(lab: ServedDevice, junos: NetworkDriver) -> None:
    device = device_of(lab)
    before = len(device.db.history)
    junos.load_merge_candidate(config=UPLINK)
    diff = junos.compare_config()
    assert "[edit interfaces ge-0/0/1]" in diff
    assert '+    description "uplink isp1";' in diff
    assert "[edit interfaces ge-0/0/1 unit 0 family inet]" in diff
    assert "+       address 198.51.100.2/30;" in diff
    assert "+  routing-options {" in diff
    assert leaf(device, "routing-options", "static", "route 0.0.0.0/0", "next-hop") is None
    assert device.db.lock is not None  # napalm locked before loading
    junos.commit_config()
    assert leaf(device, "routing-options", "static", "route 0.0.0.0/0", "next-hop") == [
        "198.51.100.1"
    ]
    assert leaf(device, "interfaces", "ge-0/0/1", "description") == ["uplink isp1"]
    assert len(device.db.history) == before + 1
    assert device.db.history[0].user == USERNAME
    assert device.db.lock is None
    assert junos.compare_config() == ""


def test_merge_set_commands(lab: ServedDevice, junos: NetworkDriver) -> None:
    device = device_of(lab)
    junos.load_merge_candidate(
        config=(
            "set system domain-name lab.example\n"
            'set interfaces ge-0/0/2 description "to isp2"\n'
            "delete interfaces ge-0/0/3\n"
        )
    )
    diff = junos.compare_config()
    assert "+  domain-name lab.example;" in diff
    assert "-  ge-0/0/3 {" in diff
    junos.commit_config()
    assert leaf(device, "system", "domain-name") == ["lab.example"]
    assert leaf(device, "interfaces", "ge-0/0/2", "description") == ["to isp2"]
    assert committed(device).find(["interfaces", "ge-0/0/3"]) is None
    assert junos.get_facts()["fqdn"] == "edge-j1.lab.example"


def test_replace_candidate(lab: ServedDevice, junos: NetworkDriver) -> None:
    device = device_of(lab)
    wanted = device.committed_text().replace("    ge-0/0/3 {", "    ge-0/0/5 {")
    wanted = wanted.replace("host-name edge-j1;", "host-name edge-j1-new;")
    junos.load_replace_candidate(config=wanted)
    diff = junos.compare_config()
    assert "-  ge-0/0/3 {" in diff and "+  ge-0/0/5 {" in diff
    assert "-  host-name edge-j1;" in diff and "+  host-name edge-j1-new;" in diff
    junos.commit_config()
    expected, issues = parse_text(wanted)
    assert not issues
    assert committed(device).same_as(expected)
    assert device.hostname == "edge-j1-new"


def test_empty_diff_and_discard(lab: ServedDevice, junos: NetworkDriver) -> None:
    device = device_of(lab)
    original = device.committed_text()
    junos.load_merge_candidate(config="system { host-name edge-j1; }")
    assert junos.compare_config() == ""
    junos.load_merge_candidate(config="system { host-name other; }")
    assert junos.compare_config() != ""
    junos.discard_config()
    assert junos.compare_config() == ""
    assert device.committed_text() == original
    assert device.candidate_text() == original
    assert device.db.lock is None


def test_commit_confirmed_then_confirmed(lab: ServedDevice, junos: NetworkDriver) -> None:
    device = device_of(lab)
    junos.load_merge_candidate(config=UPLINK)
    junos.commit_config(revert_in=180)  # 3 device minutes: 3 s on the scaled clock
    assert junos.has_pending_commit()
    assert device.db.history[0].comment == "commit confirmed, rollback in 3mins"
    assert device.db.pending_deadline is not None
    junos.confirm_commit()
    assert not junos.has_pending_commit()
    # Confirmed: no deadline left and the timer is gone, so nothing can roll back.
    assert device.db.pending_deadline is None
    assert wait_for(lambda: device._timer is None or device._timer.done(), timeout=1)
    assert leaf(device, "interfaces", "ge-0/0/1", "description") == ["uplink isp1"]


def test_rollback(lab: ServedDevice, junos: NetworkDriver) -> None:
    device = device_of(lab)
    original = committed(device).clone()
    junos.load_merge_candidate(config=UPLINK)
    junos.commit_config()
    assert not committed(device).same_as(original)
    junos.rollback()
    assert committed(device).same_as(original)
    assert len(device.db.history) == 3


def test_cli(lab: ServedDevice, junos: NetworkDriver) -> None:
    device = device_of(lab)
    junos.load_merge_candidate(config=UPLINK)
    junos.commit_config()
    out = junos.cli(
        [
            "show version",
            "show configuration interfaces ge-0/0/1",
            "show interfaces terse | match ge-0/0/1",
            "show configuration | display set | match next-hop",
        ]
    )
    assert out["show version"].startswith(f"Hostname: {device.hostname}\nModel: srx1500\n")
    assert 'description "uplink isp1";' in out["show configuration interfaces ge-0/0/1"]
    assert out["show interfaces terse | match ge-0/0/1"].splitlines() == [
        "ge-0/0/1                up    up",
        "ge-0/0/1.0              up    up   inet     198.51.100.2/30",
    ]
    assert out["show configuration | display set | match next-hop"].strip() == (
        "set routing-options static route 0.0.0.0/0 next-hop 198.51.100.1"
    )


def test_replace_tag_xml_load_and_get_config(lab11: ServedDevice) -> None:
    device = device_of(lab11)
    junos = driver(lab11)
    junos.open()
    try:
        junos.load_merge_candidate(config=UPLINK)
        junos.commit_config()
        # ``replace:`` swaps the whole static block; the rest of the text merges.
        junos.load_merge_candidate(
            config=(
                "routing-options {\n    replace: static {\n"
                "        route 10.0.0.0/8 next-hop 198.51.100.1;\n    }\n}\n"
            )
        )
        junos.commit_config()
        static = committed(device).find(["routing-options", "static"])
        assert static is not None and list(static.children) == ["route 10.0.0.0/8"]
        junos.load_merge_candidate(
            config=(
                "<configuration><interfaces><interface><name>ge-0/0/2</name>"
                "<description>to isp2</description><unit><name>0</name><family><inet>"
                "<address><name>203.0.113.2/30</name></address></inet></family></unit>"
                "</interface></interfaces></configuration>"
            )
        )
        assert "+       address 203.0.113.2/30;" in junos.compare_config()
        junos.commit_config()
        assert leaf(device, "interfaces", "ge-0/0/2", "description") == ["to isp2"]
        unit = ["interfaces", "ge-0/0/2", "unit 0", "family inet", "address 203.0.113.2/30"]
        assert committed(device).find(unit) is not None
        configs = junos.get_config()
        assert "route 10.0.0.0/8 next-hop 198.51.100.1;" in configs["running"]
        assert configs["running"].startswith("## Last commit: ")
        assert configs["candidate"].split("\n", 1)[1] == configs["running"].split("\n", 1)[1]
        # The running config as napalm backs it up loads back as an empty change.
        junos.load_replace_candidate(config=configs["running"])
        assert junos.compare_config() == ""
        junos.discard_config()
    finally:
        junos.close()


GOLDEN = Path(__file__).resolve().parents[2] / "golden"
RENDERED = sorted(p for p in GOLDEN.glob("*srx*.cfg") if p.read_text().startswith("set "))


def test_push_a_rendered_config(lab11: ServedDevice) -> None:
    """What egress renders for an SRX goes through load/compare/commit like on a real box."""
    device = device_of(lab11)
    junos = driver(lab11)
    junos.open()
    try:
        junos.load_merge_candidate(config=RENDERED[0].read_text())
        diff = junos.compare_config()
        assert "[edit]" in diff and "+  routing-options {" in diff
        junos.commit_config()
        assert junos.compare_config() == ""
    finally:
        junos.close()
    static = committed(device).find(["routing-options", "static", "route 0.0.0.0/0"])
    assert static is not None and static.children
    assert "rpm" in committed(device).children["services"].children


# -- timers, locks, state -----------------------------------------------------------------
def test_unconfirmed_commit_rolls_back_by_itself(lab11: ServedDevice) -> None:
    device = device_of(lab11)
    original = committed(device).clone()
    junos = driver(lab11)
    junos.open()
    try:
        junos.load_merge_candidate(config=UPLINK)
        junos.commit_config(revert_in=120)  # 2 s on the scaled clock
        assert not committed(device).same_as(original)
        assert wait_for(lambda: committed(device).same_as(original), timeout=6)
        assert not junos.has_pending_commit()
        assert device.db.history[0].client == "other"
    finally:
        junos.close()


def test_lock_held_elsewhere_raises_lock_error(lab11: ServedDevice) -> None:
    holder = driver(lab11, config_lock=True)
    holder.open()
    other = driver(lab11)
    other.open()
    try:
        with pytest.raises(LockError, match="configuration database locked"):
            other.load_merge_candidate(config=UPLINK)
        assert device_of(lab11).db.lock is not None
    finally:
        other.close()
        holder.close()
    assert device_of(lab11).db.lock is None


def test_state_survives_restart(tmp_path: Path) -> None:
    first = JunosDevice(name="edge-j1", state_dir=tmp_path, clock=FAST_CLOCK)
    with serve_in_background([first]) as served:
        junos = driver(served[0])
        junos.open()
        junos.load_merge_candidate(config=UPLINK)
        junos.commit_config()
        junos.close()
    again = JunosDevice(name="edge-j1", state_dir=tmp_path, clock=FAST_CLOCK)
    assert again.committed_text() == first.committed_text()
    assert [r.revision_id for r in again.db.history] == [r.revision_id for r in first.db.history]
    with serve_in_background([again]) as served:
        junos = driver(served[0])
        junos.open()
        junos.rollback()
        junos.close()
    assert again.committed_text() == first.db.history[1].config


def test_pending_commit_confirmed_survives_restart(tmp_path: Path) -> None:
    first = JunosDevice(name="edge-j1", state_dir=tmp_path, clock=FAST_CLOCK)
    original = first.committed_text()
    with serve_in_background([first]) as served:
        junos = driver(served[0])
        junos.open()
        junos.load_merge_candidate(config=UPLINK)
        junos.commit_config(revert_in=120)
        junos.close()
    assert first.committed_text() != original
    time.sleep(2.1)  # the lab is down when the (scaled) two minutes run out
    again = JunosDevice(name="edge-j1", state_dir=tmp_path, clock=FAST_CLOCK)
    assert again.db.pending_deadline is not None
    with serve_in_background([again]):
        assert wait_for(lambda: again.committed_text() == original, timeout=3)
    assert again.db.pending_deadline is None


def test_unknown_rpc_is_an_rpc_error(lab11: ServedDevice) -> None:
    junos = driver(lab11)
    junos.open()
    try:
        with pytest.raises(RpcError, match="syntax error"):
            junos._rpc("<get-foo-information/>")  # type: ignore[attr-defined]
    finally:
        junos.close()
    assert_untouched(device_of(lab11))


# -- faults: what the client sees ---------------------------------------------------------
def test_fault_reject_pattern(lab11: ServedDevice) -> None:
    device = device_of(lab11)
    original = device.committed_text()
    set_faults(device, reject_pattern=r"description")
    junos = driver(lab11)
    junos.open()
    try:
        with pytest.raises(MergeConfigException, match="syntax error"):
            junos.load_merge_candidate(config=UPLINK)
        # napalm discarded (rollback 0) and unlocked, as after a real rejected load.
        assert device.db.lock is None
        assert device.candidate_text() == original
        with pytest.raises(MergeConfigException, match="syntax error"):
            junos.load_merge_candidate(config='set interfaces ge-0/0/1 description "x"')
    finally:
        junos.close()
    assert device.committed_text() == original


def test_fault_drop_on_commit(lab11: ServedDevice) -> None:
    device = device_of(lab11)
    original = device.committed_text()
    junos = driver(lab11)
    junos.open()
    junos.load_merge_candidate(config=UPLINK)
    set_faults(device, drop_on_commit=True)
    with pytest.raises(ConnectClosedError):
        junos.commit_config()
    assert wait_for(lambda: device.db.lock is None)
    assert device.committed_text() == original
    assert device.candidate_text() == original  # the dead session's changes went with it


def test_fault_refuse_auth(lab11: ServedDevice) -> None:
    set_faults(device_of(lab11), refuse_auth=True)
    with pytest.raises(ConnectAuthError):
        driver(lab11).open()
    assert_untouched(device_of(lab11))


def test_fault_refuse_connect(lab11: ServedDevice) -> None:
    set_faults(device_of(lab11), refuse_connect=True)
    with pytest.raises(ConnectError):
        driver(lab11).open()
    assert_untouched(device_of(lab11))


def test_fault_slow_and_hang(lab11: ServedDevice) -> None:
    device = device_of(lab11)
    junos = driver(lab11, timeout=1)
    junos.open()
    set_faults(device, slow_ms=300)
    started = time.monotonic()
    assert "Hostname" in junos.cli(["show version"])["show version"]
    assert time.monotonic() - started >= 0.3
    set_faults(device)
    junos.load_merge_candidate(config=UPLINK)
    set_faults(device, slow_ms=1500)
    with pytest.raises(RpcTimeoutError):
        junos.commit_config()
    # The late commit still happens, as on a real box ("manual verification may be required").
    assert wait_for(lambda: leaf(device, "interfaces", "ge-0/0/1", "description") is not None)
    set_faults(device, hang=True)
    with pytest.raises(RpcTimeoutError):
        junos.cli(["show version"])
    # close() would wait behind the hung RPC: drop the transport instead, as a client
    # giving up on a hung box does.
    junos.device.connected = False  # type: ignore[attr-defined]
    junos.device._conn._session.close()  # type: ignore[attr-defined]


def test_fault_hang_before_hello(lab11: ServedDevice) -> None:
    # napalm gives PyEZ no say over the 30 s hello timeout, so drive PyEZ itself here.
    set_faults(device_of(lab11), hang=True)
    dev = Device(
        lab11.host,
        user=USERNAME,
        password=PASSWORD,
        port=lab11.port,
        ssh_config=os.devnull,
        conn_open_timeout=1,
    )
    with pytest.raises(ConnectError):
        dev.open()
    assert_untouched(device_of(lab11))


# -- validation show commands and the chassis cluster, through the real drivers ------------
def test_cli_carries_the_cluster_node_banner_and_pyez_sees_the_cluster(
    tmp_path: Path,
) -> None:
    from tests.unit.lab.junos_net import apply_golden

    device = JunosDevice(name="lon-srx-01", state_dir=tmp_path, clock=FAST_CLOCK)
    apply_golden(device)
    with serve_in_background([device]) as served:
        drv = driver(served[0])
        drv.open()
        try:
            assert drv.get_facts()["hostname"] == "lon-srx-01"
            commands = [
                "show chassis cluster status",
                "show chassis cluster status | display xml",
                "show route 0.0.0.0/0 exact | match reth",
            ]
            out = drv.cli(commands)
            # text: the command's output, then the CLI's node banner on its own line
            assert out[commands[0]].rstrip().endswith("\n{primary:node0}")
            assert "Redundancy group: 1 , Failover count: 1" in out[commands[0]]
            assert "<banner>{primary:node0}</banner>" in out[commands[1]]
            assert "via reth1.0" in out[commands[2]]
            pyez = drv.device  # type: ignore[attr-defined]
            assert pyez.facts["srx_cluster"] is True
            assert pyez.facts["srx_cluster_id"] == "1"
        finally:
            drv.close()


def test_a_standalone_box_still_has_no_cluster(lab11: ServedDevice) -> None:
    drv = driver(lab11)
    drv.open()
    try:
        assert drv.device.facts["srx_cluster"] is False  # type: ignore[attr-defined]
        out = drv.cli(["show bfd session detail"])["show bfd session detail"]
        assert "0 sessions, 0 clients" in out and "{" not in out
    finally:
        drv.close()
