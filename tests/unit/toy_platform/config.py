"""The toy's config reader for lint: ``interface NAME A.B.C.D/N`` and ``bfd peer ...`` lines."""

from __future__ import annotations

from ipaddress import IPv4Interface

from egress.lint.facts import BfdFact, ConfigFacts, SyntaxProblem


def parse(text: str) -> ConfigFacts:
    facts = ConfigFacts()
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words or words[0] == "hostname":
            continue
        if words[0] == "interface" and len(words) == 3:
            iface = facts.interface(words[1], number)
            iface.address, iface.address_line = IPv4Interface(words[2]), number
        elif words[:2] == ["bfd", "peer"] and len(words) == 9:
            interval, multiplier = int(words[6]), int(words[8])
            facts.bfd.append(
                BfdFact(
                    number,
                    peer=words[2],
                    interface=words[4],
                    tx_ms=interval,
                    rx_ms=interval,  # the toy's one interval is both directions'
                    multiplier=multiplier,
                    timers_line=number,
                )
            )
        else:
            facts.problems.append(SyntaxProblem("toy.unknown", number, f"unknown: {line}"))
    return facts
