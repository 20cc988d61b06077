"""Benchmark the lab: start time and memory of a 50-device lab, and 50 concurrent SSH sessions.

    python -m bench.lab_bench [--devices 50] [--sessions 50]

Each session is a real SSH login (asyncssh client, password auth, host key checked against
the lab's known_hosts) that opens an interactive shell, waits for the prompt, runs one
command and reads its output to the next prompt, all at once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import tempfile
import time
from pathlib import Path

import asyncssh

from bench.gen_inventory import generate
from bench.procwatch import _rss_kib
from egress.lab.control import lab_down, lab_up, pid_of
from egress.lab.spec import KNOWN_HOSTS, LOCALHOST, LabSpec

COMMAND = {"ios": "show version", "fortios": "get system status", "junos": None}
PROMPT_END = {"ios": "#", "fortios": "# "}


async def _session(spec: LabSpec, state: Path, name: str) -> float:
    device = spec.device(name)
    started = time.perf_counter()
    async with asyncssh.connect(
        LOCALHOST,
        device.port,
        username=spec.username,
        password=spec.password,
        known_hosts=str(state / KNOWN_HOSTS),
    ) as conn:
        if device.platform == "junos":
            # NETCONF: the hello is the proof of a served session
            async with conn.create_process(subsystem="netconf", encoding="utf-8") as proc:
                await proc.stdout.readuntil("]]>]]>")
        else:
            async with conn.create_process(term_type="vt100", encoding="utf-8") as proc:
                proc.stdin.write("\n")  # what netmiko sends first to find the prompt
                await proc.stdout.readuntil(PROMPT_END[device.platform])
                proc.stdin.write(f"{COMMAND[device.platform]}\n")
                await proc.stdout.readuntil(PROMPT_END[device.platform])
    return time.perf_counter() - started


async def _many(spec: LabSpec, state: Path, sessions: int) -> list[float]:
    names = [d.name for d in spec.devices]
    return await asyncio.gather(
        *(_session(spec, state, names[i % len(names)]) for i in range(sessions))
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=50)
    args = parser.parse_args()
    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="egress-labbench-") as tmp:
        inventory = generate(Path(tmp) / "inv", devices=args.devices)
        state = Path(tmp) / "lab"
        started = time.perf_counter()
        spec = lab_up(inventory=inventory, state_dir=state)
        up_s = time.perf_counter() - started
        pid = pid_of(state)
        try:
            rss = _rss_kib(pid) / 1024 if pid else float("nan")
            platforms = {
                p: sum(1 for d in spec.devices if d.platform == p)
                for p in ("ios", "junos", "fortios")
            }
            print(
                f"lab of {len(spec.devices)} devices {platforms}: up in {up_s:.2f} s "
                f"(every port answering), server RSS {rss:.0f} MiB"
            )
            started = time.perf_counter()
            latencies = asyncio.run(_many(spec, state, args.sessions))
            wall = time.perf_counter() - started
            peak = _rss_kib(pid) / 1024 if pid else float("nan")
            latencies.sort()
            print(
                f"{args.sessions} concurrent SSH sessions: all served in {wall:.2f} s; "
                f"per session median {latencies[len(latencies) // 2]:.2f} s, "
                f"max {latencies[-1]:.2f} s; server RSS after {peak:.0f} MiB"
            )
        finally:
            lab_down(state)


if __name__ == "__main__":
    main()
