"""Every lint rule fires on its broken example, at the right host and line, and alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from egress.lint.registry import all_rules
from egress.lint.run import lint_inventory
from egress.render import default_templates_dir
from tests.unit.lint.cases import FIXTURES, REPO, Case, build_tree, load_cases, observed

CASES = load_cases()


def test_the_example_inventory_lints_clean() -> None:
    result = lint_inventory(REPO / "inventory", templates_dir=default_templates_dir())
    assert [f"{f.rule} {f.host} {f.location}: {f.message}" for f in result.findings] == []
    assert result.exit_code == 0
    assert len(result.hosts) == 12


def test_every_rule_has_a_broken_case_and_every_case_a_rule() -> None:
    cases = {c.rule for c in CASES}
    rules = set(all_rules())
    assert rules - cases == set(), f"rules without a case under {FIXTURES}"
    assert cases - rules == set(), "cases for rules that are not registered"


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_rule_fires_alone(case: Case, tmp_path: Path) -> None:
    inventory, templates = build_tree(tmp_path, case.edits)
    result = lint_inventory(inventory, templates_dir=templates)
    got = observed(result.findings, tmp_path)
    assert case.expect, "a case must expect at least one finding"
    assert got - case.expect == set(), "unexpected findings (another rule fired, or elsewhere)"
    assert case.expect - got == set(), "expected findings missing"
    for finding in result.findings:
        assert finding.message and finding.hint, finding
        assert finding.severity is all_rules()[case.rule].severity
    assert result.exit_code == (1 if case.rule.startswith("E") else 0)
