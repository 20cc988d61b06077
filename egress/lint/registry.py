"""Lint rules as data: each rule is an object with an id, a severity, a title and a check.

A rule's scope says what its check sees: one device, one HA pair, or the whole inventory.
An inventory rule works in two steps, so that lint's worker processes never send intents
back: ``collect`` takes what the rule needs from each device where the device is (small,
picklable items), and ``check`` judges all of them together, in inventory order.
Rules register themselves with :func:`rule` when their module is imported; the engine runs
whatever is registered, so adding a rule is adding a function, never editing a dispatcher.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from egress.lint.findings import Issue, Severity

if TYPE_CHECKING:
    from egress.lint.model import DeviceView
    from egress.model.sites import InventoryFiles

# What a check receives depends on its scope (DeviceView, Pair, or a Fleet): typed as Any
# here, precisely in each rule's signature.
Check = Callable[[Any], Iterable[Issue]]
Collect = Callable[["DeviceView"], Iterable[Any]]


class Scope(StrEnum):
    DEVICE = "device"  # one device: its intent and its rendered config parsed back
    PAIR = "pair"  # one HA pair: both members' intents and configs
    INVENTORY = "inventory"  # every selected device's design (intent only, no config)


@dataclass(frozen=True, slots=True)
class Fleet:
    """What an inventory rule's check sees: the inventory files, and the items its
    ``collect`` took from every device, in inventory order (none if it has no collect)."""

    files: InventoryFiles | None  # None: no device at all
    items: list[Any]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    title: str
    scope: Scope
    check: Check
    platforms: frozenset[str] | None = None  # None: every platform
    collect: Collect | None = None  # an inventory rule's per-device step

    def applies_to(self, platform: str) -> bool:
        return self.platforms is None or platform in self.platforms


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    severity: Severity = Severity.ERROR,
    title: str,
    scope: Scope = Scope.DEVICE,
    platforms: frozenset[str] | None = None,
    collect: Collect | None = None,
) -> Callable[[Check], Check]:
    """Register the decorated check under ``rule_id`` (ids are stable: never reuse one)."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"lint rule id {rule_id} registered twice")
        prefix = "E" if severity is Severity.ERROR else "W"
        if not rule_id.startswith(prefix):
            raise ValueError(f"lint rule {rule_id}: a {severity.value} id starts with {prefix}")
        RULES[rule_id] = Rule(rule_id, severity, title, scope, check, platforms, collect)
        return check

    return register


def all_rules() -> dict[str, Rule]:
    """Every registered rule (importing the rule modules registers them)."""
    import egress.lint.rules  # noqa: F401  - registration by import

    return dict(sorted(RULES.items()))
