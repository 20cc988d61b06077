"""The same commands from two source trees, in turn: the code before a change against now.

    python -m bench.before_after --base /path/to/old/checkout [--devices 10000] [--runs 3]
        [--deploy-devices 60]

``--base`` is a checkout of the code before (``git worktree add --detach DIR COMMIT``); its
commands run with ``PYTHONPATH=DIR`` in the same virtualenv, so only egress's own code
differs. Timed in turn (A B A B ..., bench/sidebyside.py): ``egress render`` cold and
``egress lint`` of a generated ``--devices`` inventory, then the dry-run (``egress diff``) of a
``--deploy-devices`` fleet against one lab (started by this tree; both trees read it). Prints
medians and the pairwise ratios now / before.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench.gen_inventory import generate
from bench.procwatch import Run, run
from bench.sidebyside import Step, alternate, machine, median_row, ratio
from egress.lab.control import lab_down, lab_up

REPO = Path(__file__).resolve().parent.parent
EGRESS = [sys.executable, "-m", "egress.cli"]


def _step(cmd: list[str], cwd: Path, env: dict[str, str]) -> Step:
    return lambda: run(cmd, cwd=cwd, env=env)


def _trees(base: Path) -> dict[str, tuple[Path, dict[str, str]]]:
    return {"before": (base, {"PYTHONPATH": str(base)}), "now": (REPO, {})}


def _table(title: str, results: dict[str, list[Run]], pairs: list[tuple[str, str]]) -> None:
    print(f"\n{title}\n\n| step | wall (min-max) | CPU | peak RSS |\n|---|---|---|---|")
    for name, runs in results.items():
        print(median_row(name, runs))
    for now, before in pairs:
        wall, cpu = ratio(results[now], results[before])
        print(f"\n{now} / {before}: {wall:.2f}x wall, {cpu:.2f}x CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--devices", type=int, default=10000)
    parser.add_argument("--deploy-devices", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    trees = _trees(args.base.resolve())
    print(machine())
    with tempfile.TemporaryDirectory(prefix="egress-before-after-") as tmp:
        work = Path(tmp)
        inventory = generate(work / "inv", devices=args.devices)
        steps: dict[str, Step] = {}
        for tree, (cwd, env) in trees.items():
            out = work / f"out-{tree}"
            render = [*EGRESS, "render", "-q", "-i", str(inventory), "--out", str(out)]
            lint = [*EGRESS, "lint", "-i", str(inventory)]
            steps[f"render {tree}"] = _step(render, cwd, env)
            steps[f"lint {tree}"] = _step(lint, cwd, env)

        def clean(step: str) -> None:
            if step.startswith("render"):
                shutil.rmtree(work / f"out-{step.split()[1]}", ignore_errors=True)

        results = alternate(steps, args.runs, prepare=clean)
        _table(
            f"render (cold) and lint, {args.devices:,} devices",
            results,
            [("render now", "render before"), ("lint now", "lint before")],
        )
        same = all(
            (work / "out-now" / f.name).read_bytes() == f.read_bytes()
            for f in (work / "out-before").iterdir()
        )
        print(f"\nrendered files identical: {same}")

        fleet = generate(work / "fleet", devices=args.deploy_devices)
        state = work / "lab"
        lab_up(inventory=fleet, state_dir=state, time_scale=60)
        try:
            deploy: dict[str, Step] = {}
            for tree, (cwd, env) in trees.items():
                diff = [
                    *EGRESS,
                    "diff",
                    "-i",
                    str(fleet),
                    "--lab",
                    "--lab-state",
                    str(state),
                    "--changes-dir",
                    str(work / f"changes-{tree}"),
                    "--json",
                ]
                deploy[f"dry-run {tree}"] = _step(diff, cwd, env)
            dry = alternate(deploy, args.runs)
        finally:
            lab_down(state)
        _table(
            f"dry-run (egress diff --lab), {args.deploy_devices} devices",
            dry,
            [("dry-run now", "dry-run before")],
        )


if __name__ == "__main__":
    main()
