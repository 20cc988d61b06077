"""Inventory-wide rules at fleet scale: collected in the workers, judged once, unchanged."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from egress.errors import InputError
from egress.lint import engine
from egress.lint.rules import security
from egress.lint.run import lint_inventory
from tests.unit.lint.cases import build_tree, load_cases


@pytest.mark.parametrize("aside", [False, True], ids=["judged-here", "judged-aside"])
@pytest.mark.parametrize(
    "spelling",
    [
        "{secret: cisco123}",  # the plain key: found by the cheap text check
        '{"s\\x65cret": cisco123}',  # an escape spells the key: no stem in the raw text
        "{pre-shared-key: cisco123}",  # no "shared" stem needed: it holds "key"
    ],
)
def test_an_inventory_secret_is_found_however_its_key_is_written(
    tmp_path: Path, spelling: str, aside: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # judged aside: in the process FilesJudge forks at fleet scale (any size here)
    monkeypatch.setattr(engine, "ASIDE_MIN_BYTES", 0 if aside else 1 << 40)
    edit = {
        "file": "inventory/groups.yaml",
        "replace": "ios:\n  platform: ios\n",
        "with": "ios:\n  platform: ios\n  connection_options:\n    napalm:\n      extras:\n"
        f"        optional_args: {spelling}\n",
    }
    inventory, templates = build_tree(tmp_path, (edit,))
    result = lint_inventory(inventory, templates_dir=templates)
    assert {(f.rule, f.host, f.file.name, f.line) for f in result.findings} == {
        ("E802", "ios", "groups.yaml", 9)
    }


def test_the_inventory_rules_judge_in_inventory_order_whatever_the_workers(
    tmp_path: Path,
) -> None:
    # E902 reports the later of two overlapping segments: the order the items are judged in
    # must be the single process's, however the sites were split
    by_rule = {c.rule: c for c in load_cases()}
    inventory, templates = build_tree(tmp_path, by_rule["E902"].edits)
    one = lint_inventory(inventory, templates_dir=templates, workers=1)
    for workers in (2, 3, 5):
        assert lint_inventory(inventory, templates_dir=templates, workers=workers) == one
    assert [f.rule for f in one.findings] == ["E902"] * len(one.findings) != []


def test_a_run_that_fails_leaves_no_process_judging_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "ASIDE_MIN_BYTES", 0)
    inventory, templates = build_tree(tmp_path, ())
    with pytest.raises(InputError, match="unknown host"):
        lint_inventory(inventory, templates_dir=templates, hosts="no-such-host")
    assert multiprocessing.active_children() == []


def test_an_error_judging_the_files_aside_is_raised_in_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "ASIDE_MIN_BYTES", 0)

    def broken(path: Path) -> bool:
        raise PermissionError(f"{path}: cannot read")

    monkeypatch.setattr(security, "_may_hold_secrets", broken)
    inventory, templates = build_tree(tmp_path, ())
    with pytest.raises(PermissionError, match="cannot read"):
        lint_inventory(inventory, templates_dir=templates)
    assert multiprocessing.active_children() == []
