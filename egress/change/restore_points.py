"""The backups a rollback restores, read on the client and handed to the tasks as data.

The vault (the backups' secrets) and the change directory stay on the client; a rollback
task, wherever it runs, gets each device's intact backup text from here. A backup whose
secrets are lost raises when the task asks for it — never a config with placeholders pushed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from egress.change.changes import ChangeDir
from egress.change.vault import VaultError
from egress.errors import DeviceError, Location


@dataclass(frozen=True, slots=True)
class RestorePoints:
    texts: Mapping[str, str | None] = field(default_factory=dict, repr=False)
    lost: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # host -> (why, hint)

    @classmethod
    def read(cls, change: ChangeDir, hosts: Iterable[str]) -> RestorePoints:
        texts: dict[str, str | None] = {}
        lost: dict[str, tuple[str, str]] = {}
        for host in hosts:
            try:
                texts[host] = change.verified_backup(host)
            except VaultError as exc:  # the task says so when it would have used it
                lost[host] = (exc.message, exc.hint or "")
        return cls(texts, lost)

    def with_taken(self, host: str, text: str) -> RestorePoints:
        """Plus ``host``'s backup just taken in this run (kept by the recorder already)."""
        return RestorePoints({**self.texts, host: text}, self.lost)

    def get(self, host: str) -> str | None:
        """The intact backup of ``host`` (``None``: there is none); raises when its secrets
        are not in the vault."""
        if host in self.lost:
            why, hint = self.lost[host]
            raise DeviceError(f"cannot roll back: {why}", location=Location(host=host), hint=hint)
        return self.texts.get(host)
