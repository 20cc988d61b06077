"""An inventory overlay: where a provider serves the inventory's hosts (``--lab``).

A provider of stand-in devices (today the lab, ``egress lab up``) writes
``<state>/inventory-overlay.json``: per host the address, port and platform it serves, the
login, and the known_hosts/ssh_config files that pin its host keys. ``--lab`` reads only this
file, so production code never imports the provider. The login in an overlay is the
provider's own (the lab's is not a secret: it exists only inside the lab); real devices never
have an overlay.

A provider that can also cut links (a playbook's ``cut:`` step) names a plugin of the
``egress.link_cut`` entry-point group (nornir's plugin pattern): the lab registers ``lab``.
"""

from __future__ import annotations

import contextlib
import os
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from egress.errors import DeviceError, InputError, Location

OVERLAY_FILE = "inventory-overlay.json"
DEFAULT_LAB_STATE = Path(".lab")
LINK_CUT_GROUP = "egress.link_cut"


M = TypeVar("M", bound=BaseModel)


def write_state(state_dir: Path, name: str, model: BaseModel) -> None:
    """A lab state file, replaced whole (a reader never sees half of it)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    tmp = state_dir / f"{name}.tmp"
    tmp.write_text(model.model_dump_json(indent=2))
    tmp.replace(state_dir / name)


def read_state(state_dir: Path, name: str, model: type[M]) -> M:
    """A lab state file; a missing one says how to start a lab."""
    path = state_dir / name
    try:
        return model.model_validate_json(path.read_text())
    except FileNotFoundError:
        raise InputError(
            f"no lab in {state_dir}",
            location=Location(file=path),
            hint="start one with `egress lab up` (or pass --state DIR)",
        ) from None


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OverlayHost(_Model):
    hostname: str
    port: int
    platform: str


class InventoryOverlay(_Model):
    provider: str
    username: str
    password: str
    known_hosts: str
    ssh_config: str
    # the provider's process writes its pid here while it serves; absent or dead: not running
    pid_file: str
    hosts: dict[str, OverlayHost]
    # the plugin that cuts this provider's links ("" when it cannot)
    link_cut: str = ""

    def write(self, state_dir: Path) -> None:
        write_state(state_dir, OVERLAY_FILE, self)

    @classmethod
    def read(cls, state_dir: Path) -> InventoryOverlay:
        return read_state(state_dir, OVERLAY_FILE, cls)

    def running(self) -> bool:
        try:
            pid = int(Path(self.pid_file).read_text())
        except (OSError, ValueError):
            return False
        return alive(pid)

    def check_running(self, state_dir: Path) -> None:
        if not self.running():
            # said once, before any device, rather than "the session dropped" for every one
            raise DeviceError(
                f"the lab is not running (state directory {state_dir})",
                location=Location(file=state_dir),
                hint=f"start it: egress lab up --state {state_dir}",
            )


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for the process that started it to reap it."""
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class LinkCut(Protocol):
    """Cuts and restores a provider's links (a drill's ``cut:`` step)."""

    def ports(self, state_dir: Path) -> frozenset[tuple[str, str]]:
        """Every (host, interface) that is wired to something, so can be cut."""
        ...

    def set_link(self, state_dir: Path, *, host: str, interface: str, up: bool) -> object:
        """Cut (``up=False``) or restore one port."""
        ...


def link_cut(state_dir: Path) -> LinkCut:
    """The link-cut plugin of the provider serving ``state_dir``."""
    overlay = InventoryOverlay.read(state_dir)
    found = [e for e in entry_points(group=LINK_CUT_GROUP) if e.name == overlay.link_cut]
    if not overlay.link_cut or not found:
        raise InputError(
            f"the {overlay.provider} in {state_dir} cannot cut links",
            location=Location(file=state_dir / OVERLAY_FILE),
            hint=f"no {LINK_CUT_GROUP} plugin named {overlay.link_cut!r} is installed",
        )
    plugin: LinkCut = found[0].load()()
    return plugin
