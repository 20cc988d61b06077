"""The Dask runner against the threaded one, side by side in one run (issue 15).

    python -m bench.dask_bench [--devices 200 2000] [--dask-workers 2] [--runs 1]
                               [--skip-commit] [--commit-devices 200]

For each fleet size: a generated inventory (bench/gen_inventory.py, the three platforms
mixed) and one lab serving it (several server processes past 500 devices:
egress/lab/scale.py); then a dry-run (``egress diff``) with the threaded runner and with the
Dask runner (an embedded LocalCluster of ``--dask-workers`` processes), alternated, ``--runs``
times each; then, unless ``--skip-commit`` (or the size is not among ``--commit-devices``),
a commit with each runner, each on a fresh lab (``lab up --fresh``: the devices' factory
configs, the same host keys and ports). Wall time is the whole CLI run, as an operator
waits for it: the Dask runner's figure includes starting its LocalCluster and warming its
workers (imports); that start is also timed on its own, once. CPU is the whole process
tree's (client, Dask workers), not the lab's. The load average (1 min) is printed before
each run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.deploy_bench import _row
from bench.gen_inventory import generate
from bench.procwatch import run
from egress.lab.control import lab_down, lab_up
from egress.lab.spec import LabSpec

RUNNERS = {"threaded": [], "dask": ["--runner", "dask"]}
REPO = Path(__file__).resolve().parent.parent


def _egress(*args: str) -> tuple[float, float, dict[str, object]]:
    import json

    result = run([sys.executable, "-m", "egress.cli", *args, "--json"], cwd=REPO)
    try:
        # the last JSON line (an embedded cluster's shutdown may warn after it)
        line = [x for x in result.output.strip().splitlines() if x.startswith("{")][-1]
        summary = json.loads(line)
    except (json.JSONDecodeError, IndexError):
        raise SystemExit(f"egress {args[0]} failed:\n{result.output[-3000:]}") from None
    return result.wall_s, result.cpu_s, summary


def _cluster_start(workers: int) -> float:
    """The embedded cluster's start and warm-up alone (in a fresh interpreter, as the CLI)."""
    code = (
        "import time; t = time.perf_counter()\n"
        "from egress.runners.dask import DaskRunner\n"
        f"r = DaskRunner(workers={workers}); r.client()\n"
        "print(time.perf_counter() - t); r.close()\n"
    )
    result = run([sys.executable, "-c", code], cwd=REPO)
    return float(result.output.strip().splitlines()[0])


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, nargs="+", default=[200])
    parser.add_argument("--dask-workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1, help="dry-runs per runner (alternated)")
    parser.add_argument("--skip-commit", action="store_true")
    parser.add_argument(
        "--commit-devices", type=int, nargs="*", default=None, help="commit only these sizes"
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="keep inventories and labs here (a 2,000-device lab's host keys take minutes to "
        "make the first time): reused by the next run",
    )
    parser.add_argument(
        "--prepare", action="store_true", help="only make the inventories and labs' host keys"
    )
    args = parser.parse_args()
    if args.prepare:
        for devices in args.devices:
            work = (args.work or Path(tempfile.mkdtemp())) / f"fleet-{devices}"
            began = time.perf_counter()
            _fleet(work, devices)
            lab_down(work / "lab")
            print(f"{devices} devices prepared in {work} in {time.perf_counter() - began:.0f} s")
        return
    runners = {**RUNNERS, "dask": [*RUNNERS["dask"], "--dask-workers", str(args.dask_workers)]}
    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{time.strftime('%H:%M UTC', time.gmtime())}, load average at start: {_load()}")
    start = _cluster_start(args.dask_workers)
    print(
        f"embedded LocalCluster({args.dask_workers}) start + worker warm-up alone: {start:.1f} s"
        f" (load {_load()})\n"
    )
    print(
        "| devices | run | runner | wall | CPU (tree) | devices/min | outcomes | load | "
        "dask / threaded |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for devices in args.devices:
        with tempfile.TemporaryDirectory(
            prefix="egress-daskbench-", ignore_cleanup_errors=True
        ) as tmp:
            work = (args.work or Path(tmp)) / f"fleet-{devices}"
            for old in [*work.glob("changes-*"), *work.glob("commits-*")]:
                shutil.rmtree(old)
            began = time.perf_counter()
            inventory, state, spec = _fleet(work, devices)
            print(
                f"<!-- lab of {len(spec.devices)} devices, {spec.servers} server processes, "
                f"up in {time.perf_counter() - began:.0f} s -->"
            )
            sys.stdout.flush()
            try:
                _dry_runs(devices, inventory, state, work, runners, args.runs)
                commit = not args.skip_commit and (
                    args.commit_devices is None or devices in args.commit_devices
                )
                if commit:
                    _commits(devices, inventory, state, work, runners)
            finally:
                lab_down(state)


def _fleet(work: Path, devices: int) -> tuple[Path, Path, LabSpec]:
    """The generated inventory and its lab (fresh: factory configs, kept host keys), up."""
    inventory = work / "inv"
    if not (inventory / "hosts.yaml").exists():
        generate(inventory, devices=devices)
    state = work / "lab"
    spec = lab_up(inventory=inventory, state_dir=state, time_scale=60, fresh=True)
    return inventory, state, spec


def _print(
    devices: int,
    label: str,
    name: str,
    wall: float,
    cpu: float,
    summary: dict[str, object],
    load: str,
    ratio: str,
) -> None:
    row = _row(label, summary, wall).removeprefix("| ")
    _, _, rest = row.partition(" | ")  # the label again, then its figures
    _, wall_s, per_min, outcomes = rest.split(" | ", 3)  # skip the device count
    outcomes = outcomes.removesuffix(" |")
    print(
        f"| {devices} | {label} | {name} | {wall_s} | {cpu:.0f} s | {per_min} | {outcomes} | "
        f"{load} | {ratio} |"
    )
    sys.stdout.flush()


def _dry_runs(
    devices: int,
    inventory: Path,
    state: Path,
    work: Path,
    runners: dict[str, list[str]],
    runs: int,
) -> None:
    walls: dict[str, list[float]] = {name: [] for name in runners}
    label = "dry-run (diff)"
    for _ in range(runs):
        for name, extra in runners.items():
            common = ["-i", str(inventory), "--lab", "--lab-state", str(state)]
            changes = ["--changes-dir", str(work / f"changes-{name}")]
            load = _load()
            wall, cpu, summary = _egress("diff", *common, *changes, *extra)
            walls[name].append(wall)
            ratio = f"{wall / walls['threaded'][-1]:.2f}x" if name != "threaded" else ""
            _print(devices, label, name, wall, cpu, summary, load, ratio)
    if runs > 1:
        medians = {n: statistics.median(w) for n, w in walls.items()}
        pairs = [d / t for d, t in zip(walls["dask"], walls["threaded"], strict=True)]
        print(
            f"<!-- {devices} dry-run medians: threaded {medians['threaded']:.1f} s, dask "
            f"{medians['dask']:.1f} s, median pairwise ratio {statistics.median(pairs):.2f}x -->"
        )


def _commits(
    devices: int, inventory: Path, state: Path, work: Path, runners: dict[str, list[str]]
) -> None:
    label = "commit (--confirm 600)"
    threaded = 0.0
    for name, extra in runners.items():
        lab_up(inventory=inventory, state_dir=state, time_scale=60, fresh=True)
        common = ["-i", str(inventory), "--lab", "--lab-state", str(state)]
        changes = ["--changes-dir", str(work / f"commits-{name}")]
        load = _load()
        wall, cpu, summary = _egress(
            "commit", "--yes", "--confirm", "600", *common, *changes, *extra
        )
        threaded = threaded or wall
        ratio = f"{wall / threaded:.2f}x" if name != "threaded" else ""
        _print(devices, label, name, wall, cpu, summary, load, ratio)


if __name__ == "__main__":
    main()
