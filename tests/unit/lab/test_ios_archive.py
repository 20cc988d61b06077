"""``show archive …`` rendering of the IOS-XE emulator: the formats napalm ``ios`` parses."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from napalm.ios.ios import IOSDriver

from egress.lab.ios.archive import (
    ArchiveLog,
    RevertTimer,
    contextual_diff,
    incremental_diff,
    show_archive,
    show_rollback_timer,
)
from egress.lab.ios.config import parse_config

RUNNING = parse_config(
    "version 17.9\nhostname edge1\n"
    "archive\n path flash:archive\n"
    "interface GigabitEthernet2\n description old\n shutdown\n"
    "ip route 0.0.0.0 0.0.0.0 198.51.100.1\n"
)


def test_contextual_diff_lists_additions_then_removals_in_context() -> None:
    new = parse_config(
        "hostname edge1\narchive\n path flash:archive\n"
        "interface GigabitEthernet2\n description new\n shutdown\n"
        "interface Loopback0\n ip address 10.255.0.1 255.255.255.255\n"
    )
    assert contextual_diff(RUNNING, new) == (
        "!Contextual Config Diffs:\n"
        "+interface Loopback0\n"
        " +ip address 10.255.0.1 255.255.255.255\n"
        "interface GigabitEthernet2\n"
        " +description new\n"
        "interface GigabitEthernet2\n"
        " -description old\n"
        "-ip route 0.0.0.0 0.0.0.0 198.51.100.1\n"
    )


def test_contextual_diff_without_changes() -> None:
    same = parse_config(
        "hostname edge1\narchive\n path flash:archive\n"
        "interface GigabitEthernet2\n description old\n shutdown\n"
        "ip route 0.0.0.0 0.0.0.0 198.51.100.1\n"
    )
    # ``version`` is the device's own line: a file without it is no difference.
    assert contextual_diff(RUNNING, same) == "!Contextual Config Diffs:\n!No changes were found\n"


def test_incremental_diff_lists_only_what_changes() -> None:
    merge = "interface GigabitEthernet2\n description old\n no shutdown\nhostname edge2\n"
    out = incremental_diff(RUNNING, merge, ignorecase=True, reject=None)
    assert out == (
        "!List of Commands:\ninterface GigabitEthernet2\n no shutdown\nhostname edge2\nend\n"
    )
    # napalm's own normalisation turns it into its +/- diff
    assert IOSDriver._normalize_merge_diff_incr(out) == (
        "+interface GigabitEthernet2\n- no shutdown\n+hostname edge2"
    )


def test_incremental_diff_no_changes_and_ignorecase() -> None:
    out = incremental_diff(RUNNING, "HOSTNAME edge1\n", ignorecase=True, reject=None)
    assert out == "!List of Commands:\nend\n!No changes were found\n"
    assert IOSDriver._normalize_merge_diff_incr(out) == ""


def test_incremental_diff_marks_refused_lines() -> None:
    out = incremental_diff(RUNNING, "bogus line\n", ignorecase=False, reject=re.compile("bogus"))
    assert "% Invalid input detected at '^' marker." in out


def test_show_archive_and_rollback_timer() -> None:
    log = ArchiveLog()
    assert "There are currently 0 archive" in show_archive(RUNNING, log, hostname="edge1")
    log.add("flash:archive-1", maximum=10)
    text = show_archive(RUNNING, log, hostname="edge1")
    assert "flash:archive-1 <- Most Recent" in text
    assert "The next archive file will be named flash:archive-2" in text
    assert show_archive(parse_config("hostname x\n"), log, hostname="x") == (
        "Archive feature not enabled\n"
    )
    assert show_rollback_timer(None) == "%No Rollback Confirmed Change pending\n"
    timer = RevertTimer(
        snapshot="",
        archive_name="flash:archive-1",
        minutes=5,
        user="egress",
        configured_at=datetime(2026, 11, 26, 16, 0, 1, tzinfo=UTC),
    )
    text = show_rollback_timer(timer)
    assert "Time configured(or last reset): 16:00:01 UTC Thu Nov 26 2026" in text
    assert "Timer value: 5 min" in text and "User: egress" in text


def test_archive_log_drops_the_oldest() -> None:
    log = ArchiveLog()
    dropped = [log.add(f"flash:archive-{n}", maximum=2) for n in range(1, 4)]
    assert dropped[-1] == ["flash:archive-1"]
    assert log.names == ["flash:archive-2", "flash:archive-3"]
