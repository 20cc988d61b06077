"""`egress drill`: the site's design on a real FRR/Linux data plane, failures measured."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import typer

from egress.commands.render import InventoryOpt
from egress.console import cli_errors, out
from egress.errors import InputError, Location
from egress.render import default_templates_dir


def drill_command(
    site: str | None = typer.Option(None, "--site", help="the site to drill (e.g. ams)"),
    scenario: list[str] | None = typer.Option(
        None, "--scenario", help="run only these scenarios (repeatable; default: all)"
    ),
    reps: int = typer.Option(
        3, "--reps", min=1, max=10, help="repetitions of each failover scenario"
    ),
    overrides: list[str] | None = typer.Option(
        None,
        "--set",
        help="run a changed design (key.sub=YAML), e.g. --set bfd.multiplier=10; the "
        "promises stay the inventory's",
    ),
    report: bool = typer.Option(
        False, "--report", help="write changes/drill-<site>-<time>/ and its report"
    ),
    changes_dir: Path = typer.Option(Path("changes"), "--changes-dir"),
    as_json: bool = typer.Option(
        False, "--json", help="the results as one JSON document on stdout (progress on stderr)"
    ),
    clean: bool = typer.Option(
        False, "--clean", help="remove whatever an earlier drill left behind, then exit"
    ),
    inventory: Path = InventoryOpt,
    templates: Path | None = typer.Option(None, "--templates"),
) -> None:
    """Build the site in network namespaces (FRR, keepalived, conntrackd), push its design
    rendered for frr, prove it with validate, then inject failures while traffic flows and
    measure the design's promises (exit 1 when one is broken)."""
    from egress.drill import netns

    with cli_errors():
        if os.geteuid() != 0:
            raise InputError(
                "egress drill needs root (CAP_NET_ADMIN) to build network namespaces",
                location=Location(field="drill"),
                hint="run it as root (CI runs as root)",
            )
        if clean:
            removed = netns.clean()
            out.print(
                f"removed {len(removed)} drill objects" + "".join(f"\n  {r}" for r in removed)
            )
            return
        if site is None:
            raise InputError("--site is required", location=Location(field="--site"))
        from egress.drill import results
        from egress.drill.run import run_drill
        from egress.drill.scenarios import SCENARIOS

        chosen = tuple(scenario or SCENARIOS)
        unknown = [s for s in chosen if s not in SCENARIOS]
        if unknown:
            raise InputError(
                f"unknown scenario {unknown[0]!r}",
                location=Location(field="--scenario"),
                hint=f"scenarios: {', '.join(SCENARIOS)}",
            )
        change = None
        if report:
            from egress.change.changes import ChangeDir

            stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
            change = ChangeDir.create(changes_dir, f"drill-{site}-{stamp}")
        try:
            result = run_drill(
                inventory=inventory,
                site_name=site,
                templates_dir=templates or default_templates_dir(),
                scenarios=chosen,
                reps=reps,
                overrides=tuple(overrides or ()),
                log=lambda line: out.print(line, highlight=False),
                change=change,
            )
        except KeyboardInterrupt:
            out.print("interrupted: the drill's topology was removed")
            raise typer.Exit(code=130) from None
    data = results.as_json(result)
    if change is not None:
        _write_change(change, result, data)
        out.print(f"report: {change.root / 'report.html'} (and report.md, drill.json)")
    results.print_tables(result, out)
    if as_json:
        print(json.dumps(data))
    raise typer.Exit(code=0 if result.passed else 1)


def _write_change(change: object, result: object, data: dict[str, object]) -> None:
    from egress.change.changes import SUMMARY, ChangeDir
    from egress.drill.run import DrillResult
    from egress.report.render import write_report

    assert isinstance(change, ChangeDir) and isinstance(result, DrillResult)
    change.write_json("drill.json", [data])
    change.write_json(
        SUMMARY,
        {
            "dry_run": False,
            # the report's status pill: "ok" is the passing word
            "status": "ok" if result.passed else "drill failed",
            "hosts": {
                p.host: {
                    "outcome": "committed",
                    "config": "intended",
                    "diff_lines": len(p.diff.splitlines()),
                }
                for p in result.pushes
            },
        },
    )
    write_report(change.root)
