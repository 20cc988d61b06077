"""The toy's show-output parser: ``show bfd`` prints one ``PEER STATE`` line per session."""

from __future__ import annotations

from egress.parse.engine import Rows
from egress.parse.schema import Bfd
from egress.parse.spec import ParserSpec


def bfd_rows(text: str) -> Rows:
    return {"bfd": [{"peer": w[0], "state": w[1]} for w in map(str.split, text.splitlines()) if w]}


def bfd(rows: Rows) -> list[Bfd]:
    return [Bfd(peer=row["peer"], state=row["state"]) for row in rows["bfd"]]


PARSERS: tuple[ParserSpec, ...] = (ParserSpec("toy", "show bfd", "bfd", bfd, reader=bfd_rows),)
