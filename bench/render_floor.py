"""`egress render` against its floor, side by side in one run.

    python -m bench.render_floor [--devices 10000] [--runs 5] [--procs 2] [--no-kept-parse]

The floor is the simplest program doing the same work: the intents already derived (loaded
from a pickle of plain dicts), ONE Jinja2 Environment with egress's options, the same
templates, plain file writes, split over ``--procs`` forked processes. egress does more on
top: it reads and validates the inventory, derives the intents, and replaces each file
atomically. Both write 10,000 files into an empty directory (cold); every output file of
the floor is checked byte for byte against egress's.

egress keeps a large inventory file's parse for the next run (egress.model.yamlfile): the
intents' export below parses the generated inventory first, so every timed egress run reads
the kept copy. ``--no-kept-parse`` runs egress with ``EGRESS_CACHE_DIR=`` (nothing kept):
every run parses the YAML, as the first run after an inventory change does.

The ``floor`` sub-command is the floor itself (stdlib and Jinja2 only).
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
from pathlib import Path


def floor(intents_file: Path, templates: Path, out: Path, procs: int) -> None:
    """Render every intent of ``intents_file`` into ``out/<host>.cfg``."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    with open(intents_file, "rb") as f:
        intents: list[dict[str, object]] = pickle.load(f)
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - device configuration
        auto_reload=False,
    )
    out.mkdir(parents=True, exist_ok=True)
    size = -(-len(intents) // procs)
    children = []
    for index in range(procs):
        share = intents[index * size : (index + 1) * size]
        pid = os.fork() if index < procs - 1 else 0
        if pid:
            children.append(pid)
            continue
        for device in share:
            text = env.get_template(f"{device['platform']}/main.j2").render(device=device)
            with open(out / f"{device['host']}.cfg", "w", encoding="utf-8") as file:
                file.write(text)
        if index < procs - 1:
            os._exit(0)
    for pid in children:
        os.waitpid(pid, 0)


def export_intents(inventory: Path, target: Path) -> int:
    """egress's intents of ``inventory`` as plain dicts (what Ansible would be given)."""
    import dataclasses
    import json

    from bench.big_inventory import lift
    from egress.model.inventory import load_nornir
    from egress.model.sites import InventoryFiles, build_intents

    lift()  # 20,000 devices and more pass egress's 8 MiB inventory file limit
    nr = load_nornir(inventory)
    intents = build_intents(nr.inventory, files=InventoryFiles.in_dir(inventory))
    plain = [json.loads(json.dumps(dataclasses.asdict(i), default=str)) for i in intents.values()]
    with open(target, "wb") as f:
        pickle.dump(plain, f, protocol=pickle.HIGHEST_PROTOCOL)
    return len(plain)


def same_files(a: Path, b: Path) -> tuple[int, int]:
    """(identical files, files in ``a``); a file missing from ``b`` counts as different."""
    names = sorted(p.name for p in a.iterdir())
    same = sum((b / n).is_file() and (a / n).read_bytes() == (b / n).read_bytes() for n in names)
    return same, len(names)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "floor":
        floor(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), int(sys.argv[5]))
        return
    import shutil
    import tempfile

    from bench.gen_inventory import generate
    from bench.procwatch import run
    from bench.sidebyside import TABLE_HEAD, alternate, machine, median_row, ratio
    from egress.render.templatedir import default_templates_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--no-kept-parse", action="store_true", help="egress parses each run")
    args = parser.parse_args()
    repo = Path(__file__).resolve().parent.parent
    print(machine())
    with tempfile.TemporaryDirectory(prefix="egress-floor-") as tmp:
        work = Path(tmp)
        inventory = generate(work / "inv", devices=args.devices)
        count = export_intents(inventory, work / "intents.pickle")
        templates = default_templates_dir()
        outs = {"egress": work / "out-egress", "floor": work / "out-floor"}
        egress = [
            sys.executable,
            "-m",
            "bench.big_inventory",
            "render",
            "-q",
            "-i",
            str(inventory),
            "--out",
            str(outs["egress"]),
            "--workers",
            str(args.procs),
        ]
        floor_cmd = [
            sys.executable,
            "-m",
            "bench.render_floor",
            "floor",
            str(work / "intents.pickle"),
            str(templates),
            str(outs["floor"]),
            str(args.procs),
        ]

        egress_env = {"EGRESS_CACHE_DIR": ""} if args.no_kept_parse else None

        def clean(step: str) -> None:  # cold: every run writes into an empty directory
            shutil.rmtree(
                outs["egress" if step.startswith("egress") else "floor"], ignore_errors=True
            )

        results = alternate(
            {
                "egress render": lambda: run(egress, cwd=repo, env=egress_env),
                "floor": lambda: run(floor_cmd, cwd=repo),
            },
            args.runs,
            prepare=clean,
        )
        same, total = same_files(outs["egress"], outs["floor"])
        print(
            f"\n{count} devices, {args.procs} processes each, {args.runs} runs in turn, "
            f"cold (empty output directory); egress "
            f"{'parses the inventory each run' if args.no_kept_parse else 'reads its kept parse'}\n"
        )
        print(TABLE_HEAD)
        for name, runs in results.items():
            print(median_row(name, runs))
        wall, cpu = ratio(results["egress render"], results["floor"])
        print(f"\negress / floor: wall {wall:.2f}x, CPU {cpu:.2f}x (medians of pairwise ratios)")
        print(f"identical outputs: {same}/{total} (floor vs egress, byte for byte)")
        if same != total or total != count:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
