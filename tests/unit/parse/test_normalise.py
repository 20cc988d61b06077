"""The vendor-word normalisers: doctests plus the refusals."""

from __future__ import annotations

import doctest

import pytest

from egress.parse import normalise
from egress.parse.normalise import (
    bfd_state,
    ha_mode,
    ha_role,
    ios_interface,
    ip_or_none,
    link_status,
    probe_state,
    probe_type,
    route_code,
    route_source,
    split_prefix,
    vrrp_state,
)


def test_doctests() -> None:
    result = doctest.testmod(normalise)
    assert result.failed == 0 and result.attempted > 10


@pytest.mark.parametrize(
    ("word", "state"),
    [
        ("master", "Master"),  # Junos
        ("PRIMARY", "Master"),  # FortiOS 7.x
        ("MASTER", "Master"),  # FortiOS 6.x, IOS-XE VRRPv3
        ("Master", "Master"),  # IOS VRRPv2
        ("backup", "Backup"),
        ("BACKUP", "Backup"),
        ("Init", "Init"),
        ("INIT", "Init"),
        ("idle", "Init"),
    ],
)
def test_vrrp_states_of_every_vendor(word: str, state: str) -> None:
    assert vrrp_state(word) == state


def test_unknown_words_are_refused_with_the_vocabulary() -> None:
    with pytest.raises(ValueError, match=r"unknown VRRP state 'standby'.*master"):
        vrrp_state("standby")
    with pytest.raises(ValueError, match="unknown BFD state"):
        bfd_state("flapping")
    with pytest.raises(ValueError, match="unknown HA mode"):
        ha_mode("HA X-Y")


@pytest.mark.parametrize(
    ("word", "state"),
    [
        ("UP", "Up"),
        ("Down", "Down"),
        ("AdminDown", "AdminDown"),
        ("ADMIN DOWN", "AdminDown"),
        ("init", "Init"),
    ],
)
def test_bfd_states(word: str, state: str) -> None:
    assert bfd_state(word) == state


@pytest.mark.parametrize(
    ("word", "role"),
    [
        ("ACTIVE", "Primary"),
        ("STANDBY", "Secondary"),
        ("primary", "Primary"),
        ("secondary-hold", "Secondary"),
        ("Master", "Primary"),
        ("Slave", "Secondary"),
        ("lost", "Lost"),
        ("disabled", "Disabled"),
        ("work", "Primary"),
        ("standby", "Secondary"),
        ("n/a", "Unknown"),
    ],
)
def test_ha_roles(word: str, role: str) -> None:
    assert ha_role(word) == role


def test_probe_words() -> None:
    assert [probe_type(w) for w in ("icmp-echo", "icmp-ping", "ping")] == ["icmp"] * 3
    assert [probe_type(w) for w in ("tcp-connect", "tcp-ping", "tcp-echo")] == ["tcp"] * 3
    assert [probe_type(w) for w in ("http", "http-get", "HTTP")] == ["http"] * 3
    assert probe_type("udp-jitter") == "other"
    assert [probe_state(w) for w in ("OK", "alive", "Response received")] == ["ok"] * 3
    assert [probe_state(w) for w in ("Timeout", "dead", "No connection")] == ["fail"] * 3
    assert probe_state("") == "unknown"


def test_interfaces_addresses_and_routes() -> None:
    assert ios_interface("Gi0/0/1.3003") == "GigabitEthernet0/0/1.3003"
    assert ios_interface("Vl101") == "Vlan101"
    assert link_status("administratively down") == "down"
    assert ip_or_none("FE80::1:A") == "fe80::1:a"
    assert ip_or_none("unassigned") is None
    assert split_prefix("192.0.2.1 255.255.255.252") == ("192.0.2.1", 30)
    assert route_code("O*E2") == "ospf"
    assert route_source("Static") == "static"


@pytest.mark.parametrize(
    "module",
    [
        "egress.parse",
        "egress.parse.engine",
        "egress.parse.registry",
        "egress.platforms.ios.parse",
        "egress.platforms.fortios.parse",
    ],
)
def test_module_doctests(module: str) -> None:
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0
