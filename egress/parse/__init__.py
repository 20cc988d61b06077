"""Parsing show output into the one vendor-neutral schema (egress.parse.schema).

    >>> from egress.parse import parse_output
    >>> records = parse_output(platform="ios", command="show ip interface brief",
    ...     text="Interface  IP-Address  OK? Method Status  Protocol\\n"
    ...          "Gi1        10.0.0.1    YES manual up      up\\n")
    >>> records[0].name, records[0].address, records[0].status
    ('GigabitEthernet1', '10.0.0.1', 'up')

How it fits together:

- ``registry``: (platform, command) -> record kind, template or reader, converter (data).
- ``templates/<platform>/parse/<slug>.ttp``: TTP templates, each opening with a ``<doc>``
  block. Slug rule (:func:`egress.parse.registry.command_slug`): lower case, ``|`` spelled
  ``pipe``, runs of spaces and ``/`` become ``_`` ("show vrrp summary | display xml" ->
  ``show_vrrp_summary_pipe_display_xml``); test data lives under the same slug in
  ``tests/fixtures/parse/<platform>/<slug>/``.
- ``engine``: each TTP template is compiled once per process and reused for every output.
- ``junos_xml`` / ``junos_json``: Junos "| display xml|json" read with lxml / json (element
  names are Juniper's API, sturdier than column layouts), giving the text template's rows.
- ``ios`` / ``junos`` / ``fortios`` (+ ``fold``): rows -> records; ``normalise``: vendor
  words -> schema words; ``schema``: the frozen records (``record``: validated as pydantic
  validates, pydantic imported only for a value not already of its field's type).
"""

from __future__ import annotations

import re
from pathlib import Path

from egress.errors import InputError
from egress.parse.engine import Rows, compiled, dedent_lines
from egress.parse.registry import ParserSpec, known_commands, lookup
from egress.parse.schema import BaseRecord
from egress.render.templatedir import default_templates_dir

__all__ = ["known_commands", "parse_output", "parse_rows", "lookup", "reads_as"]


def parse_rows(spec: ParserSpec, text: str, *, templates_dir: Path | None = None) -> Rows:
    """The raw rows of one output, before conversion (what a template author debugs)."""
    if spec.reader is not None:
        return spec.reader(text)
    path = spec.template_path(templates_dir or default_templates_dir())
    assert path is not None  # a spec without reader always has a template
    if not path.is_file():
        raise InputError(
            f"template {path} is missing for {spec.platform} {spec.command!r}",
            hint="set EGRESS_TEMPLATES to the templates directory of this checkout",
        )
    return compiled(path).rows(dedent_lines(text) if spec.dedent else text)


def check_record_lines(spec: ParserSpec, text: str, rows: Rows) -> None:
    """Every line the spec calls a record came out as a row: a layout the template does not
    know is a parse error naming the line, never a record that silently vanishes."""
    if not spec.record_lines:
        return
    lines = dedent_lines(text).splitlines() if spec.dedent else text.splitlines()
    for rule in spec.record_lines:
        pattern = re.compile(rule.pattern)
        read = {str(row.get(rule.field, "")).strip() for row in rows.get(rule.group, [])}
        for number, line in enumerate(lines, start=1):
            match = pattern.match(line)
            if match and match.group("key").strip() not in read:
                raise ValueError(
                    f"line {number} {line.strip()!r} is a record this parser cannot read"
                )


def parse_output(
    *, platform: str, command: str, text: str, templates_dir: Path | None = None
) -> list[BaseRecord]:
    """Parse one device's output of ``command`` into schema records.

    Raises :class:`InputError` for an unknown platform or command (listing the known
    commands), or for output the parser cannot read (a vendor word the normaliser does not
    know, malformed XML).
    """
    spec = lookup(platform=platform, command=command)
    try:
        rows = parse_rows(spec, text, templates_dir=templates_dir)
        check_record_lines(spec, text, rows)
        return list(spec.convert(rows))
    except ValueError as exc:
        raise InputError(
            f"cannot parse {platform} {command!r} output: {exc}",
            hint="check the command matches the output; new vendor wording needs a "
            "normaliser entry (egress/parse/normalise.py)",
        ) from exc


def reads_as(text: str, *, spec: ParserSpec) -> list[tuple[ParserSpec, int]]:
    """Which other parsers of the same record kind read ``text`` into records (another
    platform's or command's output given by mistake), most records first."""
    from egress.parse.registry import SPECS

    found = []
    for other in SPECS:
        if other is spec or other.kind != spec.kind:
            continue
        try:
            count = len(other.convert(parse_rows(other, text)))
        except (InputError, ValueError, KeyError, TypeError, AttributeError):
            continue
        if count:
            found.append((other, count))
    return sorted(found, key=lambda pair: -pair[1])
