"""The config readers' one memo: a bounded dict from a text to what it says.

A fleet's configs repeat their lines (docs/adr.md, "lint's readers"), so each reader keeps,
per distinct line of the run, what reading it gave. A hit must cost no more than a plain
``dict`` lookup (it runs once per line of every config: ~500,000 at 10,000 devices), so the
memo is a ``dict`` itself and a miss goes through ``__missing__``, which ``dict.__getitem__``
calls in C only when the key is absent: ``memo[text]`` is the whole hit path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")

# bounded: lines unique to one device never come back, and a full memo starts again (a
# worker's share of 10,000 devices holds ~30,000 distinct lines per platform)
LINES_MAX = 100_000


class Memo(dict[K, V]):
    """``memo[key]`` is ``read(key)``, read once per key and kept (up to ``size`` keys; a
    full memo is cleared, not evicted one by one: no bookkeeping on the hit path). What is
    kept is shared by every caller: ``read`` must return values nobody changes."""

    __slots__ = ("_read", "_size")

    def __init__(self, read: Callable[[K], V], size: int = LINES_MAX) -> None:
        super().__init__()
        self._read = read
        self._size = size

    def __missing__(self, key: K) -> V:
        if len(self) >= self._size:
            self.clear()
        value = self[key] = self._read(key)
        return value
