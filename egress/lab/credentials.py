"""The lab's login (kept apart from the SSH server code, so reading a lab spec is cheap)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabCredentials:
    """Lab credentials are not secrets: they exist only inside the lab."""

    username: str = "egress"
    password: str = "egress-lab"
