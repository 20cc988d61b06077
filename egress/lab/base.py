"""What every emulated device shares: SSH serving, credentials, faults, clock and state on disk.

A platform emulator subclasses :class:`LabDevice` and says, through
:meth:`LabDevice.server_options`, how asyncssh serves it (a shell, the ``netconf``
subsystem, SCP). Faults and link states are files in the lab's state directory, so
``egress lab fault`` in another process changes a running device without a control channel.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import asyncssh

from egress.lab.credentials import LabCredentials

if TYPE_CHECKING:
    from egress.lab.world import OpState


class LabWorld(Protocol):
    """What a device may ask the lab about the network around it."""

    def op_state(self, device: str) -> OpState: ...

    def link_up(self, device: str, interface: str) -> bool: ...

    def config_committed(self, device: str) -> None:
        """Call after every change of the running/committed config (cluster mirroring)."""
        ...

    def cluster_nodes(self, device: str) -> tuple[str, ...]:
        """The members of the shared-config cluster ``device`` is in, node 0 first (the
        member the others mirror); () for a device in no such cluster."""
        ...


@dataclass
class Faults:
    """Misbehaviour a test or operator switches on at run time (``state/faults/<device>.json``)."""

    refuse_auth: bool = False
    refuse_connect: bool = False
    reject_pattern: str | None = None  # config lines matching this regex are rejected
    drop_on_commit: bool = False  # close the session when a commit starts
    hang: bool = False  # accept the connection, then never answer
    slow_ms: int = 0  # delay before every answer

    @classmethod
    def from_file(cls, path: Path) -> Faults:
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            return cls()
        return cls(**data)

    def describe(self) -> str:
        """What is switched on, in the words of `egress lab fault`."""
        on = [
            kind
            for kind, flag in (
                ("refuse-auth", self.refuse_auth),
                ("refuse-connect", self.refuse_connect),
                ("drop-on-commit", self.drop_on_commit),
                ("hang", self.hang),
            )
            if flag
        ]
        if self.reject_pattern:
            on.append(f"reject-line {self.reject_pattern!r}")
        if self.slow_ms:
            on.append(f"slow {self.slow_ms} ms")
        return ", ".join(on) or "no faults"

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.replace(path)


@dataclass(frozen=True)
class LabClock:
    """Device timers (commit-confirm, revert) run ``scale`` times faster than wall time."""

    scale: float = 1.0

    def seconds(self, device_seconds: float) -> float:
        return device_seconds / self.scale

    async def sleep(self, device_seconds: float) -> None:
        await asyncio.sleep(self.seconds(device_seconds))


# Host numbers a device may take on its management subnet: not the gateway (.1), nor the
# subnet's own servers the brownfield configs name (.50 syslog, .123 NTP, .254 router).
_MANAGEMENT_HOSTS = tuple(h for h in range(10, 250) if h not in (50, 123))


def management_address(name: str, *, network: str) -> str:
    """This lab device's own out-of-band address in the /24 ``network`` ("172.31.255" ->
    172.31.255.N): stable per device name and distinct across the example lab, as every real
    box has its own (a lab where all twelve answer as 192.168.1.99 hides mix-ups); on the one
    management subnet, so the brownfield configs' gateways and servers are reachable."""
    digest = hashlib.sha256(name.encode()).digest()
    host = _MANAGEMENT_HOSTS[int.from_bytes(digest[:2], "big") % len(_MANAGEMENT_HOSTS)]
    return f"{network}.{host}"


def serial_suffix(name: str, length: int) -> str:
    """Upper-case hex digits stable per device name, for its serial number."""
    return hashlib.sha256(name.encode()).hexdigest().upper()[:length]


@dataclass
class LabDevice:
    """One emulated device: its identity, where it keeps state, and its faults."""

    platform: ClassVar[str] = ""

    name: str
    state_dir: Path
    credentials: LabCredentials = field(default_factory=LabCredentials)
    clock: LabClock = field(default_factory=LabClock)
    # the lab-wide network simulation this device's show commands read (None: standalone)
    world: LabWorld | None = field(default=None, repr=False, compare=False)
    # first boot from a config egress did not write (egress/lab/brownfield.py)
    brownfield: bool = False
    # the OS release emulated ("" = the platform's default): layouts that differ by
    # release follow it (see egress.platforms.PlatformProfile.release_trains)
    os_release: str = ""

    # -- state on disk -----------------------------------------------------------------
    @property
    def device_dir(self) -> Path:
        path = self.state_dir / "devices" / self.name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def faults_path(self) -> Path:
        return self.state_dir / "faults" / f"{self.name}.json"

    @property
    def faults(self) -> Faults:
        return Faults.from_file(self.faults_path)

    def save_text(self, name: str, text: str) -> None:
        """Write a state file atomically, so a killed lab never leaves half a config."""
        path = self.device_dir / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text)
        os.replace(tmp, path)

    def load_text(self, name: str) -> str | None:
        try:
            return (self.device_dir / name).read_text()
        except FileNotFoundError:
            return None

    # -- serving ------------------------------------------------------------------------
    def server_options(self) -> dict[str, Any]:
        """asyncssh.create_server keyword arguments that serve this platform."""
        raise NotImplementedError

    async def answer_delay(self) -> None:
        """Honour the ``slow`` and ``hang`` faults before an answer."""
        faults = self.faults
        if faults.hang:
            await asyncio.Event().wait()
        if faults.slow_ms:
            await asyncio.sleep(faults.slow_ms / 1000)


SESSIONS_LOG = "sessions.log"


def sessions_opened(state_dir: Path) -> int:
    """How many sessions clients have opened to the lab's devices so far."""
    try:
        return len((state_dir / SESSIONS_LOG).read_text().splitlines())
    except FileNotFoundError:
        return 0


class _LabSSHServer(asyncssh.SSHServer):
    def __init__(self, device: LabDevice) -> None:
        self._device = device

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        # every TCP session a client opened, for tests that prove nothing reached a device
        with (self._device.state_dir / SESSIONS_LOG).open("a") as log:
            log.write(f"{self._device.name}\n")
        if self._device.faults.refuse_connect:
            conn.abort()

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def kbdint_auth_supported(self) -> bool:
        return False

    def validate_password(self, username: str, password: str) -> bool:
        if self._device.faults.refuse_auth:
            return False
        creds = self._device.credentials
        return username == creds.username and password == creds.password


async def serve_device(
    device: LabDevice,
    *,
    host: str,
    port: int,
    host_key: asyncssh.SSHKey | None = None,
    host_keys: list[asyncssh.SSHKey] | None = None,
) -> asyncssh.SSHAcceptor:
    """Start serving ``device`` on ``host:port``; returns the acceptor (close() to stop)."""
    keys = list(host_keys or []) or ([host_key] if host_key is not None else [])
    return await asyncssh.create_server(
        lambda: _LabSSHServer(device),
        host,
        port,
        server_host_keys=keys,
        reuse_address=True,
        **device.server_options(),
    )
