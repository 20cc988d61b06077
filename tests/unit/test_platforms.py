"""The platform registry: every registered platform is complete, and a new platform touches
only its folder, its templates and the inventory (a toy one, registered from a test folder,
renders, lints and parses)."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from egress.lint.batch import check_intents
from egress.lint.config import PARSERS
from egress.lint.registry import all_rules
from egress.model.intent import FEATURES
from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles, build_intents
from egress.parse import parse_output
from egress.parse import registry as parse_registry
from egress.parse.registry import lookup
from egress.parse.schema import Bfd
from egress.platforms import PLATFORMS, PlatformProfile
from egress.render import render_device
from tests.conftest import EXAMPLE_INVENTORY, TEMPLATES
from tests.unit import toy_platform

TOY_TEMPLATES = Path(toy_platform.__file__).parent / "templates"
# the features validate proves (egress/validate.py COMMANDS): each platform names a command
# for each, or None where no command proves it
VALIDATED = {"vrrp", "bfd", "probes", "routing", "pbr", "ha_sync"}
# fields a platform may leave unset: the forms and numbers only some platforms have
MAY_BE_UNSET = {
    "cluster_interface_format",
    "bgp_local_as",
    "confirm_timer",  # set exactly where egress deploys (checked below)
    "pbr_input_filter_unit",
    "volatile_lines",
    "supporting_commands",
    "unsupported_features",
    "session_options",  # driver options a platform's sessions always get, where needed
    "change_seconds",  # a first guess for the order sites start in (None: the others' mean)
}


@pytest.fixture
def toy() -> Iterator[PlatformProfile]:
    PLATFORMS.register(toy_platform.PROFILE, toy_platform.__name__)
    parse_registry.refresh()
    try:
        yield toy_platform.PROFILE
    finally:
        PLATFORMS.unregister("toy")
        parse_registry.refresh()


def _complete(slug: str, templates: Path) -> list[str]:
    profile = PLATFORMS[slug]
    problems = []
    for field in dataclasses.fields(PlatformProfile):
        value = getattr(profile, field.name)
        if field.name not in MAY_BE_UNSET and value in (None, "", (), frozenset(), {}):
            problems.append(f"{slug}: {field.name} is not set")
    if profile.default_release and (
        profile.release_train(profile.default_release) not in profile.release_trains
    ):
        problems.append(f"{slug}: default release {profile.default_release} in no train")
    unknown_hashing = profile.hashing - set(profile.hash_knobs.values())
    if unknown_hashing:
        problems.append(f"{slug}: no hash knob renders {sorted(h.value for h in unknown_hashing)}")
    if set(profile.validate_commands) != VALIDATED:
        problems.append(f"{slug}: validate commands for {sorted(profile.validate_commands)}")
    deploys = PLATFORMS.has_module(slug, "remediate")
    if deploys != (profile.confirm_timer is not None):
        problems.append(f"{slug}: deployed ({deploys}) but confirm timer {profile.confirm_timer}")
    if not (templates / slug / "main.j2").is_file():
        problems.append(f"{slug}: no {slug}/main.j2")
    for feature in FEATURES:
        supported = feature not in profile.unsupported_features
        if supported and not (templates / slug / f"{feature}.j2").is_file():
            problems.append(f"{slug}: no template for {feature} (nor declared unsupported)")
    commands = [c for c in profile.validate_commands.values() if c] + [
        c for cs in profile.supporting_commands.values() for c in cs
    ]
    for command in commands:
        try:
            lookup(platform=slug, command=command)
        except Exception as exc:  # noqa: BLE001 - reported as a problem of the platform
            problems.append(f"{slug}: no parser for {command!r}: {exc}")
    for part in ("config", "lint"):
        if not PLATFORMS.has_module(slug, part):
            problems.append(f"{slug}: no {part}.py in its folder")
    return problems


@pytest.mark.parametrize("slug", list(PLATFORMS))
def test_every_registered_platform_is_complete(slug: str) -> None:
    assert _complete(slug, TEMPLATES) == []


def test_the_shipped_platforms_are_registered_by_entry_point_in_their_order() -> None:
    assert list(PLATFORMS)[:4] == ["ios", "junos", "fortios", "frr"]
    assert PLATFORMS.module("junos", "config").__name__ == "egress.platforms.junos.config"


def _toy_inventory(tmp_path: Path) -> Path:
    """The example inventory with Amsterdam's pair on the toy platform."""
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE_INVENTORY, inventory)
    hosts = inventory / "hosts.yaml"
    text = hosts.read_text().replace("[site_ams, ios]", "[site_ams, toy]")
    hosts.write_text(text.replace('os_release: "17.6.5"', 'os_release: "1.0.2"'))
    groups = inventory / "groups.yaml"
    groups.write_text(groups.read_text() + "\ntoy:\n  platform: toy\n")
    return inventory


def test_a_toy_platform_from_its_own_folder_renders_lints_and_parses(
    toy: PlatformProfile, tmp_path: Path
) -> None:
    assert _complete("toy", TOY_TEMPLATES) == []
    inventory = _toy_inventory(tmp_path)
    nornir = load_nornir(inventory)
    intents = build_intents(nornir.inventory, files=InventoryFiles.in_dir(inventory))
    ams = {h: i for h, i in intents.items() if i.platform == "toy"}
    assert sorted(ams) == ["ams-edge-01", "ams-edge-02"]
    primary = ams["ams-edge-01"]

    text = render_device(primary, templates_dir=TOY_TEMPLATES)
    assert "interface GigabitEthernet2 10.10.0.2/24" in text
    peers = [p.address for p in primary.bfd.peers]
    assert peers and all(f"bfd peer {p} " in text for p in peers)
    facts = PARSERS["toy"](text)
    assert facts.problems == [] and len(facts.bfd) == len(peers)

    # BFD rules that need no routing (the toy renders none: E304 would say so)
    rules = [all_rules()[r] for r in ("E301", "E302", "E305")]

    def lint(config_dir: Path) -> list[str]:
        findings = check_intents(
            ams,
            rules=rules,
            templates_dir=config_dir,
            files=InventoryFiles.in_dir(inventory),
            site_groups={h: "site_ams" for h in ams},
            config_dir=tmp_path / "configs",
        )
        return [f"{f.rule} {f.host} {f.message}" for f in findings]

    assert lint(TOY_TEMPLATES) == []
    # a toy template that drops the BFD session of the first uplink is caught by lint
    broken = tmp_path / "broken"
    shutil.copytree(TOY_TEMPLATES, broken)
    bfd = broken / "toy" / "bfd.j2"
    bfd.write_text(bfd.read_text().replace("device.bfd.peers", "device.bfd.peers[1:]"))
    found = lint(broken)
    assert found and all(f.startswith("E305 ") and peers[0] in f for f in found)

    records = parse_output(platform="toy", command="show bfd", text=f"{peers[0]} Up\n")
    assert records == [Bfd(peer=peers[0], state="Up")]


def test_the_toy_is_gone_once_unregistered() -> None:
    assert "toy" not in PLATFORMS


def test_builtin_platforms_are_the_entry_points_this_package_declares() -> None:
    """The registry imports a built-in platform without the entry-point scan (issue 18):
    its table must name exactly the platforms pyproject.toml registers."""
    from importlib.metadata import entry_points

    from egress.platforms import BUILTIN

    declared = {
        e.name: e.module
        for e in entry_points(group="egress.platforms")
        if e.module.startswith("egress.")
    }
    assert declared == BUILTIN


def test_a_builtin_platform_is_found_without_the_scan() -> None:
    """A fresh registry gives a built-in profile and its modules without reading every
    installed distribution's entry points; an unknown name still reads them."""
    from egress.platforms import _Registry

    registry = _Registry()
    assert registry["ios"] is PLATFORMS["ios"]
    assert registry.has_module("ios", "parsers")
    assert registry._profiles is None  # not scanned
    assert "nosuch" not in registry
    assert registry._profiles is not None  # the unknown name was looked for in the scan
