"""Benchmark deploy against the lab: dry-run and commit+confirm of a generated fleet.

    python -m bench.deploy_bench [--devices 60] [--workers 20] [--skip-commit]

The default fleet is 60 devices, 20 per platform (six site shapes mixed, see
bench/gen_inventory.py). Every device gets its full rendered design: the dry-run loads and
diffs it on every device; commit+confirm pushes it with the confirm timer armed, verifies
it, runs the post-checks and confirms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

from bench.gen_inventory import generate
from bench.procwatch import run
from egress.lab.control import lab_down, lab_up

REPO = Path(__file__).resolve().parent.parent


def _egress(*args: str) -> tuple[float, dict[str, object]]:
    result = run([sys.executable, "-m", "egress.cli", *args, "--json"], cwd=REPO)
    try:
        summary = json.loads(result.output.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        raise SystemExit(f"egress {args[0]} failed:\n{result.output[-3000:]}") from None
    return result.wall_s, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=60)
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--skip-commit", action="store_true")
    args = parser.parse_args()
    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="egress-deploybench-") as tmp:
        work = Path(tmp)
        inventory = generate(work / "inv", devices=args.devices)
        nornir = inventory / "nornir.yaml"
        nornir.write_text(
            nornir.read_text().replace("num_workers: 20", f"num_workers: {args.workers}")
        )
        state = work / "lab"
        spec = lab_up(inventory=inventory, state_dir=state, time_scale=60)
        counts = {
            p: sum(1 for d in spec.devices if d.platform == p) for p in ("ios", "junos", "fortios")
        }
        print(f"lab: {len(spec.devices)} devices {counts}, {args.workers} Nornir workers\n")
        common = [
            "-i",
            str(inventory),
            "--lab",
            "--lab-state",
            str(state),
            "--changes-dir",
            str(work / "changes"),
        ]
        try:
            print("| run | devices | wall | devices/min | outcomes |\n|---|---|---|---|---|")
            wall, summary = _egress("diff", *common)
            print(_row("dry-run (diff)", summary, wall))
            if not args.skip_commit:
                wall, summary = _egress("commit", *common, "--yes", "--confirm", "600")
                print(_row("commit + verify + post-check + confirm", summary, wall))
                wall, summary = _egress("diff", *common)
                print(_row("dry-run again (idempotence)", summary, wall))
        finally:
            lab_down(state)


def _row(label: str, summary: dict[str, object], wall: float) -> str:
    hosts = summary["hosts"]
    assert isinstance(hosts, dict)
    outcomes: dict[str, int] = {}
    for entry in hosts.values():
        outcomes[entry["outcome"]] = outcomes.get(entry["outcome"], 0) + 1
    shown = ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items()))
    return f"| {label} | {len(hosts)} | {wall:.1f} s | {len(hosts) / wall * 60:.0f} | {shown} |"


if __name__ == "__main__":
    main()
