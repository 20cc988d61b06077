"""One drill of one site: build, push through the pipeline, prove, break, measure, remove.

Bring-up: the topology (world.py), an FRR daemon set per router with nothing configured
(the pre-change state), then per router, secondary first as egress commits a VRRP pair:
backup -> diff -> commit (frr-reload + glue) -> validate. Then every scenario; each
restores what it broke and re-validates. The topology is removed on every exit: normal
end, exception, Ctrl-C (KeyboardInterrupt) and SIGTERM.
"""

from __future__ import annotations

import os
import signal
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from egress.change.changes import CANDIDATE, DIFF, POST, ChangeDir
from egress.drill import netns
from egress.drill import world as world_mod
from egress.drill.driver import FrrDevice
from egress.drill.measure import Sink
from egress.drill.scenarios import SCENARIOS, Context, ScenarioResult
from egress.drill.site import TIME_SCALE, DrillSite, load_site
from egress.parse import parse_output
from egress.parse.schema import BaseRecord
from egress.render import render_device
from egress.validate import commands_for, evaluate, supporting_commands

Log = Callable[[str], None]


@dataclass
class PushRecord:
    host: str
    pre: str
    candidate: str
    diff: str
    post: str


@dataclass
class DrillResult:
    site: str
    mode: str
    hashing: str
    overrides: tuple[str, ...]
    time_scale: int
    reps: int
    scenarios: list[ScenarioResult] = field(default_factory=list)
    pushes: list[PushRecord] = field(default_factory=list)
    steady_state: list[str] = field(default_factory=list)  # failed checks after the push
    lint: list[str] = field(default_factory=list)  # lint errors of the frr configs
    timings: dict[str, float] = field(default_factory=dict)
    removed: bool = False
    error: str | None = None

    @property
    def passed(self) -> bool:
        return (
            self.error is None
            and not self.lint
            and not self.steady_state
            and all(s.passed for s in self.scenarios)
            and self.removed
        )


def validate(site: DrillSite, devices: dict[str, FrrDevice]) -> list[str]:
    """egress validate's checks (validate.evaluate) on the FRR routers' parsed output; the
    two routers are asked at the same time."""
    with ThreadPoolExecutor(max_workers=len(site.intents)) as pool:
        per_host = pool.map(lambda host: _validate_host(site, devices[host]), site.intents)
        return [line for lines in per_host for line in lines]


def _validate_host(site: DrillSite, device: FrrDevice) -> list[str]:
    intent = site.intents[device.host]
    parsed: dict[str, list[BaseRecord]] = {}
    unparsed: dict[str, str] = {}
    supporting = supporting_commands(intent)
    for feature, command in commands_for(intent).items():
        records: list[BaseRecord] = []
        for cmd in (command, *supporting.get(feature, ())):
            try:
                records += parse_output(platform="frr", command=cmd, text=device.cli(cmd))
            except Exception as exc:  # noqa: BLE001 - reported as a failed check
                unparsed[feature] = f"{cmd}: {exc}"
        parsed[feature] = records
    return [
        f"{device.host} {check.subject}: expected {check.expected}, got {check.observed}"
        for check in evaluate(intent, parsed, scope="pair", unparsed=unparsed)
        if not check.passed
    ]


def lint_site(site: DrillSite, *, inventory: Path, templates_dir: Path) -> list[str]:
    """egress lint's config and design rules on the site's frr configs: the errors."""
    from egress.lint.batch import check_intents
    from egress.lint.registry import Scope, all_rules
    from egress.model.sites import InventoryFiles

    rules = [r for r in all_rules().values() if r.scope is not Scope.INVENTORY]
    findings = check_intents(
        site.intents,
        rules=rules,
        templates_dir=templates_dir,
        files=InventoryFiles.in_dir(inventory),
        site_groups={h: site.group for h in site.intents},
        config_dir=Path("build/configs"),
    )
    return [
        f"{f.rule} {f.host} {f.file}:{f.line}: {f.message}"
        for f in findings
        if f.severity.value == "error"
    ]


def settle(site: DrillSite, devices: dict[str, FrrDevice], timeout: float) -> list[str]:
    """Validate until every check passes or ``timeout`` s pass (bounded)."""
    deadline = time.monotonic() + timeout
    failures = validate(site, devices)
    while failures and time.monotonic() < deadline:
        if os.environ.get("EGRESS_DRILL_DEBUG"):
            print(f"{time.monotonic():.1f} settle: {failures[:3]}")
        time.sleep(0.2)
        failures = validate(site, devices)
    return failures


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_drill(
    *,
    inventory: Path,
    site_name: str,
    templates_dir: Path,
    scenarios: Sequence[str] = tuple(SCENARIOS),
    reps: int = 3,
    overrides: tuple[str, ...] = (),
    log: Log = lambda _line: None,
    mutate: Callable[[str, str], str] | None = None,
    change: ChangeDir | None = None,
) -> DrillResult:
    """``mutate(host, config)``: a hook for tests that break the rendered config."""
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        raise ValueError(f"unknown scenario(s) {unknown}; known: {', '.join(SCENARIOS)}")
    site = load_site(inventory, site_name, overrides=overrides, time_scale=TIME_SCALE)
    result = DrillResult(
        site=site_name,
        mode=site.primary.mode,
        hashing=site.primary.hashing,
        overrides=overrides,
        time_scale=site.time_scale,
        reps=reps,
    )
    result.lint = lint_site(site, inventory=inventory, templates_dir=templates_dir)
    if result.lint:
        # as `egress run`: nothing is built or sent when lint finds errors
        result.error = f"lint found {len(result.lint)} error(s) in the frr configs"
        result.removed = True
        log(result.error + ":\n  " + "\n  ".join(result.lint))
        return result
    configs = {h: render_device(i, templates_dir=templates_dir) for h, i in site.intents.items()}
    if mutate is not None:
        configs = {h: mutate(h, c) for h, c in configs.items()}
    started = time.monotonic()
    with netns.exclusive(log=log):
        return _locked_run(site, site_name, configs, scenarios, reps, result, log, change, started)


def _locked_run(
    site: DrillSite,
    site_name: str,
    configs: dict[str, str],
    scenarios: Sequence[str],
    reps: int,
    result: DrillResult,
    log: Log,
    change: ChangeDir | None,
    started: float,
) -> DrillResult:
    leftovers = netns.clean(site_name)
    if leftovers:
        log(f"removed {len(leftovers)} leftovers of an earlier drill")
    world = world_mod.plan(site)
    try:
        with _sigterm_as_interrupt(), world_mod.readable_by_daemons():
            _drill(site, world, configs, scenarios, reps, result, log, change)
    except KeyboardInterrupt:
        result.error = "interrupted"
        raise
    except Exception as exc:  # noqa: BLE001 - the drill fails, the topology still goes
        result.error = f"{type(exc).__name__}: {exc}"
        log(f"drill failed: {result.error}")
        log(traceback.format_exc(limit=-3))
    finally:
        t = time.monotonic()
        netns.clean(site_name)
        result.removed = not netns.namespaces(site_name) and not world.root.exists()
        result.timings["teardown_s"] = round(time.monotonic() - t, 2)
        result.timings["total_s"] = round(time.monotonic() - started, 2)
        log(f"topology removed in {result.timings['teardown_s']} s")
    return result


def _drill(
    site: DrillSite,
    world: world_mod.World,
    configs: dict[str, str],
    scenarios: Sequence[str],
    reps: int,
    result: DrillResult,
    log: Log,
    change: ChangeDir | None,
) -> None:
    t = time.monotonic()
    world_mod.build(world)
    devices = {}
    for host in site.intents:
        world_mod.start_frr(world, world.routers[host], world.vty(host), world_mod.ROUTER_DAEMONS)
        devices[host] = FrrDevice(world, host)
    result.timings["bring_up_s"] = round(time.monotonic() - t, 2)
    log(f"topology up in {result.timings['bring_up_s']} s ({len(world.ns)} namespaces)")

    t = time.monotonic()
    for host in sorted(site.intents, key=lambda h: site.intents[h].role != "secondary"):
        device = devices[host]
        pre = device.get_config()
        if change is not None:  # the backup exists before the first line is sent
            change.write_backup(host, pre)
            change.write_host_file(host, CANDIDATE, configs[host])
        device.load_replace_candidate(configs[host])
        diff = device.compare_config()
        if change is not None:
            change.write_host_file(host, DIFF, diff)
        device.commit_config()
        post = device.get_config()
        if change is not None:
            change.write_host_file(host, POST, post)
        result.pushes.append(PushRecord(host, pre, configs[host], diff, post))
        log(f"{host}: committed ({len(diff.splitlines())} diff lines)")
    result.steady_state = settle(site, devices, 40.0)
    result.timings["push_validate_s"] = round(time.monotonic() - t, 2)
    if result.steady_state:
        log("steady state NOT proven: " + "; ".join(result.steady_state))
        return
    log(f"steady state proven by validate in {result.timings['push_validate_s']} s")

    ctx = Context(
        site=site,
        world=world,
        devices=devices,
        sink=Sink(world.root / "sink.bin"),
        reps=reps,
        settle=lambda timeout: settle(site, devices, timeout),
    )
    t = time.monotonic()
    for name in scenarios:
        s0 = time.monotonic()
        scenario = SCENARIOS[name](ctx)
        scenario.seconds = round(time.monotonic() - s0, 2)
        result.scenarios.append(scenario)
        log(_line(scenario))
    result.timings["scenarios_s"] = round(time.monotonic() - t, 2)


def _line(s: ScenarioResult) -> str:
    if not s.applicable:
        return f"{s.name}: not applicable ({s.reason})"
    verdict = "PASS" if s.passed else "FAIL"
    parts = []
    for row in s.rows:
        summary: dict[str, Any] = row.summary()
        got = f"{summary.get('median', 'never')}"
        parts.append(f"{row.check} {got}{row.unit if 'median' in summary else ''}")
    return f"{s.name}: {verdict} ({'; '.join(parts)}) in {s.seconds} s"
