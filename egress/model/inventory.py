"""The Nornir inventory: SimpleInventory's file format, read with libyaml and checked.

``EgressInventory`` is a drop-in for Nornir's SimpleInventory (same hosts/groups/defaults
files) that loads with PyYAML's C loader (SimpleInventory's ruamel loader costs minutes on a
large inventory) and reports unknown groups and bad platforms with file and line.
Credentials never live in these files: :func:`credentials_from_env` is the Nornir transform
function that fills them from the environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nornir.core import Nornir
from nornir.core.configuration import Config
from nornir.core.inventory import Defaults, Group, Groups, Host, Hosts, Inventory, ParentGroups
from nornir.core.plugins.inventory import (
    InventoryPluginRegister,
    TransformFunctionRegister,
)
from nornir.core.state import GlobalState
from nornir.init_nornir import load_inventory, load_runner
from nornir.plugins.inventory.simple import _get_defaults, _get_inventory_element

from egress.errors import InputError, Location
from egress.model.yamlfile import line_of, load_yaml, load_yaml_files
from egress.platforms import PLATFORMS

USERNAME_ENV = "EGRESS_USERNAME"
PASSWORD_ENV = "EGRESS_PASSWORD"
CONFIG_FILE = "nornir.yaml"
_SECRET_KEYS = ("password", "secret")


def _mapping(data: Any, path: Path, what: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{what} must be a mapping of names", location=Location(file=path))
    return data


class EgressInventory:
    """Nornir inventory plugin; files are looked up in ``inventory_dir``."""

    def __init__(
        self,
        inventory_dir: str = "inventory",
        host_file: str = "hosts.yaml",
        group_file: str = "groups.yaml",
        defaults_file: str = "defaults.yaml",
    ) -> None:
        base = Path(inventory_dir)
        self.host_file = base / host_file
        self.group_file = base / group_file
        self.defaults_file = base / defaults_file

    def load(self) -> Inventory:
        if not self.host_file.exists():
            raise InputError("no hosts file", location=Location(file=self.host_file))
        present = [p for p in (self.defaults_file, self.group_file) if p.exists()]
        loaded = dict(
            zip(
                [*present, self.host_file], load_yaml_files([*present, self.host_file]), strict=True
            )
        )
        defaults_dict = _mapping(loaded.get(self.defaults_file), self.defaults_file, "defaults")
        _refuse_secrets(defaults_dict, self.defaults_file, [])
        defaults: Defaults = _get_defaults(defaults_dict)
        groups_dict = _mapping(loaded.get(self.group_file), self.group_file, "groups")
        hosts_dict = _mapping(loaded[self.host_file], self.host_file, "hosts")

        groups = Groups()
        for name, data in groups_dict.items():
            data = data or {}
            _refuse_secrets(data, self.group_file, [name])
            groups[name] = _get_inventory_element(Group, data, name, defaults)
        for name, group in groups.items():
            group.groups = self._parents(group.groups or [], groups, self.group_file, name)
            if group.platform is not None:  # a typo here is the group's, not each host's
                self._check_platform(group.platform, self.group_file, name, host=None)

        hosts = Hosts()
        for name, data in hosts_dict.items():
            if not isinstance(data, dict):
                raise InputError(
                    "a host must be a mapping (hostname, platform, groups, data)",
                    location=Location(
                        file=self.host_file, line=line_of(self.host_file, [name]), host=name
                    ),
                )
            _refuse_secrets(data, self.host_file, [name])
            host = _get_inventory_element(Host, data, name, defaults)
            host.groups = self._parents(host.groups or [], groups, self.host_file, name)
            hosts[name] = host
            self._check_platform(host.platform, self.host_file, name, host=name)
            self._check_hostname(host)
        return Inventory(hosts=hosts, groups=groups, defaults=defaults)

    def _parents(
        self, names: Sequence[Any], groups: Groups, path: Path, owner: str
    ) -> ParentGroups:
        for index, group in enumerate(names):
            if group not in groups:
                raise InputError(
                    f"unknown group {group!r}",
                    location=Location(
                        file=path,
                        line=line_of(path, [owner, "groups", index]),
                        host=owner,
                        field="groups",
                    ),
                    hint=f"define it in {self.group_file} or fix the name",
                )
        return ParentGroups([groups[g] for g in names])

    def _check_hostname(self, host: Host) -> None:
        """The management address: an IP address or a DNS name, nothing else (it becomes
        the SSH target and part of known_hosts lookups)."""
        value: Any = host.hostname
        if value is None or (isinstance(value, str) and _MANAGEMENT.fullmatch(value)):
            return
        raise InputError(
            f"hostname must be an IP address or a DNS name, not {str(value)[:60]!r}",
            location=Location(
                file=self.host_file,
                line=line_of(self.host_file, [host.name, "hostname"])
                or line_of(self.host_file, [host.name]),
                host=host.name,
                field="hostname",
            ),
            hint="e.g. hostname: 10.255.10.11 or hostname: ams-edge-01.example.net",
        )

    @staticmethod
    def _check_platform(platform: str | None, path: Path, owner: str, *, host: str | None) -> None:
        if platform not in PLATFORMS:
            raise InputError(
                f"unknown platform {platform!r}"
                + ("" if host is not None else f" in group {owner!r}"),
                location=Location(
                    file=path,
                    line=line_of(path, [owner, "platform"]) or line_of(path, [owner]),
                    host=host,
                    field="platform",
                ),
                hint=f"use one of: {', '.join(PLATFORMS)}",
            )


# an IPv4/IPv6 address or an RFC 1123 host name (labels of 1-63, at most 253 in all)
_MANAGEMENT = re.compile(
    r"(?=.{1,253}$)(?:[0-9A-Fa-f:.]+|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
)


def _refuse_secrets(data: dict[str, Any], path: Path, keys: list[str]) -> None:
    """Credentials come from the environment; a password in an inventory file is an error."""
    for key in _SECRET_KEYS:
        if data.get(key):
            raise InputError(
                f"{key} must not be stored in the inventory",
                location=Location(
                    file=path,
                    line=line_of(path, [*keys, key]),
                    host=keys[0] if keys else None,
                    field=key,
                ),
                hint=f"remove it and export {PASSWORD_ENV} (or answer the prompt)",
            )


def credentials_from_env(host: Host, **_: Any) -> None:
    """Nornir transform function: the login comes from EGRESS_USERNAME / EGRESS_PASSWORD."""
    username = os.environ.get(USERNAME_ENV)
    password = os.environ.get(PASSWORD_ENV)
    if username:
        host.username = username
    if password:
        host.password = password


InventoryPluginRegister.register("EgressInventory", EgressInventory)
TransformFunctionRegister.register("egress_credentials", credentials_from_env)


# What egress reads from nornir.yaml: its own inventory plugin (it checks what it loads;
# another plugin would bypass every check) and Nornir's threaded runner.
_NORNIR_ALLOWED = {
    ("inventory", "plugin"): {"EgressInventory"},
    ("inventory", "transform_function"): {"egress_credentials"},
    ("runner", "plugin"): {"threaded", "dask"},  # dask: egress/runners/dask.py
}


def _check_nornir_config(config: Any, path: Path) -> None:
    if not isinstance(config, dict):
        raise InputError(f"{CONFIG_FILE} must be a mapping", location=Location(file=path))
    for (section, key), allowed in _NORNIR_ALLOWED.items():
        block = config.get(section) or {}
        value = block.get(key) if isinstance(block, dict) else block
        if value is None or (isinstance(value, str) and value in allowed):
            continue
        raise InputError(
            f"{section}.{key} {value!r} is not supported",
            location=Location(
                file=path, line=line_of(path, [section, key]), field=f"{section}.{key}"
            ),
            hint=f"use {' or '.join(sorted(allowed))}",
        )


def load_nornir(inventory_dir: Path, *, num_workers: int | None = None) -> Nornir:
    """Initialise Nornir from ``inventory_dir/nornir.yaml`` and the inventory files beside it."""
    config_file = inventory_dir / CONFIG_FILE
    if not config_file.exists():
        raise InputError(
            f"no {CONFIG_FILE} in {inventory_dir}",
            location=Location(file=config_file),
            hint="pass --inventory DIR pointing at a Nornir inventory directory",
        )
    config = load_yaml(config_file) or {}
    _check_nornir_config(config, config_file)
    inventory_cfg = dict(config.get("inventory") or {})
    options = dict(inventory_cfg.get("options") or {})
    options["inventory_dir"] = str(inventory_dir)
    inventory_cfg["options"] = options
    runner: dict[str, Any] = {}
    if num_workers is not None:
        runner = {"plugin": "threaded", "options": {"num_workers": num_workers}}
    # InitNornir, less its ConnectionPluginRegister.auto_register(): that imports every
    # installed connection plugin (napalm, netmiko: ~0.4 s) before any verb needs one.
    # egress's own connection plugin registers itself when egress.devices.connection is imported.
    config = Config.from_file(str(config_file), inventory=inventory_cfg, runner=runner)
    config.logging.configure()
    return Nornir(
        inventory=load_inventory(config),
        runner=load_runner(config),
        config=config,
        data=GlobalState(dry_run=False),
    )
