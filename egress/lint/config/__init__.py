"""Reading rendered configuration back: one module per platform, one parser table.

Each module parses its vendor grammar (reporting syntax problems with their line) and fills
the neutral :class:`~egress.lint.facts.ConfigFacts`. The platform is chosen by data.
"""

from __future__ import annotations

from collections.abc import Callable

from egress.lint.config import fortios, frr, ios, junos
from egress.lint.facts import ConfigFacts

PARSERS: dict[str, Callable[[str], ConfigFacts]] = {
    "ios": ios.parse,
    "junos": junos.parse,
    "fortios": fortios.parse,
    "frr": frr.parse,
}
