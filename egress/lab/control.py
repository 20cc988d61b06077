"""Starting, inspecting and steering the lab from other processes (the `egress lab` verbs)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from egress.change.private import original_env
from egress.devices.overlay import InventoryOverlay, OverlayHost, alive
from egress.errors import DeviceError, InputError, Location
from egress.lab.base import Faults
from egress.lab.scale import (
    SHARED_KEYS_ABOVE,
    assign_servers,
    components,
    default_servers,
    file_of,
)
from egress.lab.server import (
    LINKS_FILE,
    PID_FILE,
    READY_FILE,
    UPSTREAMS_FILE,
    host_keys,
    make_host_keys,
    read_links_down,
)
from egress.lab.spec import (
    KNOWN_HOSTS,
    LOCALHOST,
    SHARED_KEYS,
    SSH_CONFIG,
    LabDeviceSpec,
    LabSpec,
    SegmentSpec,
    cluster_mirrors,
)
from egress.lab.topology import topology_from_intents
from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles, build_intents

START_TIMEOUT_S = 30.0
# on top, per device a server serves (reading its host keys, building its emulator)
START_PER_DEVICE_S = 0.05
START_ATTEMPTS = 5
# asyncio: "error while attempting to bind on address ('127.0.0.1', 59869): address already in use"
_ADDRESS_IN_USE = re.compile(r"bind on address \('[^']*', (\d+)\): address already in use")

FAULT_KINDS = {
    "refuse-auth": "refuse_auth",
    "refuse-connect": "refuse_connect",
    "reject-line": "reject_pattern",
    "drop-on-commit": "drop_on_commit",
    "hang": "hang",
    "slow": "slow_ms",
    "clear": "",
}


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    name: str
    platform: str
    address: str
    port: int
    reachable: bool


def _free_ports(count: int, *, avoid: frozenset[int] = frozenset()) -> list[int]:
    """``count`` distinct free ports: all held bound at once while they are picked (a port
    bound and closed one at a time can come back from the kernel for the next device)."""
    held: list[socket.socket] = []
    ports: list[int] = []
    try:
        while len(ports) < count:
            sock = socket.socket()
            held.append(sock)
            sock.bind((LOCALHOST, 0))
            port = int(sock.getsockname()[1])
            if port not in avoid:
                ports.append(port)
    finally:
        for sock in held:
            sock.close()
    return ports


def pids_of(state_dir: Path) -> list[int]:
    """The running lab server processes of ``state_dir`` (one per ``lab[.k].pid``)."""
    pids = []
    for path in sorted(state_dir.glob("lab*.pid")):
        try:
            pid = int(path.read_text())
        except (FileNotFoundError, ValueError):
            continue
        if alive(pid):
            pids.append(pid)
    return pids


def pid_of(state_dir: Path) -> int | None:
    """A running lab server of ``state_dir`` (the first), if any."""
    pids = pids_of(state_dir)
    return pids[0] if pids else None


def lab_up(
    *,
    inventory: Path,
    state_dir: Path,
    time_scale: float = 1.0,
    fresh: bool = False,
    brownfield: bool = False,
    servers: int | None = None,
) -> LabSpec:
    """Serve every inventory host on 127.0.0.1 from background processes (``servers`` of
    them, each serving whole sites; default: one per 500 devices, at most one per core);
    wait until every one is ready.

    ``fresh`` stops a lab running from ``state_dir`` and forgets its devices' configs, faults,
    cut links and ISP brownouts (host keys and ports are kept, so known_hosts stays valid).
    """
    if fresh or brownfield:  # a brownfield is a first boot: it starts from fresh state
        lab_down(state_dir)
        for part in ("devices", "faults", LINKS_FILE, UPSTREAMS_FILE):
            path = state_dir / part
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    if pid_of(state_dir) is not None:
        raise InputError(
            f"a lab is already running from {state_dir}",
            hint="`egress lab down` first, or use another --state",
        )
    intents = build_intents(
        load_nornir(inventory).inventory, files=InventoryFiles.in_dir(inventory)
    )
    previous = {d.name: d.port for d in _previous_devices(state_dir)}
    mirrors = cluster_mirrors(intents)
    topology = topology_from_intents(intents)
    placed = assign_servers(components(intents, topology), servers or default_servers(len(intents)))
    ports = _ports(sorted(intents), previous)
    devices = [
        LabDeviceSpec(
            name=name,
            platform=intent.platform,
            port=ports[name],
            os_release=intent.os_release,
            mirror_of=mirrors.get(name),
            server=placed[name],
        )
        for name, intent in sorted(intents.items())
    ]
    spec = LabSpec(
        inventory=str(inventory.resolve()),
        time_scale=time_scale,
        devices=devices,
        segments=[SegmentSpec.of(s) for s in topology.segments],
        brownfield=brownfield,
        shared_host_keys=len(devices) > SHARED_KEYS_ABOVE,
    )
    # a large lab picks many ports: more of them can be taken before its servers bind them
    attempts = START_ATTEMPTS + len(devices) // 100
    for _attempt in range(attempts):
        taken = _start_server(spec, state_dir)
        if taken is None:
            return spec
        # a free port was taken by another process before the server bound it (ports are
        # picked, then bound by the server: parallel labs and outgoing connections race)
        (port,) = _free_ports(1, avoid=frozenset(d.port for d in spec.devices))
        spec = spec.model_copy(
            update={
                "devices": [
                    d.model_copy(update={"port": port}) if d.port == taken else d
                    for d in spec.devices
                ]
            }
        )
    raise DeviceError(
        f"the lab could not bind its ports in {attempts} attempts",
        location=Location(file=state_dir / "lab.log"),
        hint="read the log named above",
    )


def _start_server(spec: LabSpec, state_dir: Path) -> int | None:
    """Start the servers for ``spec`` and wait until each is ready. Returns None when they
    are, or a port one could not bind (every server has then been stopped)."""
    spec.write(state_dir)
    _write_known_hosts(spec, state_dir)
    _write_overlay(spec, state_dir)
    started: list[tuple[subprocess.Popen[bytes], Path, Path, int]] = []
    for server in range(spec.servers):
        ready = state_dir / file_of(READY_FILE, server)
        ready.unlink(missing_ok=True)
        log_path = state_dir / file_of("lab.log", server)
        start = log_path.stat().st_size if log_path.exists() else 0
        with log_path.open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "egress.lab.server", str(state_dir), str(server)],
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                # it outlives this command, and with it this command's private temp dir
                env=original_env(),
            )
        started.append((process, ready, log_path, start))
    served = max(sum(1 for d in spec.devices if d.server == k) for k in range(spec.servers))
    deadline = time.monotonic() + START_TIMEOUT_S + START_PER_DEVICE_S * served
    try:
        for process, ready, log_path, start in started:
            while not ready.exists():
                if process.poll() is not None:
                    with log_path.open("rb") as log:
                        log.seek(start)
                        taken = _ADDRESS_IN_USE.search(log.read().decode(errors="replace"))
                    if taken:
                        _stop(p for p, *_ in started)
                        return int(taken.group(1))
                    raise DeviceError(
                        f"the lab server exited with code {process.returncode} before it was ready",
                        location=Location(file=log_path),
                        hint="read the log named above",
                    )
                if time.monotonic() > deadline:
                    raise DeviceError(
                        f"the lab did not start within {deadline - time.monotonic():.0f} s",
                        location=Location(file=log_path),
                        hint="read the log named above",
                    )
                time.sleep(0.05)
    except DeviceError:
        _stop(p for p, *_ in started)
        raise
    return None


def _stop(processes: Iterable[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()


def _ports(names: list[str], previous: dict[str, int]) -> dict[str, int]:
    """Each device's port: the one it had (known_hosts stays valid), unless another device
    has it already; a new distinct free port otherwise."""
    ports: dict[str, int] = {}
    used: set[int] = set()
    for name in names:
        port = previous.get(name)
        if port is not None and port not in used:
            ports[name] = port
            used.add(port)
    missing = [n for n in names if n not in ports]
    ports.update(zip(missing, _free_ports(len(missing), avoid=frozenset(used)), strict=True))
    return ports


def _previous_devices(state_dir: Path) -> list[LabDeviceSpec]:
    try:
        return LabSpec.read(state_dir).devices
    except InputError:
        return []


def _write_overlay(spec: LabSpec, state_dir: Path) -> None:
    """Where the lab serves each host, for ``--lab`` (egress/devices/overlay.py): production code
    reads this file and never imports the lab."""
    InventoryOverlay(
        provider="lab",
        username=spec.username,
        password=spec.password,  # the lab's own login, not a secret (lab/credentials.py)
        known_hosts=str((state_dir / KNOWN_HOSTS).resolve()),
        ssh_config=str((state_dir / SSH_CONFIG).resolve()),
        pid_file=str((state_dir / PID_FILE).resolve()),
        hosts={
            d.name: OverlayHost(hostname=LOCALHOST, port=d.port, platform=d.platform)
            for d in spec.devices
        },
        link_cut="lab",
    ).write(state_dir)


class LabLinkCut:
    """The lab's link cut, registered as the ``lab`` plugin of ``egress.link_cut``."""

    def ports(self, state_dir: Path) -> frozenset[tuple[str, str]]:
        return frozenset(p for s in LabSpec.read(state_dir).segments for p in s.members)

    def set_link(
        self, state_dir: Path, *, host: str, interface: str, up: bool
    ) -> frozenset[tuple[str, str]]:
        return set_link(state_dir, host=host, interface=interface, up=up)


def _write_known_hosts(spec: LabSpec, state_dir: Path) -> None:
    lines = []
    if spec.shared_host_keys:  # one line per key, every device's port on it
        ports = ",".join(f"[{LOCALHOST}]:{d.port}" for d in spec.devices)
        for key in host_keys(state_dir, SHARED_KEYS):
            key_type, key_b64 = key.export_public_key().decode().split()[:2]
            lines.append(f"{ports} {key_type} {key_b64}")
    else:
        make_host_keys(state_dir, [d.name for d in spec.devices])
    for device in spec.devices if not spec.shared_host_keys else ():
        for key in host_keys(state_dir, device.name):  # RSA first, as the devices serve them
            key_type, key_b64 = key.export_public_key().decode().split()[:2]
            lines.append(f"[{LOCALHOST}]:{device.port} {key_type} {key_b64}")
    known_hosts = (state_dir / KNOWN_HOSTS).resolve()
    known_hosts.write_text("\n".join(lines) + "\n")
    (state_dir / SSH_CONFIG).write_text(
        f"Host {LOCALHOST}\n  UserKnownHostsFile {known_hosts}\n  StrictHostKeyChecking yes\n"
    )


def lab_down(state_dir: Path) -> bool:
    """Stop every server of the lab (state stays on disk for the next `lab up`); False if
    none ran."""
    pids = pids_of(state_dir)
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for pid in pids:
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    for pattern in ("lab*.pid", "ready*"):
        for path in state_dir.glob(pattern):
            path.unlink(missing_ok=True)
    return bool(pids)


def lab_status(state_dir: Path) -> list[DeviceStatus]:
    spec = LabSpec.read(state_dir)
    return [
        DeviceStatus(d.name, d.platform, LOCALHOST, d.port, _answers(d.port)) for d in spec.devices
    ]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection((LOCALHOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def set_fault(state_dir: Path, *, host: str, kind: str, argument: str | None = None) -> Faults:
    """Switch a fault on (or `clear` them all) for one device of the running lab."""
    spec = LabSpec.read(state_dir)
    spec.device(host)
    if kind not in FAULT_KINDS:
        raise InputError(
            f"unknown fault {kind!r}",
            location=Location(host=host, field="KIND"),
            hint=f"one of: {', '.join(FAULT_KINDS)}",
        )
    path = state_dir / "faults" / f"{host}.json"
    faults = Faults() if kind == "clear" else Faults.from_file(path)
    attribute = FAULT_KINDS[kind]
    if kind == "reject-line":
        if not argument:
            raise InputError(
                "reject-line needs a regular expression",
                location=Location(host=host, field="ARGS"),
                hint="egress lab fault HOST reject-line 'bfd interval'",
            )
        faults.reject_pattern = argument
    elif kind == "slow":
        try:
            faults.slow_ms = int(argument or "2000")
        except ValueError:
            raise InputError(
                "slow takes milliseconds", location=Location(host=host, field="ARGS")
            ) from None
    elif attribute:
        setattr(faults, attribute, True)
    faults.write(path)
    return faults


def set_link(state_dir: Path, *, host: str, interface: str, up: bool) -> frozenset[tuple[str, str]]:
    """Cut (or restore) one device port in the lab's wiring."""
    spec = LabSpec.read(state_dir)
    interface = port_of(spec, host, interface)
    ports = {port for s in spec.segments for port in s.members}
    _check_port(spec, ports, host, interface, what="lab link", listed="wired ports")
    return _mark_port(state_dir / LINKS_FILE, host, interface, up=up)


def set_upstream(
    state_dir: Path, *, host: str, interface: str, up: bool
) -> frozenset[tuple[str, str]]:
    """Put one ISP hand-off port into a brownout (or end it): the port and the ISP router stay
    up (ARP, BFD), nothing behind the router answers, so probes through that port fail."""
    spec = LabSpec.read(state_dir)
    interface = port_of(spec, host, interface)
    ports = {port for s in spec.segments if s.kind == "isp" for port in s.members}
    _check_port(spec, ports, host, interface, what="ISP hand-off", listed="ISP ports")
    return _mark_port(state_dir / UPSTREAMS_FILE, host, interface, up=up)


def port_of(spec: LabSpec, host: str, name: str) -> str:
    """A port given by its name (``GigabitEthernet3``) or by the link it plays in the design
    (``isp1``, ``lan``, ``ha``: playbooks name links so), as the port name."""
    for segment in spec.segments:
        if segment.name.endswith(f"-{name}"):
            for member, port in segment.members:
                if member == host:
                    return port
    return name


def _check_port(
    spec: LabSpec,
    ports: set[tuple[str, str]],
    host: str,
    interface: str,
    *,
    what: str,
    listed: str,
) -> None:
    spec.device(host)  # an unknown host is an error of its own
    if (host, interface) not in ports:
        known = sorted(i for h, i in ports if h == host)
        raise InputError(
            f"{host} has no {what} on {interface!r}",
            location=Location(host=host, field="IFACE"),
            hint=f"{listed} of {host}: {', '.join(known) or 'none'} (or a link name: isp1, lan)",
        )


def _mark_port(path: Path, host: str, interface: str, *, up: bool) -> frozenset[tuple[str, str]]:
    """Add or remove one (host, port) in a ``{"down": [...]}`` state file (read by the server
    with :func:`~egress.lab.server.read_links_down`); atomic, so the server never reads half."""
    down = set(read_links_down(path.parent, path.name))
    if up:
        down.discard((host, interface))
    else:
        down.add((host, interface))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"down": sorted(down)}, indent=2))
    tmp.replace(path)
    return frozenset(down)
