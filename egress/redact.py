"""Secrets out of anything a person reads: configs, diffs, messages, reports.

One rule for every platform: after a secret keyword (``secret``, ``password``, ``key``,
``community``, FortiOS ``psksecret``/``passwd``, Junos ``encrypted-password``/
``authentication-key`` ...), the rest of the line is a secret. Only a leading type marker
(IOS ``0``/``5``/``7``/``9``, FortiOS ``ENC``, Junos ``ascii-text``) is kept so a reader still
sees the form. Redacting the whole rest of the line over-redacts now and then (a route-map
``set community``); it never leaks a value that a later token would have carried (``ntp
authentication-key 1 md5 VALUE``). A quoted value spanning lines (a FortiOS private key) is
redacted to its closing quote.

>>> redact_text("enable secret 9 $9$abc")
'enable secret 9 <redacted>'
>>> redact_text('+    set psksecret ENC AbCd==')
'+    set psksecret ENC <redacted>'
"""

from __future__ import annotations

import re
from typing import Any

MASK = "<redacted>"

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


def redact_text(text: str) -> str:
    """``text`` with every secret value replaced by ``<redacted>`` (line structure kept)."""
    out: list[str] = []
    in_quote = False  # inside a quoted secret that spans lines
    forti_snmp = 0  # depth of FortiOS config blocks since `config system snmp community`
    for line in text.split("\n"):
        if in_quote:
            if '"' in line:
                in_quote = False
                out.append(_prefix(line) + MASK + '"')
            else:
                out.append(_prefix(line) + MASK)
            continue
        if forti_snmp:
            if re.match(r"^\W?\s*config\s", line):
                forti_snmp += 1
            elif _FORTI_END.match(line):
                forti_snmp -= 1
            else:
                line = _FORTI_NAME.sub(_mask, line)
        elif _FORTI_SNMP.match(line):
            forti_snmp = 1
        redacted = _SNMP_HOST.sub(_mask, line)
        redacted = _SECRET.sub(_mask, redacted)
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


def _mask(match: re.Match[str]) -> str:
    value = match.group("value").rstrip()
    tail = ";" if value.endswith(";") else ""  # keep a Junos statement a statement
    return f"{match.group('kw')}{match.group('sep')}{match.group('type') or ''}{MASK}{tail}"


def _prefix(line: str) -> str:
    """A diff marker at the start of a continuation line stays (so diffs still colour)."""
    return line[0] if line[:1] in "+- " else ""
