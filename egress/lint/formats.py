"""Machine-readable lint reports: JSON, JUnit XML (CI dashboards), SARIF 2.1.0 (code scanning).

Pure functions from a :class:`LintResult` to text; the CLI decides where the text goes.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

from egress import __version__
from egress.lint.findings import Finding, Severity
from egress.lint.registry import Rule, Scope
from egress.lint.run import LintResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def to_json(result: LintResult) -> str:
    return (
        json.dumps(
            {
                "hosts": list(result.hosts),
                "summary": {
                    "errors": result.errors,
                    "warnings": len(result.findings) - result.errors,
                    "hosts": len(result.hosts),
                    "rules": len(result.rules),
                },
                "findings": [f.as_dict() for f in result.findings],
            },
            indent=2,
        )
        + "\n"
    )


def _by_host(result: LintResult) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        grouped[finding.host].append(finding)
    return grouped


def to_junit(result: LintResult) -> str:
    """One <testsuite> per host, one <testcase> per host x rule; a warning does not fail."""
    grouped = _by_host(result)
    platforms = result.platforms
    suites = ET.Element("testsuites", name="egress lint")
    total = failures = 0
    # inventory-wide findings may name an owner that is not a host (a group, defaults)
    owners = list(result.hosts) + sorted(set(grouped) - set(result.hosts))
    for owner in owners:
        platform = platforms.get(owner)
        rules = [
            r
            for r in result.rules.values()
            if (platform is None and r.scope is Scope.INVENTORY)
            or (platform is not None and r.applies_to(platform))
        ]
        suite = ET.SubElement(suites, "testsuite", name=owner)
        suite_failures = 0
        for rule in rules:
            found = [f for f in grouped.get(owner, []) if f.rule == rule.id]
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{rule.id} {rule.title}",
                classname=f"egress.lint.{owner}",
                time="0",
            )
            errors = [f for f in found if f.severity is Severity.ERROR]
            if errors:
                suite_failures += 1
                failure = ET.SubElement(case, "failure", message=errors[0].message, type=rule.id)
                failure.text = "\n".join(_plain(f) for f in errors)
            warnings = [f for f in found if f.severity is Severity.WARNING]
            if warnings:
                ET.SubElement(case, "system-out").text = "\n".join(_plain(f) for f in warnings)
        suite.set("tests", str(len(rules)))
        suite.set("failures", str(suite_failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        suite.set("time", "0")
        total += len(rules)
        failures += suite_failures
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", "0")
    suites.set("time", "0")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _plain(finding: Finding) -> str:
    text = f"{finding.location}: {finding.severity.value} {finding.rule}: {finding.message}"
    if finding.origin is not None:
        text += f"\n  rendered by: {finding.origin.file}" + (
            f":{finding.origin.line}" if finding.origin.line else ""
        )
    return text + (f"\n  hint: {finding.hint}" if finding.hint else "")


def _uri(path: Path, base: Path) -> str:
    """A repository-relative URI where possible: code scanning annotates files of the repo."""
    try:
        relative = Path(os.path.relpath(path.resolve(), base.resolve()))
    except ValueError:
        return path.resolve().as_uri()
    if relative.parts and relative.parts[0] == "..":
        return path.resolve().as_uri()
    return relative.as_posix()


def _location(path: Path, line: int | None, base: Path, note: str = "") -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": {"uri": _uri(path, base)}}
    if line:
        physical["region"] = {"startLine": line}
    location: dict[str, object] = {"physicalLocation": physical}
    if note:
        location["message"] = {"text": note}
    return location


def to_sarif(result: LintResult, *, base: Path | None = None) -> str:
    """SARIF 2.1.0: a config finding is placed on the template line that rendered it."""
    base = base or Path.cwd()
    rules = list(result.rules.values())
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for finding in result.findings:
        related = []
        if finding.origin is not None:
            primary = _location(finding.origin.file, finding.origin.line, base)
            related.append(
                {
                    "id": 0,
                    **_location(
                        finding.file, finding.line, base, f"rendered config of {finding.host}"
                    ),
                }
            )
        else:
            primary = _location(finding.file, finding.line, base)
        entry: dict[str, object] = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": _SARIF_LEVEL[finding.severity],
            "message": {
                "text": f"{finding.host}: {finding.message}"
                + (f" (hint: {finding.hint})" if finding.hint else "")
            },
            "locations": [primary],
            "properties": {"host": finding.host},
        }
        if related:
            entry["relatedLocations"] = related
        results.append(entry)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "egress-lint",
                        "version": __version__,
                        "rules": [_sarif_rule(r) for r in rules],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def _sarif_rule(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.id,
        "name": rule.check.__name__,
        "shortDescription": {"text": rule.title},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"scope": rule.scope.value},
    }


FORMATTERS: dict[str, Callable[[LintResult], str]] = {
    "json": to_json,
    "junit": to_junit,
    "sarif": to_sarif,
}
