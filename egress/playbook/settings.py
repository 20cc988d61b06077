"""How a playbook is run (from the command line), as opposed to what it says."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RunSettings:
    inventory: Path
    changes_dir: Path
    lab_state: Path | None  # None: real devices
    commit: bool  # --yes; without it the run is a dry-run (diff only, nothing cut)
    timeout: int = 20
    # the change board's fields from the command line; each overrides the playbook's own
    ticket: str = ""
    approver: str = ""
    window: str = ""
