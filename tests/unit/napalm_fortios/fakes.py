"""A FortiGate transport without SSH: canned config per VDOM scope, every call recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

from napalm_fortios.device import ScriptRejected
from napalm_fortios.tree import parse, render_block


@dataclass
class FakeTransport:
    """``configs`` maps a scope (None: no VDOMs, "global", "vdom") to its ``show`` text;
    ``full`` likewise for ``show full-configuration`` (defaults to ``configs``)."""

    configs: dict[str | None, str]
    full: dict[str | None, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    reject: str | None = None
    commands: list[tuple[str, str | None]] = field(default_factory=list)
    scripts: list[list[str]] = field(default_factory=list)
    unwound: int = 0
    alive: bool = False

    def open(self) -> None:
        self.alive = True

    def close(self) -> None:
        self.alive = False

    def is_alive(self) -> bool:
        return self.alive

    def command(self, command: str, *, scope: str | None = None) -> str:
        self.commands.append((command, scope))
        for verb, source in (
            ("show full-configuration", self.full or self.configs),
            ("show", self.configs),
        ):
            if command == verb:
                return source.get(scope, "")
            if command.startswith(verb + " "):
                path = command[len(verb) + 1 :]
                block = parse(source.get(scope, "")).block(path)
                return "\n".join(render_block(path, block)) + "\n" if block else ""
        return self.outputs.get(command, "")

    def script(self, lines: list[str]) -> str:
        self.scripts.append(list(lines))
        for line in lines:
            if self.reject and self.reject in line:
                raise ScriptRejected(line.strip(), "Command fail. Return code -61")
        return ""

    def unwind(self) -> None:
        self.unwound += 1

    def reload(self) -> str:
        return "no config to be reloaded."

    def reopen(self, *, wait_s: float) -> None:
        self.alive = True


__all__ = ["FakeTransport"]
