"""The Dask runner against the threaded one, side by side in one run (issue 15).

    python -m bench.dask_bench [--devices 200 1000] [--dask-workers 2] [--skip-commit]

For each fleet size: a generated inventory (bench/gen_inventory.py, the three platforms
mixed), one lab serving it; then a dry-run (``egress diff``) with the threaded runner and
with the Dask runner (an embedded LocalCluster of ``--dask-workers`` processes), alternated;
then, unless ``--skip-commit``, a commit with each runner, each on a fresh lab (a commit
changes the devices). Wall time is the whole CLI run, as an operator waits for it (the
Dask runner's figure includes starting its LocalCluster).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

from bench.deploy_bench import _egress, _row
from bench.gen_inventory import generate
from egress.lab.control import lab_down, lab_up

RUNNERS = {"threaded": [], "dask": ["--runner", "dask"]}


def _lab(inventory: Path, state: Path) -> None:
    lab_up(inventory=inventory, state_dir=state, time_scale=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, nargs="+", default=[200])
    parser.add_argument("--dask-workers", type=int, default=2)
    parser.add_argument("--skip-commit", action="store_true")
    args = parser.parse_args()
    runners = {**RUNNERS, "dask": [*RUNNERS["dask"], "--dask-workers", str(args.dask_workers)]}
    load = os.getloadavg()[0]
    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load average at start: {load:.1f}\n")
    print("| devices | run | runner | wall | devices/min | outcomes | dask / threaded |")
    print("|---|---|---|---|---|---|---|")
    for devices in args.devices:
        with tempfile.TemporaryDirectory(
            prefix="egress-daskbench-", ignore_cleanup_errors=True
        ) as tmp:
            work = Path(tmp)
            inventory = generate(work / "inv", devices=devices)
            verbs = [("dry-run (diff)", ["diff"], False)]
            if not args.skip_commit:
                verbs.append(
                    ("commit (--confirm 600)", ["commit", "--yes", "--confirm", "600"], True)
                )
            for label, verb, fresh in verbs:
                walls: dict[str, float] = {}
                state = work / "lab-shared"
                if not fresh:
                    _lab(inventory, state)
                try:
                    for name, extra in runners.items():
                        if fresh:
                            state = work / f"lab-{name}"
                            _lab(inventory, state)
                        common = ["-i", str(inventory), "--lab", "--lab-state", str(state)]
                        changes = ["--changes-dir", str(work / f"changes-{name}")]
                        try:
                            wall, summary = _egress(*verb, *common, *changes, *extra)
                        finally:
                            if fresh:
                                lab_down(state)
                        walls[name] = wall
                        row = _row(label, summary, wall).removeprefix("| ")
                        ratio = f"{wall / walls['threaded']:.2f}x" if name != "threaded" else ""
                        _, _, rest = row.partition(" | ")  # the label again, then its figures
                        figures = rest.split(" | ", 1)[1]  # skip the device count
                        print(f"| {devices} | {label} | {name} | {figures} {ratio} |")
                        sys.stdout.flush()
                finally:
                    if not fresh:
                        lab_down(state)


if __name__ == "__main__":
    main()
