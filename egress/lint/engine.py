"""Running the registered rules over devices, pairs and the whole inventory."""

from __future__ import annotations

import contextlib
import multiprocessing
import traceback
from collections.abc import Iterable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from egress.lint.findings import Finding, Issue, sort_key
from egress.lint.model import DeviceView, pairs
from egress.lint.registry import Fleet, Rule, Scope, all_rules
from egress.model.sites import InventoryFiles


def run_rules(views: Sequence[DeviceView], *, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Every finding of ``rules`` (default: all registered) over ``views``, sorted by host."""
    return RulePlan(rules if rules is not None else all_rules().values()).run(views)


class RulePlan:
    """``rules`` sorted once by what they look at: the device rules of each platform, the
    pair rules, the inventory rules. A worker runs one plan over each of its sites (sorting
    ~40 rules per site cost a fifth of checking a site that has no finding)."""

    __slots__ = ("_device", "_platforms", "_pair", "_inventory")

    def __init__(self, rules: Iterable[Rule]) -> None:
        selected = list(rules)
        self._device = [r for r in selected if r.scope is Scope.DEVICE]
        self._platforms: dict[str, list[Rule]] = {}
        self._pair = [r for r in selected if r.scope is Scope.PAIR]
        self._inventory = [
            r for r in selected if r.scope is not Scope.DEVICE and r.scope is not Scope.PAIR
        ]

    def _for(self, platform: str) -> list[Rule]:
        found = self._platforms.get(platform)
        if found is None:
            found = self._platforms[platform] = [r for r in self._device if r.applies_to(platform)]
        return found

    def run(self, views: Sequence[DeviceView]) -> list[Finding]:
        """As :func:`run_rules`: the same findings, in the same (sorted) order."""
        findings: list[Finding] = []
        for view in views:
            for rule in self._for(view.platform):
                for issue in rule.check(view):
                    findings.append(_finding(rule, issue))
        if self._pair:
            for pair in pairs(views):
                for rule in self._pair:
                    for issue in rule.check(pair):
                        findings.append(_finding(rule, issue))
        for rule in self._inventory:
            for issue in rule.check(fleet(rule, views)):
                findings.append(_finding(rule, issue))
        return sorted(set(findings), key=sort_key) if findings else findings


def collected(rule: Rule, views: Iterable[DeviceView]) -> list[object]:
    """An inventory rule's per-device items (what a worker process sends back)."""
    return [item for view in views for item in rule.collect(view)] if rule.collect else []


def fleet(rule: Rule, views: Sequence[DeviceView]) -> Fleet:
    return Fleet(views[0].files if views else None, collected(rule, views))


def judge(rules: Iterable[Rule], fleets: dict[str, Fleet]) -> list[Finding]:
    """The inventory ``rules`` over what was collected from every device (``fleets``: rule
    id -> its Fleet), as :func:`run_rules` would find them over the same devices."""
    findings = [_finding(rule, issue) for rule in rules for issue in rule.check(fleets[rule.id])]
    return sorted(set(findings), key=sort_key)


# Below this much inventory text (bytes) the files rules judge in this process: a fork, its
# pipe and the join cost ~3.5 ms (1.8 ms of this process's CPU); E802's scan costs ~4.5 ms a
# MB (~36 ms for the 8 MB of 10,000 devices).
ASIDE_MIN_BYTES = 1 << 20


class FilesJudge:
    """The inventory rules that read the inventory files alone (no ``collect``: E802),
    judged as :func:`judge` would, started before the inventory is loaded.

    At fleet scale they run in a forked process of their own while this one parses the same
    files, one core busy and the other idle then, instead of serially after the workers
    (0.05 s of scanning 8 MB at 10,000 devices, on lint's critical path). Small inventories
    are judged here, at :meth:`findings`: a fork would cost more than the scan.
    """

    __slots__ = ("_rules", "_files", "_process", "_receive")

    def __init__(self, rules: Iterable[Rule], files: InventoryFiles) -> None:
        self._rules = [r for r in rules if r.scope is Scope.INVENTORY and r.collect is None]
        self._files = files
        self._process: BaseProcess | None = None
        self._receive: Connection | None = None
        if self._rules and _size(files) >= ASIDE_MIN_BYTES:
            context = multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            self._process = context.Process(
                target=_judge_files, args=(self._rules, files, send), daemon=True
            )
            self._process.start()
            send.close()

    @property
    def rule_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self._rules)

    def findings(self) -> list[Finding]:
        """What those rules found (an error the judging raised is raised here)."""
        if self._process is None or self._receive is None:
            return judge(self._rules, {r.id: Fleet(self._files, []) for r in self._rules})
        try:
            result = self._receive.recv()
        except EOFError:
            result = RuntimeError("the process judging the inventory files died")
        else:
            self._process.join()  # it sent its result: it is ending
        finally:
            self.close()
        if isinstance(result, BaseException):
            raise result
        found: list[Finding] = result
        return found

    def close(self) -> None:
        """Stop the judging process, if any (a run that failed before asking for findings:
        its result is not wanted, and a large one would keep it waiting on the pipe)."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None
        if self._receive is not None:
            self._receive.close()
            self._receive = None


def _size(files: InventoryFiles) -> int:
    total = 0
    for path in (files.hosts, files.groups):
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


def _judge_files(rules: list[Rule], files: InventoryFiles, send: Connection) -> None:
    result: object
    try:
        result = judge(rules, {r.id: Fleet(files, []) for r in rules})
    except Exception as exc:  # noqa: BLE001 - raised again in the parent
        result = exc
    try:
        send.send(result)
    except Exception:  # noqa: BLE001 - an exception that does not pickle
        send.send(RuntimeError(traceback.format_exc()))


def _finding(rule: Rule, issue: Issue) -> Finding:
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        title=rule.title,
        host=issue.host,
        file=issue.where.file,
        line=issue.where.line,
        message=issue.message,
        hint=issue.hint,
    )
