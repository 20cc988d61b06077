"""Shared test configuration: paths of the example inventory and the golden-file switch."""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_INVENTORY = REPO / "inventory"
TEMPLATES = REPO / "templates"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output (review the diff like code)",
    )


# The longest tests first (the classic longest-first schedule): xdist hands tests out in
# collection order, so the minutes-long drills and device-timer tests start at once on every
# worker and the many quick unit tests fill the end, instead of one worker finishing a queue
# of long tests alone while the others idle. Relative order within each module is kept.
# The exceptions are the tests that take the machine alone (`machine_exclusive`): they go
# last, where the other workers have nothing left to start; placed first, every other
# worker idled through them (measured: ~4 minutes of a 16-minute run at -n 6).
_FIRST = ("tests/integration/drill/", "tests/integration/deploy/", "tests/integration/")
_LAST = len(_FIRST) + 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("machine_exclusive") is not None:
            return _LAST
        path = item.nodeid
        return next((n for n, prefix in enumerate(_FIRST) if path.startswith(prefix)), _LAST - 1)

    items.sort(key=rank)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _isolated_vault(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Backups keep their secrets in a vault of this test only, under a key of its own
    (created on first use, as on a workstation); never the user's. Subprocesses inherit it."""
    root = tmp_path_factory.mktemp("vault")
    monkeypatch.delenv("EGRESS_VAULT_KEY", raising=False)
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setenv("EGRESS_STATE_DIR", str(root / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "config"))
    return root


# A drill that checks its timing promises measures real BFD/VRRP/BGP reactions of FRR and
# keepalived: on two cores, other tests running beside it (pytest -n 4) stretch those
# reactions past the promises the design makes. Such a test has the machine to itself:
# every other test holds the machine lock shared, the drill exclusively, and a turnstile
# keeps new tests from starting while the drill waits (flock has no writer preference of its
# own, so without it a steady stream of shared holders starves the drill).
_MACHINE = Path(tempfile.gettempdir()) / "egress-tests-machine.lock"
_TURNSTILE = Path(tempfile.gettempdir()) / "egress-tests-turnstile.lock"


@pytest.fixture(autouse=True)
def _machine(request: pytest.FixtureRequest) -> Iterator[None]:
    exclusive = request.node.get_closest_marker("machine_exclusive") is not None
    with _TURNSTILE.open("a") as turnstile, _MACHINE.open("a") as machine:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        if exclusive:  # the turnstile stays held: nothing new starts until the drill ends
            fcntl.flock(machine, fcntl.LOCK_EX)
        else:
            fcntl.flock(turnstile, fcntl.LOCK_UN)
            fcntl.flock(machine, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(machine, fcntl.LOCK_UN)
            fcntl.flock(turnstile, fcntl.LOCK_UN)
