"""Each device's own cut of a shared known_hosts: every line that can match it, in order;
only lines naming other hosts (plain or hashed) left out (egress/devices/known_hosts.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from nornir.core import Nornir
from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory
from paramiko.hostkeys import HostKeys

from egress.devices import connection
from egress.devices.known_hosts import cut_per_host, known_hosts_name, may_match

# OpenSSH's hashed names (HashKnownHosts yes, Debian's default), made as paramiko makes them
HASHED_4001 = HostKeys.hash_host("[127.0.0.1]:4001")
HASHED_4002 = HostKeys.hash_host("[127.0.0.1]:4002")
SHARED = f"""\
# the lab's keys
[127.0.0.1]:4001 ssh-rsa AAAArsa1
[127.0.0.1]:4002 ssh-rsa AAAArsa2
[127.0.0.1]:4001 ssh-ed25519 AAAAed1
[127.0.0.1]:4002,alias ssh-ed25519 AAAAed2
{HASHED_4001} ssh-ed25519 AAAAhashed1
{HASHED_4002} ssh-ed25519 AAAAhashed2
|1|not-base64|x ssh-ed25519 AAAAmalformed
|2|other-form ssh-ed25519 AAAAother
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
        f"{HASHED_4001} ssh-ed25519 AAAAhashed1",  # its HMAC names 4001; 4002's is left out
        "|1|not-base64|x ssh-ed25519 AAAAmalformed",  # cannot be read: paramiko decides
        "|2|other-form ssh-ed25519 AAAAother",
        "@revoked * ssh-ed25519 AAAArevoked",
        "*.example.net ssh-ed25519 AAAAwild",
    ]
    # a line of plain names gives the device's own name alone (the alias is another host's)
    assert "[127.0.0.1]:4002 ssh-ed25519 AAAAed2" in cut[two][0].read_text().splitlines()
    assert f"{HASHED_4002} ssh-ed25519 AAAAhashed2" in cut[two][0].read_text()
    assert "AAAAhashed1" not in cut[two][0].read_text()
    assert own_config is not None
    assert own_config.read_text() == (
        f"Host 127.0.0.1\n  UserKnownHostsFile {own}\n  StrictHostKeyChecking yes\n"
    )


def test_a_key_shared_by_a_fleet_is_one_name_per_cut(tmp_path: Path) -> None:
    # one line naming 2,000 devices (a key shared by a fleet): paramiko's load compared every
    # name of each line with every entry already loaded, 4 million compares per connection
    names = [known_hosts_name("127.0.0.1", 20000 + n) for n in range(2000)]
    key = "AAAAC3NzaC1lZDI1NTE5AAAAIHZtkUBtvp1DDBvsTB2YlEo8Dc9hzGbV2AvPy3pnhh5u"
    shared = tmp_path / "known_hosts"
    shared.write_text(f"{','.join(names)} ssh-ed25519 {key}\n")
    cut = cut_per_host(shared, names[:3])
    for name in names[:3]:
        own = cut[name][0]
        assert own.read_text() == f"{name} ssh-ed25519 {key}\n"
        loaded = HostKeys(str(own))
        assert loaded.lookup(name) is not None and loaded.lookup(names[5]) is None


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


def test_real_netmiko_devices_read_their_cut_of_the_users_known_hosts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """paramiko parses the whole file at every connection: a fleet's ~/.ssh/known_hosts of
    thousands of lines would cost devices x lines; each IOS-XE/FortiOS device reads its own."""
    user = tmp_path / "known_hosts"
    user.write_text(
        f"edge1.example.net ssh-ed25519 AAAAedge1\n"
        f"{HostKeys.hash_host('edge2.example.net')} ssh-ed25519 AAAAedge2\n"
        f"junos1.example.net ssh-ed25519 AAAAjunos1\n"
    )
    monkeypatch.setattr(connection, "USER_KNOWN_HOSTS", user)
    monkeypatch.setenv("EGRESS_USERNAME", "netops")
    monkeypatch.setenv("EGRESS_PASSWORD", "not-a-secret")
    hosts = {
        name: Host(name, hostname=f"{name}.example.net", platform=platform)
        for name, platform in (("edge1", "ios"), ("edge2", "fortios"), ("junos1", "junos"))
    }
    nr = Nornir(inventory=Inventory(hosts=Hosts(hosts), groups=Groups(), defaults=Defaults()))
    connection.use_devices(nr, timeout=30)

    def args(name: str) -> dict[str, object]:
        return dict(hosts[name].connection_options[connection.CONNECTION].extras["optional_args"])

    edge1, edge2, junos1 = args("edge1"), args("edge2"), args("junos1")
    assert (
        Path(str(edge1["alt_key_file"])).read_text() == "edge1.example.net ssh-ed25519 AAAAedge1\n"
    )
    assert "AAAAedge2" in Path(str(edge2["alt_key_file"])).read_text()
    assert "AAAAedge1" not in Path(str(edge2["alt_key_file"])).read_text()
    assert (edge1["system_host_keys"], edge1["alt_host_keys"], edge1["ssh_strict"]) == (
        False,
        True,
        True,
    )
    # Junos (ncclient) verifies against the user's own file, as before
    assert "alt_key_file" not in junos1 and junos1["hostkey_verify"] is True
    # messages name the file the user keeps, not the cut
    assert connection.host_key_ref(hosts["edge1"]).file == user
