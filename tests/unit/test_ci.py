"""CI runs what the README says, after the house's gates (ruff, ruff format, mypy)."""

from __future__ import annotations

from tests.conftest import REPO


def test_ci_runs_the_readmes_test_command_after_the_gates() -> None:
    lines = [line for line in (REPO / ".ci/run").read_text().splitlines() if line.strip()]
    readme = (REPO / "README.md").read_text()
    assert lines[-1] in readme and "pytest" in lines[-1]
    gates = [
        ".venv/bin/ruff check .",
        ".venv/bin/ruff format --check .",
        ".venv/bin/mypy egress napalm_fortios",
    ]
    assert all(gate in lines for gate in gates)
    assert max(lines.index(g) for g in gates) < len(lines) - 1
    assert "set -euo pipefail" in lines  # a failing gate stops CI
