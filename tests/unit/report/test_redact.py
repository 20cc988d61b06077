"""Redaction: every secret form of the three platforms, and nothing else."""

from __future__ import annotations

import pytest

from egress.change.redact import MASK, redact_data, redact_text

SECRET_LINES = {
    "ios-enable-secret-5": ("enable secret 5 $1$mERr$S3CRET", "enable secret 5 " + MASK),
    "ios-username-secret-9": (
        "username ops privilege 15 secret 9 $9$S3CRET",
        "username ops privilege 15 secret 9 " + MASK,
    ),
    "ios-password-type-0": ("username ops password 0 S3CRET", "username ops password 0 " + MASK),
    "ios-password-type-7": (" password 7 S3CRET", " password 7 " + MASK),
    "ios-key-type-7": (" key 7 S3CRET", " key 7 " + MASK),
    "ios-key-string": ("  key-string S3CRET", "  key-string " + MASK),
    "ios-ntp-md5": ("ntp authentication-key 1 md5 S3CRET 7", "ntp authentication-key 1 " + MASK),
    "ios-bgp-neighbor": (
        " neighbor 192.0.2.1 password S3CRET",
        " neighbor 192.0.2.1 password " + MASK,
    ),
    "ios-isakmp": ("crypto isakmp key S3CRET address 0.0.0.0", "crypto isakmp key " + MASK),
    "ios-snmp-community": ("snmp-server community S3CRET RO 10", "snmp-server community " + MASK),
    "ios-snmp-host": (
        "snmp-server host 192.0.2.1 version 2c S3CRET",
        "snmp-server host 192.0.2.1 version 2c " + MASK,
    ),
    "junos-encrypted-password": (
        '    encrypted-password "$6$S3CRET"; ## SECRET-DATA',
        "    encrypted-password " + MASK + "; ## SECRET-DATA",
    ),
    # Junos marks the value it keeps under a secret keyword on the value's own line
    "junos-secret-data-nested": (
        '        ascii-text "$9$Nested S3CRET"; ## SECRET-DATA',
        "        ascii-text " + MASK + "; ## SECRET-DATA",
    ),
    "fortios-authpasswd": (
        "        set authpasswd ENC S3CRET==",
        "        set authpasswd ENC " + MASK,
    ),
    "fortios-any-enc-field": (
        "        set md5-key ENC S3CRET==",
        "        set md5-key ENC " + MASK,
    ),
    "junos-secret": ('  secret "$9$S3CRET";', "  secret " + MASK + ";"),
    "junos-authentication-key": (
        'authentication-key "$9$S3CRET";',
        "authentication-key " + MASK + ";",
    ),
    "junos-set-community": (
        "set snmp community S3CRET authorization read-only",
        "set snmp community " + MASK,
    ),
    "junos-psk": (
        'pre-shared-key ascii-text "$9$S3CRET";',
        "pre-shared-key ascii-text " + MASK + ";",
    ),
    "fortios-password-enc": (
        "        set password ENC SH2S3CRET==",
        "        set password ENC " + MASK,
    ),
    "fortios-psksecret": ("        set psksecret ENC S3CRET", "        set psksecret ENC " + MASK),
    "fortios-passwd": ("        set passwd S3CRET", "        set passwd " + MASK),
    "diff-marker-kept": ("+ key 7 S3CRET", "+ key 7 " + MASK),
}


@pytest.mark.parametrize("case", sorted(SECRET_LINES))
def test_each_secret_form_is_redacted(case: str) -> None:
    line, expected = SECRET_LINES[case]
    assert redact_text(line) == expected
    assert "S3CRET" not in redact_text(line)


@pytest.mark.parametrize(
    "line",
    [
        "service password-encryption",
        "key chain BFD-KEYS",
        "crypto key generate rsa modulus 2048",
        "interface GigabitEthernet2",
        " ip address 10.10.0.2 255.255.255.0",
        "set system host-name lon-srx-01",
        "SSH host key unknown or changed: refusing to connect",
        '        set name "port2"',
    ],
)
def test_ordinary_lines_stay(line: str) -> None:
    assert redact_text(line) == line


def test_fortios_snmp_community_names_and_multiline_keys() -> None:
    text = "\n".join(
        [
            "config system snmp community",
            "    edit 1",
            '        set name "S3CRET"',
            "        config hosts",
            "            edit 1",
            "                set ip 192.0.2.1",
            "            next",
            "        end",
            "    next",
            "end",
            "config system interface",
            "    edit port2",
            '        set name "keep"',
            '+   set private-key "-----BEGIN ENCRYPTED PRIVATE KEY-----',
            "+S3CRET",
            '+-----END ENCRYPTED PRIVATE KEY-----"',
            "    set status up",
        ]
    )
    out = redact_text(text)
    assert "S3CRET" not in out
    assert 'set name "keep"' in out and "set status up" in out and "set ip 192.0.2.1" in out


def test_structures_are_redacted_throughout() -> None:
    data = {"message": "password 7 S3CRET", "rows": [{"observed": "key S3CRET"}], "n": 3}
    assert "S3CRET" not in str(redact_data(data))
    assert redact_data(data)["n"] == 3
