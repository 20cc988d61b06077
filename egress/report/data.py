"""Everything the report says, read from a change directory (never from the run's memory).

A report can be rebuilt at any time from ``changes/<id>/``: plan.json, summary.json,
steps.jsonl, run.json (playbook runs), lint.json, and per host pre.cfg, diff.txt and the
*-validate.json tables. Every text is redacted here, once, before any format sees it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from egress.change.changes import DIFF, META, PLAN, PRE, SUMMARY, ChangeDir, read_steps
from egress.change.redact import redact_data, redact_text

_FAILED = ("failed-untouched", "failed-unknown", "reverting", "rolled-back")
_CHANGED = ("committed", "mirrored")
LINT_JSON = "lint.json"
RUN_JSON = "run.json"
DRILL_JSON = "drill.json"  # `egress drill --report`: measured failover promises per site


@dataclass
class DiffLine:
    kind: str  # add | del | hunk | ctx
    text: str


@dataclass
class CheckRow:
    feature: str
    subject: str
    expected: str
    observed: str
    passed: bool


@dataclass
class Table:
    label: str
    rows: list[CheckRow]

    @property
    def passed(self) -> int:
        return sum(1 for r in self.rows if r.passed)


@dataclass
class Delta:
    feature: str
    subject: str
    before: str
    after: str
    verdict: str  # fixed | broken | changed | new | gone


@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    where: str
    hint: str


@dataclass
class Device:
    host: str
    outcome: str
    left_at: str
    message: str
    diff_lines: int
    duration_s: float
    batch: int | None
    role: str
    action: str
    why: str
    failed: bool
    rolled_back: bool
    rollback_reason: str
    diff: list[DiffLine] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    deltas: list[Delta] = field(default_factory=list)
    pre_cfg: str | None = None
    pre_sha256: str = ""
    rollback_command: str = ""
    risks: list[Finding] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass
class Board:
    """What the change board reads first: ticket, people, window, which network."""

    ticket: str
    operator: str
    approver: str
    window: str
    environment: str  # "lab", "production" or "unknown" (a record from before this field)


@dataclass
class SiteImpact:
    """What a site's users may notice while it is changed, from its HA waves."""

    site: str
    members: str  # "ams-edge-02 (secondary), then ams-edge-01 (primary)"
    effect: str
    exposure_s: float  # how long the role is at risk
    basis: str  # "measured" (this run's step times) or "estimated" (a preview)


@dataclass
class Backout:
    """Putting every device back: how, in which order, and how long it should take."""

    command: str
    waves: list[list[str]]  # primaries (and clusters) first, then secondaries
    estimate_s: float
    basis: str


@dataclass
class Report:
    change_id: str
    dry_run: bool
    status: str
    title: str
    description: str
    started: str
    duration_s: float
    counts: dict[str, int]
    devices: list[Device]
    batches: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    settings: dict[str, Any]
    lint_state: str  # "not run" or a one-line verdict
    lint_general: list[Finding]
    rollback_command: str
    stopped_by_budget: bool
    interrupted: bool
    board: Board = field(default_factory=lambda: Board("", "", "", "", "unknown"))
    impact: list[SiteImpact] = field(default_factory=list)
    backout: Backout | None = None
    # `egress drill` results, one entry per site (egress/drill/results.py's JSON)
    drill: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def collect(root: Path) -> Report:
    change = ChangeDir(root=root, change_id=root.name)
    summary = _json(root / SUMMARY) or {}
    plan = _json(root / PLAN) or {}
    run = _json(root / RUN_JSON) or {}
    lint = _json(root / LINT_JSON)
    meta = _json(root / META) or {}
    steps = read_steps(change)
    plans = {p["host"]: p for p in plan.get("hosts", [])}
    batch_of = {
        h: n
        for n, b in enumerate(summary.get("batches") or plan.get("batches") or [], 1)
        for h in b
    }
    policy = summary.get("policy_rollbacks") or run.get("policy_rollbacks") or {}
    changes_dir = root.parent
    rollback_all = _rollback_command(change.change_id, changes_dir, run)
    lint_by_host, lint_general, lint_state = _lint(lint, set(summary.get("hosts", {})))
    devices = []
    for host, outcome in sorted((summary.get("hosts") or {}).items()):
        devices.append(
            _device(
                change,
                host,
                outcome,
                plans.get(host, {}),
                batch_of.get(host),
                policy.get(host, ""),
                steps,
                lint_by_host.get(host, []),
                rollback_all,
            )
        )
    dry_run = bool(summary.get("dry_run", plan.get("dry_run", True)))
    started = _when(run.get("started") or (steps[0]["started"] if steps else ""))
    duration = run.get("duration_s") or _duration(steps)
    playbook = run.get("playbook") or {}
    report = Report(
        change_id=change.change_id,
        dry_run=dry_run,
        status=str(summary.get("status") or run.get("status") or _status(devices)),
        title=str(playbook.get("name") or "egress change"),
        description=str(playbook.get("description") or ""),
        started=str(started),
        duration_s=float(duration or 0.0),
        counts=_counts(devices, dry_run),
        devices=devices,
        batches=list(run.get("batches") or []),
        steps=list(run.get("steps") or []),
        settings={k: v for k, v in playbook.items() if k not in ("name", "description")}
        | {"lab": run.get("lab", False)}
        if playbook
        else {},
        lint_state=lint_state,
        lint_general=lint_general,
        rollback_command=rollback_all,
        stopped_by_budget=bool(summary.get("stopped_by_budget")),
        interrupted=bool(summary.get("interrupted")),
        board=_board(meta, run),
        drill=list(_json(root / DRILL_JSON) or []),
    )
    timings = _timings(steps)
    report.impact = _impact(plan, timings, dry_run=dry_run, settle_s=_settle(plan, run))
    report.backout = _backout(plan, timings, rollback_all) if plan.get("hosts") else None
    if report.drill and not playbook:
        report.title = "egress drill"
    return report


def _board(meta: dict[str, Any], run: dict[str, Any]) -> Board:
    environment = meta.get("environment") or (
        ("lab" if run.get("lab") else "production") if run else "unknown"
    )
    return Board(
        ticket=redact_text(str(meta.get("ticket") or "")),
        operator=redact_text(str(meta.get("operator") or "")),
        approver=redact_text(str(meta.get("approver") or "")),
        window=redact_text(str(meta.get("window") or "")),
        environment=str(environment),
    )


def _when(stamp: str) -> str:
    """``2026-11-26T12:00:00.123456+00:00`` -> ``2026-11-26 12:00:00 UTC``: whole seconds."""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() == 0:
        return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    return moment.replace(microsecond=0).isoformat(sep=" ")


def _timings(steps: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """host -> step -> seconds (the last of each kind)."""
    found: dict[str, dict[str, float]] = {}
    for step in steps:
        host, kind = step.get("host"), step.get("step")
        if isinstance(host, str) and isinstance(kind, str):
            found.setdefault(host, {})[kind] = float(step.get("duration_s") or 0.0)
    return found


def _settle(plan: dict[str, Any], run: dict[str, Any]) -> float:
    options = plan.get("options") or {}
    return float(options.get("settle_s") or (run.get("playbook") or {}).get("settle_s") or 0.0)


def _exposure(times: dict[str, float], *, dry_run: bool, settle_s: float) -> tuple[float, str]:
    """How long a member's role is at risk: from its commit to its confirm (measured), or in
    a preview its load-and-diff time twice (load, then commit) plus the post-check budget."""
    if not dry_run and "commit" in times:
        span = sum(times.get(k, 0.0) for k in ("commit", "verify", "validate", "confirm"))
        return round(span, 1), "measured"
    return round(2 * times.get("diff", 0.0) + settle_s, 1), "estimated"


def _impact(
    plan: dict[str, Any], timings: dict[str, dict[str, float]], *, dry_run: bool, settle_s: float
) -> list[SiteImpact]:
    sites: dict[str, list[dict[str, Any]]] = {}
    for host in plan.get("hosts") or []:
        if host.get("site"):
            sites.setdefault(str(host["site"]), []).append(host)
    impacts = []
    for site, members in sorted(sites.items()):
        members.sort(key=lambda h: (int(h.get("wave") or 0), str(h.get("host"))))
        order = ", then ".join(f"{m['host']} ({m.get('role', '?')})" for m in members)
        pushed = [m for m in members if m.get("action") == "push"]
        mirrors = [m for m in members if m.get("action") == "check-mirror"]
        primary = next((m for m in pushed if m.get("role") == "primary"), None)
        exposure, basis = (
            _exposure(timings.get(str(primary["host"]), {}), dry_run=dry_run, settle_s=settle_s)
            if primary is not None
            else (0.0, "estimated")
        )
        if mirrors and primary is not None:
            effect = (
                f"one shared config committed on {primary['host']}; "
                f"{', '.join(m['host'] for m in mirrors)} takes it by config sync. The cluster "
                "keeps its roles unless the change itself moves them."
            )
        elif primary is not None and len(pushed) > 1:
            standby = next(m["host"] for m in pushed if m is not primary)
            effect = (
                f"{standby} is changed and checked first while {primary['host']} carries the "
                f"traffic; while {primary['host']} is changed its gateway role may move to "
                f"{standby}, which then carries the site alone."
            )
        elif primary is not None:
            effect = (
                f"only {primary['host']} (primary) is changed: while it is, its gateway role "
                "may move to its peer, which is not part of this change."
            )
        else:
            effect = (
                f"only {order} is changed, while its peer (not part of this change) carries "
                "the traffic: no role change expected."
            )
        impacts.append(SiteImpact(site, order, effect, exposure, basis))
    return impacts


def _backout(plan: dict[str, Any], timings: dict[str, dict[str, float]], command: str) -> Backout:
    """``egress rollback --change`` restores primaries (and clusters) before secondaries; each
    device's restore is a replace of its backup: about its own load-and-commit time."""
    pushed = [h for h in plan.get("hosts") or [] if h.get("action") == "push"]
    first = sorted(str(h["host"]) for h in pushed if h.get("role") != "secondary")
    then = sorted(str(h["host"]) for h in pushed if h.get("role") == "secondary")
    waves = [w for w in (first, then) if w]

    def restore(host: str) -> tuple[float, bool]:
        times = timings.get(host, {})
        if "rollback" in times:
            return times["rollback"], True
        if "commit" in times:
            return times.get("backup", 0.0) + times["commit"], True
        return times.get("backup", 0.0) + 2 * times.get("diff", 0.0), False

    estimate = 0.0
    measured = True
    for wave in waves:
        costs = [restore(h) for h in wave]
        estimate += max((c for c, _ in costs), default=0.0)
        measured = measured and all(m for _, m in costs)
    basis = (
        "from this change's measured commit times"
        if measured
        else "estimated from this preview's load-and-diff times (a commit takes about as long)"
    )
    return Backout(command, waves, round(estimate, 1), basis)


def redacted(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data with every string redacted."""
    data: dict[str, Any] = redact_data(report.as_json())
    return data


def _device(
    change: ChangeDir,
    host: str,
    outcome: dict[str, Any],
    plan: dict[str, Any],
    batch: int | None,
    policy_reason: str,
    steps: list[dict[str, Any]],
    risks: list[Finding],
    rollback_all: str,
) -> Device:
    name = str(outcome.get("outcome", "unknown"))
    pre = change.read_host_file(host, PRE)
    digest = (change.read_host_file(host, PRE + ".sha256") or "").split(" ")[0]
    diff = change.read_host_file(host, DIFF) or ""
    own_failure = name in _FAILED and not policy_reason
    device = Device(
        host=host,
        outcome=name,
        left_at=str(outcome.get("config", "")),
        message=redact_text(str(outcome.get("message", ""))),
        diff_lines=int(outcome.get("diff_lines") or 0),
        duration_s=float(outcome.get("duration_s") or 0.0),
        batch=batch,
        role=str(plan.get("role", "")),
        action=str(plan.get("action", "")),
        why=str(plan.get("why", "")),
        failed=own_failure,
        rolled_back=name == "rolled-back",
        rollback_reason=redact_text(
            policy_reason or (str(outcome.get("message", "")) if name == "rolled-back" else "")
        ),
        diff=_diff_lines(redact_text(diff)),
        pre_cfg=redact_text(pre) if pre is not None else None,
        pre_sha256=digest,
        rollback_command=f"{rollback_all} --hosts {host}" if pre is not None else "",
        risks=risks,
        failures=[
            redact_text(_step_failure(s))
            for s in steps
            if s.get("host") == host and not s.get("ok", True)
        ],
    )
    device.tables = _tables(change, host)
    if len(device.tables) >= 2:
        device.deltas = _deltas(device.tables[0], device.tables[-1])
    return device


def _diff_lines(diff: str) -> list[DiffLine]:
    lines = []
    for text in diff.splitlines():
        if text.startswith(("+++", "---")):
            kind = "hunk"
        elif text.startswith("+"):
            kind = "add"
        elif text.startswith("-"):
            kind = "del"
        elif text.startswith(("@@", "[edit")):
            kind = "hunk"
        else:
            kind = "ctx"
        lines.append(DiffLine(kind, text))
    return lines


def _tables(change: ChangeDir, host: str) -> list[Table]:
    """pre first, post last, any other validate step (a drill) in between."""
    folder = change.root / host
    if not folder.is_dir():
        return []
    files = sorted(p.name for p in folder.glob("*validate.json"))
    order = sorted(
        files, key=lambda n: (0 if n.startswith("pre-") else 2 if n.startswith("post-") else 1, n)
    )
    tables = []
    for name in order:
        rows = _json(folder / name) or []
        label = name.removesuffix("-validate.json")
        tables.append(
            Table(
                label,
                [
                    CheckRow(
                        str(r.get("feature", "")),
                        redact_text(str(r.get("subject", ""))),
                        redact_text(str(r.get("expected", ""))),
                        redact_text(str(r.get("observed", ""))),
                        bool(r.get("passed")),
                    )
                    for r in rows
                ],
            )
        )
    return tables


def _deltas(before: Table, after: Table) -> list[Delta]:
    """What changed between two validations of one device. A feature that is absent has one
    check named after it ("ha group 2 (sync-pair)": absent) and once present several named
    below it ("... in sync", "... role"): those are one subject, judged together, never a
    "gone" check beside "new" ones."""
    old = {(r.feature, r.subject): r for r in before.rows}
    new = {(r.feature, r.subject): r for r in after.rows}
    only_old = [k for k in old if k not in new]
    only_new = [k for k in new if k not in old]
    below: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for side, other in ((only_old, only_new), (only_new, only_old)):
        for key in side:
            found = [k for k in other if k[0] == key[0] and k[1].startswith(key[1] + " ")]
            if found:
                below[key] = found
    grouped = {k for parts in below.values() for k in parts}
    deltas = []
    for key in [*old, *only_new]:
        if key in grouped:
            continue
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None:
            if a.observed == b.observed and a.passed == b.passed:
                continue
            deltas.append(
                Delta(key[0], key[1], a.observed, b.observed, _verdict(a.passed, b.passed))
            )
        elif key in below:
            rows = [(new if a is not None else old)[k] for k in below[key]]
            summary, ok = _summary(rows), all(r.passed for r in rows)
            if a is not None:
                deltas.append(Delta(key[0], key[1], a.observed, summary, _verdict(a.passed, ok)))
            elif b is not None:
                deltas.append(Delta(key[0], key[1], summary, b.observed, _verdict(ok, b.passed)))
        else:
            verdict = "new" if a is None else "gone"
            deltas.append(
                Delta(key[0], key[1], a.observed if a else "-", b.observed if b else "-", verdict)
            )
    return deltas


def _verdict(before: bool, after: bool) -> str:
    if after and not before:
        return "fixed"
    if before and not after:
        return "broken"
    return "changed"


def _summary(rows: list[CheckRow]) -> str:
    failed = sum(1 for r in rows if not r.passed)
    return f"present, {len(rows)} checks " + ("pass" if not failed else f"({failed} fail)")


def _lint(lint: Any, hosts: set[str]) -> tuple[dict[str, list[Finding]], list[Finding], str]:
    if not isinstance(lint, dict):
        return {}, [], "not run"
    by_host: dict[str, list[Finding]] = {}
    general: list[Finding] = []
    for item in lint.get("findings", []):
        where = str(item.get("file", "")) + (f":{item['line']}" if item.get("line") else "")
        finding = Finding(
            str(item.get("rule", "")),
            str(item.get("severity", "")),
            redact_text(str(item.get("message", ""))),
            where,
            redact_text(str(item.get("hint", "") or "")),
        )
        host = str(item.get("host", ""))
        if host in hosts:
            by_host.setdefault(host, []).append(finding)
        else:
            general.append(finding)
    counts = lint.get("summary", {})
    state = (
        f"{counts.get('errors', 0)} errors, {counts.get('warnings', 0)} warnings "
        f"({counts.get('rules', '?')} rules on {counts.get('hosts', '?')} hosts)"
    )
    return by_host, general, state


def _counts(devices: list[Device], dry_run: bool) -> dict[str, int]:
    counts = {
        "devices": len(devices),
        "would change" if dry_run else "changed": sum(
            1 for d in devices if d.outcome in (("would-change",) if dry_run else _CHANGED)
        ),
        "unchanged": sum(1 for d in devices if d.outcome == "unchanged"),
        "failed": sum(1 for d in devices if d.failed),
        "rolled back": sum(1 for d in devices if d.rolled_back),
        "not run": sum(1 for d in devices if d.outcome == "skipped"),
    }
    return counts


def _status(devices: list[Device]) -> str:
    return "failed" if any(d.failed for d in devices) else "ok"


def _rollback_command(change_id: str, changes_dir: Path, run: dict[str, Any]) -> str:
    command = f"egress rollback --change {change_id}"
    if changes_dir.resolve() != (Path.cwd() / "changes").resolve():
        command += f" --changes-dir {changes_dir}"
    if (
        run.get("inventory")
        and Path(run["inventory"]).resolve() != (Path.cwd() / "inventory").resolve()
    ):
        command += f" -i {run['inventory']}"
    if run.get("lab"):
        command += " --lab"
        if run.get("lab_state") and Path(run["lab_state"]) != Path(".lab"):
            command += f" --lab-state {run['lab_state']}"
    return command


def _step_failure(step: dict[str, Any]) -> str:
    detail = step.get("message") or "; ".join(step.get("failed") or []) or "failed"
    return f"{step.get('step', '?')}: {detail}"


def _duration(steps: list[dict[str, Any]]) -> float:
    """Wall time from the first step's start to the last step's end (devices overlap)."""
    spans = []
    for step in steps:
        try:
            start = datetime.fromisoformat(str(step["started"])).timestamp()
        except (KeyError, ValueError):
            continue
        spans.append((start, start + float(step.get("duration_s", 0.0))))
    if not spans:
        return 0.0
    return round(max(end for _, end in spans) - min(start for start, _ in spans), 2)


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
