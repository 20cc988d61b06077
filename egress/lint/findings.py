"""What lint reports: one frozen :class:`Finding` per problem, located to a file and line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Where:
    """A place a rule points at: the rendered config of a host or an inventory file."""

    file: Path
    line: int | None


@dataclass(frozen=True, slots=True)
class Issue:
    """What a check function yields; the engine adds the rule's id, severity and title."""

    host: str
    where: Where
    message: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    title: str
    host: str
    file: Path
    line: int | None
    message: str
    hint: str
    # for a config finding: the template line that rendered it, when it can be told
    origin: Where | None = None

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "title": self.title,
            "host": self.host,
            "file": str(self.file),
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
            "template": str(self.origin.file) if self.origin else None,
            "template_line": self.origin.line if self.origin else None,
        }


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1}


def sort_key(finding: Finding) -> tuple[str, str, int, str, int, str, str]:
    # total: two findings of one rule on one line (a group missing two tracks) come out in
    # the same order in every run, whatever order the set or the workers gave them in
    return (
        finding.host,
        str(finding.file),
        finding.line or 0,
        finding.rule,
        SEVERITY_ORDER[finding.severity],
        finding.message,
        finding.hint,
    )
