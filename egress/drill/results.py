"""The drill's results: a table per scenario (printed), JSON, and the change report's
section (drill.json in the change directory; egress/report renders it, with a small inline
SVG timeline per failover: datagrams that arrived per 20 ms, the fault at 0)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.table import Table

from egress.drill.promises import TOLERANCE_FACTOR, TOLERANCE_MS
from egress.drill.run import DrillResult
from egress.drill.scenarios import Row, ScenarioResult

SVG_WIDTH, SVG_HEIGHT = 320, 60


def as_json(result: DrillResult) -> dict[str, Any]:
    return {
        "site": result.site,
        "mode": result.mode,
        "hashing": result.hashing,
        "overrides": list(result.overrides),
        "time_scale": result.time_scale,
        "repetitions": result.reps,
        "tolerance": f"promise x {TOLERANCE_FACTOR:g} + {TOLERANCE_MS:g} ms",
        "passed": result.passed,
        "error": result.error,
        "steady_state_failures": result.steady_state,
        "lint_errors": result.lint,
        "topology_removed": result.removed,
        "timings_s": result.timings,
        "pushes": [{"host": p.host, "diff_lines": len(p.diff.splitlines())} for p in result.pushes],
        "scenarios": [_scenario(s) for s in result.scenarios],
    }


def _scenario(s: ScenarioResult) -> dict[str, Any]:
    return {
        "name": s.name,
        "title": s.title,
        "applicable": s.applicable,
        "reason": s.reason,
        "passed": s.passed,
        "rows": [_row(r) for r in s.rows],
        "lost_packets": s.lost_packets,
        "revalidated": s.revalidated,
        "validation_failures": s.validation_failures,
        "marks": s.marks,
        "notes": s.notes,
        "seconds": s.seconds,
        "timeline": s.timeline,
        "svg": svg_geometry(s),
    }


def _row(r: Row) -> dict[str, Any]:
    data = asdict(r)
    data["values"] = [None if v is None else round(v, 1) for v in r.values]
    data["summary"] = r.summary()
    return data


def svg_geometry(s: ScenarioResult) -> dict[str, Any] | None:
    """Numbers only (the report template draws them): the polyline of datagrams per bin,
    the x of the fault (t=0) and of each mark."""
    if not s.timeline:
        return None
    xs = [t for t, _ in s.timeline]
    top = max(n for _, n in s.timeline) or 1
    lo, hi = min(xs), max(xs) or 1

    def x(ms: float) -> float:
        return round((ms - lo) / ((hi - lo) or 1) * (SVG_WIDTH - 10) + 5, 1)

    def y(n: int) -> float:
        return round(SVG_HEIGHT - 12 - n / top * (SVG_HEIGHT - 20), 1)

    points = " ".join(f"{x(t)},{y(n)}" for t, n in s.timeline)
    marks = [{"x": x(ms), "ms": round(ms)} for ms in s.marks.values() if lo <= ms <= hi]
    return {
        "width": SVG_WIDTH,
        "height": SVG_HEIGHT,
        "points": points,
        "fault_x": x(0),
        "marks": marks,
        "span_ms": [round(lo), round(hi)],
    }


def verdicts(result: DrillResult) -> list[str]:
    """One line per broken promise, naming scenario, promise and measurement."""
    lines = []
    for s in result.scenarios:
        for r in s.rows:
            if not r.passed:
                got = ", ".join("never" if v is None else f"{v:.0f}{r.unit}" for v in r.values)
                lines.append(f"{s.name}: {r.check}: promised {r.promise}, measured {got}")
        if s.revalidated is False:
            lines.append(f"{s.name}: not re-validated: {'; '.join(s.validation_failures[:3])}")
    lines += [f"lint: {line}" for line in result.lint]
    if result.steady_state:
        lines.append("steady state: " + "; ".join(result.steady_state))
    if result.error:
        lines.append(f"drill error: {result.error}")
    if not result.removed:
        lines.append("topology NOT removed: run `egress drill --clean`")
    return lines


def print_tables(result: DrillResult, console: Console) -> None:
    console.print(
        f"[bold]drill {result.site}[/] ({result.mode}, {result.hashing}; probe/preempt timers "
        f"1/{result.time_scale}; {result.reps} repetitions; tolerance promise x "
        f"{TOLERANCE_FACTOR:g} + {TOLERANCE_MS:g} ms)"
    )
    for s in result.scenarios:
        table = Table(title=f"{s.name}: {s.title}", title_justify="left", show_lines=False)
        for column in ("check", "promise", "limit", "min", "median", "max", "never", "lost", "ok"):
            table.add_column(column, overflow="fold")
        if not s.applicable:
            table.add_row("-", f"not applicable: {s.reason}", *[""] * 7)
        for r in s.rows:
            summary = r.summary()
            unit = r.unit
            table.add_row(
                r.check,
                r.promise,
                "" if r.limit_ms is None else f"{r.limit_ms:g}{unit}",
                *(
                    f"{summary[k]:g}{unit}" if k in summary else "-"
                    for k in ("min", "median", "max")
                ),
                str(summary["never"]),
                ",".join(str(n) for n in s.lost_packets) or "-",
                "[green]PASS[/]" if r.passed else "[red]FAIL[/]",
            )
        notes = [f"{r.check}: {r.detail}" for r in s.rows if r.detail] + s.notes
        if s.revalidated is not None:
            notes.append("re-validated" if s.revalidated else "NOT re-validated")
        table.caption = "; ".join(notes)
        table.caption_justify = "left"
        console.print(table)
    t = result.timings
    console.print(
        f"bring-up {t.get('bring_up_s', '-')} s, push+validate {t.get('push_validate_s', '-')} s, "
        f"scenarios {t.get('scenarios_s', '-')} s, tear-down {t.get('teardown_s', '-')} s, "
        f"total {t.get('total_s', '-')} s; topology removed: {result.removed}"
    )
    for line in verdicts(result):
        console.print(f"[red]BROKEN[/] {line}")
    console.print("[green]drill passed[/]" if result.passed else "[red]drill failed[/]")
