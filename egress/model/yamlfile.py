"""Reading YAML files fast and finding, on error, the line a value came from.

Files are read with yaml-rs (a Rust YAML 1.2 parser, saphyr underneath): a 10,000-device
inventory (8 MB) parses in about 0.3 s, where PyYAML's C loader still builds every object in
Python and takes 2.3 s. YAML 1.2 also removes YAML 1.1's surprises from network data:
``1:30`` stays a string instead of becoming 90, ``yes``/``on`` stay strings, and a key given
twice in one mapping (two hosts of the same name) is an error instead of the last one
silently winning. PyYAML is still used to compose a file into nodes when we need a line
number: on error only, never on the fast path.

A large file (1 MiB and more: a fleet's hosts.yaml and groups.yaml) is parsed once per
content: the parsed data is kept in the user's cache directory, named by the SHA-256 of the
file's bytes, as :mod:`marshal` data, which loads ~6x faster than the parse (a 10,000-device
inventory: ~0.1 s instead of ~0.6 s, in the one process every run starts in). A file that
changes in any byte has another name and is parsed again; see docs/adr.md.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import stat
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
import yaml_rs

from egress.errors import InputError, Location

try:  # libyaml composes a large file in a fraction of the pure-Python time
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_AT_LINE = re.compile(r"at line (\d+)")
_DUPLICATE = re.compile(r"duplicate mapping key: '(.*)'")


# Far above any real inventory (400 hosts take ~150 kB) or playbook; a file this big is a
# mistake, and would be parsed, validated and copied into the change record in full.
MAX_BYTES = 8 * 1024 * 1024


def load_yaml(path: Path, *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse ``path``; a syntax error becomes an :class:`InputError` naming file and line."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(
            f"cannot read {path}: {exc.strerror}", location=Location(file=path)
        ) from exc
    if size > max_bytes:
        raise InputError(
            f"{path.name} is {size / 1048576:.1f} MiB; at most {max_bytes / 1048576:g} MiB is read",
            location=Location(file=path),
            hint="is this the right file?",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read {path}: {exc.strerror}", location=Location(file=path)
        ) from exc
    cached = _cache_file(raw) if len(raw) >= CACHE_MIN_BYTES else None
    if cached is not None:
        found = _cached(cached)
        if found is not _MISSING:
            return found
    try:  # as read_text() reads it: universal newlines
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text", location=Location(file=path)) from exc
    data = _parse(path, text)
    if cached is not None:
        _keep(cached, data)
    return data


def _parse(path: Path, text: str) -> Any:
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except yaml_rs.YAMLDecodeError as exc:
        raise _syntax_error(path, text, str(exc)) from None
    if isinstance(data, list) and _several_documents(text):
        raise InputError(
            "several YAML documents in one file",
            location=Location(file=path),
            hint="keep one document per file (remove the extra '---')",
        )
    return data


# Parsed files kept for the next run (module docstring): only files this large, where the
# parse costs more than hashing and loading the kept copy (~2 ms per 100 kB against ~8 ms)
CACHE_MIN_BYTES = 1024 * 1024
_CACHE_FORMAT = f"1-{yaml_rs.__version__}-{marshal.version}"
_CACHE_KEEP = 16  # files kept: the oldest go beyond this
_MISSING = object()


def cache_dir() -> Path | None:
    """Where parsed files are kept: $EGRESS_CACHE_DIR, else $XDG_CACHE_HOME/egress, else
    ~/.cache/egress (a ``yaml`` folder in it); None when EGRESS_CACHE_DIR is empty
    (keep nothing) or no home is known."""
    chosen = os.environ.get("EGRESS_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) / "yaml" if chosen else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "egress" / "yaml"
    try:
        return Path.home() / ".cache" / "egress" / "yaml"
    except RuntimeError:
        return None


def _cache_file(raw: bytes) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(raw).hexdigest()
    return folder / f"{digest}.{_CACHE_FORMAT}.marshal"


def _private(folder: Path) -> bool:
    """Only a folder of this user's that nobody else may write to is trusted: what is read
    from it is taken as the file's content."""
    try:
        info = folder.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _cached(file: Path) -> Any:
    if not _private(file.parent):
        return _MISSING
    try:
        return marshal.loads(file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return _MISSING  # missing or damaged: parse again (and keep the new copy)


def _keep(file: Path, data: Any) -> None:
    """Keep ``data`` for the next run; best effort (a read-only home only costs the parse)."""
    try:
        blob = marshal.dumps(data)
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(file.parent):
            return
        partial = file.with_name(f".{file.name}.{os.getpid()}")
        partial.write_bytes(blob)
        os.replace(partial, file)
        kept = sorted(file.parent.glob("*.marshal"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-_CACHE_KEEP]:
            old.unlink(missing_ok=True)
    except (OSError, ValueError):
        return


def load_yaml_files(paths: Sequence[Path]) -> list[Any]:
    """Load several files, in order."""
    return [load_yaml(p) for p in paths]


def _several_documents(text: str) -> bool:
    try:
        yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.composer.ComposerError:
        return True  # "expected a single document in the stream"
    except yaml.YAMLError:
        return False
    return False


def _syntax_error(path: Path, text: str, message: str) -> InputError:
    """The parser's complaint, with the line: PyYAML's mark where it fails too (its words
    are the ones operators know), else the line yaml-rs names or the duplicated key's."""
    try:
        yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return _located(
            path, text, exc.problem or "malformed YAML", mark.line + 1 if mark else None
        )
    except yaml.YAMLError:
        pass
    duplicate = _DUPLICATE.search(message)
    if duplicate:
        line, first = _duplicate_key_lines(text, duplicate.group(1))
        where = f" (first at line {first})" if first else ""
        return _located(path, text, f"duplicate key {duplicate.group(1)!r}{where}", line)
    at_line = _AT_LINE.search(message)
    problem = message.strip().splitlines()[-1] if message.strip() else "malformed YAML"
    return _located(path, text, problem, int(at_line.group(1)) if at_line else None)


def _located(path: Path, text: str, problem: str, line: int | None) -> InputError:
    entry = _entry_before(text, line) if line else None
    return InputError(
        f"malformed YAML: {problem}",
        location=Location(
            file=path, line=line, field=f"in top-level entry {entry!r}" if entry else None
        ),
        hint="check indentation and quoting around this line",
    )


def _duplicate_key_lines(text: str, key: str) -> tuple[int | None, int | None]:
    """(line of the repeated key, line of its first occurrence) in the first mapping that
    has ``key`` twice."""
    try:
        root = yaml.compose(text, Loader=_Loader)  # noqa: S506
    except yaml.YAMLError:
        return None, None
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if key_node.value == key and key in seen:
                    return line, seen[key]
                seen.setdefault(key_node.value, line)
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None, None


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
