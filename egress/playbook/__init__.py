"""Playbooks: YAML change plans (data, not code) and the runner that carries them out.

``prepare`` reads a playbook and resolves it against the inventory (nothing is contacted;
every problem is an InputError naming file and line); ``execute`` runs its steps into one
change directory.
"""

from __future__ import annotations

from egress.playbook.load import load_playbook
from egress.playbook.model import STEPS, Playbook
from egress.playbook.resolve import Prepared, prepare
from egress.playbook.runner import RUN, RunState, execute, open_change
from egress.playbook.settings import RunSettings

__all__ = [
    "RUN",
    "STEPS",
    "Playbook",
    "Prepared",
    "RunSettings",
    "RunState",
    "execute",
    "load_playbook",
    "open_change",
    "prepare",
]
