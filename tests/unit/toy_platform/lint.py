"""The toy's lint hooks: it has no probes, so no route follows one, and VRRP tracks nothing."""

from __future__ import annotations

from collections.abc import Iterator

from egress.lint.facts import ConfigFacts
from egress.lint.findings import Issue
from egress.lint.model import DeviceView
from egress.model.intent import Uplink


def probe_follows(view: DeviceView, uplink: Uplink) -> Iterator[Issue]:
    return iter(())


def trackable(facts: ConfigFacts) -> set[str]:
    return set()
