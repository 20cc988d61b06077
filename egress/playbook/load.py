"""Reading a playbook file: YAML -> :class:`Playbook`, every error naming file and line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from egress.errors import InputError, Location, friendly, validation_messages
from egress.model.yamlfile import line_of, load_yaml
from egress.playbook.model import Playbook

_MAX_ERRORS = 6


# a playbook names targets, batches and steps: a few kB; it is also copied into the record
MAX_PLAYBOOK_BYTES = 1024 * 1024


def load_playbook(path: Path) -> Playbook:
    data = load_yaml(path, max_bytes=MAX_PLAYBOOK_BYTES)
    if not isinstance(data, dict):
        raise InputError(
            "a playbook is a mapping (name, change_id, targets, steps, ...)",
            location=Location(file=path, line=1),
            hint="see playbooks/rollout.yaml for the shape",
        )
    try:
        return Playbook.model_validate(data)
    except ValidationError as exc:
        raise _located(exc, path) from None


def playbook_error(
    path: Path, keys: Sequence[str | int], message: str, *, hint: str = ""
) -> InputError:
    """An error about the value at ``keys`` in the playbook, pointing at its line."""
    return InputError(
        message,
        location=Location(
            file=path, line=line_of(path, keys) or 1, field=".".join(str(k) for k in keys) or None
        ),
        hint=hint,
    )


def _located(exc: ValidationError, path: Path) -> InputError:
    errors = validation_messages(exc.errors())
    lines = []
    for err in errors[:_MAX_ERRORS]:
        keys = _yaml_keys(err["loc"])
        line = line_of(path, keys)
        where = f"line {line}, " if line else ""
        lines.append(f"{where}{'.'.join(str(k) for k in keys) or '(top level)'}: {friendly(err)}")
    if len(errors) > _MAX_ERRORS:
        lines.append(f"... and {len(errors) - _MAX_ERRORS} more")
    first = _yaml_keys(errors[0]["loc"])
    return InputError(
        "invalid playbook:\n    " + "\n    ".join(lines),
        location=Location(
            file=path, line=line_of(path, first) or 1, field=".".join(str(k) for k in first) or None
        ),
        hint="nothing was sent to any device",
    )


def _yaml_keys(loc: Sequence[str | int]) -> list[str | int]:
    """pydantic's location without the names it adds itself (the step's synthetic kind)."""
    keys: list[str | int] = []
    for index, part in enumerate(loc):
        if part == "kind" and index >= 2 and loc[index - 2] == "steps":
            break
        keys.append(part)
    return keys
