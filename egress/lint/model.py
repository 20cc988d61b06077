"""What the rules look at: a device (its intent, rendered text and facts) and an HA pair."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from egress.lint.facts import ConfigFacts, Ref
from egress.lint.findings import Issue, Where
from egress.model.intent import DeviceIntent
from egress.model.sites import InventoryFiles
from egress.model.yamlfile import line_of
from egress.platforms import PLATFORMS, PlatformProfile

DEFAULT_CONFIG_DIR = Path("build/configs")


@dataclass(frozen=True, slots=True)
class DeviceView:
    intent: DeviceIntent
    text: str
    facts: ConfigFacts
    config_file: Path  # where `egress render` writes this host's config: findings point there
    files: InventoryFiles
    site_group: str  # the inventory group that holds the site design
    # looked up once per device: the rules read it ~5 times per device, each a registry call
    # (0.02 s of a worker's 5,000 devices)
    profile: PlatformProfile = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "profile", PLATFORMS[self.intent.platform])

    @property
    def host(self) -> str:
        return self.intent.host

    @property
    def platform(self) -> str:
        return self.intent.platform

    def at(self, line: int | None, message: str, hint: str = "") -> Issue:
        """An issue in this host's rendered configuration."""
        return Issue(self.host, Where(self.config_file, line), message, hint)

    def at_ref(self, ref: Ref, message: str, hint: str = "") -> Issue:
        return self.at(ref.line, message, hint)

    def in_hosts(self, keys: Sequence[str | int], message: str, hint: str = "") -> Issue:
        """An issue in this host's entry of hosts.yaml."""
        path = self.files.hosts
        return Issue(self.host, Where(path, line_of(path, [self.host, *keys])), message, hint)

    def in_site(self, keys: Sequence[str | int], message: str, hint: str = "") -> Issue:
        """An issue in the site design (groups.yaml) this host belongs to."""
        path = self.files.groups
        where = Where(path, line_of(path, [self.site_group, "data", "site", *keys]))
        return Issue(self.host, where, message, hint)


@dataclass(frozen=True, slots=True)
class Pair:
    primary: DeviceView
    secondary: DeviceView

    @property
    def site(self) -> str:
        return self.primary.intent.site

    @property
    def cluster(self) -> bool:
        ha = self.primary.intent.ha_sync
        return ha is not None and ha.form == "cluster"


def pairs(views: Sequence[DeviceView]) -> list[Pair]:
    """The HA pairs whose two members are both among ``views`` (a filter may split one)."""
    by_site: dict[str, dict[str, DeviceView]] = {}
    for view in views:
        by_site.setdefault(view.intent.site, {})[view.intent.role] = view
    return [
        Pair(members["primary"], members["secondary"])
        for _, members in sorted(by_site.items())
        if "primary" in members and "secondary" in members
    ]
