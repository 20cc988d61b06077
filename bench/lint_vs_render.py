"""`egress lint` against `egress render` on the same inventory, side by side, at several sizes.

    python -m bench.lint_vs_render [--devices 1000,5000,10000,20000,40000] [--runs 3]
        [--base /path/to/old/checkout]

For each size: a generated inventory (bench.gen_inventory), then `egress render` cold (into
an empty directory), `egress render` warm (every file already there and unchanged: nothing
written, the yardstick issue 18 sets lint against) and `egress lint` (text report) in turn,
``--runs`` times each. Prints per size the medians (wall, CPU of the process tree, peak RSS
summed over the tree), lint / render (cold and warm) as the medians of the pairwise ratios,
and CPU per device, which says whether the curve is linear (a flat column). Checks: render
writes one file per device, and lint finds the generated design clean (exit 0).

With ``--base`` (a checkout of the code before a change) that tree's render (cold) and lint
run in turn too (``PYTHONPATH=DIR``, from DIR, same virtualenv), and a second table gives
now / before; its checks: the rendered files and lint's JSON report are byte-identical.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench.gen_inventory import generate
from bench.procwatch import Run, run
from bench.sidebyside import alternate, machine, ratio

REPO = Path(__file__).resolve().parent.parent
# the command line with the 8 MiB inventory file limit lifted: 20,000 devices pass it
EGRESS = [sys.executable, "-m", "bench.big_inventory"]


def _median(runs: list[Run], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def _size(devices: int, runs: int, base: Path | None = None) -> tuple[str, bool]:
    """One table row at ``devices`` devices, and whether the checks held."""
    with tempfile.TemporaryDirectory(prefix="egress-scale-") as tmp:
        work = Path(tmp)
        inventory = generate(work / "inv", devices=devices)
        out = work / "out"
        render = [*EGRESS, "render", "-q", "-i", str(inventory), "--out", str(out)]
        lint = [*EGRESS, "lint", "-i", str(inventory)]

        def clean(step: str) -> None:
            if step == "render":
                shutil.rmtree(out, ignore_errors=True)
            if step == "render before":
                shutil.rmtree(work / "out-before", ignore_errors=True)

        steps = {
            "render": lambda: run(render, cwd=REPO),
            "render warm": lambda: run(render, cwd=REPO),
            "lint": lambda: run(lint, cwd=REPO),
        }
        if base is not None:
            env = {"PYTHONPATH": str(base)}
            before = [*render[:-1], str(work / "out-before")]
            steps["render before"] = lambda: run(before, cwd=base, env=env)
            steps["lint before"] = lambda: run(lint, cwd=base, env=env)
        results = alternate(steps, runs, prepare=clean)
        files = len(list(out.iterdir()))
        if base is not None:
            _before_after(results, work, inventory, base)
    ok = files == devices and "0 errors, 0 warnings" in results["lint"][-1].output
    r, li = results["render"], results["lint"]
    wall, cpu = ratio(li, r)
    warm_wall, warm_cpu = ratio(li, results["render warm"])
    warm = _median(results["render warm"], "wall_s")
    row = (
        f"| {devices:,} | {_median(r, 'wall_s'):.2f} s | {_median(r, 'cpu_s'):.2f} s "
        f"| {_median(r, 'peak_rss_mib'):.0f} MiB | {_median(li, 'wall_s'):.2f} s "
        f"| {_median(li, 'cpu_s'):.2f} s | {_median(li, 'peak_rss_mib'):.0f} MiB "
        f"| {wall:.2f}x | {cpu:.2f}x | {warm:.2f} s | {warm_wall:.2f}x | {warm_cpu:.2f}x "
        f"| {_median(r, 'cpu_s') / devices * 1e6:.0f} µs "
        f"| {_median(li, 'cpu_s') / devices * 1e6:.0f} µs |"
    )
    if not ok:
        row += f" CHECK FAILED: {files} files; lint: {results['lint'][-1].output[-200:]!r}"
    return row, ok


def _before_after(results: dict[str, list[Run]], work: Path, inventory: Path, base: Path) -> None:
    """now / before, and the checks: the same files rendered, the same lint JSON report."""
    same_files = sorted(p.name for p in (work / "out").iterdir()) == sorted(
        p.name for p in (work / "out-before").iterdir()
    ) and all(
        (work / "out-before" / f.name).read_bytes() == f.read_bytes()
        for f in (work / "out").iterdir()
    )
    lint_json = [*EGRESS, "lint", "-i", str(inventory), "--format", "json"]
    now = run(lint_json, cwd=REPO).output
    before = run(lint_json, cwd=base, env={"PYTHONPATH": str(base)}).output
    print("\n| step | before: wall, CPU | now: wall, CPU | now / before wall (CPU) |")
    print("|---|---|---|---|")
    for step in ("render", "lint"):
        b, n = results[f"{step} before"], results[step]
        wall, cpu = ratio(n, b)
        print(
            f"| {step} | {_median(b, 'wall_s'):.2f} s, {_median(b, 'cpu_s'):.2f} s "
            f"| {_median(n, 'wall_s'):.2f} s, {_median(n, 'cpu_s'):.2f} s "
            f"| {wall:.2f}x ({cpu:.2f}x) |"
        )
    print(
        f"rendered files byte-identical: {same_files}; lint JSON byte-identical: {now == before}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", default="1000,5000,10000,20000,40000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--base", type=Path, help="a checkout of the code before")
    args = parser.parse_args()
    base = args.base.resolve() if args.base else None
    sizes = [int(n) for n in args.devices.split(",")]
    print(machine())
    print(f"{args.runs} runs of each, in turn (render, lint, render, lint, ...)\n")
    print(
        "| devices | render wall | render CPU | render peak RSS | lint wall | lint CPU | "
        "lint peak RSS | lint/render wall | lint/render CPU | render warm wall | "
        "lint/render warm wall | lint/render warm CPU | render CPU/device | lint CPU/device |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    failed = False
    for devices in sizes:
        row, ok = _size(devices, args.runs, base)
        print(row, flush=True)
        failed = failed or not ok
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
