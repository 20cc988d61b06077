"""Lint's own work beside the readers, one worker's share, this tree against an older one.

    python -m bench.lint_own_work --base /path/to/old/checkout [--devices 10000] [--runs 3]

For a generated inventory (bench.gen_inventory) of ``--devices`` devices, each tree in turn
(``PYTHONPATH``, a fresh process each, ``--runs`` times) measures, in CPU seconds
(``time.process_time``, the garbage collector off as in lint):

- over the first half of the hosts (one worker's share at 2 workers), site by site as a
  worker does: the device and pair rules (``RulePlan.run``, cold: each device checked once)
  and the inventory rules' ``collect``; then pickling what a worker sends back (its
  ``Checked``) and unpickling it, as the parent does;
- ``egress lint`` over the whole inventory with its real workers: the parent's time from
  the workers' results to its findings (judging the inventory rules, the report's data),
  wall and CPU, serially after the workers.

Prints the medians per tree and now / before. Lint's JSON report is compared by
bench.reader_parity --lint; this script only times.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# run in the tree measured (its own egress on PYTHONPATH): one worker's share
_SHARE = r"""
import gc, json, pickle, sys, time
from pathlib import Path
gc.disable()
from egress.lint.batch import Checked, _sites, build_views
from egress.lint.engine import RulePlan, collected
from egress.lint.registry import Fleet, Scope, all_rules
from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles
from egress.render.batch import DesignSource
inventory = Path(sys.argv[1])
nr = load_nornir(inventory)
source = DesignSource.of(nr.inventory, InventoryFiles.in_dir(inventory))
hosts = list(nr.inventory.hosts)[: len(nr.inventory.hosts) // 2]
intents = source.derive(hosts)
rules = all_rules()
plan = RulePlan([r for r in rules.values() if r.scope is not Scope.INVENTORY])
fleet_rules = [r for r in rules.values() if r.scope is Scope.INVENTORY]
items = {r.id: [] for r in fleet_rules}
spent = {"rules": 0.0, "collect": 0.0}
for site in _sites(hosts, source.groups):
    views = build_views(
        {h: intents[h] for h in site}, templates_dir=Path("templates"), files=source.files,
        site_groups=source.groups, config_dir=Path("build/configs"),
    )
    t = time.process_time()
    plan.run(views)
    spent["rules"] += time.process_time() - t
    t = time.process_time()
    for rule in fleet_rules:
        items[rule.id].extend(collected(rule, views))
    spent["collect"] += time.process_time() - t
fleets = {r: Fleet(None, i) for r, i in items.items()}
try:
    checked = Checked([], fleets, {h: intents[h].platform for h in hosts})
except TypeError:  # before the platforms were sent back
    checked = Checked([], fleets)
t = time.process_time()
blob = pickle.dumps(checked, protocol=pickle.HIGHEST_PROTOCOL)
spent["pickle"] = time.process_time() - t
t = time.process_time()
pickle.loads(blob)
spent["unpickle"] = time.process_time() - t
spent["bytes"] = len(blob)
print(json.dumps(spent))
"""

# the parent's serial part after the workers, in a real `egress lint` run
_TAIL = r"""
import json, sys, time
from pathlib import Path
import egress.lint.run as run
done = {}
check_sites = run.check_sites
def timed(*args, **kwargs):
    result = check_sites(*args, **kwargs)
    done["wall"], done["cpu"] = time.perf_counter(), time.process_time()
    return result
run.check_sites = timed
run.lint_inventory(Path(sys.argv[1]), templates_dir=Path("templates"))
print(json.dumps({"tail wall": time.perf_counter() - done["wall"],
                  "tail CPU": time.process_time() - done["cpu"]}))
"""


def _measure(tree: Path, inventory: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "EGRESS_CACHE_DIR": ""}
    found: dict[str, float] = {}
    for script in (_SHARE, _TAIL):
        out = subprocess.run(
            [sys.executable, "-c", script, str(inventory)],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found.update(json.loads(out.strip().splitlines()[-1]))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--devices", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from bench.gen_inventory import generate
    from bench.sidebyside import machine

    print(machine())
    trees = {"before": args.base.resolve(), "now": REPO}
    with tempfile.TemporaryDirectory(prefix="egress-lint-own-") as tmp:
        inventory = generate(Path(tmp) / "inv", devices=args.devices)
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for _ in range(args.runs):  # in turn: before, now, before, now, ...
            for name, tree in trees.items():
                runs[name].append(_measure(tree, inventory))
    print(
        f"one worker's share ({args.devices // 2:,} devices), CPU-s; the parent after the workers"
    )
    print("| part | before | now | now / before |")
    print("|---|---|---|---|")
    for part in runs["now"][0]:
        before, now = (statistics.median(r[part] for r in runs[name]) for name in trees)
        shown = (lambda v: f"{v:,.0f}") if part == "bytes" else (lambda v: f"{v:.3f}")
        print(f"| {part} | {shown(before)} | {shown(now)} | {now / before:.2f}x |")
    print(machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
