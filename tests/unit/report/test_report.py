"""The change-window report from a change directory: what it says, in every format, with
every planted secret gone."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egress.cli import app
from egress.report import write_report
from tests.unit.report.fixtures import SECRETS, plant


@pytest.fixture
def written(tmp_path: Path) -> dict[str, str]:
    change = plant(tmp_path)
    paths = write_report(change.root)
    return {p.suffix: p.read_text() for p in paths}


@pytest.mark.parametrize("suffix", [".html", ".md", ".json"])
def test_no_planted_secret_survives_in_any_format(written: dict[str, str], suffix: str) -> None:
    text = written[suffix]
    left = [s for s in SECRETS if s in text]
    assert not left, f"secrets in report{suffix}: {left}"
    assert "redacted" in text


def test_the_html_is_self_contained_and_escaped(written: dict[str, str]) -> None:
    html = written[".html"]
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html), "an external asset"
    assert "<style>" in html
    # device text is escaped: a redaction marker is text, never a tag
    assert "&lt;redacted&gt;" in html and "<redacted>" not in html


def test_the_report_says_who_was_rolled_back_and_why(written: dict[str, str]) -> None:
    data = json.loads(written[".json"])
    rolled = [d for d in data["devices"] if d["rolled_back"]]
    assert [d["host"] for d in rolled] == ["nyc-srx-02"]
    assert "restored by device rollback" in rolled[0]["rollback_reason"]
    assert data["counts"]["rolled back"] == 1 and data["counts"]["changed"] == 1
    assert data["counts"]["not run"] == 1
    assert "nyc-srx-02" in written[".md"].split("## Rolled back")[1].split("##")[0]


def test_validation_deltas_and_rollback_plan(written: dict[str, str]) -> None:
    data = json.loads(written[".json"])
    ams = next(d for d in data["devices"] if d["host"] == "ams-edge-02")
    assert [(x["subject"], x["before"], x["after"], x["verdict"]) for x in ams["deltas"]] == [
        ("vrrp 10 on Gi2", "Init", "Master", "fixed")
    ]
    assert ams["rollback_command"].startswith("egress rollback --change CHG-42-")
    assert ams["rollback_command"].endswith("--hosts ams-edge-02")
    assert "hostname ams-edge-02" in ams["pre_cfg"]
    assert [f["rule"] for f in ams["risks"]] == ["SEC001"]
    assert "lint not run" not in written[".html"]


def test_a_dry_run_report_is_the_boards_preview(tmp_path: Path) -> None:
    change = plant(tmp_path, dry_run=True)
    (change.root / "lint.json").unlink()
    html = write_report(change.root)[0].read_text()
    assert "Preview for the change board" in html
    assert "lint not run" in html


def test_egress_report_rebuilds_from_the_change_directory(tmp_path: Path) -> None:
    change = plant(tmp_path)
    result = CliRunner().invoke(
        app, ["report", change.change_id, "--changes-dir", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert (change.root / "report.html").exists() and (change.root / "report.md").exists()
    missing = CliRunner().invoke(app, ["report", "nope", "--changes-dir", str(tmp_path)])
    assert missing.exit_code == 2


def test_the_change_directory_itself_keeps_no_planted_secret(tmp_path: Path) -> None:
    """Everything written through ChangeDir is redacted (lint.json is planted raw on purpose:
    the report must not trust its inputs), yet the backups still restore exactly."""
    from egress.change.changes import PRE
    from tests.unit.report.fixtures import IOS_PRE

    change = plant(tmp_path)
    for path in sorted(change.root.rglob("*")):
        if path.is_file() and path.name != "lint.json":
            left = [s for s in SECRETS if s in path.read_text()]
            assert not left, f"secrets in {path.relative_to(change.root)}: {left}"
    assert "<secret:" in (change.root / "ams-edge-02" / PRE).read_text()
    assert change.verified_backup("ams-edge-02") == IOS_PRE


def test_the_header_is_what_the_change_board_asks_for(written: dict[str, str]) -> None:
    html, markdown = written[".html"], written[".md"]
    for text in (html, markdown):
        assert "CHG-42" in text and "Mary Major (CAB)" in text and "jdoe" in text
        assert "2026-11-26 12:00-13:00 UTC" in text
        assert "LAB" in text
    assert 'class="env env-lab"' in html
    # whole seconds, in UTC, never microseconds
    assert "2026-11-26 12:00:00 UTC" in html
    assert not re.search(r"\d\d:\d\d:\d\d\.\d{6}", html + markdown)
    # a table of contents linking every device, every device collapsed (no script needed)
    toc = html.split('id="toc"')[1].split("</nav>")[0]
    for host in ("ams-edge-02", "nyc-srx-02", "syd-fgt-02"):
        assert f'href="#dev-{host}"' in toc
    assert re.findall(r'<details class="device" id="dev-[^"]+">', html)
    assert '<details class="device" id="dev-ams-edge-02" open' not in html


def test_expected_impact_per_site_from_the_ha_waves() -> None:
    from egress.report import collect

    with tempfile.TemporaryDirectory() as tmp:
        report = collect(plant(Path(tmp) / "changes").root)
    impact = {i.site: i for i in report.impact}
    assert impact["ams"].members == "ams-edge-02 (secondary), then ams-edge-01 (primary)"
    assert "may move to ams-edge-02" in impact["ams"].effect
    # commit 6 + verify 1 + post-checks 4 + confirm 1, as measured
    assert (impact["ams"].exposure_s, impact["ams"].basis) == (12.0, "measured")
    assert "config sync" in impact["nyc"].effect and impact["nyc"].exposure_s == 9.0
    assert "no role change expected" in impact["syd"].effect
    # back-out: primaries first (slowest 2 + 9 s), then secondaries (slowest 1 + 5 s)
    assert report.backout is not None
    assert report.backout.waves == [["ams-edge-01", "nyc-srx-01"], ["ams-edge-02", "syd-fgt-02"]]
    assert report.backout.estimate_s == 17.0
    assert report.backout.basis.startswith("from this change's measured")


def test_a_feature_absent_before_and_present_after_is_one_subject_not_gone() -> None:
    # pre: the HA group is absent (one check named after it); post: present, three checks
    # named below it. Issue 13: this showed a red "gone" beside three "new" rows.
    from egress.report.data import CheckRow, Table, _deltas

    group = "ha group 2 (sync-pair)"
    pre = Table("pre", [CheckRow("ha_sync", group, "present", "absent", False)])
    post = Table(
        "post",
        [
            CheckRow("ha_sync", f"{group} session sync", "on", "on", True),
            CheckRow("ha_sync", f"{group} in sync", "in sync", "in sync", True),
            CheckRow("ha_sync", f"{group} role", "Primary", "Primary", True),
        ],
    )
    deltas = _deltas(pre, post)
    assert [(d.subject, d.before, d.after, d.verdict) for d in deltas] == [
        (group, "absent", "present, 3 checks pass", "fixed")
    ]
    # and the other way round: a group that disappears is broken, named once
    (back,) = _deltas(post, pre)
    assert (back.subject, back.before, back.after, back.verdict) == (
        group,
        "present, 3 checks pass",
        "absent",
        "broken",
    )
