"""Secrets out of anything a person reads: configs, diffs, messages, reports.

One rule for every platform: after a secret keyword (``secret``, ``password``, ``key``,
``community``, FortiOS ``psksecret``/``passwd``, Junos ``encrypted-password``/
``authentication-key`` ...), the rest of the line is a secret. Only a leading type marker
(IOS ``0``/``5``/``7``/``9``, FortiOS ``ENC``, Junos ``ascii-text``) is kept so a reader still
sees the form. Redacting the whole rest of the line over-redacts now and then (a route-map
``set community``); it never leaks a value that a later token would have carried (``ntp
authentication-key 1 md5 VALUE``). A quoted value spanning lines (a FortiOS private key) is
redacted to its closing quote.

:func:`split_secrets` applies the same rules but numbers what it masks (``<secret:N>``) and
returns the values, so a backup can be kept without them and reassembled exactly
(:func:`restore_secrets`, :mod:`egress.change.vault`).

>>> redact_text("enable secret 9 $9$abc")
'enable secret 9 <redacted>'
>>> redact_text('+    set psksecret ENC AbCd==')
'+    set psksecret ENC <redacted>'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MASK = "<redacted>"
# what a secret becomes in a backup: numbered, so the value can be put back from the vault
PLACEHOLDER = "<secret:{}>"
_PLACEHOLDER = re.compile(r"<secret:(\d+)>")

_KEYWORDS = (
    # IOS-XE
    "secret",
    "password",
    "key",
    "key-string",
    "message-digest-key",
    "authentication-key",
    "pre-shared-key",
    "community",
    "auth-password",
    "priv-password",
    # Junos
    "encrypted-password",
    "simple-password",
    "authentication-password",
    "privacy-password",
    # FortiOS
    "passwd",
    "authpasswd",
    "psksecret",
    "auth-pwd",
    "priv-pwd",
    "private-key",
    "psk",
)
# words after `key` that name an object, not a secret (`key chain NAME`, `crypto key generate`)
# (and words of egress's own messages: "SSH host key unknown or changed")
_NOT_A_KEY = (
    r"(?!\s+(?:chain|generate|zeroize|storage|config-key|pubkey-chain|unknown|changed"
    r"|mismatch|verification)\b)"
)
_SECRET = re.compile(
    r"(?P<kw>(?<![\w-])(?:"
    + "|".join(sorted((re.escape(k) for k in _KEYWORDS), key=len, reverse=True))
    + r")(?![\w-]))"
    + _NOT_A_KEY
    + r"(?P<sep>\s+)(?P<type>(?:[0-9]|ENC|ascii-text|hexadecimal)\s+)?(?P<value>\S.*)$",
    re.IGNORECASE,
)
# `snmp-server host 192.0.2.1 [traps|informs] [version 2c] COMMUNITY ...`
_SNMP_HOST = re.compile(
    r"(?P<kw>snmp-server\s+host\s+\S+\s+(?:(?:traps|informs)\s+)?(?:version\s+\S+\s+)?"
    r"(?:(?:auth|noauth|priv)\s+)?)(?P<sep>)(?P<type>)(?P<value>\S.*)$",
    re.IGNORECASE,
)
# FortiOS names an SNMP community with `set name` inside `config system snmp community`
_FORTI_SNMP = re.compile(r"^\W?\s*config\s+system\s+snmp\s+(?:community|user)\b", re.I)
_FORTI_NAME = re.compile(r"(?P<kw>set\s+name)(?P<sep>\s+)(?P<type>)(?P<value>\S.*)$", re.I)
_FORTI_END = re.compile(r"^\W?\s*end\s*$", re.I)
# FortiOS prints every stored secret as `set <field> ENC <cipher>`, whatever the field is
_FORTI_ENC = re.compile(r"(?P<kw>\bset\s+\S+)(?P<sep>\s+)(?P<type>ENC\s+)(?P<value>\S.*)$", re.I)
# Junos ends every line that prints secret data with `## SECRET-DATA` (also a value nested
# under a secret keyword, e.g. `ascii-text "$9$...";` inside `pre-shared-key { }`)
_SECRET_DATA_MARK = re.compile(r";\s*## SECRET-DATA\s*$")
_SECRET_DATA = re.compile(
    r"(?P<kw>^.*?\S)(?P<sep>\s+)(?P<type>)(?P<value>\"[^\"]*\"|[^\s;\"]+)(?=;\s*## SECRET-DATA\s*$)"
)


def redact_text(text: str) -> str:
    """``text`` with every secret value replaced by ``<redacted>`` (line structure kept);
    a backup's ``<secret:N>`` placeholders read ``<redacted>`` too."""
    return _PLACEHOLDER.sub(MASK, _scan(text, lambda _value: MASK))


def split_secrets(text: str) -> tuple[str, list[str]]:
    """``text`` redacted by the same rules, each value replaced by a numbered placeholder,
    and the values in placeholder order: :func:`restore_secrets` puts them back exactly.

    >>> split_secrets('enable secret 9 $9$abc\\nhostname r1')
    ('enable secret 9 <secret:0>\\nhostname r1', ['$9$abc'])
    """
    values: list[str] = []

    def placeholder(value: str) -> str:
        values.append(value)
        return PLACEHOLDER.format(len(values) - 1)

    return _scan(text, placeholder), values


def restore_secrets(text: str, values: list[str]) -> str:
    """The inverse of :func:`split_secrets` (raises ``IndexError`` for an unknown number).

    >>> restore_secrets('enable secret 9 <secret:0>', ['$9$abc'])
    'enable secret 9 $9$abc'
    """
    return _PLACEHOLDER.sub(lambda m: values[int(m.group(1))], text)


def _scan(text: str, mask: Callable[[str], str]) -> str:
    """The one rule set: ``mask`` decides what each secret value (never empty) becomes."""

    def masked(value: str) -> str:
        return mask(value) if value else value

    def sub(match: re.Match[str]) -> str:
        value = match.group("value")
        core = value.rstrip()
        if core.endswith(";"):  # keep a Junos statement a statement
            core = core[:-1]
        return (
            f"{match.group('kw')}{match.group('sep')}{match.group('type') or ''}"
            f"{masked(core)}{value[len(core) :]}"
        )

    out: list[str] = []
    in_quote = False  # inside a quoted secret that spans lines
    forti_snmp = 0  # depth of FortiOS config blocks since `config system snmp community`
    for line in text.split("\n"):
        if in_quote:
            prefix = _prefix(line)
            end = line.find('"', len(prefix))
            if end >= 0:
                in_quote = False
                out.append(prefix + masked(line[len(prefix) : end]) + line[end:])
            else:
                out.append(prefix + masked(line[len(prefix) :]))
            continue
        if forti_snmp:
            if re.match(r"^\W?\s*config\s", line):
                forti_snmp += 1
            elif _FORTI_END.match(line):
                forti_snmp -= 1
            else:
                line = _FORTI_NAME.sub(sub, line)
        elif _FORTI_SNMP.match(line):
            forti_snmp = 1
        if _SECRET_DATA_MARK.search(line):
            # the device itself says what is secret on this line: its last value
            out.append(_SECRET_DATA.sub(sub, line, count=1))
            continue
        # one rule per line, the most specific first: a value is masked exactly once
        rule = next((r for r in (_SNMP_HOST, _FORTI_ENC, _SECRET) if r.search(line)), None)
        redacted = rule.sub(sub, line, count=1) if rule is not None else line
        match = _SECRET.search(line)
        if match and match.group("value").count('"') == 1:
            in_quote = True  # an opening quote with no closing one: a multi-line value
        out.append(redacted)
    return "\n".join(out)


def redact_data(data: Any) -> Any:
    """Every string in a JSON-like structure redacted (keys too: a key may be a line)."""
    if isinstance(data, str):
        return redact_text(data)
    if isinstance(data, dict):
        return {
            redact_data(k) if isinstance(k, str) else k: redact_data(v) for k, v in data.items()
        }
    if isinstance(data, (list, tuple)):
        return [redact_data(v) for v in data]
    return data


def _prefix(line: str) -> str:
    """A diff marker at the start of a continuation line stays (so diffs still colour)."""
    return line[0] if line[:1] in "+- " else ""
