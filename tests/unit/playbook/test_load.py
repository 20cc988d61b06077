"""Playbooks are data: the shipped ones load, and every malformed one is refused before any
device is contacted, naming the file and the line (exit 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import egress.commands.run as run_module
from egress.cli import app
from egress.errors import InputError
from egress.playbook import prepare
from tests.conftest import EXAMPLE_INVENTORY, REPO

PLAYBOOKS = REPO / "playbooks"
SHIPPED = ("rollout", "bfd-timers", "add-probe", "voice-to-isp1")

GOOD = """\
name: test
change_id: CHG-1
targets:
  groups: [site_ams]
steps: [render, lint, backup, diff, commit, validate, confirm, rollback, report]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "playbook.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", SHIPPED)
def test_the_shipped_playbooks_resolve_against_the_example_inventory(name: str) -> None:
    prepared = prepare(PLAYBOOKS / f"{name}.yaml", inventory=EXAMPLE_INVENTORY, lab_state=None)
    assert prepared.batches and prepared.intents
    placed = [h for b in prepared.batches for h in b.hosts]
    assert sorted(placed) == sorted(prepared.intents)


def test_the_drill_needs_the_lab_for_its_link_cut() -> None:
    with pytest.raises(InputError) as caught:
        prepare(PLAYBOOKS / "failover-drill.yaml", inventory=EXAMPLE_INVENTORY, lab_state=None)
    assert "only supported in the lab" in caught.value.message
    assert caught.value.location.line is not None


def test_bfd_override_changes_only_the_named_sites() -> None:
    prepared = prepare(PLAYBOOKS / "bfd-timers.yaml", inventory=EXAMPLE_INVENTORY, lab_state=None)
    assert {i.bfd.interval_ms for i in prepared.intents.values()} == {150}
    assert set(prepared.overridden) == {"site_fra", "site_sin"}
    # the files are untouched: a fresh load still has the inventory's timers
    again = prepare(PLAYBOOKS / "rollout.yaml", inventory=EXAMPLE_INVENTORY, lab_state=None)
    assert again.intents["fra-edge-01"].bfd.interval_ms == 100


def test_add_probe_appends_and_voice_moves() -> None:
    probe = prepare(PLAYBOOKS / "add-probe.yaml", inventory=EXAMPLE_INVENTORY, lab_state=None)
    assert [p.name for p in probe.intents["ams-edge-01"].probes][-1] == "isp1-web"
    voice = prepare(PLAYBOOKS / "voice-to-isp1.yaml", inventory=EXAMPLE_INVENTORY, lab_state=None)
    for intent in voice.intents.values():
        assert intent.pbr is not None and {r.link for r in intent.pbr.rules} == {"isp1"}


BAD = {
    "unknown-key": (
        GOOD.replace("change_id: CHG-1\n", "change_id: CHG-1\ncolour: blue\n"),
        3,
        "unknown key",
    ),
    "unknown-step": (
        GOOD.replace(
            "steps: [render, lint, backup, diff, commit, validate, confirm, rollback, report]",
            "steps:\n  - render\n  - lnit\n  - report",
        ),
        7,
        "unknown step 'lnit'",
    ),
    "unknown-host": (
        GOOD.replace("groups: [site_ams]", "hosts:\n    - ams-edge-01\n    - ams-edge-99"),
        6,
        "unknown host 'ams-edge-99'",
    ),
    "unknown-group": (
        GOOD.replace("[site_ams]", "[site_ams, site_mars]"),
        4,
        "unknown group 'site_mars'",
    ),
    "unknown-platform": (
        GOOD.replace("groups: [site_ams]", "platforms: [eos]"),
        4,
        "unknown platform 'eos'",
    ),
    "commit-without-confirm": (GOOD.replace(" confirm,", ""), 1, "commit needs confirm"),
    "validate-option-typo": (
        GOOD.replace("validate,", "validate: {expect_failovr: [x]},"),
        5,
        "unknown key",
    ),
    "canary-not-targeted": (
        GOOD.replace("targets:", "batches: {canary: [fra]}\ntargets:"),
        3,
        "canary site 'fra' is not among the targeted sites",
    ),
    "bad-override": (
        GOOD.replace(
            "steps:",
            "design:\n  - sites: [ams]\n    set:\n"
            "      bfd: {interval_ms: 0, multiplier: 3}\nsteps:",
        ),
        8,
        "makes site 'ams' invalid",
    ),
    # a mistyped key inside an override is an unknown key, not "the right key is missing"
    "override-key-typo": (
        GOOD.replace(
            "steps:",
            "design:\n  - sites: [ams]\n    set:\n"
            "      bfd: {intervl_ms: 150, multiplier: 3}\nsteps:",
        ),
        8,
        "bfd.intervl_ms: unknown key",
    ),
    "override-unknown-site": (
        GOOD.replace(
            "steps:",
            "design:\n  - sites: [ams, mars]\n"
            "    set: {bfd: {interval_ms: 300, multiplier: 3}}\n"
            "steps:",
        ),
        6,
        "unknown site 'mars'",
    ),
    "override-the-platform-cannot-render": (
        GOOD.replace("site_ams", "site_syd").replace(
            "steps:", "design:\n  - sites: [syd]\n    set: {hashing: five-tuple}\nsteps:"
        ),
        7,
        "FortiOS cannot hash ECMP by five-tuple",
    ),
    "rollback-policy-without-step": (
        GOOD.replace(" rollback,", "") + "rollback: all\n",
        1,
        "needs the rollback step",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_malformed_playbook_names_file_and_line(tmp_path: Path, case: str) -> None:
    text, line, message = BAD[case]
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        prepare(path, inventory=EXAMPLE_INVENTORY, lab_state=None)
    error = caught.value
    assert error.exit_code == 2
    assert message in error.message, error.message
    assert error.location.file == path
    assert error.location.line == line, (error.location, text)


def _no_device(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("a device connection was prepared for a malformed playbook")


@pytest.mark.parametrize("case", ["unknown-key", "unknown-step", "unknown-host"])
def test_the_cli_exits_2_before_contacting_any_device(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run_module, "use_devices", _no_device)
    monkeypatch.setattr(run_module, "use_lab", _no_device)
    text, line, message = BAD[case]
    path = write(tmp_path, text)
    changes = tmp_path / "changes"
    result = CliRunner().invoke(
        app,
        ["run", str(path), "-i", str(EXAMPLE_INVENTORY), "--changes-dir", str(changes), "--yes"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 2, result.output
    assert re.search(rf"{re.escape(str(path))}:{line}\b", result.output), result.output
    assert message in result.output
    assert not changes.exists(), "a change directory was created for bad input"


def test_a_confirm_timer_the_platform_cannot_arm_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run_module, "use_devices", _no_device)
    path = write(tmp_path, GOOD + "confirm_s: 90\n")  # IOS-XE counts whole minutes
    result = CliRunner().invoke(
        app, ["run", str(path), "-i", str(EXAMPLE_INVENTORY)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 2
    assert f"{path}:6" in result.output and "confirm_s 90" in result.output
