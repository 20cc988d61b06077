"""How fast `egress` starts: `egress --help` and `egress parse` against `python -c pass`.

    python -m bench.cli_start [--runs 15] [--base /path/to/old/checkout]

Runs the three commands in turn, ``--runs`` times each, and prints medians and the pairwise
ratios to the bare interpreter. With ``--base`` (a checkout of the code before a change) the
same `egress parse` of that tree runs in turn too (``PYTHONPATH=DIR``, from DIR, in the same
virtualenv: only egress's own code differs), with the ratio now / before and a check that
both print the same bytes. `egress parse` parses a saved `show ip interface brief`
(a real IOS-XE capture under tests/fixtures); its JSON is checked identical to what
egress.parse.parse_output returns for the same text in this process.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.procwatch import run
from bench.sidebyside import TABLE_HEAD, alternate, machine, median_row, ratio

REPO = Path(__file__).resolve().parent.parent
# a real IOS-XE capture (tests/fixtures/parse: see its NOTICE for the source)
SAMPLE = REPO / "tests/fixtures/parse/ios/show_ip_interface_brief/genie-iosxe__1.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--base", type=Path, help="a checkout of the code before")
    args = parser.parse_args()
    egress = str(Path(sys.executable).parent / "egress")
    text = SAMPLE.read_text(encoding="utf-8")
    parse = [egress, "parse", str(SAMPLE), "-p", "ios", "-c", "show ip interface brief"]
    print(machine())
    steps = {
        "python -c pass": lambda: run([sys.executable, "-c", "pass"]),
        "egress --help": lambda: run([egress, "--help"]),
        "egress parse": lambda: run(parse),
    }
    base = args.base.resolve() if args.base else None
    if base is not None:
        steps["egress parse, before"] = lambda: run(parse, cwd=base, env={"PYTHONPATH": str(base)})
    results = alternate(steps, args.runs)
    from egress.parse import parse_output

    expected = [
        r.model_dump(mode="json")
        for r in parse_output(platform="ios", command="show ip interface brief", text=text)
    ]
    got = json.loads(results["egress parse"][-1].output)
    print(f"\n{args.runs} runs of each, in turn; input {SAMPLE.relative_to(REPO)}\n")
    print(TABLE_HEAD)
    for name, runs in results.items():
        print(median_row(name, runs))
    for name in ("egress --help", "egress parse"):
        wall, cpu = ratio(results[name], results["python -c pass"])
        print(f"{name} / python -c pass: wall {wall:.1f}x, CPU {cpu:.1f}x")
    print(
        f"egress parse output identical to parse_output: {got == expected} "
        f"({len(expected)} records)"
    )
    same = True
    if base is not None:
        wall, cpu = ratio(results["egress parse"], results["egress parse, before"])
        same = results["egress parse"][-1].output == results["egress parse, before"][-1].output
        print(f"egress parse now / before: wall {wall:.2f}x, CPU {cpu:.2f}x")
        print(f"egress parse output byte-identical to before: {same}")
    raise SystemExit(0 if got == expected and same else 1)


if __name__ == "__main__":
    main()
