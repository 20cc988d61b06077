"""The lab server: the devices of ``<state>/lab.json`` served from one asyncio process (a large
lab runs several, each serving whole sites: egress/lab/scale.py).

Started in the background by ``egress lab up``; stopped by SIGTERM (``egress lab down``).
Device state lives under ``<state>/devices``; faults, cut links and ISP brownouts are files the
server watches, so other processes change a running lab without a control channel.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import asyncssh

from egress.lab.base import LabClock, LabDevice, serve_device
from egress.lab.fortios.device import FortiOSDevice
from egress.lab.ios.device import IosDevice
from egress.lab.junos.device import JunosDevice
from egress.lab.scale import components, file_of
from egress.lab.spec import LOCALHOST, SHARED_KEYS, LabSpec
from egress.lab.world import DeviceFacts, OpState, Topology, simulate

DEVICE_CLASSES: dict[str, type[LabDevice]] = {
    "ios": IosDevice,
    "junos": JunosDevice,
    "fortios": FortiOSDevice,
}
LINKS_FILE = "links.json"
UPSTREAMS_FILE = "upstreams.json"  # ports in an ISP brownout (`egress lab upstream`)
READY_FILE = "ready"
PID_FILE = "lab.pid"


def host_key(state_dir: Path, name: str) -> asyncssh.SSHKey:
    """The device's persistent host key (made by `egress lab up`, which writes known_hosts)."""
    path = state_dir / "keys" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-ed25519")
        key.write_private_key(str(path))
        os.chmod(path, 0o600)
    return _read_own_key(path)


def _read_own_key(path: Path) -> asyncssh.SSHKey:
    # a key this lab generated itself: OpenSSL 3's check of an RSA key on every load (~80 ms
    # a key, minutes for a lab of 2,000) is skipped, as asyncssh documents for keys "from a
    # trusted source" (set_default_skip_rsa_key_validation)
    return asyncssh.read_private_key(str(path), unsafe_skip_rsa_key_validation=True)


def host_keys(state_dir: Path, name: str) -> list[asyncssh.SSHKey]:
    """Every host key the device serves, RSA first: real IOS-XE, Junos and FortiOS units
    have RSA host keys (and newer releases Ed25519 too), and an RSA key listed first in a
    known_hosts file is what trips ncclient + paramiko 5 (docs/adr.md)."""
    path = state_dir / "keys" / f"{name}.rsa"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
        key.write_private_key(str(path))
        os.chmod(path, 0o600)
    return [_read_own_key(path), host_key(state_dir, name)]


def make_host_keys(state_dir: Path, names: list[str]) -> None:
    """Generate the host keys that ``names`` lack, over every core (an RSA key costs ~0.1 s:
    a few minutes for a first lab of 2,000 devices on one core)."""
    missing = [n for n in names if not (state_dir / "keys" / f"{n}.rsa").exists()]
    if len(missing) < 50:
        return  # host_keys() makes them as it goes
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")  # the caller may run threads: no fork
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=spawn) as pool:
        list(pool.map(_make_keys, [state_dir] * len(missing), missing, chunksize=25))


def _make_keys(state_dir: Path, name: str) -> None:
    host_keys(state_dir, name)


def read_links_down(state_dir: Path, name: str = LINKS_FILE) -> frozenset[tuple[str, str]]:
    """The (device, interface) pairs listed as down in ``<state>/<name>``."""
    try:
        data = json.loads((state_dir / name).read_text())
    except FileNotFoundError:
        return frozenset()
    return frozenset((d, i) for d, i in data.get("down", []))


class LabNetwork:
    """The :class:`~egress.lab.base.LabWorld` the devices of this server share."""

    def __init__(self, spec: LabSpec, state_dir: Path) -> None:
        self._spec = spec
        self._state_dir = state_dir
        self._topology = spec.topology()
        self.devices: dict[str, LabDevice] = {}
        # each device's site: the devices its links join, and those links (a site's state
        # is computed from its own devices, egress/lab/scale.py)
        self._sites: dict[str, tuple[tuple[str, ...], Topology]] = {}
        if self._topology.segments:
            for group in components((d.name for d in spec.devices), self._topology):
                members = set(group)
                site = Topology(
                    tuple(
                        s
                        for s in self._topology.segments
                        if any(d in members for d, _ in s.members)
                    ),
                    self._topology.internet,
                )
                for name in group:
                    self._sites[name] = (tuple(group), site)

    def links_down(self) -> frozenset[tuple[str, str]]:
        return read_links_down(self._state_dir)

    def upstreams_down(self) -> frozenset[tuple[str, str]]:
        return read_links_down(self._state_dir, UPSTREAMS_FILE)

    def link_up(self, device: str, interface: str) -> bool:
        return (device, interface) not in self.links_down()

    def config_committed(self, device: str) -> None:
        """A device committed: members of its shared-config cluster take the config, as SRX
        chassis cluster and FGCP synchronise it. Platforms that can mirror implement
        ``export_cluster_config() -> str`` and ``import_cluster_config(text)`` (the latter
        keeps what the real cluster keeps per member: hostname, HA priority/node)."""
        source = self.devices.get(device)
        exporter: Any = getattr(source, "export_cluster_config", None)
        if source is None or not callable(exporter):
            return
        for entry in self._spec.devices:
            if entry.mirror_of != device:
                continue
            target = self.devices.get(entry.name)
            importer: Any = getattr(target, "import_cluster_config", None)
            if callable(importer):
                importer(exporter())

    def cluster_nodes(self, device: str) -> tuple[str, ...]:
        mirrors = {e.name: e.mirror_of for e in self._spec.devices if e.mirror_of}
        primary = mirrors.get(device, device)
        followers = tuple(sorted(name for name, source in mirrors.items() if source == primary))
        return (primary, *followers) if followers else ()

    def op_state(self, device: str) -> OpState:
        names, topology = self._sites.get(device, (tuple(self.devices), self._topology))
        facts = {name: _facts(self.devices[name]) for name in names if name in self.devices}
        return simulate(
            facts,
            topology,
            links_down=self.links_down(),
            upstreams_down=self.upstreams_down(),
        )[device]


def _facts(device: LabDevice) -> DeviceFacts:
    # platforms report what they have configured; one without a reducer yet reports nothing
    reducer: Any = getattr(device, "facts", None)
    return reducer() if callable(reducer) else DeviceFacts(device.name)


async def _watch_refuse_connect(
    device: LabDevice,
    *,
    port: int,
    keys: list[asyncssh.SSHKey],
    acceptor: asyncssh.SSHAcceptor,
) -> None:
    """`refuse-connect` closes the listening socket, so clients get a real ECONNREFUSED."""
    current: asyncssh.SSHAcceptor | None = acceptor
    while True:
        await asyncio.sleep(0.2)
        refuse = device.faults.refuse_connect
        if refuse and current is not None:
            current.close()
            await current.wait_closed()
            current = None
        elif not refuse and current is None:
            current = await serve_device(device, host=LOCALHOST, port=port, host_keys=keys)


async def serve_lab(state_dir: Path, server: int = 0) -> None:
    """Serve the devices of ``lab.json`` that ``server`` serves (all of them in a lab of one
    server process)."""
    spec = LabSpec.read(state_dir)
    clock = LabClock(scale=spec.time_scale)
    network = LabNetwork(spec, state_dir)
    watchers = []
    shared = host_keys(state_dir, SHARED_KEYS) if spec.shared_host_keys else None
    for entry in spec.devices:
        if entry.server != server:
            continue
        cls = DEVICE_CLASSES[entry.platform]
        device = cls(
            name=entry.name,
            state_dir=state_dir,
            credentials=spec.credentials,
            clock=clock,
            world=network,
            brownfield=spec.brownfield,
            os_release=entry.os_release,
        )
        network.devices[entry.name] = device
        keys = shared or host_keys(state_dir, spec.key_name(entry.name))
        acceptor = await serve_device(device, host=LOCALHOST, port=entry.port, host_keys=keys)
        watchers.append(
            asyncio.create_task(
                _watch_refuse_connect(device, port=entry.port, keys=keys, acceptor=acceptor)
            )
        )
    pid_file, ready_file = (
        state_dir / file_of(PID_FILE, server),
        state_dir / file_of(READY_FILE, server),
    )
    pid_file.write_text(str(os.getpid()))
    ready_file.write_text(str(os.getpid()))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    ready_file.unlink(missing_ok=True)
    pid_file.unlink(missing_ok=True)
    # every device already saved its state when it changed; hung sessions (the `hang`
    # fault) must not hold the process, so leave without waiting for them
    os._exit(0)


def main() -> None:
    asyncio.run(serve_lab(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0))


if __name__ == "__main__":
    main()
