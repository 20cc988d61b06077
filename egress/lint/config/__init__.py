"""Reading rendered configuration back: one module per platform (its folder's ``config.py``).

Each module parses its vendor grammar (reporting syntax problems with their line) and fills
the neutral :class:`~egress.lint.facts.ConfigFacts`. The platform is chosen by data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from egress.lint.facts import ConfigFacts
from egress.platforms import PLATFORMS

Reader = Callable[[str], ConfigFacts]


class _Readers(Mapping[str, Reader]):
    """platform -> its config reader, ``egress/platforms/<slug>/config.py`` ``parse``."""

    def __getitem__(self, platform: str) -> Reader:
        reader: Reader = PLATFORMS.module(platform, "config").parse
        return reader

    def __iter__(self) -> Iterator[str]:
        return (p for p in PLATFORMS if PLATFORMS.has_module(p, "config"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


PARSERS: Mapping[str, Reader] = _Readers()
