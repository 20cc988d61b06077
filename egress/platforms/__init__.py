"""The platform registry and the profile type: what each platform can express and its defaults,
as data (never `if platform == ...`). Each platform is one folder, ``egress/platforms/<slug>/``."""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Generic, TypeVar

from egress.model.words import HaForm, Hashing


@dataclass(frozen=True, slots=True)
class TimerRule:
    """What a platform's own confirm timer can be armed to (egress/rollout/confirm.py)."""

    low: int
    high: int
    step: int
    source: str  # where the platform's range comes from

    def allows(self, seconds: int) -> bool:
        return self.low <= seconds <= self.high and seconds % self.step == 0

    def describe(self) -> str:
        unit = "" if self.step == 1 else f" in steps of {self.step}"
        return f"{self.low}..{self.high} s{unit} ({self.source})"


@dataclass(frozen=True, slots=True)
class PlatformProfile:
    slug: str
    vendor: str
    napalm_driver: str
    hashing: frozenset[Hashing]
    ha_forms: frozenset[HaForm]
    # administrative distance / preference of the default route on the primary (or every
    # load-sharing) link, and on a backup link in active-standby
    route_distance: int
    backup_route_distance: int
    bfd_min_interval_ms: int
    vrrp_priority_primary: int = 110
    vrrp_priority_secondary: int = 100
    ha_priority_primary: int = 200
    ha_priority_secondary: int = 100
    # A sync pair's HA group tracks what VRRP tracks plus the LAN port, so its role moves with
    # the LAN gateway (IOS-XE redundancy group `track N decrement`): in a failover drill the
    # peer must own the group. False where sync-pair members have no roles (FortiOS FGSP).
    sync_pair_role_follows_lan: bool = False
    # how a shared-config cluster names its logical interface number N (SRX reth)
    cluster_interface_format: str | None = None
    # a zone-based firewall in flow mode (SRX): an interface outside every security zone
    # drops all traffic, and one in a zone accepts only the host-inbound traffic its zone
    # allows, so the intent binds each interface and opens what egress's protocols need
    security_zones: bool = False
    # how the logical unit egress configures on interface NAME is named (Junos: unit 0)
    unit_format: str = "{name}"
    # OS release trains (major.minor) whose show output egress reads, and the release a
    # device runs when its inventory names none (HostDesign.os_release)
    release_trains: tuple[str, ...] = ()
    default_release: str = ""

    def release_train(self, release: str) -> str:
        """The major.minor train of a release: "17.9.4a" -> "17.9", "v7.2.8" -> "7.2",
        "21.4R3-S5.4" -> "21.4"."""
        match = re.match(r"v?(\d+)\.(\d+)", release)
        return f"{int(match.group(1))}.{int(match.group(2))}" if match else release

    # source NAT to pools announced by eBGP (design `nat`); elsewhere NAT is the security team's
    nat_pools: bool = False
    # the private AS (RFC 6996) a platform that reaches its ISPs by eBGP runs (FRR: BFD hangs
    # on BGP sessions because FRR 8.4 staticd has no BFD-tracked static routes)
    bgp_local_as: int | None = None
    # VRRP advertisement interval where the platform's rendering sets one (VRRPv3 centiseconds)
    vrrp_advert_ms: int = 1000
    # where the platform is listed among the others (error hints): the order they joined
    listed: int = 0
    # --- deploying -------------------------------------------------------------------------
    # how egress's NAPALM connection reaches it: "netconf" (PyEZ/ncclient) or "netmiko" (SSH
    # CLI); egress/devices/connection.py platform_options turns it into the driver's optional_args
    session: str = "netmiko"
    # driver optional_args the platform's sessions always get (its profile says why)
    session_options: dict[str, Any] = field(default_factory=dict)
    # first guess of the seconds one device's whole change takes (backup to confirm), for
    # the order sites start in only (egress/rollout/lanes.py), replaced by what the change
    # measures as soon as a wave of the kind has finished; from the lab (BENCHMARKS.md,
    # "The device path, second pass"). None: the mean of the others.
    change_seconds: float | None = None
    # a cluster synchronises to its members a setting the driver's session changes on open
    # and puts back on close (FortiOS FGCP: netmiko's `config system console` output mode):
    # a member's session is then not kept open while its primary's sessions come and go
    # (egress/rollout/clusters.py)
    cluster_syncs_session_settings: bool = False
    # the device's own confirm timer (None: egress never commits to it with a timer)
    confirm_timer: TimerRule | None = None
    # lines the device prints that say nothing about the configuration
    # (egress/devices/configtext.py)
    volatile_lines: tuple[re.Pattern[str], ...] = ()
    # the running-config form its remediation reads (napalm get_config ``format``), and
    # whether --replace loads the running config, as the device prints it, as its base
    running_format: str = "text"
    replace_on_running_text: bool = False
    # --- validating ------------------------------------------------------------------------
    # the show command that proves each feature (None: no command proves it)
    validate_commands: dict[str, str | None] = field(default_factory=dict)
    # commands whose records complete a feature's proof where its one command cannot
    supporting_commands: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the PBR proof lists where each policy is attached (an unlisted policy is not attached)
    pbr_attachment_listed: bool = False
    # policy routing is one input filter of this logical unit of the LAN (Junos FBF)
    pbr_input_filter_unit: int | None = None
    # --- rendering -----------------------------------------------------------------------
    # features (egress.model.intent FEATURES) the platform has no template for: egress renders
    # nothing for them there (every other feature has templates/<slug>/<feature>.j2)
    unsupported_features: frozenset[str] = frozenset()
    # --- linting -------------------------------------------------------------------------
    # BFD is configured per interface, the peer implied (FortiOS `config system interface`)
    bfd_per_interface: bool = False
    # a BFD session names the interface and gateway of the static route it guards (IOS
    # `ip route static bfd IF GW`): it guards a route only through that interface
    bfd_binds_route_interface: bool = False
    # the config reader lists every input filter a unit applies (Junos: lo0's protection
    # too), not only policy routes: an applied name that is no policy is not an error there
    pbr_applied_lists_every_filter: bool = False
    # lint's syntax rules: (rule id, problem kind its config reader reports, title)
    syntax_rules: tuple[tuple[str, str, str], ...] = ()
    # the rendered ECMP hash knob and the hashing it implements
    hash_knobs: dict[str, Hashing] = field(default_factory=dict)


class _Registry(Mapping[str, PlatformProfile]):
    """slug -> profile of every installed platform, found through the ``egress.platforms``
    entry-point group (nornir's plugin pattern) on first use: no engine imports a vendor
    module, and a new vendor is a new folder (plus its templates) registered in
    pyproject.toml."""

    def __init__(self) -> None:
        self._profiles: dict[str, PlatformProfile] | None = None
        self._packages: dict[str, str] = {}
        # built-in profiles imported one by one before the scan (see _one)
        self._builtin: dict[str, PlatformProfile] = {}

    def _loaded(self) -> dict[str, PlatformProfile]:
        if self._profiles is None:
            from importlib.metadata import entry_points  # ~12 ms of imports, then a scan

            profiles: dict[str, PlatformProfile] = {}
            for entry in entry_points(group=GROUP):
                profile = entry.load()
                profiles[profile.slug] = profile
                self._packages[profile.slug] = entry.module
            self._profiles = dict(sorted(profiles.items(), key=lambda p: p[1].listed))
        return self._profiles

    def _one(self, slug: str) -> PlatformProfile:
        """One platform's profile. A built-in one (BUILTIN: the entry points this package
        declares) is imported directly, without reading every installed distribution's
        entry points: `egress parse` names one platform and starts in under 0.15 s (issue
        18). Any other name, or once the registry was read whole, goes through the scan, so
        third-party platforms work as before."""
        if self._profiles is None and slug in BUILTIN:
            profile = self._builtin.get(slug)
            if profile is None:
                package = BUILTIN[slug]
                profile = importlib.import_module(package).PROFILE
                self._builtin[slug] = profile
                self._packages[slug] = package
            return profile
        return self._loaded()[slug]

    def _package(self, slug: str) -> str:
        self._one(slug)
        return self._packages[slug]

    def __getitem__(self, slug: str) -> PlatformProfile:
        return self._one(slug)

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def register(self, profile: PlatformProfile, package: str) -> None:
        """Add a platform whose folder is the package ``package`` (a test's toy platform)."""
        self._loaded()[profile.slug] = profile
        self._packages[profile.slug] = package

    def unregister(self, slug: str) -> None:
        self._loaded().pop(slug, None)
        self._packages.pop(slug, None)

    def module(self, slug: str, part: str) -> ModuleType:
        """The vendor's own module ``part`` (``config``, ``parse``, ``remediate``, ...)."""
        return importlib.import_module(f"{self._package(slug)}.{part}")

    def has_module(self, slug: str, part: str) -> bool:
        return importlib.util.find_spec(f"{self._package(slug)}.{part}") is not None


T = TypeVar("T")


class _Field(Mapping[str, T], Generic[T]):
    """platform -> one profile field, for the platforms where it is set (not None): the
    tables engines read (``TIMER_RULES``, ``COMMANDS``) as views of the profiles."""

    def __init__(self, registry: _Registry, name: str) -> None:
        self._registry = registry
        self._name = name

    def __getitem__(self, slug: str) -> T:
        value: Any = getattr(self._registry[slug], self._name)
        if value is None:
            raise KeyError(slug)
        return value  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        return (s for s in self._registry if getattr(self._registry[s], self._name) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def by_platform(name: str) -> Mapping[str, Any]:
    """One profile field of every platform (``by_platform("confirm_timer")``)."""
    return _Field(PLATFORMS, name)


GROUP = "egress.platforms"
# the platforms this package registers in GROUP (pyproject.toml, [project.entry-points]),
# slug -> package; tests/unit/test_platforms.py checks the two lists agree
BUILTIN: dict[str, str] = {
    "ios": "egress.platforms.ios",
    "junos": "egress.platforms.junos",
    "fortios": "egress.platforms.fortios",
    "frr": "egress.platforms.frr",
}
PLATFORMS = _Registry()


# When a platform lacks a hashing mode, the one that keeps the most of its intent.
NEAREST_HASHING: dict[Hashing, tuple[Hashing, ...]] = {
    Hashing.SOURCE_IP: (Hashing.SOURCE_DESTINATION_IP, Hashing.FIVE_TUPLE),
    Hashing.FIVE_TUPLE: (Hashing.SOURCE_DESTINATION_IP, Hashing.SOURCE_IP),
    Hashing.SOURCE_DESTINATION_IP: (Hashing.FIVE_TUPLE, Hashing.SOURCE_IP),
}

NEAREST_HA_FORM: dict[HaForm, HaForm] = {
    HaForm.CLUSTER: HaForm.SYNC_PAIR,
    HaForm.SYNC_PAIR: HaForm.CLUSTER,
}


def nearest_hashing(profile: PlatformProfile, wanted: Hashing) -> Hashing:
    return next(h for h in NEAREST_HASHING[wanted] if h in profile.hashing)
