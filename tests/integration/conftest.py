"""The lab as a pytest fixture: a fresh lab of the example inventory for every test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from egress.lab.control import lab_down, lab_up
from egress.lab.spec import LabSpec
from tests.conftest import EXAMPLE_INVENTORY

# Device timers run 60x faster: a 1-minute IOS revert timer fires after 1 s.
TIME_SCALE = 60.0


@dataclass(frozen=True)
class Lab:
    state: Path
    inventory: Path
    changes: Path
    spec: LabSpec

    def args(self) -> list[str]:
        """The CLI options that aim a verb at this lab."""
        return [
            "-i",
            str(self.inventory),
            "--lab",
            "--lab-state",
            str(self.state),
            "--changes-dir",
            str(self.changes),
            "--timeout",
            "20",
        ]


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE_INVENTORY, inventory)
    state = tmp_path / "lab"
    spec = lab_up(inventory=inventory, state_dir=state, time_scale=TIME_SCALE)
    try:
        yield Lab(state=state, inventory=inventory, changes=tmp_path / "changes", spec=spec)
    finally:
        lab_down(state)
