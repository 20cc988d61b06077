"""Benchmark `egress lint` on a generated inventory (the CI gate must stay fast at scale).

    python -m bench.lint_bench [--devices 10000] [--budget 30] [--formats text,junit,sarif]

Generates the inventory with bench.gen_inventory, then runs `egress lint` on it in a
subprocess per output format and prints wall time, devices/s and peak RSS (whole process
tree): the text format twice (a first run and a repeat), then the other formats. Exits 1
when a text run exceeds the budget or the generated design does not lint clean.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

from bench.gen_inventory import generate
from bench.procwatch import Run, run

REPO = Path(__file__).resolve().parent.parent
EGRESS = [sys.executable, "-m", "egress.cli"]


def _lint(inventory: Path, fmt: str, out: Path) -> Run:
    args = ["lint", "-i", str(inventory), "--format", fmt]
    if fmt != "text":
        args += ["--output", str(out / f"lint.{fmt}")]
    return run([*EGRESS, *args], cwd=REPO)


def _row(label: str, devices: int, result: Run) -> str:
    return (
        f"| {label} | {devices} | {result.wall_s:.2f} s | {devices / result.wall_s:,.0f} "
        f"| {result.peak_rss_mib:.0f} MiB | {result.returncode} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds allowed (text run)")
    parser.add_argument(
        "--formats",
        default="text,junit,sarif",
        help="comma list of formats to time (text always runs)",
    )
    args = parser.parse_args()
    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="egress-lint-bench-") as tmp:
        work = Path(tmp)
        inventory = generate(work / "inv", devices=args.devices)
        size = sum(p.stat().st_size for p in inventory.iterdir()) / 1e6
        print(f"generated inventory: {args.devices} devices, {size:.1f} MB of YAML\n")
        print("| run | devices | wall | devices/s | peak RSS | exit |\n|---|---|---|---|---|---|")
        failed = False
        runs = [("text", "first run"), ("text", "repeat")]
        runs += [(fmt, "") for fmt in args.formats.split(",") if fmt != "text"]
        for fmt, note in runs:
            result = _lint(inventory, fmt, work)
            label = f"egress lint --format {fmt}" + (f", {note}" if note else "")
            print(_row(label, args.devices, result), flush=True)
            if result.returncode != 0:
                print(f"\nlint found problems in the generated design:\n{result.output[-2000:]}")
                failed = True
            if fmt == "text" and result.wall_s > args.budget:
                print(f"\nover budget: {result.wall_s:.1f} s > {args.budget:.0f} s")
                failed = True
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
