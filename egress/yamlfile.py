"""Reading YAML files fast (libyaml) and finding, on error, the line a value came from.

The fast path never tracks lines: a 10,000-device inventory loads with the C loader.
Only when something is wrong do we compose the file once more to point at the line.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import yaml

from egress.errors import InputError, Location

try:  # libyaml is the difference between seconds and minutes on a large inventory
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


CACHE_ENV = "EGRESS_CACHE_DIR"
# Below this size parsing is faster than hashing, caching and forking.
_CACHE_MIN_BYTES = 256 * 1024


def _cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "egress" / "yaml"


def _cache_file(raw: bytes) -> Path:
    # keyed by content, so an edit can never be served a stale parse
    return _cache_dir() / (hashlib.blake2b(raw, digest_size=20).hexdigest() + ".marshal")


def load_yaml(path: Path) -> Any:
    """Parse ``path``; a syntax error becomes an :class:`InputError` naming file and line.

    Large files are parsed once and then served from a content-addressed cache: libyaml's
    parser is C but PyYAML still builds every object in Python (~3 s for 8 MB).
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read {path}: {exc.strerror}", location=Location(file=path)
        ) from exc
    if len(raw) < _CACHE_MIN_BYTES:
        return _parse(path, raw.decode("utf-8"))
    cached = _cache_file(raw)
    try:
        return marshal.loads(cached.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    data = _parse(path, raw.decode("utf-8"))
    _store(raw, data)
    return data


def load_yaml_files(paths: Sequence[Path]) -> list[Any]:
    """Load several files; large uncached ones are parsed in parallel processes, in chunks.

    A large inventory is a mapping of thousands of top-level entries (hosts, groups), so
    each file is cut at top-level keys into pieces of about a megabyte and the pieces are
    parsed on every core. Anything unusual (documents, directives, anchors used across
    pieces, a piece that is not a mapping) falls back to parsing the whole file, which also
    gives errors their exact line.
    """
    big = [
        p
        for p in paths
        if p.exists()
        and p.stat().st_size >= _CACHE_MIN_BYTES
        and not _cache_file(p.read_bytes()).exists()
    ]
    if big:
        pieces = [(p, piece) for p in big for piece in _top_level_pieces(p.read_text())]
        with ProcessPoolExecutor(
            max_workers=min(len(pieces), os.cpu_count() or 1), mp_context=get_context("fork")
        ) as pool:
            parsed = list(pool.map(_parse_piece, [piece for _, piece in pieces]))
        for path in big:
            parts = [data for (p, _), data in zip(pieces, parsed, strict=True) if p == path]
            if all(isinstance(part, dict) for part in parts):
                merged: dict[Any, Any] = {}
                for part in parts:
                    merged.update(part)
                _store(path.read_bytes(), merged)
    return [load_yaml(p) for p in paths]


_PIECE_BYTES = 1 << 20


def _top_level_pieces(text: str) -> list[str]:
    """``text`` cut before top-level keys into pieces of about _PIECE_BYTES (or whole)."""
    lines = text.splitlines(keepends=True)
    if any(line.startswith(("---", "...", "%")) for line in lines):
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        starts_entry = line[:1] not in ("", " ", "\t", "#", "\n", "\r", "-")
        if starts_entry and size >= _PIECE_BYTES:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line)
    pieces.append("".join(current))
    return pieces


def _parse_piece(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return None  # the parent parses the whole file and reports the error with its line


def _store(raw: bytes, data: Any) -> None:
    cached = _cache_file(raw)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(data))
        os.replace(tmp, cached)
    except (OSError, ValueError):
        pass  # a cache is an optimisation; a read-only home must not stop a render


def _parse(path: Path, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "malformed YAML"
        entry = _entry_before(text, line) if line else None
        raise InputError(
            f"malformed YAML: {problem}",
            location=Location(
                file=path, line=line, field=f"in top-level entry {entry!r}" if entry else None
            ),
            hint="check indentation and quoting around this line",
        ) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", location=Location(file=path)) from exc


def _entry_before(text: str, line: int) -> str | None:
    """The top-level key (host or group name) a broken line belongs to."""
    for candidate in reversed(text.splitlines()[:line]):
        if candidate and not candidate[0].isspace() and not candidate.startswith("#"):
            return candidate.split(":", 1)[0].strip() or None
    return None


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
