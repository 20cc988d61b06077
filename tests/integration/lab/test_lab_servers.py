"""A lab split over several server processes (issue 15: the lab at 2,000 devices): every
device is served, each by the process its site was given, and `egress lab down` stops them
all."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import asyncssh

from bench.gen_inventory import generate
from egress.devices.overlay import alive
from egress.lab.control import lab_status, lab_up, pids_of
from egress.lab.spec import KNOWN_HOSTS, LOCALHOST, LabSpec


async def _login(spec: LabSpec, state: Path, port: int) -> None:
    """An SSH login checked against the lab's known_hosts: the port answers with the host
    key of the device that was given that port, so the right emulator serves it."""
    async with asyncssh.connect(
        LOCALHOST,
        port=port,
        username=spec.username,
        password=spec.password,
        known_hosts=str(state / KNOWN_HOSTS),
        client_keys=None,
    ):
        pass


async def _login_all(spec: LabSpec, state: Path) -> None:
    await asyncio.gather(*(_login(spec, state, d.port) for d in spec.devices))


async def _logins_refused(spec: LabSpec, state: Path) -> list[bool]:
    """Whether each device's login now fails. A freed port may be bound again at once by
    another lab running on this machine (the tests run in parallel), so "stopped" is not "the
    port refuses a TCP connection" but "nothing answers there with this lab's host key"."""

    async def refused(port: int) -> bool:
        try:
            await _login(spec, state, port)
        except (OSError, asyncssh.Error):
            return True
        return False

    return list(await asyncio.gather(*(refused(d.port) for d in spec.devices)))


def test_two_server_processes_serve_every_device_and_lab_down_stops_both(
    tmp_path: Path,
) -> None:
    inventory = generate(tmp_path / "inventory", devices=12)  # 6 sites, every site shape
    state = tmp_path / "lab"
    spec = lab_up(inventory=inventory, state_dir=state, servers=2)
    try:
        pids = pids_of(state)
        assert len(pids) == 2 and len(set(pids)) == 2
        assert {d.server for d in spec.devices} == {0, 1}
        sites: dict[str, set[int]] = {}
        for device in spec.devices:  # a site's devices share its simulated links
            sites.setdefault(device.name.split("-", 1)[0], set()).add(device.server)
        assert all(len(servers) == 1 for servers in sites.values()), sites
        assert all(s.reachable for s in lab_status(state))
        asyncio.run(_login_all(spec, state))
    finally:
        down = subprocess.run(  # noqa: S603 - our own CLI, as an operator stops the lab
            [sys.executable, "-m", "egress.cli", "lab", "down", "--state", str(state)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert down.returncode == 0, down.stderr
    assert not any(alive(pid) for pid in pids)
    assert pids_of(state) == []
    assert all(asyncio.run(_logins_refused(spec, state)))
