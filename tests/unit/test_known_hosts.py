"""Each device's own cut of a shared known_hosts: every line that can match it, in order;
only plain lines naming other hosts left out (egress/devices/known_hosts.py)."""

from __future__ import annotations

from pathlib import Path

from egress.devices.known_hosts import cut_per_host, known_hosts_name, may_match

SHARED = """\
# the lab's keys
[127.0.0.1]:4001 ssh-rsa AAAArsa1
[127.0.0.1]:4002 ssh-rsa AAAArsa2
[127.0.0.1]:4001 ssh-ed25519 AAAAed1
[127.0.0.1]:4002,alias ssh-ed25519 AAAAed2
|1|c2FsdA==|aGFzaA== ssh-ed25519 AAAAhashed
@revoked * ssh-ed25519 AAAArevoked
*.example.net ssh-ed25519 AAAAwild

"""


def test_a_device_keeps_its_lines_in_order_and_every_line_that_may_apply(tmp_path: Path) -> None:
    shared = tmp_path / "known_hosts"
    shared.write_text(SHARED)
    config = tmp_path / "ssh_config"
    config.write_text(
        f"Host 127.0.0.1\n  UserKnownHostsFile {shared}\n  StrictHostKeyChecking yes\n"
    )
    one, two = known_hosts_name("127.0.0.1", 4001), known_hosts_name("127.0.0.1", 4002)
    cut = cut_per_host(shared, [one, two], ssh_config=config)
    own, own_config = cut[one]
    assert own.read_text().splitlines() == [
        "[127.0.0.1]:4001 ssh-rsa AAAArsa1",
        "[127.0.0.1]:4001 ssh-ed25519 AAAAed1",
        "|1|c2FsdA==|aGFzaA== ssh-ed25519 AAAAhashed",
        "@revoked * ssh-ed25519 AAAArevoked",
        "*.example.net ssh-ed25519 AAAAwild",
    ]
    assert "[127.0.0.1]:4002,alias ssh-ed25519 AAAAed2" in cut[two][0].read_text()
    assert own_config is not None
    assert own_config.read_text() == (
        f"Host 127.0.0.1\n  UserKnownHostsFile {own}\n  StrictHostKeyChecking yes\n"
    )


def test_an_ssh_config_that_names_another_file_is_used_as_it_is(tmp_path: Path) -> None:
    shared = tmp_path / "known_hosts"
    shared.write_text(SHARED)
    config = tmp_path / "ssh_config"
    config.write_text("Host *\n  UserKnownHostsFile ~/.ssh/known_hosts\n")
    (_own, own_config) = cut_per_host(shared, ["host"], ssh_config=config)["host"]
    assert own_config is None


def test_port_22_is_the_bare_name() -> None:
    assert known_hosts_name("r1", 22) == "r1"
    assert known_hosts_name("r1", 830) == "[r1]:830"
    assert not may_match("# [r1]:830 ssh-rsa x", "[r1]:830")
    assert not may_match("r2,r3 ssh-rsa x", "r1")
    assert may_match("r2,r1 ssh-rsa x", "r1")
