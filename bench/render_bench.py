"""Benchmark `egress render` on a generated inventory, and Ansible's `template` module beside it.

    python -m bench.render_bench [--devices 10000] [--ansible-hosts 200] [--skip-ansible]

Prints wall time, devices/s and peak RSS (whole process tree) for: a cold run (no previous
output), a warm run (every output file already there and unchanged), and a single-process
run; then, for a few hundred hosts, egress against `ansible-playbook` with the template module
rendering the SAME templates from the same intents (outputs compared byte for byte).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

from bench.gen_inventory import generate
from bench.procwatch import Run, run

REPO = Path(__file__).resolve().parent.parent
EGRESS = [sys.executable, "-m", "egress.cli"]


def _egress_render(inventory: Path, out: Path, *extra: str) -> Run:
    result = run(
        [*EGRESS, "render", "-i", str(inventory), "--out", str(out), "-q", *extra], cwd=REPO
    )
    if result.returncode != 0:
        raise SystemExit(f"egress render failed:\n{result.output[-2000:]}")
    return result


def _row(label: str, devices: int, result: Run) -> str:
    return (
        f"| {label} | {devices} | {result.wall_s:.2f} s | {devices / result.wall_s:,.0f} "
        f"| {result.peak_rss_mib:.0f} MiB |"
    )


def _ansible_project(inventory: Path, work: Path) -> Path:
    """An Ansible project rendering the same templates from the same (exported) intents."""
    sys.path.insert(0, str(REPO))
    from egress.model.inventory import load_nornir
    from egress.model.sites import InventoryFiles, build_intents

    nr = load_nornir(inventory)
    intents = build_intents(nr.inventory, files=InventoryFiles.in_dir(inventory))
    hosts = {
        name: {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "device": dataclasses.asdict(intent),
        }
        for name, intent in intents.items()
    }
    project = work / "ansible"
    project.mkdir()
    (project / "inventory.json").write_text(json.dumps({"all": {"hosts": hosts}}))
    # the same templates; Ansible drops a template's last newline unless told otherwise,
    # which its `#jinja2:` header line does (egress sets keep_trailing_newline itself)
    shutil.copytree(REPO / "templates", project / "templates")
    for main in (project / "templates").glob("*/main.j2"):
        main.write_text("#jinja2: keep_trailing_newline:True\n" + main.read_text())
    (project / "render.yml").write_text(
        "- hosts: all\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.template:\n"
        '        src: "{{ device.platform }}/main.j2"\n'
        '        dest: "{{ out_dir }}/{{ inventory_hostname }}.cfg"\n'
        "        lstrip_blocks: true\n        trim_blocks: true\n"
    )
    return project


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=10000)
    parser.add_argument("--ansible-hosts", type=int, default=200)
    parser.add_argument("--forks", type=int, default=20)
    parser.add_argument("--skip-ansible", action="store_true")
    parser.add_argument("--workdir", help="keep inventories and outputs here (default: temp)")
    args = parser.parse_args()

    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="egress-bench-") as tmp:
        work = Path(args.workdir or tmp)
        work.mkdir(parents=True, exist_ok=True)
        inventory = generate(work / "inv", devices=args.devices)
        size = sum(p.stat().st_size for p in inventory.iterdir()) / 1e6
        print(f"generated inventory: {args.devices} devices, {size:.1f} MB of YAML\n")
        print("| run | devices | wall | devices/s | peak RSS |\n|---|---|---|---|---|")
        cold = _egress_render(inventory, work / "out")
        print(_row("egress render, cold (no output yet)", args.devices, cold))
        warm = _egress_render(inventory, work / "out")
        print(_row("egress render, warm (output there, unchanged)", args.devices, warm))
        shutil.rmtree(work / "out")
        single = _egress_render(inventory, work / "out", "--workers", "1")
        print(_row("egress render, cold, 1 process", args.devices, single))

        if args.skip_ansible:
            return
        if (
            shutil.which("ansible-playbook") is None
            and not (Path(sys.executable).parent / "ansible-playbook").exists()
        ):
            print("\nansible-playbook not installed: pip install ansible-core")
            return
        small = generate(work / "inv-small", devices=args.ansible_hosts)
        egress_small = _egress_render(small, work / "out-egress")
        project = _ansible_project(small, work)
        (work / "out-ansible").mkdir()
        playbook = str(Path(sys.executable).parent / "ansible-playbook")
        ansible = run(
            [
                playbook,
                "-i",
                "inventory.json",
                "render.yml",
                "-f",
                str(args.forks),
                "-e",
                f"out_dir={work / 'out-ansible'}",
            ],
            env={
                "ANSIBLE_HOST_KEY_CHECKING": "False",
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_LOCALHOST_WARNING": "False",
                "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
            },
            cwd=project,
        )
        if ansible.returncode != 0:
            print(f"\nansible-playbook failed:\n{ansible.output[-3000:]}")
            return
        same = sum(
            (work / "out-egress" / p.name).read_text().rstrip("\n") == p.read_text().rstrip("\n")
            for p in (work / "out-ansible").glob("*.cfg")
        )
        print(
            _row(
                f"egress render, cold, {args.ansible_hosts} hosts", args.ansible_hosts, egress_small
            )
        )
        print(
            _row(
                f"ansible-playbook template module, forks {args.forks}", args.ansible_hosts, ansible
            )
        )
        print(
            f"\nidentical outputs: {same}/{args.ansible_hosts}; "
            f"egress is {ansible.wall_s / egress_small.wall_s:.0f}x faster on the same hosts"
        )


if __name__ == "__main__":
    main()
