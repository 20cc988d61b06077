"""Failures classified by what happened, said with the device's own words (redacted)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from jnpr.junos.exception import ConnectUnknownHostError, RpcTimeoutError
from napalm.base.exceptions import MergeConfigException
from netmiko.exceptions import NetmikoTimeoutException, ReadTimeout
from paramiko.ssh_exception import BadHostKeyException, SSHException

from egress.devices.device_errors import HostKeyRef, describe
from napalm_fortios.device import ScriptRejected


def _wrapped(outer: BaseException, inner: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException as exc:
            raise outer from exc
    except BaseException as exc:  # noqa: BLE001
        return exc


def test_a_rejected_line_whose_text_says_timeout_is_a_rejection_with_the_line() -> None:
    # IOS: the copy output names the refused line, a caret, then the reason
    output = (
        "Configuration merge failed; automatic rollback attempted:\n"
        " bfd interval 50 min_rx 50 multiplier 3 timeout 5\n ^\n"
        "% Invalid input detected at '^' marker.\n"
    )
    failure = describe(MergeConfigException(output))
    assert failure.kind == "rejected"
    assert "bfd interval 50 min_rx 50 multiplier 3 timeout 5" in failure.message
    assert "% Invalid input detected" in failure.message


def test_fortios_refusal_names_the_line_and_the_device_words() -> None:
    inner = ScriptRejected(
        "set cfg-revert-timeout 5",
        "node_check_object fail! for cfg-revert-timeout 5\n\nvalue parse error before '5'\n"
        "Command fail. Return code -651\n",
    )
    failure = describe(_wrapped(MergeConfigException("restored"), inner))
    assert failure.kind == "rejected"
    assert "'set cfg-revert-timeout 5'" in failure.message
    assert "Command fail. Return code -651" in failure.message


def test_junos_errs_give_the_bad_element_and_message() -> None:
    errs = [{"severity": "error", "bad_element": "bogus", "message": "syntax error"}]
    failure = describe(MergeConfigException(errs))
    assert failure.kind == "rejected"
    assert failure.message.endswith("'bogus': syntax error")


def test_a_rejection_carrying_a_secret_is_redacted() -> None:
    output = " snmp-server community PlantedComm99 RO\n ^\n% Invalid input detected at '^'.\n"
    failure = describe(MergeConfigException(output))
    assert "PlantedComm99" not in failure.message
    assert "community <redacted>" in failure.message


@pytest.mark.parametrize(
    "exc",
    [ReadTimeout("read timed out"), RpcTimeoutError.__new__(RpcTimeoutError), TimeoutError()],
    ids=["netmiko", "pyez", "socket"],
)
def test_real_timeouts_are_timeouts(exc: BaseException) -> None:
    assert describe(exc).kind == "timeout"


def test_connection_refused_inside_netmiko_timeout_is_refused() -> None:
    exc = _wrapped(
        NetmikoTimeoutException("TCP connection to device failed"),
        ConnectionRefusedError(111, "Connection refused"),
    )
    assert describe(exc).message == "connection refused"


def test_host_key_changed_names_the_known_hosts_line(tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    known.write_text("[127.0.0.1]:4022 ssh-ed25519 AAAA\n")
    ref = HostKeyRef("[127.0.0.1]:4022", known)
    device = SimpleNamespace(hostname="127.0.0.1", port=4022, user="lab")
    junos = describe(ConnectUnknownHostError(device), host_key=ref)
    assert junos.kind == "hostkey"
    assert junos.message.startswith("SSH host key changed for [127.0.0.1]:4022")
    assert f"ssh-keygen -F '[127.0.0.1]:4022' -f {known}" in junos.message
    unknown = describe(
        SSHException("Server '[127.0.0.1]:4023' not found in known_hosts"),
        host_key=HostKeyRef("[127.0.0.1]:4023", known),
    )
    assert unknown.message.startswith("SSH host key unknown for [127.0.0.1]:4023")
    bad = BadHostKeyException.__new__(BadHostKeyException)
    assert describe(bad, host_key=ref).message.startswith("SSH host key changed")


def test_rsa_known_hosts_lines_become_sha2_signatures() -> None:
    from egress.devices.sshkeys import signature_algorithms

    assert signature_algorithms(["ssh-rsa"]) == ("rsa-sha2-512", "rsa-sha2-256")
    assert signature_algorithms(["ecdsa-sha2-nistp256", "ssh-rsa", "ssh-ed25519"]) == (
        "ecdsa-sha2-nistp256",
        "rsa-sha2-512",
        "rsa-sha2-256",
        "ssh-ed25519",
    )
    assert signature_algorithms(["ssh-dss"]) == ()
