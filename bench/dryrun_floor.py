"""`egress diff` (dry-run) of a lab fleet against its floor, side by side in one run.

    python -m bench.dryrun_floor [--devices 60] [--runs 3] [--workers 20]

The floor (issue 18) is the simplest program doing the same device work: the unmodified
NAPALM drivers in a ``ThreadPoolExecutor(workers)``, each device opened with the same
host-key-checking options egress uses, its rendered config loaded as a merge candidate,
compared and discarded. The configs are rendered beforehand, outside the timing. egress does
more on top: it reads and validates the inventory and renders, reads each device's config
for the ownership pre-flight, computes the remediation of the sections it owns (what it
loads instead of the whole file), keeps a (non-restorable) backup and writes the change
record. Both run against the same lab; the set of devices said to change is checked to be
the same.

The ``floor`` sub-command is the floor itself (napalm and the stdlib only).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def floor(jobs_file: Path, workers: int) -> dict[str, bool]:
    """Dry-run every device of ``jobs_file``: ``{host: its config would change}``."""
    from napalm import get_network_driver

    jobs: dict[str, Any] = json.loads(jobs_file.read_text())

    def one(name: str, job: dict[str, Any]) -> tuple[str, bool]:
        driver = get_network_driver(job["driver"])(
            job["hostname"],
            jobs["username"],
            jobs["password"],
            timeout=job["timeout"],
            optional_args=job["optional_args"],
        )
        driver.open()
        try:
            driver.load_merge_candidate(filename=job["config"])
            changed = bool(driver.compare_config().strip())
            driver.discard_config()
        finally:
            driver.close()
        return name, changed

    with ThreadPoolExecutor(workers) as pool:
        return dict(pool.map(lambda item: one(*item), jobs["hosts"].items()))


def _jobs(inventory: Path, state: Path, configs: Path, out: Path) -> None:
    """The floor's job file: each lab device's address, driver, options and config file."""
    from egress.devices.connection import platform_options
    from egress.platforms import PLATFORMS

    overlay = json.loads((state / "inventory-overlay.json").read_text())
    hosts = {}
    for name, entry in overlay["hosts"].items():
        options = platform_options(
            entry["platform"],
            known_hosts=Path(overlay["known_hosts"]),
            ssh_config=Path(overlay["ssh_config"]),
            timeout=60,
        )
        args = dict(options["optional_args"])
        args["port"] = entry["port"]
        args.pop("conn_open_timeout", None)  # egress's own option, not napalm's
        args.pop("hostkey_verify", None)  # PyEZ verifies against ssh_config's known_hosts
        hosts[name] = {
            "hostname": entry["hostname"],
            "driver": PLATFORMS[entry["platform"]].napalm_driver,
            "timeout": options["timeout"],
            "optional_args": args,
            "config": str(configs / f"{name}.cfg"),
        }
    out.write_text(
        json.dumps(
            {"username": overlay["username"], "password": overlay["password"], "hosts": hosts}
        )
    )


def main() -> None:
    from bench.gen_inventory import generate
    from bench.procwatch import run
    from bench.sidebyside import TABLE_HEAD, alternate, machine, median_row, ratio
    from egress.lab.control import lab_down, lab_up

    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=20)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="egress-dryrun-floor-") as tmp:
        work = Path(tmp)
        inventory = generate(work / "inv", devices=args.devices)
        nornir = inventory / "nornir.yaml"
        nornir.write_text(
            nornir.read_text().replace("num_workers: 20", f"num_workers: {args.workers}")
        )
        configs = work / "configs"
        rendered = run(
            [sys.executable, "-m", "egress.cli", "render", "-i", str(inventory), "--out",
             str(configs), "-q"],
            cwd=REPO,
        )  # fmt: skip
        if rendered.returncode != 0:
            raise SystemExit(rendered.output[-2000:])
        state = work / "lab"
        lab_up(inventory=inventory, state_dir=state, time_scale=60)
        try:
            jobs = work / "jobs.json"
            _jobs(inventory, state, configs, jobs)
            egress = [
                sys.executable, "-m", "egress.cli", "diff", "-i", str(inventory), "--lab",
                "--lab-state", str(state), "--changes-dir", str(work / "changes"), "--json",
            ]  # fmt: skip
            floor_cmd = [
                sys.executable, "-m", "bench.dryrun_floor", "floor", str(jobs),
                "--workers", str(args.workers),
            ]  # fmt: skip
            results = alternate(
                {"egress diff": lambda: run(egress, cwd=REPO), "napalm floor": lambda: run(
                    floor_cmd, cwd=REPO)},
                args.runs,
            )  # fmt: skip
        finally:
            lab_down(state)
    said = json.loads(results["egress diff"][-1].output.strip().splitlines()[-1])
    egress_changed = {h for h, e in said["hosts"].items() if e["outcome"] == "would-change"}
    floor_said = json.loads(results["napalm floor"][-1].output.strip().splitlines()[-1])
    floor_changed = {h for h, changed in floor_said.items() if changed}
    print(f"\n{args.devices} lab devices, {args.workers} workers, {args.runs} runs each, in turn\n")
    print(TABLE_HEAD)
    for name, runs in results.items():
        print(median_row(name, runs))
    wall, cpu = ratio(results["egress diff"], results["napalm floor"])
    print(f"\negress / floor: wall {wall:.2f}x, CPU {cpu:.2f}x (medians of pairwise ratios)")
    same = egress_changed == floor_changed
    print(f"devices said to change: egress {len(egress_changed)}, floor {len(floor_changed)}, "
          f"same set: {same}")  # fmt: skip
    walls = [r.wall_s for r in results["egress diff"]]
    print(f"egress diff spread: {min(walls):.2f}-{max(walls):.2f} s, "
          f"median {statistics.median(walls):.2f} s")  # fmt: skip
    if not same:
        raise SystemExit("egress and the floor disagree on which devices would change")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "floor":
        sub = argparse.ArgumentParser()
        sub.add_argument("verb")
        sub.add_argument("jobs", type=Path)
        sub.add_argument("--workers", type=int, default=20)
        ns = sub.parse_args()
        print(json.dumps(floor(ns.jobs, ns.workers)))
    else:
        main()
