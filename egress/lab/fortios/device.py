"""The emulated FortiGate: a running config on disk and an SSH shell that serves it.

The running config is the device's only datastore (FortiOS has no candidate): every
``next``/``end`` that reaches it is saved to ``state/devices/<name>/running.conf`` at once, so
a restarted lab comes back with what was committed, as a FortiGate does after a reboot.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from egress.lab import brownfield
from egress.lab.base import LabDevice, management_address
from egress.lab.fortios import cli
from egress.lab.fortios.cli import FortiOSShell
from egress.lab.fortios.facts import facts_from_config
from egress.lab.fortios.schema import SCHEMA
from egress.lab.fortios.show import SystemIdentity, hostname_of, show_config
from egress.lab.world import DeviceFacts
from napalm_fortios.tree import SET, Node, parse, render

RUNNING_FILE = "running.conf"

# Key exchanges a FortiGate 7.2 offers by default; netmiko's `fortinet` driver restricts the
# client to the group14/group-exchange families, so at least one of these must be present.
KEX_ALGS = [
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
    "diffie-hellman-group-exchange-sha256",
    "diffie-hellman-group14-sha256",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group-exchange-sha1",
    "diffie-hellman-group14-sha1",
]

_PORTS = 5
# What an FGCP member keeps of its own when the primary's config is synchronised to it.
_PER_MEMBER: dict[str, tuple[str, ...]] = {
    "system global": ("hostname",),
    "system ha": ("priority", "override"),
}


def base_config(hostname: str) -> str:
    """A factory-fresh FortiGate-VM64 with the lab admin added; port1 is management."""
    ports = []
    for index in range(1, _PORTS + 1):
        lines = [f'    edit "port{index}"', '        set vdom "root"']
        if index == 1:
            lines += [
                # each lab FortiGate has its own management address (management_address)
                f"        set ip {management_address(hostname, network='192.168.1')} 255.255.255.0",
                "        set allowaccess ping https ssh http fgfm",
                "        set role lan",
            ]
        lines += ["        set type physical", f"        set snmp-index {index}", "    next"]
        ports.extend(lines)
    return "\n".join(
        [
            "config system global",
            '    set alias "FortiGate-VM64"',
            f'    set hostname "{hostname}"',
            '    set timezone "US/Pacific"',
            "end",
            "config system accprofile",
            '    edit "prof_admin"',
            "        set secfabgrp read-write",
            "        set ftviewgrp read-write",
            "        set authgrp read-write",
            "        set sysgrp read-write",
            "        set netgrp read-write",
            "        set loggrp read-write",
            "        set fwgrp read-write",
            "        set vpngrp read-write",
            "        set utmgrp read-write",
            "        set wifi read-write",
            "    next",
            "end",
            "config system interface",
            *ports,
            "end",
            "config system admin",
            '    edit "admin"',
            '        set accprofile "super_admin"',
            '        set vdom "root"',
            # A placeholder hash: lab credentials are not secrets and this is not one.
            "        set password ENC SH2000000000000000000000000000000000000000000000000000000",
            "    next",
            "end",
            "config system ha",
            "end",
            "config system dns",
            "    set primary 96.45.45.45",
            "    set secondary 96.45.46.46",
            "end",
            "config system console",
            "end",
            "config system settings",
            "end",
            "config firewall policy",
            "end",
            "config router static",
            "end",
            "config router policy",
            "end",
            "",
        ]
    )


@dataclass
class FortiOSDevice(LabDevice):
    """A FortiGate-VM64 running FortiOS 7.2.8, reachable with netmiko ``fortinet``.

    ``config system global / set cfg-save`` is honoured: ``automatic`` (default) saves every
    change; ``manual``/``revert`` keep changes runtime-only until ``execute cfg save``, and
    ``revert`` reloads the saved config (a reboot: every session drops) when the CLI has been
    idle for ``cfg-revert-timeout`` device seconds — FortiOS's own commit-confirm.
    """

    platform: ClassVar[str] = "fortios"

    running: Node = field(init=False, repr=False)
    booted: datetime = field(init=False, repr=False)
    unsaved: bool = field(default=False, init=False)
    _sessions: set[FortiOSShell] = field(default_factory=set, init=False, repr=False)
    _revert_deadline: float = field(default=0.0, init=False, repr=False)
    _revert_task: asyncio.Task[None] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.booted = datetime.now()
        text = self.load_text(RUNNING_FILE)
        if text is None:
            text = base_config(self.name)
            if self.brownfield:
                text = brownfield.fortios_config(text)
        self.running = parse(text)
        self._mark_tables(self.running)
        self.save_running()

    @staticmethod
    def _mark_tables(root: Node) -> None:
        # An empty `config router static / end` parses as an object; the schema knows better.
        for path, schema in SCHEMA.items():
            node = root.block(path)
            if node is not None and schema.table:
                node.is_table = True

    # -- state --------------------------------------------------------------------------
    def save_running(self) -> None:
        """Write the running config as the saved config (what survives a restart)."""
        self.save_text(RUNNING_FILE, render(self.running))

    @property
    def cfg_save_mode(self) -> str:
        glob = self.running.block("system global")
        return glob.value("cfg-save", "automatic") if glob is not None else "automatic"

    def commit_point(self, *, mode_before: str) -> None:
        """A change reached the running config; save it or keep it runtime-only."""
        mode = self.cfg_save_mode
        self._changed()
        if mode_before == "automatic" or mode == "automatic":
            # The line that switches to manual/revert was itself typed in automatic mode.
            self.save_running()
            self.unsaved = False
            self._cancel_revert()
            return
        self.unsaved = True
        if mode == "revert":
            self._arm_revert()

    def _changed(self) -> None:
        """The running config changed: an FGCP cluster's other member takes it now."""
        if self.world is not None:
            self.world.config_committed(self.name)

    # -- FGCP config sync (called by the lab's LabNetwork) ------------------------------
    def export_cluster_config(self) -> str:
        """What FGCP synchronises to the other members: the whole running config."""
        return render(self.running)

    def import_cluster_config(self, text: str) -> None:
        """Take the primary's config, keeping what FGCP keeps per member: the hostname
        (``config system global``) and this unit's HA ``priority``/``override``."""
        incoming = parse(text)
        self._mark_tables(incoming)
        for path, names in _PER_MEMBER.items():
            mine = self.running.block(path) or Node()
            theirs = incoming.ensure_block(path)
            for name in names:
                own = mine.items.get((SET, name))
                if own is None:
                    theirs.unset(name)
                else:
                    theirs.items[(SET, name)] = own
        # Sessions hold this Node: replace its content, not the object.
        self.running.items.clear()
        self.running.items.update(incoming.items)
        self.save_running()

    def cfg_save(self) -> list[str]:
        """``execute cfg save``."""
        if self.cfg_save_mode == "automatic" or not self.unsaved:
            return ["no config to be saved."]
        self.save_running()
        self.unsaved = False
        self._cancel_revert()
        return ["config saved."]

    def cfg_reload(self) -> list[str]:
        """``execute cfg reload``: back to the saved config; the unit reboots."""
        if self.cfg_save_mode == "automatic" or not self.unsaved:
            return ["no config to be reloaded."]
        self._reboot_to_saved()
        return ["configs reloaded. system will reboot."]

    def _reboot_to_saved(self) -> None:
        saved = parse(self.load_text(RUNNING_FILE) or base_config(self.name))
        self._mark_tables(saved)
        # Sessions hold this Node: replace its content, not the object.
        self.running.items.clear()
        self.running.items.update(saved.items)
        self.unsaved = False
        self._cancel_revert()
        self.booted = datetime.now()
        for shell in list(self._sessions):
            shell.drop_later()
        self._changed()

    def touch(self) -> None:
        """CLI activity: the revert timer counts idle time."""
        if self._revert_task is not None and not self._revert_task.done():
            self._revert_deadline = self._deadline()

    def _deadline(self) -> float:
        glob = self.running.block("system global")
        timeout = float(glob.value("cfg-revert-timeout", "600")) if glob is not None else 600.0
        return asyncio.get_running_loop().time() + self.clock.seconds(timeout)

    def _arm_revert(self) -> None:
        self._revert_deadline = self._deadline()
        if self._revert_task is None or self._revert_task.done():
            self._revert_task = asyncio.get_running_loop().create_task(self._revert_watch())

    def _cancel_revert(self) -> None:
        if self._revert_task is not None and not self._revert_task.done():
            self._revert_task.cancel()
        self._revert_task = None

    async def _revert_watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            delay = self._revert_deadline - loop.time()
            if delay <= 0:
                break
            await asyncio.sleep(delay)
        self._revert_task = None  # so _reboot_to_saved does not cancel this very task
        if self.unsaved and self.cfg_save_mode == "revert":
            self._reboot_to_saved()

    def register(self, shell: FortiOSShell) -> None:
        self._sessions.add(shell)

    def unregister(self, shell: FortiOSShell) -> None:
        self._sessions.discard(shell)

    def running_text(self, *, full: bool = False) -> str:
        """The running config as ``show`` (or ``show full-configuration``) prints it, minus
        the ``#config-version`` header lines."""
        lines = show_config(self.running, [], full=full, identity=self.identity, user="")
        return "".join(line + "\n" for line in lines if not line.startswith("#"))

    def reset(self, text: str | None = None) -> None:
        """Replace the running config (tests, ``egress lab reset``); saves it."""
        self.running.items.clear()
        fresh = parse(text if text is not None else base_config(self.name))
        self.running.items.update(fresh.items)
        self._mark_tables(self.running)
        self.unsaved = False
        self._cancel_revert()
        self.save_running()
        self._changed()

    @property
    def hostname(self) -> str:
        return hostname_of(self.running, self.name)

    def facts(self) -> DeviceFacts:
        """What this FortiGate has configured, for the lab's network simulation."""
        return facts_from_config(self.name, self.running)

    @property
    def identity(self) -> SystemIdentity:
        return SystemIdentity.for_device(
            self.name, hostname=self.hostname, booted=self.booted, release=self.os_release
        )

    # -- serving ------------------------------------------------------------------------
    def server_options(self) -> dict[str, Any]:
        return {
            "process_factory": cli.serve(self),
            "encoding": "utf-8",
            "line_editor": False,  # the shell echoes itself, character by character
            "kex_algs": KEX_ALGS,
            "allow_scp": False,
        }
