"""egress lint: the CI gate for rendered configs and the HA design.

Rules (egress.lint.rules, registered in egress.lint.registry) read the intent and the
rendered config parsed back into neutral facts (egress.lint.config); the engine runs them per
device, per HA pair and over the whole inventory.
"""

from __future__ import annotations

from egress.lint.findings import Finding, Severity
from egress.lint.run import LintResult, lint_inventory

__all__ = ["Finding", "LintResult", "Severity", "lint_inventory"]
