"""E1xx: each rendered config must parse in its vendor's grammar (see egress.lint.config)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from egress.lint.findings import Issue
from egress.lint.model import DeviceView
from egress.lint.registry import rule

# (rule id, problem kind the platform parser reports, title)
SYNTAX_RULES: tuple[tuple[str, str, str], ...] = (
    ("E101", "ios.indent", "IOS-XE indentation does not follow the section hierarchy"),
    ("E102", "ios.unknown", "IOS-XE unknown top-level command or stray text"),
    ("E103", "ios.exit", "IOS-XE unbalanced exit / end"),
    ("E111", "junos.verb", "Junos line is not a set/delete statement"),
    ("E112", "junos.hierarchy", "Junos statement under an unknown top-level hierarchy"),
    ("E113", "junos.quote", "Junos unbalanced quotes or brackets"),
    ("E121", "fortios.config", "FortiOS unbalanced config/end"),
    ("E122", "fortios.edit", "FortiOS unbalanced edit/next"),
    ("E123", "fortios.statement", "FortiOS statement outside a block or stray text"),
    ("E131", "frr.unknown", "FRR unknown top-level command or stray text"),
    ("E132", "frr.unclosed", "FRR block never closed (exit / exit-address-family)"),
    ("E133", "frr.glue", "FRR config: unknown !@ glue kind (not applied by egress)"),
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
