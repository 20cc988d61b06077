"""Broken variants of the example inventory, declared as edits in tests/fixtures/lint/<id>/.

Each case directory holds a ``case.yaml``: the edits that break the example (exact text
replaced in a copy of inventory/ or templates/) and the findings the rule must produce. The
copy is made in a temporary directory, so forty rules never mean forty inventories.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from egress.lint.findings import Finding

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "lint"


@dataclass(frozen=True)
class Case:
    rule: str
    path: Path
    edits: tuple[dict[str, Any], ...]
    expect: frozenset[tuple[str, str, str, int | None]]  # (rule, host, file, line)


def load_cases() -> list[Case]:
    cases = []
    for directory in sorted(FIXTURES.iterdir()):
        spec_file = directory / "case.yaml"
        if not spec_file.is_file():
            continue
        spec = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
        rule = directory.name
        expect = frozenset(
            (str(e.get("rule", rule)), str(e["host"]), str(e["file"]), e.get("line"))
            for e in spec["expect"]
        )
        cases.append(Case(rule, directory, tuple(spec["edits"]), expect))
    return cases


def build_tree(root: Path, edits: tuple[dict[str, Any], ...] = ()) -> tuple[Path, Path]:
    """A copy of the example inventory and templates under ``root``, with ``edits`` applied."""
    inventory, templates = root / "inventory", root / "templates"
    shutil.copytree(REPO / "inventory", inventory)
    shutil.copytree(REPO / "templates", templates, ignore=shutil.ignore_patterns("parse"))
    for edit in edits:
        target = root / edit["file"]
        text = target.read_text(encoding="utf-8")
        old, count = edit["replace"], edit.get("count", 1)
        found = text.count(old)
        if found != count:
            raise AssertionError(f"{edit['file']}: {old!r} occurs {found}x, the case says {count}")
        target.write_text(text.replace(old, edit["with"]), encoding="utf-8")
    return inventory, templates


def observed(findings: tuple[Finding, ...], root: Path) -> set[tuple[str, str, str, int | None]]:
    """Findings as (rule, host, file, line); file is `config` or the inventory file's name."""
    seen = set()
    for f in findings:
        if f.file.parts[:2] == ("build", "configs"):
            where = "config"
        else:
            where = f.file.relative_to(root).as_posix()
        seen.add((f.rule, f.host, where, f.line))
    return seen
