"""Running the registered rules over devices, pairs and the whole inventory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from egress.lint.findings import Finding, Issue, sort_key
from egress.lint.model import DeviceView, pairs
from egress.lint.registry import Fleet, Rule, Scope, all_rules


def run_rules(views: Sequence[DeviceView], *, rules: Iterable[Rule] | None = None) -> list[Finding]:
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
            subjects = [fleet(rule, views)]
        for subject in subjects:
            findings.extend(_finding(rule, issue) for issue in rule.check(subject))
    return sorted(set(findings), key=sort_key)


def collected(rule: Rule, views: Iterable[DeviceView]) -> list[object]:
    """An inventory rule's per-device items (what a worker process sends back)."""
    return [item for view in views for item in rule.collect(view)] if rule.collect else []


def fleet(rule: Rule, views: Sequence[DeviceView]) -> Fleet:
    return Fleet(views[0].files if views else None, collected(rule, views))


def judge(rules: Iterable[Rule], fleets: dict[str, Fleet]) -> list[Finding]:
    """The inventory ``rules`` over what was collected from every device (``fleets``: rule
    id -> its Fleet), as :func:`run_rules` would find them over the same devices."""
    findings = [_finding(rule, issue) for rule in rules for issue in rule.check(fleets[rule.id])]
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
