"""The lab's FortiGate refuses integers outside a field's documented range."""

from __future__ import annotations

from egress.lab.fortios.device import base_config
from egress.lab.fortios.engine import ConfigSession, out_of_range
from egress.lab.fortios.schema import SCHEMA
from napalm_fortios.tree import parse, tokenize


def test_cfg_revert_timeout_starts_at_ten() -> None:
    low, high = SCHEMA["system global"].ranges["cfg-revert-timeout"]
    assert (low, high) == (10, 4294967295)


def test_the_refusal_names_the_value_and_fails_the_command() -> None:
    lines = out_of_range("cfg-revert-timeout", "5")
    assert lines[0] == "node_check_object fail! for cfg-revert-timeout 5"
    assert "value parse error before '5'" in lines
    assert lines[-1].startswith("Command fail. Return code")


def test_the_session_refuses_a_revert_timer_under_ten_seconds() -> None:

    running = parse(base_config("fgt"))
    session = ConfigSession(running)
    session.feed(tokenize("config system global"))
    refused = session.feed(tokenize("set cfg-revert-timeout 5"))
    assert refused.error and refused.lines == out_of_range("cfg-revert-timeout", "5")
    accepted = session.feed(tokenize("set cfg-revert-timeout 10"))
    assert not accepted.error
