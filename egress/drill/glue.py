"""The Linux glue of a rendered ``frr`` config: ``!@<kind> <line>`` comment lines.

FRR ignores them (``!`` starts a comment), so the whole rendered file is a valid frr.conf;
egress's FRR driver hands each kind to its own tool. Kinds and what they become:

- ``sysctl``      ``key=value`` written with sysctl(8)
- ``iproute``     ``ip -batch`` lines (a ``rule add`` is preceded by its ``rule del``)
- ``nftables``    one nft ruleset; each ``table`` it declares is replaced as a whole
- ``keepalived``  keepalived.conf
- ``conntrackd``  conntrackd.conf
- ``probe``       one line per probe for egress's prober (egress/drill/prober.py)
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

KINDS = ("sysctl", "iproute", "nftables", "keepalived", "conntrackd", "probe")
_LINE = re.compile(r"^!@(?P<kind>[a-z]+) ?(?P<text>.*)$")


@dataclass(frozen=True, slots=True)
class Split:
    frr: str
    glue: dict[str, list[str]]

    def glue_text(self, kind: str) -> str:
        lines = self.glue.get(kind, [])
        return "\n".join(lines) + "\n" if lines else ""


def split(config: str) -> Split:
    """The FRR part (glue lines removed) and the glue lines by kind, in order."""
    frr: list[str] = []
    glue: dict[str, list[str]] = defaultdict(list)
    for number, line in enumerate(config.splitlines(), start=1):
        match = _LINE.match(line)
        if match is None:
            frr.append(line)
            continue
        kind = match["kind"]
        if kind not in KINDS:
            raise ValueError(f"line {number}: unknown glue kind {kind!r} (known: {KINDS})")
        glue[kind].append(match["text"])
    return Split("\n".join(frr) + "\n", dict(glue))


def join(frr: str, glue: dict[str, list[str]]) -> str:
    """The inverse of :func:`split` (glue after the FRR part, kind by kind)."""
    lines = frr.rstrip("\n").splitlines()
    body = [line for line in lines if line.strip() != "end"]
    for kind in KINDS:
        body += [f"!@{kind} {text}".rstrip() for text in glue.get(kind, [])]
    return "\n".join([*body, "end"]) + "\n"


def nft_tables(ruleset: str) -> list[str]:
    """The ``table <family> <name>`` heads a ruleset declares."""
    return re.findall(r"^\s*table\s+(\w+\s+\w+)\s*\{", ruleset, re.MULTILINE)


def probes(lines: list[str]) -> list[dict[str, str]]:
    return [dict(item.split("=", 1) for item in line.split()) for line in lines]
