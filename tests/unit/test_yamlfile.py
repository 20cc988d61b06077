"""Large inventory files: parsed in parallel pieces, identical to one parse, errors by line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from egress.errors import InputError
from egress.yamlfile import load_yaml, load_yaml_files


def _big_mapping(path: Path, *, entries: int = 9000, extra: str = "") -> Path:
    lines = [
        f"host-{i:05d}:\n  hostname: 10.0.{i // 250}.{i % 250}\n  data: {{role: primary}}\n"
        for i in range(entries)
    ]
    path.write_text(extra + "".join(lines))
    return path


def test_pieces_parse_to_exactly_what_one_parse_gives(tmp_path: Path) -> None:
    big = _big_mapping(tmp_path / "hosts.yaml", entries=30000)
    other = _big_mapping(tmp_path / "groups.yaml", entries=7000)
    assert big.stat().st_size > 1 << 20  # more than one piece
    loaded = load_yaml_files([big, other])
    assert loaded == [yaml.safe_load(big.read_text()), yaml.safe_load(other.read_text())]
    # and the second time it comes from the cache, still identical
    assert load_yaml_files([big, other]) == loaded


def test_an_anchor_used_in_another_piece_falls_back_to_one_parse(tmp_path: Path) -> None:
    anchor = "defaults: &base {platform: ios}\n"
    big = _big_mapping(tmp_path / "hosts.yaml", extra=anchor)
    big.write_text(big.read_text() + "last-host: *base\n")
    (loaded,) = load_yaml_files([big])
    assert loaded["last-host"] == {"platform": "ios"}


def test_a_syntax_error_in_a_large_file_names_its_line(tmp_path: Path) -> None:
    big = _big_mapping(tmp_path / "hosts.yaml")
    lines = big.read_text().splitlines(keepends=True)
    lines[15001] = "  data: {role: primary\n"
    big.write_text("".join(lines))
    with pytest.raises(InputError) as info:
        load_yaml_files([big])
    assert info.value.location.line in (15002, 15003)
    with pytest.raises(InputError):
        load_yaml(big)
