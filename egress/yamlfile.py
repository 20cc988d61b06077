"""Reading YAML files fast (libyaml) and finding, on error, the line a value came from.

The fast path never tracks lines: a 10,000-device inventory loads with the C loader.
Only when something is wrong do we compose the file once more to point at the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from egress.errors import InputError, Location

try:  # libyaml is the difference between seconds and minutes on a large inventory
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


def load_yaml(path: Path) -> Any:
    """Parse ``path``; a syntax error becomes an :class:`InputError` naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", location=Location(file=path)) from exc
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "malformed YAML"
        raise InputError(
            f"malformed YAML: {problem}",
            location=Location(file=path, line=line),
            hint="check indentation and quoting around this line",
        ) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", location=Location(file=path)) from exc


@lru_cache(maxsize=16)
def _compose(path: Path) -> yaml.Node | None:
    return yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506


def line_of(path: Path, keys: Sequence[str | int]) -> int | None:
    """The 1-based line of the deepest node along ``keys`` that exists in ``path``.

    >>> # line_of(Path("hosts.yaml"), ["ams-edge-01", "data", "role"]) -> 12
    """
    try:
        node = _compose(path)
    except (OSError, yaml.YAMLError):
        return None
    line = None
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(key):
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if key >= len(node.value):
                return line
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line
