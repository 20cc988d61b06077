"""flash:, ``dir``/``verify /md5`` output, the scp command line and exec keyword expansion."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from egress.lab.ios.errors import CommandError
from egress.lab.ios.exec_commands import expand
from egress.lab.ios.filesystem import Flash, FlashPathError, split_path
from egress.lab.ios.scp import scp_target
from egress.lab.ios.transfer import parse_location


def test_split_path_accepts_ios_spellings() -> None:
    assert split_path("flash:/merge_config.txt") == "merge_config.txt"
    assert split_path("flash:merge_config.txt") == "merge_config.txt"
    assert split_path("bootflash:/x/y.cfg") == "x/y.cfg"
    assert split_path("flash:") == ""
    with pytest.raises(FlashPathError):
        split_path("nvram:startup-config")
    with pytest.raises(FlashPathError):
        split_path("flash:/../escape")


def test_dir_and_md5_match_what_netmiko_parses(tmp_path: Path) -> None:
    flash = Flash(tmp_path / "flash")
    data = b"hostname edge1\n"
    flash.write("merge_config.txt", data)
    listing = flash.dir("flash:")
    assert "Directory of flash:/" in listing
    assert re.search(r"(\d+) \w+ free", listing)  # netmiko remote_space_available
    one = flash.dir("flash:/merge_config.txt")
    assert "Directory of flash:/merge_config.txt" in one
    row = [line for line in one.splitlines() if line.endswith("merge_config.txt")][-1]
    assert row.split()[2] == str(len(data))  # netmiko remote_file_size
    assert "Error opening" in flash.dir("flash:/missing.txt")
    md5 = re.search(r"=\s+(\S+)", flash.verify_md5("flash:/merge_config.txt"))
    assert md5 is not None
    assert md5.group(1) == hashlib.md5(data, usedforsecurity=False).hexdigest()
    # files survive a restart of the lab
    assert Flash(tmp_path / "flash").read("merge_config.txt") == data


def test_scp_target() -> None:
    assert scp_target("scp -t flash:/merge_config.txt") == (True, "flash:/merge_config.txt")
    assert scp_target("scp -t 'flash:/merge_config.txt'") == (True, "flash:/merge_config.txt")
    assert scp_target("scp -f flash:/x") == (False, "flash:/x")
    assert scp_target("show version") is None


def test_copy_locations() -> None:
    run = parse_location("running-config")
    assert run is not None and run.kind == "running"
    start = parse_location("start")
    assert start is not None and start.kind == "startup"
    null = parse_location("null:")
    assert null is not None and null.kind == "null"
    rollback = parse_location("flash:/rollback_config.txt")
    assert rollback is not None and rollback.name == "rollback_config.txt"
    assert parse_location("tftp://x/y") is None


@pytest.mark.parametrize(
    ("typed", "keywords", "args"),
    [
        ("sh ip int br", ("show", "ip", "interface", "brief"), []),
        ("sh run | inc x", ("show", "running-config"), ["|", "inc", "x"]),
        ("conf t", ("configure", "terminal"), []),
        ("configure terminal revert timer 1", ("configure", "terminal"), ["revert", "timer", "1"]),
        ("wr", ("write",), []),
        ("show archive", ("show", "archive"), []),
        (
            "show archive config rollback timer",
            ("show", "archive", "config", "rollback", "timer"),
            [],
        ),
        ("dir flash:/x", ("dir",), ["flash:/x"]),
    ],
    ids=["abbrev", "pipe-args", "conf-t", "revert-timer", "write", "archive", "timer", "dir"],
)
def test_expand(typed: str, keywords: tuple[str, ...], args: list[str]) -> None:
    assert expand(typed) == (keywords, args)


def test_expand_errors() -> None:
    with pytest.raises(CommandError) as invalid:
        expand("show bogus")
    assert invalid.value.column == 5
    with pytest.raises(CommandError, match="Ambiguous"):
        expand("co")  # configure or copy
    with pytest.raises(CommandError, match="Incomplete"):
        expand("show")


def test_archive_log_is_rebuilt_after_a_restart(tmp_path: Path) -> None:
    from egress.lab.ios import IosDevice

    first = IosDevice(name="edge1", state_dir=tmp_path)
    assert first.archive_config() == "flash:archive-1"
    assert first.archive_config() == "flash:archive-2"
    again = IosDevice(name="edge1", state_dir=tmp_path)
    assert again.archive.names == ["flash:archive-1", "flash:archive-2"]
    assert again.archive.next_name("flash:archive", "edge1") == "flash:archive-3"
