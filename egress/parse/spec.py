"""The parser registration type: which (platform, command) a converter reads, how, and into
which record kind. Each platform registers its own in ``egress/platforms/<slug>/parsers.py``;
:mod:`egress.parse.registry` indexes them all.

Template and fixture names follow one slug rule, :func:`command_slug`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from egress.parse.engine import Rows
from egress.parse.schema import BaseRecord, RecordKind

Converter = Callable[[Rows], Sequence[BaseRecord]]
Reader = Callable[[str], Rows]


def command_slug(command: str) -> str:
    """The file-name form of a command: lower case, ``|`` spelled ``pipe``, and every run
    of spaces or slashes one ``_`` (ttp_templates' convention for pipes).

    >>> command_slug("show vrrp summary | display xml")
    'show_vrrp_summary_pipe_display_xml'
    >>> command_slug("show route 0.0.0.0/0"), command_slug("get router info routing-table all")
    ('show_route_0.0.0.0_0', 'get_router_info_routing-table_all')
    """
    text = normalise_command(command).replace("|", " pipe ")
    return re.sub(r"[\s/]+", "_", text.strip())


def normalise_command(command: str) -> str:
    """Commands are matched case-insensitively and whitespace-insensitively.

    >>> normalise_command("  show  IP route ")
    'show ip route'
    """
    return " ".join(command.lower().split())


@dataclass(frozen=True, slots=True)
class RecordLine:
    """Lines that are records: each one matching ``pattern`` (its ``key`` group) must come
    out of the template as a row of ``group`` whose ``field`` has that value, or the parse
    fails naming the line. Headers, legends and blank lines never match a pattern."""

    pattern: str
    group: str
    field: str


@dataclass(frozen=True, slots=True)
class ParserSpec:
    platform: str
    command: str
    kind: RecordKind
    convert: Converter
    # None: the text is read by ``reader`` (XML) instead of a TTP template
    reader: Reader | None = None
    aliases: tuple[str, ...] = ()
    # argument forms printing the same layout, as regular expressions over the normalised
    # command ("show ip route vrf X", "show route table inet.3 10.0.0.0/8"); the exact
    # command and aliases are tried first
    patterns: tuple[str, ...] = ()
    # lines that must each yield a row (a record the template cannot read is an error)
    record_lines: tuple[RecordLine, ...] = ()
    # False where a template relies on indentation (none does today; see engine.dedent_lines)
    dedent: bool = True

    @property
    def slug(self) -> str:
        return command_slug(self.command)

    def template_path(self, root: Path) -> Path | None:
        if self.reader is not None:
            return None
        return root / self.platform / "parse" / f"{self.slug}.ttp"
