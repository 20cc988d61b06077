"""What a playbook file may say: strict, frozen models (an unknown key is an error).

A playbook is data: which devices, in which batches, how many failures are tolerated, the
confirm timer, what to roll back on failure, an optional design override for this change,
and the ordered steps drawn from one fixed vocabulary (:data:`STEPS`).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from egress.model.design import Name, Text

STEPS = ("render", "lint", "backup", "diff", "commit", "validate", "confirm", "rollback", "report")
FEATURES = ("vrrp", "bfd", "probes", "routing", "pbr", "ha_sync")
# A change id becomes a directory name and appears in commands the report prints.
_CHANGE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,40}")


def _change_id(value: str) -> str:
    if not _CHANGE_ID.fullmatch(value):
        raise ValueError(
            f"change_id {value!r} must match {_CHANGE_ID.pattern} "
            "(letters, digits, . _ -), e.g. CHG-1234"
        )
    return value


ChangeId = Annotated[str, AfterValidator(_change_id)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RollbackPolicy(StrEnum):
    FAILED = "failed"  # only devices that failed (each one restores itself)
    BATCH = "batch"  # and every device committed in a batch that had a failure
    ALL = "all"  # and every device this run committed


class LoadMode(StrEnum):
    MERGE = "merge"
    REPLACE = "replace"


class Targets(Frozen):
    """Filters; a host must pass every filter given (no filter: every host)."""

    hosts: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    platforms: list[str] = Field(default_factory=list)


class Batches(Frozen):
    """Sites changed together. Each batch of sites runs as plan_change waves (secondaries,
    then primaries and clusters), so a pair's two members are never in one wave."""

    canary: list[str] | None = None  # sites changed first and alone; default the first site
    sites_per_batch: int = Field(default=1, ge=1, le=1000)


class LinkCut(Frozen):
    """A link cut for the length of one validate step (a failover drill)."""

    host: str
    link: Name  # the role of the port in the design: lan, ha, or a link name (isp1)


class Step(Frozen):
    kind: str
    # validate only: hosts expected to have handed their role to the peer
    expect_failover: list[str] = Field(default_factory=list)
    cut: LinkCut | None = None
    features: list[str] = Field(default_factory=list)  # empty: every feature
    settle_s: float | None = Field(default=None, ge=0, le=3600)

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: Any) -> Any:
        # a step is written `- commit` or `- validate: {expect_failover: [...]}`
        if isinstance(data, str):
            return {"kind": data}
        if isinstance(data, dict) and len(data) == 1 and "kind" not in data:
            ((kind, options),) = data.items()
            if options is None:
                options = {}
            if not isinstance(options, dict):
                raise ValueError(f"options of step {kind!r} must be a mapping")
            return {"kind": kind, **options}
        raise ValueError(
            "a step is a name (`- commit`) or one name with options "
            "(`- validate: {expect_failover: [host]}`)"
        )

    @model_validator(mode="after")
    def _known(self) -> Step:
        if self.kind not in STEPS:
            raise ValueError(f"unknown step {self.kind!r}; steps are: {', '.join(STEPS)}")
        if self.kind != "validate" and (
            self.expect_failover or self.cut or self.features or self.settle_s is not None
        ):
            raise ValueError(f"step {self.kind!r} takes no options (only validate does)")
        unknown = [f for f in self.features if f not in FEATURES]
        if unknown:
            raise ValueError(f"unknown feature(s) {unknown}; features: {', '.join(FEATURES)}")
        return self


class DesignOverride(Frozen):
    """A change to site designs for this run only; the inventory files stay as they are.

    ``set`` replaces top-level keys of the site block (``bfd``, ``pbr``, ...); ``append``
    adds items to its lists (``probes``, ``pbr``). The result is validated like the
    inventory itself, and the effective design is kept in the change directory.
    """

    sites: list[str] = Field(min_length=1)  # site names, or ["all"]
    set: dict[str, Any] = Field(default_factory=dict)
    append: dict[str, list[Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _does_something(self) -> DesignOverride:
        if not self.set and not self.append:
            raise ValueError("a design override needs `set` or `append`")
        for key in ("name",):
            if key in self.set:
                raise ValueError(f"a design override cannot change the site's {key}")
        return self


class Playbook(Frozen):
    name: Name
    description: str = ""
    change_id: ChangeId  # a prefix: the run appends -<UTC timestamp>-<random>
    # for the change board (the report's header); --ticket/--approver/--window override them
    ticket: Text = Field(default="", max_length=80)
    approver: Text = Field(default="", max_length=80)
    window: Text = Field(default="", max_length=80)
    targets: Targets = Field(default_factory=Targets)
    batches: Batches = Field(default_factory=Batches)
    failure_budget: int = Field(default=0, ge=0)  # failed devices tolerated before stopping
    confirm_s: int = Field(default=300, ge=1, le=86400)
    settle_s: float = Field(default=20.0, ge=0, le=3600)
    load: LoadMode = LoadMode.MERGE
    # replace objects at egress's IDs that egress did not write (else the run is refused)
    take_over: bool = False
    rollback: RollbackPolicy = RollbackPolicy.FAILED
    design: list[DesignOverride] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=1)

    @property
    def kinds(self) -> list[str]:
        return [s.kind for s in self.steps]

    @model_validator(mode="after")
    def _steps_in_order(self) -> Playbook:
        kinds = self.kinds
        for kind in ("render", "lint", "backup", "diff", "commit", "confirm", "rollback", "report"):
            if kinds.count(kind) > 1:
                raise ValueError(
                    f"step {kind!r} appears {kinds.count(kind)} times; only validate may repeat"
                )

        def before(first: str, then: str) -> bool:
            return first in kinds and kinds.index(first) < kinds.index(then)

        if "commit" in kinds:
            for needed in ("render", "backup", "diff"):
                if not before(needed, "commit"):
                    raise ValueError(
                        f"commit needs {needed!r} before it (steps: {', '.join(kinds)})"
                    )
            if not (("confirm" in kinds) and before("commit", "confirm")):
                raise ValueError(
                    "commit needs confirm after it: without it every device's "
                    "timer reverts the change"
                )
        elif "confirm" in kinds:
            raise ValueError("confirm needs commit before it")
        if "diff" in kinds and not before("render", "diff"):
            raise ValueError("diff needs render before it")
        if "lint" in kinds and not before("render", "lint"):
            raise ValueError("lint needs render before it")
        if "report" in kinds and kinds[-1] != "report":
            raise ValueError("report must be the last step (it is written whatever happens)")
        if "rollback" in kinds and "commit" in kinds and not before("commit", "rollback"):
            raise ValueError("rollback must come after commit")
        if self.rollback is not RollbackPolicy.FAILED and "rollback" not in kinds:
            raise ValueError(f"rollback: {self.rollback.value} needs the rollback step in steps")
        if self.design and "render" not in kinds:
            raise ValueError("a design override needs the render step")
        return self
