"""FortiOS config semantics line by line: next/end/abort, tables, schema rejections."""

from __future__ import annotations

import re

import pytest

from egress.lab.fortios.device import FortiOSDevice, base_config
from egress.lab.fortios.engine import ConfigSession, apply_script
from napalm_fortios.tree import Node, parse, tokenize


@pytest.fixture
def running() -> Node:
    root = parse(base_config("FGVM01"))
    FortiOSDevice._mark_tables(root)
    return root


def feed_all(session: ConfigSession, lines: list[str]) -> list[list[str]]:
    return [session.feed(tokenize(line)).lines for line in lines]


def test_nested_vrrp_entry_is_applied_by_next_and_end(running: Node) -> None:
    errors = apply_script(
        running,
        "config system interface\n edit port2\n  set ip 10.0.0.1/24\n  config vrrp\n"
        "   edit 10\n    set vrip 10.0.0.254\n    set priority 200\n   next\n  end\n next\nend\n",
    )
    assert errors == []
    port2 = running.find("system interface", "port2")
    assert port2 is not None
    assert port2.value("ip") == "10.0.0.1 255.255.255.0"  # typed as a prefix, stored as a mask
    vrrp = running.find("system interface", "port2", "vrrp", "10")
    assert vrrp is not None and vrrp.value("vrip") == "10.0.0.254"
    assert vrrp.value("priority") == "200"


def test_prompt_labels_follow_the_context(running: Node) -> None:
    session = ConfigSession(running)
    labels = []
    for line in ["config system interface", "edit port2", "config vrrp", "edit 10", "next",
                 "end", "next", "end"]:  # fmt: skip
        session.feed(tokenize(line))
        labels.append(session.label)
    assert labels == ["interface", "port2", "vrrp", "10", "vrrp", "port2", "interface", None]


def test_next_commits_at_once_and_abort_discards_only_the_open_entry(running: Node) -> None:
    session = ConfigSession(running)
    feed_all(session, ["config system interface", "edit port3", "set alias wan-a", "next"])
    # Live before the block is closed: FortiOS has no candidate.
    assert running.find("system interface", "port3").value("alias") == "wan-a"  # type: ignore[union-attr]
    feed_all(session, ["edit port4", "set alias wan-b"])
    assert running.find("system interface", "port4").get("alias") is None  # type: ignore[union-attr]
    reply = session.feed(tokenize("abort"))
    assert not reply.error and not session.in_config
    assert running.find("system interface", "port4").get("alias") is None  # type: ignore[union-attr]
    assert running.find("system interface", "port3").value("alias") == "wan-a"  # type: ignore[union-attr]


def test_object_settings_wait_for_end_and_abort_drops_them(running: Node) -> None:
    session = ConfigSession(running)
    feed_all(session, ["config system global", "set hostname other"])
    assert running.block("system global").value("hostname") == "FGVM01"  # type: ignore[union-attr]
    session.feed(tokenize("abort"))
    assert running.block("system global").value("hostname") == "FGVM01"  # type: ignore[union-attr]
    reply_lines = feed_all(session, ["config system global", "set hostname other", "end"])
    assert reply_lines == [[], [], []]
    assert running.block("system global").value("hostname") == "other"  # type: ignore[union-attr]


def test_end_inside_an_entry_saves_it_and_leaves_the_block(running: Node) -> None:
    session = ConfigSession(running)
    feed_all(session, ["config router static", "edit 0", "set gateway 192.0.2.1"])
    assert session.label == "1"  # `edit 0` takes the next free id
    reply = session.feed(tokenize("end"))
    assert reply.committed and reply.top_end_changed and not session.in_config
    assert running.find("router static", "1").value("gateway") == "192.0.2.1"  # type: ignore[union-attr]


def test_end_of_unchanged_block_reports_no_change(running: Node) -> None:
    session = ConfigSession(running)
    feed_all(session, ["config system interface", "edit port1"])
    assert not session.feed(tokenize("end")).top_end_changed


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["config system foo"], ["command parse error before 'foo'"]),
        (["config bogus"], ["command parse error before 'bogus'"]),
        (["config system interface", "edit port2", "sett x"],
         ["command parse error before 'sett'"]),
        (["config system interface", "edit port2", "set bogus 1"],
         ["command parse error before 'bogus'"]),
        (["config system interface", "edit port2", "set status sideways"],
         ["command parse error before 'sideways'"]),
        (["config system interface", "edit port2", "config nonsense"],
         ["command parse error before 'nonsense'"]),
        (["config router static", "edit abc"], ["command parse error before 'abc'"]),
        (["config system interface", "next"], ["command parse error before 'next'"]),
    ],
    ids=["unknown-path", "unknown-top", "unknown-verb", "unknown-field", "bad-enum",
         "unknown-subblock", "non-numeric-key", "next-in-table"],
)  # fmt: skip
def test_rejections_print_parse_error_and_stay_in_the_block(
    running: Node, lines: list[str], expected: list[str]
) -> None:
    session = ConfigSession(running)
    feed_all(session, lines[:-1])
    label = session.label
    reply = session.feed(tokenize(lines[-1]))
    assert reply.error
    assert reply.lines == [*expected, "Command fail. Return code -61"]
    assert session.label == label


def test_incomplete_set(running: Node) -> None:
    session = ConfigSession(running)
    feed_all(session, ["config system global"])
    reply = session.feed(tokenize("set hostname"))
    assert reply.lines == ["incomplete command in the end", "Command fail. Return code -160"]


def test_unknown_top_level_command(running: Node) -> None:
    assert ConfigSession(running).feed(tokenize("frobnicate")).lines == ["Unknown action 0"]


def test_reject_pattern_refuses_a_matching_line(running: Node) -> None:
    session = ConfigSession(running)
    feed_all(session, ["config system interface", "edit port2"])
    reply = session.feed(tokenize("set alias nope"), reject=re.compile(r"alias"))
    assert reply.lines[0] == "command parse error before 'alias'"
    feed_all(session, ["end"])
    assert running.find("system interface", "port2").get("alias") is None  # type: ignore[union-attr]


def test_unset_append_unselect_delete(running: Node) -> None:
    errors = apply_script(
        running,
        "config system interface\n"
        "  edit port1\n    unset role\n    append allowaccess snmp\n"
        "    unselect allowaccess http\n  next\n"
        "end\n"
        "config router static\n  edit 5\n    set device port2\n  next\n  edit 6\n  next\n"
        "  delete 5\nend\n",
    )
    assert errors == []
    port1 = running.find("system interface", "port1")
    assert port1 is not None and port1.get("role") is None
    assert port1.get("allowaccess") == ("ping", "https", "ssh", "fgfm", "snmp")
    static = running.block("router static")
    assert static is not None and list(static.entries) == ["6"]


def test_rename_clone_move_purge(running: Node) -> None:
    errors = apply_script(
        running,
        "config system link-monitor\n"
        "  edit a\n    set srcintf port2\n  next\n  edit b\n  next\n"
        "  rename a to c\n  clone c to d\n  move b before c\n"
        "end\n",
    )
    assert errors == []
    monitor = running.block("system link-monitor")
    assert monitor is not None and list(monitor.entries) == ["b", "c", "d"]
    assert monitor.entries["d"].value("srcintf") == "port2"
    assert apply_script(running, "config system link-monitor\n  purge\nend\n") == []
    assert monitor.entries == {}


def test_delete_missing_entry_is_an_error(running: Node) -> None:
    errors = apply_script(running, "config router static\n  delete 77\nend\n")
    assert [e.line for e in errors] == [2]
    assert errors[0].output[-1] == "Command fail. Return code -3"


def test_apply_script_reports_and_skips_bad_lines(running: Node) -> None:
    errors = apply_script(
        running,
        "config system interface\n  edit port2\n    set alias ok\n    set nonsense 1\n"
        "  next\nend\n",
    )
    assert [(e.line, e.text) for e in errors] == [(4, "set nonsense 1")]
    assert running.find("system interface", "port2").value("alias") == "ok"  # type: ignore[union-attr]


def test_string_fields_are_quoted_by_schema(running: Node) -> None:
    apply_script(running, "config system ha\n  set hbdev port5 50\n  set group-name EG\nend\n")
    ha = running.block("system ha")
    assert ha is not None
    assert ha.items[("set", "hbdev")].render() == '"port5" 50'  # type: ignore[union-attr]
    assert ha.items[("set", "group-name")].render() == '"EG"'  # type: ignore[union-attr]


def test_abbreviations_are_accepted(running: Node) -> None:
    assert apply_script(running, "conf sys glo\n  set hostname short\nend\n") == []
    assert running.block("system global").value("hostname") == "short"  # type: ignore[union-attr]


def test_loose_path_becomes_a_table_when_edited(running: Node) -> None:
    errors = apply_script(
        running,
        "config router bgp\n  set as 65001\n  config neighbor\n    edit 192.0.2.1\n"
        "      set remote-as 65002\n    next\n  end\nend\n",
    )
    assert errors == []
    neighbor = running.find("router bgp", "neighbor", "192.0.2.1")
    assert neighbor is not None and neighbor.value("remote-as") == "65002"
