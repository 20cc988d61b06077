"""Every parser against every captured output in tests/fixtures/parse (ntc-templates style)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from egress.parse import parse_output
from egress.parse.registry import SPECS
from egress.render import default_templates_dir
from tests.unit.parse.cases import FIXTURES, Case, discover, spec_dir

CASES = discover()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_parsed_records_match_the_expected_ones(case: Case) -> None:
    assert case.expected.is_file(), f"{case.raw} has no expected {case.expected.name}"
    expected = yaml.safe_load(case.expected.read_text(encoding="utf-8"))["records"]
    records = parse_output(
        platform=case.spec.platform,
        command=case.spec.command,
        text=case.raw.read_text(encoding="utf-8"),
    )
    assert [r.model_dump(mode="json") for r in records] == expected


@pytest.mark.parametrize("spec", SPECS, ids=[f"{s.platform}/{s.slug}" for s in SPECS])
def test_every_parser_has_a_test_case(spec: object) -> None:
    from egress.parse.registry import ParserSpec

    assert isinstance(spec, ParserSpec)
    cases = sorted(spec_dir(spec).glob("*.txt"))
    assert cases, (
        f"no test case for {spec.platform} {spec.command!r}: add <case>.txt + <case>.yml "
        f"under {spec_dir(spec)}"
    )


def test_every_template_file_is_registered_and_documented() -> None:
    root = default_templates_dir()
    registered = {spec.template_path(root) for spec in SPECS} - {None}
    on_disk = set(root.glob("*/parse/*.ttp"))
    assert on_disk - registered == set(), "templates no registry entry uses"
    assert registered - on_disk == set(), "registry entries whose template is missing"
    for path in on_disk:
        assert path.read_text(encoding="utf-8").lstrip().startswith("<doc>"), (
            f"{path} must begin with a <doc> block saying what it returns"
        )


def test_every_fixture_directory_belongs_to_a_parser() -> None:
    known = {spec_dir(spec) for spec in SPECS}
    dirs = {p for p in FIXTURES.glob("*/*") if p.is_dir()}
    assert dirs - known == set(), "fixture folders named after no registered command"


def test_every_case_has_its_source_in_the_notice() -> None:
    notice = (FIXTURES / "NOTICE.md").read_text(encoding="utf-8")
    missing = [
        str(raw.relative_to(FIXTURES))
        for raw in FIXTURES.glob("*/*/*.txt")
        if f"`{raw.relative_to(FIXTURES).as_posix()}`" not in notice
    ]
    assert missing == [], "cases without attribution in tests/fixtures/parse/NOTICE.md"


def test_every_case_has_an_expected_file() -> None:
    orphans = [
        str(p) for p in FIXTURES.glob("*/*/*.txt") if not Path(p).with_suffix(".yml").exists()
    ]
    assert orphans == []
