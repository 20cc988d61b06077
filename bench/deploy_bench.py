"""Benchmark deploy against the lab: dry-run and commit+confirm of a generated fleet.

    python -m bench.deploy_bench [--devices 60] [--workers 20] [--skip-commit] [--repo DIR]
    python -m bench.deploy_bench --before DIR [--runs 3]    # commit, before and after in turn

``--repo`` runs egress from another checkout (e.g. a worktree of an earlier commit), with
this lab and this fleet: before/after figures of one change, taken in one session.
``--before`` times ``egress commit`` of the code in DIR and of this checkout in turn
(before, after, before, after, ...), each on a freshly started lab of the same fleet, and
prints per run the wall and CPU seconds of egress, the CPU seconds of the lab server (the
devices' side, which shares the machine) and the load average, then the medians and the
median of the pairwise ratios.

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
import statistics
import sys
import tempfile
from pathlib import Path

from bench.gen_inventory import generate
from bench.procwatch import Run, run
from egress.lab.control import lab_down, lab_up, pid_of

REPO = Path(__file__).resolve().parent.parent


def _egress(*args: str, repo: Path = REPO) -> tuple[float, dict[str, object]]:
    result = run([sys.executable, "-m", "egress.cli", *args, "--json"], cwd=repo)
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
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout egress runs from")
    parser.add_argument("--before", type=Path, help="commit: this checkout's code against DIR's")
    parser.add_argument("--runs", type=int, default=3, help="with --before: runs of each")
    args = parser.parse_args()
    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}")
    if args.before is not None:
        commit_side_by_side(args.before, devices=args.devices, workers=args.workers, runs=args.runs)
        return
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
            wall, summary = _egress("diff", *common, repo=args.repo)
            print(_row("dry-run (diff)", summary, wall))
            if not args.skip_commit:
                wall, summary = _egress(
                    "commit", *common, "--yes", "--confirm", "600", repo=args.repo
                )
                print(_row("commit + verify + post-check + confirm", summary, wall))
                wall, summary = _egress("diff", *common, repo=args.repo)
                print(_row("dry-run again (idempotence)", summary, wall))
        finally:
            lab_down(state)


def _lab_cpu_s(state: Path) -> float:
    """CPU seconds (user + system) the lab server has used so far."""
    pid = pid_of(state)
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def commit_side_by_side(before: Path, *, devices: int, workers: int, runs: int) -> None:
    """``egress commit`` of ``before``'s code and of this checkout in turn, a fresh lab each."""
    codes = {"before": before.resolve(), "after": REPO}
    rows: dict[str, list[tuple[Run, float, int]]] = {name: [] for name in codes}
    with tempfile.TemporaryDirectory(prefix="egress-deploybench-") as tmp:
        work = Path(tmp)
        inventory = generate(work / "inv", devices=devices)
        nornir = inventory / "nornir.yaml"
        nornir.write_text(nornir.read_text().replace("num_workers: 20", f"num_workers: {workers}"))
        print(f"{devices} devices, {workers} Nornir workers, {runs} runs each, in turn\n")
        columns = ("run", "code", "load avg (1 min)", "wall", "devices/min", "egress CPU")
        print("| " + " | ".join((*columns, "lab CPU", "outcomes")) + " |")
        print("|---|---|---|---|---|---|---|---|")
        for number in range(1, runs + 1):
            for name, repo in codes.items():
                state = work / f"lab-{name}-{number}"
                lab_up(inventory=inventory, state_dir=state, time_scale=60)
                try:
                    load = os.getloadavg()[0]
                    lab_before = _lab_cpu_s(state)
                    result = run(
                        [
                            sys.executable, "-m", "egress.cli", "commit", "-i", str(inventory),
                            "--lab", "--lab-state", str(state), "--changes-dir",
                            str(work / f"changes-{name}"), "--yes", "--confirm", "600", "--json",
                        ],
                        cwd=repo,
                    )  # fmt: skip
                    lab_cpu = _lab_cpu_s(state) - lab_before
                finally:
                    lab_down(state)
                try:
                    summary = json.loads(result.output.strip().splitlines()[-1])
                except (json.JSONDecodeError, IndexError):
                    raise SystemExit(f"{name} failed:\n{result.output[-3000:]}") from None
                hosts = summary["hosts"]
                ok = sum(1 for e in hosts.values() if e["outcome"] in ("committed", "mirrored"))
                rows[name].append((result, lab_cpu, ok))
                print(
                    f"| {number} | {name} | {load:.2f} | {result.wall_s:.1f} s | "
                    f"{len(hosts) / result.wall_s * 60:.0f} | {result.cpu_s:.1f} s | "
                    f"{lab_cpu:.1f} s | {_outcomes(hosts)} |",
                    flush=True,
                )
    print()
    for name, measured in rows.items():
        wall = statistics.median(r.wall_s for r, _, _ in measured)
        print(
            f"{name}: median wall {wall:.1f} s ({devices / wall * 60:.0f} devices/min), "
            f"egress CPU {statistics.median(r.cpu_s for r, _, _ in measured):.1f} s, "
            f"lab CPU {statistics.median(c for _, c, _ in measured):.1f} s"
        )
    pairs = list(zip(rows["after"], rows["before"], strict=True))
    print(
        "after / before, median of pairwise ratios: wall "
        f"{statistics.median(a.wall_s / b.wall_s for (a, _, _), (b, _, _) in pairs):.2f}x, "
        f"egress CPU {statistics.median(a.cpu_s / b.cpu_s for (a, _, _), (b, _, _) in pairs):.2f}x"
    )


def _outcomes(hosts: dict[str, dict[str, object]]) -> str:
    counts: dict[str, int] = {}
    for entry in hosts.values():
        outcome = str(entry["outcome"])
        counts[outcome] = counts.get(outcome, 0) + 1
    return ", ".join(f"{n} {o}" for o, n in sorted(counts.items()))


def _row(label: str, summary: dict[str, object], wall: float) -> str:
    hosts = summary["hosts"]
    assert isinstance(hosts, dict)
    shown = _outcomes(hosts)
    return f"| {label} | {len(hosts)} | {wall:.1f} s | {len(hosts) / wall * 60:.0f} | {shown} |"


if __name__ == "__main__":
    main()
