"""Running the registered rules over devices, pairs and the whole inventory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from egress.lint.findings import Finding, Issue, sort_key
from egress.lint.model import DeviceView, pairs
from egress.lint.registry import Rule, Scope, all_rules


def run_rules(
    views: Sequence[DeviceView], *, rules: Iterable[Rule] | None = None
) -> list[Finding]:
    """Every finding of ``rules`` (default: all registered) over ``views``, sorted by host."""
    selected = list(rules) if rules is not None else list(all_rules().values())
    findings: list[Finding] = []
    site_pairs = pairs(views)
    for rule in selected:
        subjects: Sequence[object]
        if rule.scope is Scope.DEVICE:
            subjects = [v for v in views if rule.applies_to(v.platform)]
        elif rule.scope is Scope.PAIR:
            subjects = site_pairs
        else:
            subjects = [views]
        for subject in subjects:
            findings.extend(_finding(rule, issue) for issue in rule.check(subject))
    return sorted(set(findings), key=sort_key)


def _finding(rule: Rule, issue: Issue) -> Finding:
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        title=rule.title,
        host=issue.host,
        file=issue.where.file,
        line=issue.where.line,
        message=issue.message,
        hint=issue.hint,
    )
