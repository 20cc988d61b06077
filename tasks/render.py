"""Render one host's configuration into ``<out_dir>/<host>.cfg``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nornir.core.task import Result, Task

from egress.intent import DeviceIntent
from egress.render import render_device


@dataclass(frozen=True, slots=True)
class RenderedConfig:
    path: Path
    lines: int
    features: tuple[str, ...]
    changed: bool


def render_config(
    task: Task, *, intents: dict[str, DeviceIntent], out_dir: Path, templates_dir: Path
) -> Result:
    """Render the host's intent; the file is replaced atomically, never left half-written."""
    intent = intents[task.host.name]
    text = render_device(intent, templates_dir=templates_dir)
    path = out_dir / f"{task.host.name}.cfg"
    try:
        changed = path.read_text() != text
    except FileNotFoundError:
        changed = True
    if changed:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
    rendered = RenderedConfig(
        path=path, lines=text.count("\n"), features=intent.features, changed=changed
    )
    return Result(host=task.host, result=rendered, changed=changed)
