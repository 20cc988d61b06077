"""Write <case>.yml for cases that have none yet (not a test).

    .venv/bin/python tests/unit/parse/make_expected.py [--force]

The written file is a DRAFT of what the parser returns today: check every value against the
capture by hand (and against the source project's own expected parse where it has one)
before committing it. --force rewrites existing files: use it only after a deliberate
schema or parser change, and review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from egress.parse import parse_output  # noqa: E402
from tests.unit.parse.cases import discover  # noqa: E402


def main(argv: list[str]) -> int:
    force = "--force" in argv
    for case in discover():
        if case.expected.exists() and not force:
            continue
        records = parse_output(
            platform=case.spec.platform,
            command=case.spec.command,
            text=case.raw.read_text(encoding="utf-8"),
        )
        body = {"records": [r.model_dump(mode="json") for r in records]}
        header = (
            f"# {case.spec.platform} '{case.spec.command}': expected records of {case.raw.name}\n"
        )
        case.expected.write_text(header + yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
        print(f"wrote {case.expected}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
