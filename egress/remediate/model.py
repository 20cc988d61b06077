"""What a remediation is: the text to load, how to load it, and what it would collide with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from egress.errors import InputError, Location


@dataclass(frozen=True, slots=True)
class Foreign:
    """An object at an ID or name egress wants that egress did not write."""

    host: str
    obj: str  # what egress wants there, e.g. "router static 901"
    holder: str  # what the device holds there now (its first lines)

    def describe(self) -> str:
        return f"{self.host}: {self.obj} is held by another configuration ({self.holder})"


@dataclass(frozen=True, slots=True)
class Load:
    """One candidate load: napalm ``load_replace_candidate`` (``replace``) or merge."""

    text: str
    replace: bool = False


@dataclass(frozen=True, slots=True)
class Remediation:
    """Per device: the loads that bring egress's owned sections to the intended config.

    ``shown`` is what the commit sends when egress computes it (IOS: the remediation lines;
    FortiOS: the driver's script); None means the device's own diff (Junos ``show |
    compare``) is the truth. ``review`` is the before/after diff a reviewer reads
    (:mod:`egress.platforms.ios.review`; None: the device's own diff is already that form).
    ``candidate`` is what the change directory keeps.
    """

    loads: tuple[Load, ...]
    candidate: str
    shown: str | None = None
    foreign: tuple[Foreign, ...] = field(default=())
    review: str | None = None

    @property
    def empty(self) -> bool:
        return not self.loads


class ForeignObjects(InputError):
    """Objects at egress's IDs that egress did not write: refused before anything is sent."""

    def __init__(self, found: Iterable[Foreign]) -> None:
        items = list(found)
        hosts = sorted({f.host for f in items})
        lines = "\n".join(f"  {f.describe()}" for f in items)
        super().__init__(
            f"{len(items)} object(s) egress would write are held by configuration egress "
            f"did not write:\n{lines}",
            location=Location(host=", ".join(hosts), field="ownership"),
            hint="nothing was sent; move or remove those objects, or pass --take-over "
            "(playbook: take_over: true) to replace them with egress's",
        )
        self.found = tuple(items)
