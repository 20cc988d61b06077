"""Test cases discovered from the file tree, ntc-templates style.

tests/fixtures/parse/<platform>/<command_slug>/<case>.txt is one device output;
<case>.yml beside it holds the records expected from it, written out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from egress.parse.registry import SPECS, ParserSpec

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "parse"


@dataclass(frozen=True)
class Case:
    spec: ParserSpec
    raw: Path

    @property
    def expected(self) -> Path:
        return self.raw.with_suffix(".yml")

    @property
    def id(self) -> str:
        return f"{self.spec.platform}/{self.spec.slug}/{self.raw.stem}"


def spec_dir(spec: ParserSpec) -> Path:
    return FIXTURES / spec.platform / spec.slug


def discover() -> list[Case]:
    return [Case(spec, raw) for spec in SPECS for raw in sorted(spec_dir(spec).glob("*.txt"))]
