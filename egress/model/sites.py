"""From the Nornir inventory to one validated :class:`DeviceIntent` per host.

The site design lives in a group (``data.site``), the host's role and ports in the host
(``data``). Each is validated once; any error names the file and line it came from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from nornir.core.inventory import Group, Host, Inventory
from pydantic import BaseModel, ValidationError

from egress.errors import InputError, Location, friendly, validation_messages
from egress.model.design import HostDesign, Site
from egress.model.intent import DesignError, DeviceIntent, FieldRef, Member, build_site_intents
from egress.model.yamlfile import line_of

SITE_KEY = "site"
M = TypeVar("M", bound=BaseModel)
_MAX_ERRORS = 6


@dataclass(frozen=True, slots=True)
class InventoryFiles:
    hosts: Path
    groups: Path

    @classmethod
    def in_dir(cls, inventory_dir: Path) -> InventoryFiles:
        return cls(hosts=inventory_dir / "hosts.yaml", groups=inventory_dir / "groups.yaml")


def site_groups(inventory: Inventory, files: InventoryFiles) -> dict[str, str]:
    """Every host's site group (the group holding its ``data.site``), in inventory order; a
    host in no site is bad input."""
    return {name: _site_group(host, files).name for name, host in inventory.hosts.items()}


def build_intents(
    inventory: Inventory,
    *,
    files: InventoryFiles,
    hosts: Iterable[str] | None = None,
    groups: dict[str, str] | None = None,
) -> dict[str, DeviceIntent]:
    """Validate the design of every site that ``hosts`` (default: all) belong to.

    ``groups`` is :func:`site_groups` if the caller has it already (each worker of a large
    run would otherwise walk every host's groups again)."""
    wanted = set(inventory.hosts) if hosts is None else set(hosts)
    site_group_of = site_groups(inventory, files) if groups is None else groups
    members: dict[str, list[Host]] = defaultdict(list)
    for name, host in inventory.hosts.items():
        members[site_group_of[name]].append(host)

    intents: dict[str, DeviceIntent] = {}
    needed_sites = {site_group_of[h] for h in wanted if h in site_group_of}
    for group_name in sorted(needed_sites):
        group = inventory.groups[group_name]
        site = _validate(
            Site,
            group.data[SITE_KEY],
            files.groups,
            [group_name, "data", SITE_KEY],
            host=", ".join(h.name for h in members[group_name]),
        )
        pair = [
            Member(
                name=h.name,
                platform=str(h.platform),
                design=_validate(HostDesign, h.data, files.hosts, [h.name, "data"], host=h.name),
            )
            for h in members[group_name]
        ]
        try:
            _check_ports_and_addresses(site, pair)
            site_intents = build_site_intents(site, pair)
        except DesignError as exc:
            raise _located(exc, files, group_name) from exc
        except InputError as exc:
            if exc.location.field and exc.location.field.startswith("site."):
                keys = [group_name, "data", SITE_KEY, *exc.location.field.split(".")[1:]]
                raise InputError(
                    exc.message,
                    location=Location(
                        file=files.groups,
                        line=line_of(files.groups, keys),
                        host=exc.location.host,
                        field=exc.location.field,
                    ),
                    hint=exc.hint,
                ) from exc
            raise
        intents.update({h: i for h, i in site_intents.items() if h in wanted})
    return intents


def _check_ports_and_addresses(site: Site, pair: list[Member]) -> None:
    """What no device of the pair could run: one port in two roles, an address used twice
    in the pair, an address that is its link's gateway or the LAN's virtual address."""
    special = {
        link.name: (str(link.gateway), "the gateway of link " + link.name) for link in site.links
    }
    special["lan"] = (str(site.lan.vip), "the LAN's VRRP virtual address")
    used: dict[str, tuple[str, str]] = {}
    for member in pair:
        ports: dict[str, str] = {}
        for role, assignment in member.design.interfaces.items():
            here = FieldRef(member.name, "host", ("data", "interfaces", role, "name"))
            if assignment.name in ports:
                raise DesignError(
                    f"port {assignment.name} plays two roles: {ports[assignment.name]} and {role}",
                    ref=here,
                    hint="give each role (lan, each link, ha) its own port",
                )
            ports[assignment.name] = role
            if assignment.address is None:
                continue
            address = str(assignment.address)
            at = FieldRef(member.name, "host", ("data", "interfaces", role, "address"))
            taken, what = special.get(role, ("", ""))
            if address == taken:
                raise DesignError(
                    f"{role} address {address} is {what}", ref=at, hint="use a host address"
                )
            if address in used:
                other_host, other_role = used[address]
                raise DesignError(
                    f"address {address} is used twice in the pair: {other_host} {other_role} "
                    f"and {member.name} {role}",
                    ref=at,
                    hint="each interface of the pair needs its own address",
                )
            used[address] = (member.name, role)


def _site_group(host: Host, files: InventoryFiles) -> Group:
    for group in host.extended_groups():
        if SITE_KEY in (group.data or {}):
            return group
    raise InputError(
        "host belongs to no site",
        location=Location(
            file=files.hosts, line=line_of(files.hosts, [host.name]), host=host.name, field="groups"
        ),
        hint="add the group that holds its site design (`data: {site: ...}`) to its groups",
    )


def _validate(model: type[M], data: Any, path: Path, keys: list[str], *, host: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = validation_messages(exc.errors())
        first_loc = [str(p) for p in errors[0]["loc"]]
        lines = []
        for err in errors[:_MAX_ERRORS]:
            loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
            line = line_of(path, [*keys, *err["loc"]])
            where = f"line {line}, " if line else ""
            lines.append(f"{where}{loc}: {friendly(err)}")
        more = len(errors) - _MAX_ERRORS
        if more > 0:
            lines.append(f"... and {more} more")
        prefix = "site." if keys[-1] == SITE_KEY else ""
        raise InputError(
            "invalid design:\n    " + "\n    ".join(lines),
            location=Location(
                file=path,
                line=line_of(path, [*keys, *errors[0]["loc"]]),
                host=host,
                field=prefix + ".".join(first_loc),
            ),
        ) from None


def _located(exc: DesignError, files: InventoryFiles, group_name: str) -> InputError:
    ref = exc.ref
    if ref.source == "site":
        path, keys = files.groups, [group_name, "data", SITE_KEY, *ref.path]
    else:
        path, keys = files.hosts, [ref.host, *ref.path]
    return InputError(
        exc.message,
        location=Location(
            file=path, line=line_of(path, keys), host=ref.host, field=exc.location.field
        ),
        hint=exc.hint,
    )
