"""Batches: canary first, a sync pair never in one batch, a cluster's members together; the
rollback policy picks exactly the committed devices it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from egress.model.intent import DeviceIntent
from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles, build_intents
from egress.playbook.batches import Batch, check_pairs_apart, derive_batches
from egress.playbook.model import RollbackPolicy
from egress.playbook.undo import to_roll_back
from egress.rollout.deploy import ChangeResult, HostResult, Outcome
from tests.conftest import EXAMPLE_INVENTORY


@pytest.fixture(scope="module")
def intents() -> dict[str, DeviceIntent]:
    nr = load_nornir(EXAMPLE_INVENTORY)
    return build_intents(nr.inventory, files=InventoryFiles.in_dir(EXAMPLE_INVENTORY))


def test_canary_first_then_sites_in_groups_secondaries_before_primaries(
    intents: dict[str, DeviceIntent],
) -> None:
    batches = derive_batches(intents, canary=["fra"], sites_per_batch=2)
    assert [b.hosts for b in batches[:2]] == [("fra-edge-02",), ("fra-edge-01",)]
    assert batches[0].label.startswith("canary fra")
    seen: list[str] = []
    for batch in batches:
        for host in batch.hosts:
            intent = intents[host]
            cluster = intent.ha_sync is not None and intent.ha_sync.form == "cluster"
            if intent.role == "primary" and not cluster:
                assert intent.peer in seen, f"{host} before its secondary"
        seen.extend(batch.hosts)
    assert sorted(seen) == sorted(intents)


def test_a_cluster_stays_in_one_batch_and_a_sync_pair_never_does(
    intents: dict[str, DeviceIntent],
) -> None:
    batches = derive_batches(intents, canary=None, sites_per_batch=6)
    together = [b for b in batches if "lon-srx-01" in b.hosts]
    assert len(together) == 1 and "lon-srx-02" in together[0].hosts
    with pytest.raises(ValueError, match="both ams-edge-01 and its peer"):
        check_pairs_apart([Batch(1, "x", ("ams",), ("ams-edge-01", "ams-edge-02"))], intents)


def _result(outcomes: dict[str, Outcome]) -> ChangeResult:
    result = ChangeResult("c", Path("c"), dry_run=False)
    result.hosts = {h: HostResult(h, o) for h, o in outcomes.items()}
    return result


BATCHES = [["a2"], ["a1"], ["b2", "c2"], ["b1", "c1"]]
OUTCOMES = {
    "a2": Outcome.COMMITTED,
    "a1": Outcome.COMMITTED,
    "b2": Outcome.ROLLED_BACK,
    "c2": Outcome.COMMITTED,
    "b1": Outcome.SKIPPED,
    "c1": Outcome.SKIPPED,
}


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (RollbackPolicy.FAILED, set()),
        (RollbackPolicy.BATCH, {"c2"}),
        (RollbackPolicy.ALL, {"a1", "a2", "c2"}),
    ],
)
def test_the_rollback_policy_picks_committed_devices(
    policy: RollbackPolicy, expected: set[str]
) -> None:
    chosen = to_roll_back(_result(OUTCOMES), batches=BATCHES, policy=policy)
    assert set(chosen) == expected
    for reason in chosen.values():
        assert "b2" in reason and policy.value in reason


def test_nothing_is_rolled_back_when_nothing_failed() -> None:
    ok = {h: Outcome.COMMITTED for h in OUTCOMES}
    assert to_roll_back(_result(ok), batches=BATCHES, policy=RollbackPolicy.ALL) == {}
