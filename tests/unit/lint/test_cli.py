"""`egress lint`: exit codes, output files, host filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egress.cli import app
from egress.errors import InputError
from egress.lint.run import lint_inventory
from tests.unit.lint.cases import REPO, build_tree, load_cases

runner = CliRunner()


def _lint(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["lint", *args])
    return result.exit_code, result.output


def test_clean_example_exits_0_and_writes_nothing_to_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = _lint("-i", str(REPO / "inventory"))
    assert code == 0, output
    assert "0 errors, 0 warnings" in output
    assert not (tmp_path / "build").exists()


def test_errors_exit_1_and_the_text_report_groups_by_host(tmp_path: Path) -> None:
    case = next(c for c in load_cases() if c.rule == "E203")
    inventory, templates = build_tree(tmp_path, case.edits)
    code, output = _lint("-i", str(inventory), "--templates", str(templates))
    assert code == 1
    assert "syd-fgt-02" in output and "E203 error" in output
    assert "build/configs/syd-fgt-02.cfg:90" in output
    assert "hint:" in output and "rendered by" in output


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    case = next(c for c in load_cases() if c.rule == "W605")
    inventory, templates = build_tree(tmp_path, case.edits)
    code, output = _lint("-i", str(inventory), "--templates", str(templates))
    assert code == 0, output
    assert "W605 warning" in output


def test_bad_input_exits_2(tmp_path: Path) -> None:
    code, output = _lint("-i", str(tmp_path / "nowhere"))
    assert code == 2
    code, output = _lint("-i", str(REPO / "inventory"), "--platform", "nxos")
    assert code == 2 and "unknown platform" in output


def test_formats_to_files_and_host_filter(tmp_path: Path) -> None:
    case = next(c for c in load_cases() if c.rule == "E702")
    inventory, templates = build_tree(tmp_path, case.edits)
    report = tmp_path / "out" / "lint.json"
    code, _ = _lint(
        "-i",
        str(inventory),
        "--templates",
        str(templates),
        "--format",
        "json",
        "--output",
        str(report),
        "--hosts",
        "syd-fgt-02",
    )
    assert code == 1
    data = json.loads(report.read_text())
    assert data["hosts"] == ["syd-fgt-02"]
    # the pair rule still saw the peer, but only the selected host is reported
    assert {(f["rule"], f["host"]) for f in data["findings"]} == {("E702", "syd-fgt-02")}
    for fmt in ("junit", "sarif", "text"):
        out = tmp_path / f"lint.{fmt}"
        code, _ = _lint(
            "-i",
            str(inventory),
            "--templates",
            str(templates),
            "--format",
            fmt,
            "-o",
            str(out),
            "--group",
            "site_syd",
        )
        assert code == 1 and out.read_text().strip()


def test_worker_processes_find_the_same_as_one(tmp_path: Path) -> None:
    by_rule = {c.rule: c for c in load_cases()}
    edits = by_rule["E203"].edits + by_rule["E903"].edits + by_rule["E902"].edits
    inventory, templates = build_tree(tmp_path, edits)
    one = lint_inventory(inventory, templates_dir=templates, workers=1)
    three = lint_inventory(inventory, templates_dir=templates, workers=3)
    assert one.findings == three.findings
    assert {f.rule for f in one.findings} == {"E203", "E903", "E902"}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_template_error_is_bad_input(tmp_path: Path, workers: int) -> None:
    edits = (
        {
            "file": "templates/junos/vrrp.j2",
            "replace": "{{ group.vip }}",
            "with": "{{ group.colour }}",
        },
    )
    inventory, templates = build_tree(tmp_path, edits)
    with pytest.raises(InputError) as caught:
        lint_inventory(inventory, templates_dir=templates, workers=workers)
    assert caught.value.exit_code == 2
    assert caught.value.location.file is not None
    assert caught.value.location.file.name == "vrrp.j2"
