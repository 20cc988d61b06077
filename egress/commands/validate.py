"""`egress validate`: prove the design on the devices from their show output."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import typer
from rich.table import Table

from egress.commands.deploy import JsonOpt, LabOpt, LabStateOpt, TimeoutOpt, _target
from egress.commands.options import GroupOpt, HostsOpt, InventoryOpt, PlatformOpt
from egress.console import cli_errors, err, out
from egress.devices.connection import host_key_ref
from egress.devices.device_errors import describe
from egress.errors import InputError, Location
from egress.model.intent import DeviceIntent
from egress.rollout.validate import check_fleet
from egress.validate import VALIDATED
from egress.validate_bgp import FEATURE as BGP
from egress.validate_bgp import bgp_unchecked

# what --features takes: the per-feature checks and the per-neighbor BGP ones
FEATURES = (*VALIDATED, BGP)


def validate_command(
    inventory: Path = InventoryOpt,
    hosts: str | None = HostsOpt,
    group: list[str] | None = GroupOpt,
    platform: str | None = PlatformOpt,
    lab: bool = LabOpt,
    lab_state: Path = LabStateOpt,
    timeout: int = TimeoutOpt,
    output_format: str = typer.Option("text", "--format", help="text | json"),
    as_json: bool = JsonOpt,
    expect_failover: list[str] | None = typer.Option(
        None,
        "--expect-failover",
        metavar="HOST[:LINK]",
        help="a drill: HOST has handed its role to its peer; with :LINK (a link name, e.g. "
        "isp1) that link was cut, so its BFD session, probes and default route are expected "
        "down. Repeat it or separate with commas",
    ),
    features: list[str] | None = typer.Option(
        None,
        "--features",
        metavar="FEATURE",
        help=f"only these features ({', '.join(FEATURES)}); repeat it or separate with commas",
    ),
) -> None:
    """Run the show commands, parse them with TTP, compare with the intent (exit 1 on a
    failed check)."""
    if as_json:
        output_format = "json"
    with cli_errors():
        if output_format not in ("text", "json"):
            raise InputError(
                f"unknown format {output_format!r}",
                location=Location(field="--format"),
                hint="text or json",
            )
        target = _target(
            inventory=inventory,
            hosts=hosts,
            group=group,
            platform=platform,
            lab=lab,
            lab_state=lab_state,
            timeout=timeout,
        )
        failover, cut = _drill(expect_failover or [], target.intents)
        wanted = _features(features or [])
        try:
            found = check_fleet(
                target.nr, intents=target.intents, failover=failover, cut=cut, features=wanted
            )
        finally:
            target.nr.close_connections(on_good=True, on_failed=True)
    checks = found.checks
    repaired = found.repaired
    # said, never a silent pass: a platform whose BGP advertisements egress cannot read yet
    unchecked = {
        h: note
        for h in checks
        if (wanted is None or BGP in wanted) and (note := bgp_unchecked(target.intents[h]))
    }
    unreachable = {
        host: describe(error, host_key=host_key_ref(target.nr.inventory.hosts[host])).message
        for host, error in found.unreachable.items()
    }
    failed = sum(1 for cs in checks.values() for c in cs if not c.passed) + len(unreachable)
    if output_format == "json":
        print(
            json.dumps(
                {
                    "passed": failed == 0,
                    "hosts": {
                        h: [
                            {
                                "feature": c.feature,
                                "subject": c.subject,
                                "expected": c.expected,
                                "observed": c.observed,
                                "passed": c.passed,
                            }
                            for c in cs
                        ]
                        for h, cs in checks.items()
                    },
                    "unreachable": unreachable,
                    "repaired": repaired,
                    "not_checked": unchecked,
                },
                indent=2,
            )
        )
    else:
        for host, cs in checks.items():
            table = Table(title=host, title_justify="left")
            for column in ("feature", "check", "expected", "observed", ""):
                table.add_column(column)
            for c in cs:
                mark = "[green]pass[/]" if c.passed else "[bold red]FAIL[/]"
                table.add_row(c.feature, c.subject, c.expected, c.observed, mark)
            out.print(table)
        for host, message in unreachable.items():
            err.print(f"[red]{host}: {message}[/]")
        for host, note in repaired.items():
            err.print(f"[yellow]{host}: repaired on connecting: {note}[/]")
        for host, note in unchecked.items():
            err.print(f"[yellow]{host}: {note}[/]")
        total = sum(len(cs) for cs in checks.values())
        out.print(
            f"{total - failed + len(unreachable)}/{total} checks passed on {len(checks)} "
            f"devices" + (f"; {len(unreachable)} unreachable" if unreachable else "")
        )
    raise typer.Exit(code=1 if failed else 0)


def _items(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _drill(
    values: list[str], intents: Mapping[str, DeviceIntent]
) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """``HOST[:LINK]`` items -> (hosts that handed over, host -> its cut links)."""
    failover: set[str] = set()
    cut: dict[str, set[str]] = {}
    for item in _items(values):
        host, _, link = item.partition(":")
        if host not in intents:
            raise InputError(
                f"--expect-failover names {host!r}, which is not selected",
                location=Location(host=host, field="--expect-failover"),
                hint=f"selected hosts: {', '.join(sorted(intents))}",
            )
        failover.add(host)
        if link:
            links = sorted(u.link for u in intents[host].uplinks)
            if link not in links:
                raise InputError(
                    f"--expect-failover {item}: {host} has no link {link!r}",
                    location=Location(host=host, field="--expect-failover"),
                    hint=f"its links: {', '.join(links)}",
                )
            cut.setdefault(host, set()).add(link)
    return frozenset(failover), {h: frozenset(links) for h, links in cut.items()}


def _features(values: list[str]) -> frozenset[str] | None:
    items = _items(values)
    unknown = sorted(set(items) - set(FEATURES))
    if unknown:
        raise InputError(
            f"unknown feature(s) {', '.join(unknown)}",
            location=Location(field="--features"),
            hint=f"features: {', '.join(FEATURES)}",
        )
    return frozenset(items) if items else None
