"""Run the show commands that prove the design, parse them, and compare with the intent."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from nornir.core.task import Result, Task

from egress.change.recorder import Record
from egress.devices.connection import CONNECTION
from egress.devices.device_errors import describe
from egress.errors import InputError
from egress.model.intent import DeviceIntent
from egress.parse import parse_output
from egress.parse.schema import BaseRecord
from egress.platforms import PLATFORMS
from egress.validate import COMMANDS, Check, commands_for, evaluate, supporting_commands
from egress.validate_bgp import (
    ADVERTISED,
    SUMMARY,
    bgp_checks,
    bgp_commands,
    drill_withdrawn,
    session_checks,
)
from egress.validate_bgp import FEATURE as BGP


def _show(platform: str, device: Any) -> Callable[[str], str]:
    """One command's output: the platform's own way where it has one
    (``egress/platforms/<slug>/show.py``: IOS-XE reads until the prompt it knows), else the
    driver's ``cli()``."""
    if PLATFORMS.has_module(platform, "show"):
        own: Callable[[Any, str], str] = PLATFORMS.module(platform, "show").show
        return lambda command: own(device, command)
    return lambda command: str(device.cli([command])[command])


def validate_state(
    task: Task,
    *,
    intents: Mapping[str, DeviceIntent],
    scope: str = "pair",
    failover: frozenset[str] = frozenset(),
    cut: Mapping[str, frozenset[str]] | None = None,
    features: Collection[str] | None = None,
    record: bool = False,
    label: str = "validate",
) -> Result:
    """Pass/fail per check, with observed and expected values (the task itself fails only
    when the device cannot be asked). ``cut``: host -> its links cut by a drill;
    ``features``: only these are asked and judged; ``record``: each output is returned as
    the host file ``<label>.<command>.txt`` for the change record."""
    intent = intents[task.host.name]
    device = task.host.get_connection(CONNECTION, task.nornir.config)
    commands = {f: c for f, c in commands_for(intent).items() if features is None or f in features}
    supporting = supporting_commands(intent)
    per_feature = {f: (c, *supporting.get(f, ())) for f, c in commands.items()}
    outputs: dict[str, str] = {}
    files: list[tuple[str, str]] = []
    failed: dict[str, str] = {}
    show = _show(intent.platform, device)
    for command in sorted({c for cs in per_feature.values() for c in cs}):
        # one command at a time: a command the device refuses (an SRX not yet clustered
        # answers `show chassis cluster status` with an error) fails its check, not the run
        try:
            outputs[command] = show(command)
        except Exception as exc:  # noqa: BLE001 - any driver error is the check's answer
            failed[command] = f"command failed: {describe(exc).message}"
    parsed: dict[str, list[BaseRecord]] = {}
    unparsed: dict[str, str] = {}
    for feature, feature_commands in per_feature.items():
        parsed[feature] = []
        for command in feature_commands:
            if command in failed:
                unparsed[feature] = failed[command]
                continue
            text = outputs.get(command, "")
            if record:
                slug = command.replace(" ", "_").replace("/", "_").replace("|", "pipe")
                files.append((f"{label}.{slug}.txt", text))
            try:
                parsed[feature] += parse_output(
                    platform=intent.platform, command=command, text=text
                )
            except InputError as exc:
                unparsed[feature] = f"unparsable: {exc.message}"
    checks: list[Check] = evaluate(
        intent,
        parsed,
        scope=scope,
        failover=failover,
        cut=(cut or {}).get(task.host.name, frozenset()),
        unparsed=unparsed,
        features=features,
    )
    if features is None or BGP in features:
        checks += _bgp(
            task,
            device,
            intent,
            failover,
            (cut or {}).get(task.host.name),
            files,
            record,
            label,
            outputs,
        )
    return Result(
        host=task.host,
        result=checks,
        record=Record(task.host.name, files=tuple(files)) if record else None,
    )


def _bgp(
    task: Task,
    device: object,
    intent: DeviceIntent,
    failover: frozenset[str],
    cut: frozenset[str] | None,
    files: list[tuple[str, str]],
    record: bool,
    label: str,
    outputs: Mapping[str, str],
) -> list[Check]:
    """The session checks (the summary and the BFD sessions) and the advertised-routes
    checks, one command per neighbor (issue 19); a platform with no parser for them has
    none (``egress validate`` says so)."""
    if intent.platform not in ADVERTISED or intent.bgp is None:
        return []  # no parser (FRR): `egress validate` says "not checked", never a pass
    session_records: list[BaseRecord] = []
    session_problem: str | None = None
    bfd_command = COMMANDS[intent.platform].get("bfd") if intent.bgp.bfd else None
    for command in (SUMMARY[intent.platform], bfd_command):
        if command is None:
            continue
        try:
            # the BFD sessions were read once already for the bfd feature: not asked twice
            text = outputs.get(command)
            if text is None:
                text = device.cli([command])[command]  # type: ignore[attr-defined]
                if record:
                    files.append((f"{label}.bgp.{command.replace(' ', '_')}.txt", text))
            session_records += parse_output(platform=intent.platform, command=command, text=text)
        except InputError as exc:
            session_problem = f"unparsable: {exc.message}"
        except Exception as exc:  # noqa: BLE001 - any driver error is the check's answer
            session_problem = f"command failed: {describe(exc).message}"
    checks = session_checks(
        intent, session_records, cut=cut or frozenset(), unparsed=session_problem
    )
    advertised: dict[str, list[BaseRecord]] = {}
    unparsed: dict[str, str] = {}
    for neighbor, command in bgp_commands(intent).items():
        try:
            text = device.cli([command])[command]  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - any driver error is the check's answer
            unparsed[neighbor] = f"command failed: {describe(exc).message}"
            continue
        if record:
            slug = command.replace(" ", "_")
            files.append((f"{label}.{slug}.txt", text))
        try:
            advertised[neighbor] = list(
                parse_output(platform=intent.platform, command=command, text=text)
            )
        except InputError as exc:
            unparsed[neighbor] = f"unparsable: {exc.message}"
    gone = drill_withdrawn(intent, failover=failover, cut=cut or frozenset())
    return checks + bgp_checks(intent, advertised, withdrawn={intent.host: gone}, unparsed=unparsed)
