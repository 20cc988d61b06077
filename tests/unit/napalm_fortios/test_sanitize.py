from __future__ import annotations

from napalm_fortios.sanitize import sanitize_config

CONFIG = """#config-version=FGVM64-7.2.8-FW-build1639-240313:opmode=0:vdom=0:user=admin
config system admin
    edit "admin"
        set accprofile "super_admin"
        set password ENC SH2nlSm9QL9tapcHPXIqAXvX7vBJuuqu22hpa0JX0sBuKIo7z2g0Kz/+0KyH4E=
    next
end
config vpn ipsec phase1-interface
    edit "to-dc"
        set psksecret ENC gT0MzmFOQhaw6l1Vz0B3Vg==
        set remote-gw 192.0.2.1
    next
end
config system snmp community
    edit 1
        set name "s3cret-community"
        config hosts
            edit 1
                set ip 192.0.2.50 255.255.255.255
            next
        end
    next
end
config vpn certificate local
    edit "cert"
        set private-key "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI
-----END ENCRYPTED PRIVATE KEY-----"
        set certificate "-----BEGIN CERTIFICATE-----
MIID
-----END CERTIFICATE-----"
    next
end
config system interface
    edit "port1"
        set alias "name-is-not-secret-here"
    next
end
"""


def test_secrets_are_removed_and_nothing_else() -> None:
    out = sanitize_config(CONFIG)
    for secret in ("SH2nlSm9", "gT0MzmFO", "s3cret-community", "MIIFHDBO"):
        assert secret not in out
    assert "set password <removed>" in out and "set psksecret <removed>" in out
    assert "        set name <removed>" in out and "set private-key <removed>" in out
    # public parts stay, layout and header included
    assert "MIID" in out and "set remote-gw 192.0.2.1" in out
    assert out.startswith("#config-version=") and "name-is-not-secret-here" in out
    assert "                set ip 192.0.2.50 255.255.255.255" in out
    assert len(out.splitlines()) == len(CONFIG.splitlines()) - 2  # the key's two extra lines


def test_nothing_to_remove_is_unchanged() -> None:
    text = "config system global\n    set hostname fw1\nend\n"
    assert sanitize_config(text) == text
