"""Small helpers every converter uses to read TTP rows safely."""

from __future__ import annotations

from typing import Any

from egress.parse.engine import Rows


def group(rows: Rows, name: str) -> list[dict[str, Any]]:
    """The matches of a top-level group (empty when the output had none)."""
    return rows.get(name, [])


def children(row: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """A nested group: TTP gives a dict for one match and a list for several."""
    value = row.get(name)
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def text(row: dict[str, Any], key: str) -> str | None:
    """A field as stripped text, None when absent or empty."""
    value = row.get(key)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def integer(row: dict[str, Any], key: str) -> int | None:
    """A field as an int, None when absent or not a number."""
    value = text(row, key)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def number(row: dict[str, Any], key: str) -> float | None:
    """A field as a float, None when absent or not a number."""
    value = text(row, key)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None
