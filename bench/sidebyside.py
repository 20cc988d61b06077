"""Side by side in one run: commands timed in turn (A B A B ...), medians and pairwise ratios.

The machine may be shared and its speed may drift during a run; timing the commands in
turn and taking each ratio pair by pair keeps the ratios meaningful, and the median of
several runs keeps one slow or one lucky run from moving a figure. CPU seconds (user +
system of the whole process tree) are printed beside wall seconds: on a loaded machine they
move less.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
from collections.abc import Callable

from bench.procwatch import Run

Step = Callable[[], Run]


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"machine: {platform.node()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {now}, load average {load}"
    )


def alternate(
    steps: dict[str, Step], runs: int, *, prepare: Callable[[str], None] | None = None
) -> dict[str, list[Run]]:
    """Each step ``runs`` times, in turn; ``prepare(name)`` runs (untimed) before each."""
    results: dict[str, list[Run]] = {name: [] for name in steps}
    for _ in range(runs):
        for name, step in steps.items():
            if prepare is not None:
                prepare(name)
            result = step()
            if result.returncode != 0:
                raise SystemExit(
                    f"{name} failed (exit {result.returncode}):\n{result.output[-2000:]}"
                )
            results[name].append(result)
    return results


def median_row(name: str, runs: list[Run]) -> str:
    wall = statistics.median(r.wall_s for r in runs)
    cpu = statistics.median(r.cpu_s for r in runs)
    rss = statistics.median(r.peak_rss_mib for r in runs)
    spread = f"{min(r.wall_s for r in runs):.2f}-{max(r.wall_s for r in runs):.2f}"
    return f"| {name} | {wall:.3f} s ({spread}) | {cpu:.2f} s | {rss:.0f} MiB |"


def ratio(a: list[Run], b: list[Run]) -> tuple[float, float]:
    """Median of the pairwise wall ratios and of the pairwise CPU ratios, a over b."""
    walls = [x.wall_s / y.wall_s for x, y in zip(a, b, strict=True)]
    cpus = [x.cpu_s / y.cpu_s for x, y in zip(a, b, strict=True) if y.cpu_s > 0]
    return statistics.median(walls), statistics.median(cpus) if cpus else float("nan")


TABLE_HEAD = "| run | wall, median (min-max) | CPU, median | peak RSS (tree) |\n|---|---|---|---|"
