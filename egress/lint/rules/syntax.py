"""E1xx: each rendered config must parse in its vendor's grammar (see egress.lint.config)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from egress.lint.findings import Issue
from egress.lint.model import DeviceView
from egress.lint.registry import rule
from egress.platforms import PLATFORMS

# (rule id, problem kind the platform's config reader reports, title): each platform's profile
SYNTAX_RULES: tuple[tuple[str, str, str], ...] = tuple(
    entry for platform in PLATFORMS for entry in PLATFORMS[platform].syntax_rules
)


def _check_for(kind: str) -> Callable[[DeviceView], Iterable[Issue]]:
    def check(view: DeviceView) -> Iterable[Issue]:
        for problem in view.facts.problems:
            if problem.kind == kind:
                yield view.at(problem.line, problem.message, problem.hint)

    check.__name__ = kind.replace(".", "_")  # the rule's name in SARIF
    return check


for _id, _kind, _title in SYNTAX_RULES:
    rule(_id, title=_title, platforms=frozenset({_kind.split(".")[0]}))(_check_for(_kind))
