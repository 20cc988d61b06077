"""Remove secrets from FortiOS configuration text (``get_config(sanitized=True)``).

Line-based rather than parse/render, so the output keeps the device's own layout and header
lines; a quoted secret that spans lines (a private key) is removed whole.
"""

from __future__ import annotations

import re

REDACTED = "<removed>"

# Fields whose value is a secret wherever they appear (`set password ENC …`, `set psksecret
# ENC …`, a certificate's private key, RADIUS/TACACS+/LDAP/SNMPv3/routing-protocol keys).
SECRET_FIELDS = frozenset(
    {
        "password",
        "passwd",
        "psksecret",
        "ppk-secret",
        "secret",
        "key",
        "private-key",
        "auth-pwd",
        "priv-pwd",
        "auth-password",
        "md5-key",
        "authentication-key",
        "ldap-password",
        "fortitoken-activation-code",
        "auth-key",
        "psk",
        "ha-password",
        "sso-password",
        "server-key",
    }
)
# Fields that are secrets only in one block: an SNMP v1/v2c community's name *is* its password.
SECRET_IN_BLOCK: dict[str, frozenset[str]] = {"system snmp community": frozenset({"name"})}

_SET = re.compile(r"^(?P<lead>\s*set\s+(?P<field>\S+)\s+)(?P<value>.*)$")


def sanitize_config(text: str) -> str:
    """``text`` with every secret value replaced by ``<removed>``.

    >>> sanitize_config('config system admin\\n    edit "a"\\n        set password ENC SH2x\\n')
    'config system admin\\n    edit "a"\\n        set password <removed>\\n'
    """
    out: list[str] = []
    path: list[str] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        words = line.split()
        if words[:1] == ["config"]:
            path.append(" ".join(words[1:]))
        elif words == ["end"] and path:
            path.pop()
        match = _SET.match(line)
        if match is None or not _is_secret(match["field"], path):
            out.append(line)
            continue
        out.append(match["lead"] + REDACTED)
        # A quoted value left open on this line continues on the next ones: drop them too.
        quoted = _open_quote(match["value"])
        while quoted and index < len(lines):
            quoted = _open_quote(lines[index], inside=True)
            index += 1
    return "\n".join(out)


def _is_secret(field: str, path: list[str]) -> bool:
    if field in SECRET_FIELDS:
        return True
    scope = path[-1] if path else ""
    return field in SECRET_IN_BLOCK.get(scope, frozenset())


def _open_quote(text: str, *, inside: bool = False) -> bool:
    """Whether a double-quoted string is still open at the end of ``text``."""
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            inside = not inside
    return inside


__all__ = ["REDACTED", "SECRET_FIELDS", "sanitize_config"]
