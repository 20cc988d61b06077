"""The lab's description on disk (``<state>/lab.json``): devices, ports, wiring.

Written by ``egress lab up`` before the server starts, read by the server and by every verb
that targets the lab with ``--lab``.
"""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Address
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from egress.devices.overlay import DEFAULT_LAB_STATE, read_state, write_state
from egress.errors import InputError, Location
from egress.lab.credentials import LabCredentials
from egress.lab.world import Segment, Topology
from egress.model.intent import DeviceIntent

SPEC_FILE = "lab.json"
KNOWN_HOSTS = "known_hosts"
SSH_CONFIG = "ssh_config"  # points OpenSSH-config readers (ncclient/PyEZ) at KNOWN_HOSTS
LOCALHOST = "127.0.0.1"
SHARED_KEYS = "_shared"  # the key file name of a lab whose devices share host keys
DEFAULT_STATE = DEFAULT_LAB_STATE


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LabDeviceSpec(_Model):
    name: str
    platform: str
    port: int
    # the OS release the device emulates (inventory data.os_release, else the platform's
    # default): its show output is printed in that release's layout
    os_release: str = ""
    # a shared-config cluster: the member whose committed config the other mirrors
    mirror_of: str | None = None
    # which lab server process serves it (a large lab runs several: egress/lab/control.py);
    # a site's devices share one, as their simulated links do
    server: int = 0


class SegmentSpec(_Model):
    name: str
    kind: str
    members: list[tuple[str, str]]
    gateway: str | None = None

    @classmethod
    def of(cls, segment: Segment) -> SegmentSpec:
        """The on-disk form of one segment of the simulated topology."""
        return cls(
            name=segment.name,
            kind=segment.kind,
            members=list(segment.members),
            gateway=str(segment.gateway) if segment.gateway else None,
        )


class LabSpec(_Model):
    inventory: str
    time_scale: float = 1.0
    username: str = LabCredentials().username
    password: str = LabCredentials().password
    devices: list[LabDeviceSpec]
    segments: list[SegmentSpec]
    # devices first boot from a brownfield config (egress/lab/brownfield.py)
    brownfield: bool = False
    # every device serves the same host keys (a lab past SHARED_KEYS_ABOVE devices:
    # egress/lab/scale.py says why)
    shared_host_keys: bool = False

    @property
    def credentials(self) -> LabCredentials:
        return LabCredentials(username=self.username, password=self.password)

    def topology(self) -> Topology:
        return Topology(
            tuple(
                Segment(
                    s.name, s.kind, tuple(s.members), IPv4Address(s.gateway) if s.gateway else None
                )
                for s in self.segments
            )
        )

    def key_name(self, device: str) -> str:
        """Whose host keys ``device`` serves: its own, or the lab's shared pair."""
        return SHARED_KEYS if self.shared_host_keys else device

    @property
    def servers(self) -> int:
        return 1 + max((d.server for d in self.devices), default=0)

    def device(self, name: str) -> LabDeviceSpec:
        for device in self.devices:
            if device.name == name:
                return device
        raise InputError(
            f"{name!r} is not a lab device",
            location=Location(host=name),
            hint=f"lab devices: {', '.join(d.name for d in self.devices)}",
        )

    def write(self, state_dir: Path) -> None:
        write_state(state_dir, SPEC_FILE, self)

    @classmethod
    def read(cls, state_dir: Path) -> LabSpec:
        return read_state(state_dir, SPEC_FILE, cls)


def cluster_mirrors(intents: Mapping[str, DeviceIntent]) -> dict[str, str]:
    """secondary -> primary for every shared-config cluster (SRX chassis cluster, FGCP)."""
    mirrors = {}
    for intent in intents.values():
        if intent.ha_sync and intent.ha_sync.form == "cluster" and intent.role == "secondary":
            mirrors[intent.host] = intent.peer
    return mirrors
