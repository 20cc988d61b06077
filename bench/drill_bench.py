"""Benchmark `egress drill`: one site's whole drill (bring-up, push, validate, every
scenario, tear-down) must take under 2 minutes.

    sudo python -m bench.drill_bench [--sites ams,fra] [--runs 1] [--budget 120]

Runs `egress drill --site S --json` in a subprocess per site and run, and prints the wall
time, the drill's own phase timings and each measurement's min/median/max.
Exits 1 when a drill fails or exceeds the budget. Needs root (network namespaces).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.drill_bench")
    parser.add_argument("--sites", default="ams,fra")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--budget", type=float, default=120.0)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("egress drill needs root", file=sys.stderr)
        return 2
    print(f"load average before: {Path('/proc/loadavg').read_text().split()[:3]}")
    status = 0
    for site in args.sites.split(","):
        for run in range(1, args.runs + 1):
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "egress.cli", "drill", "--site", site, "--json"],
                capture_output=True, text=True, cwd=REPO, timeout=600, check=False,
            )  # fmt: skip
            wall = time.perf_counter() - started
            data = json.loads(done.stdout.strip().splitlines()[-1])
            ranges = {
                f"{s['name']}/{r['check']}": [r["summary"].get(k) for k in ("min", "median", "max")]
                for s in data["scenarios"]
                for r in s["rows"]
            }
            ok = data["passed"] and wall < args.budget
            status |= 0 if ok else 1
            print(
                f"{site} run {run}: wall {wall:.1f} s, passed {data['passed']}, "
                f"phases {data['timings_s']}\n  min/median/max: {json.dumps(ranges)}"
            )
    return status


if __name__ == "__main__":
    sys.exit(main())
