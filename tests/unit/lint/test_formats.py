"""JUnit XML and SARIF 2.1.0 reports validate against their schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from egress.lint.formats import to_json, to_junit, to_sarif
from egress.lint.run import LintResult, lint_inventory
from egress.render import default_templates_dir
from tests.unit.lint.cases import FIXTURES, REPO, build_tree, load_cases

SCHEMAS = FIXTURES / "schemas"


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> LintResult:
    """Errors, a warning and an inventory-wide finding owned by a group, all at once."""
    by_rule = {c.rule: c for c in load_cases()}
    edits = by_rule["E205"].edits + by_rule["W605"].edits + by_rule["E802"].edits
    root = tmp_path_factory.mktemp("broken")
    inventory, templates = build_tree(root, edits)
    return lint_inventory(inventory, templates_dir=templates)


@pytest.fixture(scope="module")
def clean() -> LintResult:
    return lint_inventory(REPO / "inventory", templates_dir=default_templates_dir())


def _junit_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "junit.xsd")))


def _sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@pytest.mark.parametrize("which", ["clean", "broken"])
def test_junit_validates(which: str, request: pytest.FixtureRequest) -> None:
    result: LintResult = request.getfixturevalue(which)
    document = etree.fromstring(to_junit(result).encode())
    schema = _junit_schema()
    assert schema.validate(document), schema.error_log
    cases = document.findall(".//testcase")
    # one test case per host x applicable rule
    assert len(cases) == int(document.get("tests"))
    assert {s.get("name") for s in document.findall("testsuite")} >= set(result.hosts)


def test_junit_fails_one_case_per_host_and_rule(broken: LintResult) -> None:
    document = etree.fromstring(to_junit(broken).encode())
    failed = {
        (c.get("classname"), c.get("name").split()[0])
        for c in document.findall(".//testcase")
        if c.find("failure") is not None
    }
    expected = {
        (f"egress.lint.{f.host}", f.rule) for f in broken.findings if f.severity.value == "error"
    }
    assert failed == expected
    warned = [c for c in document.findall(".//testcase") if c.find("system-out") is not None]
    assert warned and all(c.find("failure") is None for c in warned)


@pytest.mark.parametrize("which", ["clean", "broken"])
def test_sarif_validates(which: str, request: pytest.FixtureRequest) -> None:
    result: LintResult = request.getfixturevalue(which)
    log = json.loads(to_sarif(result, base=REPO))
    errors = sorted(_sarif_validator().iter_errors(log), key=str)
    assert errors == [], errors[0].message if errors else ""
    assert log["version"] == "2.1.0"
    assert len(log["runs"][0]["results"]) == len(result.findings)


def test_sarif_points_config_findings_at_the_template_line(
    broken: LintResult, tmp_path: Path
) -> None:
    log = json.loads(to_sarif(broken, base=REPO))
    tracks = [r for r in log["runs"][0]["results"] if r["ruleId"] == "E205"]
    location = tracks[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("templates/ios/vrrp.j2")
    template = Path(location["artifactLocation"]["uri"].removeprefix("file://"))
    line = template.read_text().splitlines()[location["region"]["startLine"] - 1]
    assert "track {{ track.track_id + 10 }} decrement" in line
    related = tracks[0]["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"].startswith("build/configs/")


def test_json_report(broken: LintResult) -> None:
    report = json.loads(to_json(broken))
    assert report["summary"]["errors"] == broken.errors > 0
    assert report["summary"]["warnings"] == 8
    assert {f["rule"] for f in report["findings"]} == {"E205", "W605", "E802"}
