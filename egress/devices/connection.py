"""How egress reaches devices: the NAPALM connection plugin, host-key policy, lab overlay.

``EgressNapalm`` is nornir_napalm's connection plugin with one addition: PyEZ verifies SSH
host keys only when told (``hostkey_verify``), and napalm's junos driver never tells it, so
the plugin sets it on the PyEZ Device napalm built, before ``open()``. Host keys are verified
by default on every platform: against ``~/.ssh/known_hosts`` for real devices, against the
lab's own known_hosts file with ``--lab``.
"""

from __future__ import annotations

import copy
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from nornir.core import Nornir
from nornir.core.configuration import Config
from nornir.core.inventory import ConnectionOptions, Host
from nornir.core.plugins.connections import ConnectionPluginRegister

from egress.change.lock import DeviceKey
from egress.devices.device_errors import HostKeyRef
from egress.devices.known_hosts import ORIGINAL, cut_per_host, known_hosts_name, originals
from egress.devices.overlay import InventoryOverlay
from egress.devices.session import remember_own_settings, restore_own_settings, session_ended
from egress.devices.sshkeys import ncclient_accepts_rsa_known_hosts
from egress.errors import InputError, Location
from egress.model.inventory import PASSWORD_ENV, USERNAME_ENV
from egress.platforms import PLATFORMS

CONNECTION = "egress_napalm"

# netmiko-based drivers (napalm ios, the project's fortios driver): strict host keys
_NETMIKO_STRICT = {"ssh_strict": True}


class EgressNapalm:
    """A NAPALM connection whose host keys are checked on every platform."""

    connection: Any
    platform: str = ""
    repaired: str = ""  # what opening the session had to repair (said by the caller)

    def open(
        self,
        hostname: str | None,
        username: str | None,
        password: str | None,
        port: int | None,
        platform: str | None,
        extras: dict[str, Any] | None = None,
        configuration: Config | None = None,
    ) -> None:
        extras = dict(extras or {})
        optional_args = dict(extras.pop("optional_args", {}))
        verify_pyez = optional_args.pop("hostkey_verify", True)
        open_timeout = optional_args.pop("conn_open_timeout", None)
        optional_args.pop(ORIGINAL, None)  # egress's own: the file messages name
        if port and "port" not in optional_args:
            optional_args["port"] = port
        from napalm import get_network_driver  # napalm pulls in netmiko and paramiko: ~0.4 s

        if platform and PLATFORMS[platform].session == "netconf":
            # also here: a session may open in another process than the one that built its
            # options (a Dask worker), and the patch is per process
            ncclient_accepts_rsa_known_hosts()

        driver = get_network_driver(platform)
        connection = driver(
            hostname=hostname,
            username=username,
            password=password,
            optional_args=optional_args,
            **extras,
        )
        pyez = getattr(connection, "device", None)
        if pyez is not None and hasattr(pyez, "_hostkey_verify"):
            pyez._hostkey_verify = verify_pyez  # napalm junos does not forward it
            if open_timeout is not None:
                pyez._conn_open_timeout = open_timeout  # nor this one
        connection.open()
        self.connection = connection
        self.platform = str(platform)
        key = DeviceKey(str(hostname), str(hostname), int(port or 22))
        # what opening had to put right: napalm ios's line left by a lost session, a FortiOS
        # unit left in revert mode (napalm_fortios does that in its own open())
        notes = [remember_own_settings(self.platform, connection, key)]
        notes.append(str(getattr(connection, "repaired", "") or ""))
        self.repaired = "; ".join(n for n in notes if n)

    def close(self) -> None:
        try:
            restore_own_settings(self.platform, self.connection)
        finally:
            self.connection.close()
        # only a session that ended cleanly has put its settings back (the driver's close
        # runs netmiko's own restore): then nothing is left to repair next time
        session_ended(self.platform, self.connection)


ConnectionPluginRegister.register(CONNECTION, EgressNapalm)


def platform_options(
    platform: str, *, known_hosts: Path | None, ssh_config: Path | None, timeout: int
) -> dict[str, Any]:
    """NAPALM optional_args that verify host keys (``known_hosts`` None: the user's own)."""
    if PLATFORMS[platform].session == "netconf":  # napalm junos: PyEZ over ncclient
        ncclient_accepts_rsa_known_hosts()  # an RSA line in known_hosts (egress/devices/sshkeys.py)
        args: dict[str, Any] = {
            "hostkey_verify": True,
            "conn_open_timeout": min(timeout, 30),
            # the device's own exclusive lock (NETCONF <lock/>) for the whole session: no
            # other session can change the candidate or commit between egress's backup and
            # its confirm; Junos releases it when the session ends, also a lost one
            "config_lock": True,
        }
        if ssh_config is not None:
            args["ssh_config_file"] = str(ssh_config)
        return {"optional_args": args, "timeout": timeout}
    args = dict(_NETMIKO_STRICT)
    args.update(copy.deepcopy(PLATFORMS[platform].session_options))  # netmiko edits its own
    if known_hosts is not None:
        args.update(
            {"alt_host_keys": True, "alt_key_file": str(known_hosts), "system_host_keys": False}
        )
    else:
        args["system_host_keys"] = True
    args.update(
        {
            "conn_timeout": min(timeout, 30),
            "auth_timeout": min(timeout, 30),
            "banner_timeout": min(timeout, 30),
            "read_timeout_override": timeout,
        }
    )
    return {"optional_args": args, "timeout": timeout}


def host_key_ref(host: Host) -> HostKeyRef:
    """Which known_hosts line and file decide this host's key (for error messages)."""
    port = host.port or 22
    name = host.hostname or host.name
    options = host.connection_options.get(CONNECTION)
    args: dict[str, Any] = dict((options.extras or {}).get("optional_args", {})) if options else {}
    file = Path("~/.ssh/known_hosts").expanduser()
    shared = originals(args)
    if shared is not None:  # a per-device cut of this file is what was read
        file = shared
    elif args.get("alt_host_keys") and args.get("alt_key_file"):
        file = Path(args["alt_key_file"])
    elif args.get("ssh_config_file"):
        for line in _read(Path(args["ssh_config_file"])).splitlines():
            words = line.split()
            if len(words) == 2 and words[0].lower() == "userknownhostsfile":
                file = Path(words[1]).expanduser()
    return HostKeyRef(name if port == 22 else f"[{name}]:{port}", file)


def device_keys(nr: Nornir) -> list[DeviceKey]:
    """The selected devices as egress reaches them (after ``use_lab``/``use_devices``)."""
    return [
        DeviceKey(name, str(host.hostname or name), int(host.port or 22))
        for name, host in nr.inventory.hosts.items()
    ]


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def use_lab(nr: Nornir, state_dir: Path, *, timeout: int) -> None:
    """Point every selected host where the lab's inventory overlay says it is served (address,
    port, the lab's credentials, its known_hosts): read generically, the lab is not imported."""
    overlay = InventoryOverlay.read(state_dir)
    overlay.check_running(state_dir)
    known_hosts = Path(overlay.known_hosts)
    ssh_config = Path(overlay.ssh_config)
    for name in nr.inventory.hosts:
        if name not in overlay.hosts:
            raise InputError(
                f"the lab in {state_dir} does not serve {name}",
                location=Location(host=name),
                hint="restart it from this inventory: egress lab down && egress lab up",
            )
    # each device's own lines of the lab's known_hosts (egress/devices/known_hosts.py)
    served_as = {
        name: known_hosts_name(overlay.hosts[name].hostname, overlay.hosts[name].port)
        for name in nr.inventory.hosts
    }
    cut = cut_per_host(known_hosts, served_as.values(), ssh_config=ssh_config)
    for name, host in nr.inventory.hosts.items():
        served = overlay.hosts[name]
        host.hostname = served.hostname
        host.port = served.port
        host.username = overlay.username
        host.password = overlay.password
        own_known_hosts, own_ssh_config = cut[served_as[name]]
        extras = platform_options(
            served.platform,
            known_hosts=own_known_hosts,
            ssh_config=own_ssh_config or ssh_config,
            timeout=timeout,
        )
        extras["optional_args"][ORIGINAL] = str(known_hosts)
        host.connection_options[CONNECTION] = ConnectionOptions(
            platform=served.platform, extras=extras
        )


def use_devices(nr: Nornir, *, timeout: int) -> None:
    """Real devices: credentials from the environment (or a prompt), the user's known_hosts."""
    username = os.environ.get(USERNAME_ENV)
    password = os.environ.get(PASSWORD_ENV)
    if (not username or not password) and sys.stdin.isatty():
        username = username or input("device username: ")
        password = password or getpass.getpass("device password: ")
    if not username or not password:
        raise InputError(
            f"no device credentials: set {USERNAME_ENV} and {PASSWORD_ENV}",
            hint="or run interactively to be prompted; add --lab to target the lab instead",
        )
    cut = _user_known_hosts_cut(nr)
    for name, host in nr.inventory.hosts.items():
        host.username, host.password = username, password
        own = cut.get(name)
        extras = platform_options(
            str(host.platform), known_hosts=own, ssh_config=None, timeout=timeout
        )
        if own is not None:
            extras["optional_args"][ORIGINAL] = str(USER_KNOWN_HOSTS)
        host.connection_options[CONNECTION] = ConnectionOptions(
            platform=host.platform, extras=extras
        )


# the file paramiko's load_system_host_keys() reads (netmiko's system_host_keys=True)
USER_KNOWN_HOSTS = Path("~/.ssh/known_hosts").expanduser()


def _user_known_hosts_cut(nr: Nornir) -> dict[str, Path]:
    """The netmiko-driven devices' own cuts of ``~/.ssh/known_hosts`` (egress/devices/
    known_hosts.py): paramiko parses the whole file at every connection, so a fleet's file
    of thousands of lines made a change cost devices x lines. Junos (ncclient) still reads the
    user's file as it is: cutting it would mean an ssh_config of egress's own in place of the
    user's (ProxyJump, their UserKnownHostsFile), which this does not take over."""
    if not USER_KNOWN_HOSTS.is_file():
        return {}  # nothing is known: every key is refused, as with the whole (absent) file
    netmiko = {
        name: known_hosts_name(str(host.hostname or name), int(host.port or 22))
        for name, host in nr.inventory.hosts.items()
        if PLATFORMS[str(host.platform)].session != "netconf"
    }
    if not netmiko:
        return {}
    cut = cut_per_host(USER_KNOWN_HOSTS, netmiko.values())
    return {name: cut[served][0] for name, served in netmiko.items()}
