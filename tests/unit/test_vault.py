"""Backups without secrets in the change directory: the redacted pre.cfg plus the encrypted
vault reassemble, byte for byte, what the device printed, or the rollback refuses to run."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.fernet import Fernet

from egress.change import vault
from egress.change.changes import PRE, ChangeDir, record_step, sha256
from egress.change.redact import MASK, redact_text, restore_secrets, split_secrets
from egress.change.restore_points import RestorePoints
from egress.devices.device_errors import describe
from egress.errors import DeviceError
from egress.tasks.deploy import rollback_config

IOS = """\
!
hostname ams-edge-01
enable secret 9 $9$IosEnableSalt$IosEnableHashValue
username ops privilege 15 secret 9 $9$IosUserSalt$IosUserHashValue
username old password 7 0822455D0A16  \n\
snmp-server community IosCommunityRO RO 10
snmp-server host 192.0.2.1 version 2c IosHostCommunity
ntp authentication-key 1 md5 IosNtpMd5Key 7
crypto isakmp key IosIsakmpPsk address 0.0.0.0
key chain BFD
 key 1
  key-string 7 IosKeyString7
interface GigabitEthernet2
 description keep me   \n\
 no shutdown
end
"""

JUNOS = """\
## Last commit: 2026-11-26 12:00:00 UTC by egress
system {
    host-name nyc-srx-01;
    root-authentication {
        encrypted-password "$6$JunosRootSalt$JunosRootHash"; ## SECRET-DATA
    }
    login {
        user ops {
            authentication {
                encrypted-password "$6$JunosOpsSalt$JunosOpsHash"; ## SECRET-DATA
            }
        }
    }
}
protocols {
    bgp {
        group isp {
            authentication-key "$9$JunosBgpKey"; ## SECRET-DATA
        }
    }
}
security {
    ike {
        policy p1 {
            pre-shared-key ascii-text "$9$JunosIkePsk"; ## SECRET-DATA
        }
    }
}
services {
    radius {
        secret "$9$JunosRadiusSecret"; ## SECRET-DATA
    }
}
"""

FORTIOS = """\
config system admin
    edit "admin"
        set accprofile "super_admin"
        set password ENC SH2FortiAdminHash==
    next
end
config user local
    edit "ops"
        set passwd ENC FortiOpsPasswd==
    next
end
config vpn ipsec phase1-interface
    edit "to-hub"
        set psksecret ENC FortiPskSecret==
    next
end
config system snmp community
    edit 1
        set name "FortiSnmpCommunity"
    next
end
config vpn certificate local
    edit "egress-cert"
        set private-key "-----BEGIN ENCRYPTED PRIVATE KEY-----
FortiKeyLineOne
FortiKeyLineTwo
-----END ENCRYPTED PRIVATE KEY-----"
        set certificate "-----BEGIN CERTIFICATE-----"
    next
end
"""

CONFIGS = {
    "ios": (
        IOS,
        (
            "IosEnableHashValue",
            "IosUserHashValue",
            "0822455D0A16",
            "IosCommunityRO",
            "IosHostCommunity",
            "IosNtpMd5Key",
            "IosIsakmpPsk",
            "IosKeyString7",
        ),
    ),
    "junos": (
        JUNOS,
        ("JunosRootHash", "JunosOpsHash", "JunosBgpKey", "JunosIkePsk", "JunosRadiusSecret"),
    ),
    "fortios": (
        FORTIOS,
        (
            "FortiAdminHash",
            "FortiOpsPasswd",
            "FortiPskSecret",
            "FortiSnmpCommunity",
            "FortiKeyLineOne",
            "FortiKeyLineTwo",
        ),
    ),
}


@pytest.mark.parametrize("platform", sorted(CONFIGS))
def test_split_and_restore_are_exact_inverses(platform: str) -> None:
    text, planted = CONFIGS[platform]
    redacted, values = split_secrets(text)
    assert restore_secrets(redacted, values) == text
    assert not [s for s in planted if s in redacted]
    assert [s for s in planted if not any(s in v for v in values)] == []
    # the same rules as every report: the placeholders mark exactly what redact_text masks
    assert len(re.findall(r"<secret:\d+>", redacted)) == len(values)
    assert redact_text(text) == redact_text(redacted)
    assert redacted.count("\n") == text.count("\n")  # line structure kept


@pytest.mark.parametrize("platform", sorted(CONFIGS))
def test_the_backup_on_disk_holds_no_secret_and_verifies_to_the_original(
    platform: str, tmp_path: Path
) -> None:
    text, planted = CONFIGS[platform]
    change = ChangeDir.create(tmp_path, "CHG-1")
    digest = change.write_backup("r1", text)
    assert digest == sha256(text)
    assert (change.root / "r1" / (PRE + ".sha256")).read_text() == f"{digest}  {PRE}\n"
    on_disk = _all_text(change.root)
    assert not [s for s in planted if s in on_disk]
    assert "<secret:0>" in (change.root / "r1" / PRE).read_text()
    assert change.verified_backup("r1") == text

    entry = vault.entry_path("CHG-1", "r1")
    assert change.root.resolve() not in entry.resolve().parents
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(vault.key_path().stat().st_mode) == 0o600
    # every directory the vault created is owner-only, the list of changes included
    for directory in (entry.parent, entry.parent.parent, vault.key_path().parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    assert not [s for s in planted if s.encode() in entry.read_bytes()]


def test_the_vault_follows_the_xdg_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(vault.STATE_ENV)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert vault.entry_path("C", "h") == tmp_path / "state/egress/vault/C/h.secrets"
    assert vault.key_path() == tmp_path / "config/egress/vault.key"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert vault.entry_path("C", "h") == tmp_path / "home/.local/state/egress/vault/C/h.secrets"


def test_a_key_from_the_environment_is_used_and_no_key_file_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(vault.KEY_ENV, Fernet.generate_key().decode())
    change = ChangeDir.create(tmp_path, "CHG-env")
    change.write_backup("r1", IOS)
    assert not vault.key_path().exists()
    assert change.verified_backup("r1") == IOS
    monkeypatch.setenv(vault.KEY_ENV, "not-a-key")
    with pytest.raises(vault.VaultError, match="is not a Fernet key"):
        change.verified_backup("r1")


def test_a_missing_vault_entry_is_an_error_never_a_redacted_config(tmp_path: Path) -> None:
    change = ChangeDir.create(tmp_path, "CHG-lost")
    change.write_backup("r1", IOS)
    vault.entry_path("CHG-lost", "r1").unlink()
    with pytest.raises(vault.VaultError) as caught:
        change.verified_backup("r1")
    assert "vault entry" in caught.value.message and "missing" in caught.value.message
    assert "\n" not in caught.value.message


def test_a_missing_or_wrong_key_is_an_error(tmp_path: Path) -> None:
    change = ChangeDir.create(tmp_path, "CHG-key")
    change.write_backup("r1", JUNOS)
    key = vault.key_path()
    key.write_bytes(Fernet.generate_key())
    with pytest.raises(vault.VaultError, match="cannot be decrypted"):
        change.verified_backup("r1")
    key.unlink()
    with pytest.raises(vault.VaultError, match="vault key .* missing"):
        change.verified_backup("r1")
    assert not key.exists(), "reading must never create a new key"


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    change = ChangeDir.create(tmp_path, "CHG-mode")
    change.write_backup("r1", IOS)
    os.chmod(vault.key_path(), 0o644)
    with pytest.raises(vault.VaultError, match="readable by others"):
        change.verified_backup("r1")


def test_rollback_by_backup_fails_with_one_line_when_the_vault_entry_is_gone(
    tmp_path: Path,
) -> None:
    change = ChangeDir.create(tmp_path, "CHG-rb")
    change.write_backup("r1", FORTIOS)
    vault.entry_path("CHG-rb", "r1").unlink()

    def no_device(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a device was contacted without a restorable backup")

    task: Any = SimpleNamespace(
        host=SimpleNamespace(name="r1", platform="fortios", get_connection=no_device),
        nornir=SimpleNamespace(config=None),
    )
    with pytest.raises(DeviceError) as caught:
        # the client reads the backups (the vault is its own); the task gets them as data
        backups = RestorePoints.read(change, ["r1"])
        rollback_config(task, backups=backups, use_device_rollback=False)
    message = caught.value.message
    assert message.startswith("cannot roll back: vault entry ") and "missing" in message
    assert "\n" not in message
    # what the CLI prints for a failed host: this line, not the FileNotFoundError inside
    assert describe(caught.value).message == message


def test_an_edited_backup_does_not_verify(tmp_path: Path) -> None:
    change = ChangeDir.create(tmp_path, "CHG-edit")
    change.write_backup("r1", IOS)
    pre = change.root / "r1" / PRE
    pre.write_text(pre.read_text().replace("hostname ams-edge-01", "hostname other"))
    assert change.verified_backup("r1") is None
    pre.write_text(pre.read_text() + "<secret:99>\n")
    assert change.verified_backup("r1") is None


def test_a_config_that_itself_reads_like_a_placeholder_is_still_kept_exactly(
    tmp_path: Path,
) -> None:
    text = "banner motd ^<secret:0>^\nenable secret 9 $9$RealSecret\n"
    change = ChangeDir.create(tmp_path, "CHG-odd")
    change.write_backup("r1", text)
    assert "RealSecret" not in _all_text(change.root)
    assert change.verified_backup("r1") == text


def test_a_config_without_secrets_needs_no_vault(tmp_path: Path) -> None:
    change = ChangeDir.create(tmp_path, "CHG-plain")
    change.write_backup("r1", "hostname r1\n")
    assert not vault.entry_path("CHG-plain", "r1").exists()
    assert change.verified_backup("r1") == "hostname r1\n"


def test_every_other_file_of_the_change_directory_is_redacted(tmp_path: Path) -> None:
    change = ChangeDir.create(tmp_path, "CHG-all")
    change.write_host_file("r1", "candidate.cfg", IOS)
    change.write_host_file("r1", "diff.txt", "+" + JUNOS.replace("\n", "\n+"))
    change.write_host_file("r1", "post.cfg", FORTIOS)
    checks = [{"subject": "snmp", "observed": "snmp-server community IosCommunityRO RO"}]
    change.write_host_file("r1", "post-validate.json", json.dumps(checks))
    change.write_json("summary.json", {"hosts": {"r1": {"message": "key 7 IosKeyString7"}}})
    record_step(change, host="r1", step="verify", ok=False, started=0.0, leftover=IOS.splitlines())
    planted = [s for _text, values in CONFIGS.values() for s in values]
    assert not [s for s in planted if s in _all_text(change.root)]
    # JSON stays JSON
    validated = json.loads((change.root / "r1" / "post-validate.json").read_text())
    assert validated[0]["observed"] == f"snmp-server community {MASK}"


def _all_text(root: Path) -> str:
    return "\n".join(p.read_text() for p in sorted(root.rglob("*")) if p.is_file())


def test_a_vault_failure_is_described_by_its_own_line_wherever_it_surfaces(
    tmp_path: Path,
) -> None:
    """A cluster member's backup read during a playbook rollback raises VaultError itself,
    not wrapped: the report line is its message, not "VaultError: ..." with a class name."""
    change = ChangeDir.create(tmp_path, "CHG-described")
    change.write_backup("r1", IOS)
    vault.entry_path("CHG-described", "r1").unlink()
    with pytest.raises(vault.VaultError) as caught:
        change.verified_backup("r1")
    assert describe(caught.value).message == caught.value.message
    assert not describe(caught.value).message.startswith("VaultError")
