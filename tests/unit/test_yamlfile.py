"""Inventory YAML: parsed as YAML 1.2 (no 1.1 surprises), every error with its line."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest
import yaml

from egress.errors import InputError
from egress.model import yamlfile
from egress.model.yamlfile import load_yaml, load_yaml_files


def _big_mapping(path: Path, *, entries: int = 9000) -> Path:
    lines = [
        f"host-{i:05d}:\n  hostname: 10.0.{i // 250}.{i % 250}\n  data: {{role: primary}}\n"
        for i in range(entries)
    ]
    path.write_text("".join(lines))
    return path


def test_a_large_file_parses_to_what_pyyaml_gives(tmp_path: Path) -> None:
    big = _big_mapping(tmp_path / "hosts.yaml", entries=30000)
    other = _big_mapping(tmp_path / "groups.yaml", entries=700)
    loaded = load_yaml_files([big, other])
    assert loaded == [yaml.safe_load(big.read_text()), yaml.safe_load(other.read_text())]


def test_yaml_1_1_surprises_stay_strings(tmp_path: Path) -> None:
    path = tmp_path / "groups.yaml"
    path.write_text("site:\n  window: 1:30\n  answer: yes\n  state: on\n  date: 2026-01-01\n")
    assert load_yaml(path) == {
        "site": {"window": "1:30", "answer": "yes", "state": "on", "date": "2026-01-01"}
    }


def test_a_key_given_twice_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "hosts.yaml"
    path.write_text(
        "ams-edge-01:\n  platform: ios\n"
        "ams-edge-02:\n  platform: junos\n"
        "ams-edge-01:\n  platform: fortios\n"
    )
    with pytest.raises(InputError) as info:
        load_yaml(path)
    assert info.value.location.file == path
    assert info.value.location.line == 5
    assert "duplicate key 'ams-edge-01' (first at line 1)" in info.value.message


def test_a_syntax_error_in_a_large_file_names_its_line_and_entry(tmp_path: Path) -> None:
    big = _big_mapping(tmp_path / "hosts.yaml")
    lines = big.read_text().splitlines(keepends=True)
    lines[15001] = "  data: {role: primary\n"
    big.write_text("".join(lines))
    with pytest.raises(InputError) as info:
        load_yaml(big)
    assert info.value.location.line in (15002, 15003)
    assert info.value.location.field == "in top-level entry 'host-05000'"


def test_several_documents_in_one_file_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "hosts.yaml"
    path.write_text("---\n- a\n---\n- b\n")
    with pytest.raises(InputError, match="several YAML documents"):
        load_yaml(path)
    path.write_text("- a\n- b\n")
    assert load_yaml(path) == ["a", "b"]  # one document that is a list is just a list


# --- large files are parsed once per content (egress.model.yamlfile, docs/adr.md) ---------


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EGRESS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "yaml"


def _refuse_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(*_: object, **__: object) -> object:
        raise AssertionError("parsed although a kept copy exists")

    monkeypatch.setattr(yamlfile.yaml_rs, "loads", parse)


def test_a_large_file_is_parsed_once_then_read_from_its_kept_copy(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = _big_mapping(tmp_path / "hosts.yaml", entries=20000)
    assert big.stat().st_size >= yamlfile.CACHE_MIN_BYTES
    first = load_yaml(big)
    assert len(list(cache.glob("*.marshal"))) == 1
    assert cache.stat().st_mode & 0o077 == 0  # the user's own
    _refuse_parse(monkeypatch)
    assert load_yaml(big) == first == yaml.safe_load(big.read_text())


def test_a_changed_file_is_parsed_again(tmp_path: Path, cache: Path) -> None:
    big = _big_mapping(tmp_path / "hosts.yaml", entries=20000)
    load_yaml(big)
    big.write_text(big.read_text().replace("host-00007:", "host-x0007:"))
    again = load_yaml(big)
    assert "host-x0007" in again and "host-00007" not in again
    assert len(list(cache.glob("*.marshal"))) == 2


def test_a_damaged_kept_copy_is_parsed_again(tmp_path: Path, cache: Path) -> None:
    big = _big_mapping(tmp_path / "hosts.yaml", entries=20000)
    expected = load_yaml(big)
    (kept,) = cache.glob("*.marshal")
    kept.write_bytes(b"\x00garbage")
    assert load_yaml(big) == expected


def test_a_kept_copy_in_a_folder_others_may_write_is_not_trusted(
    tmp_path: Path, cache: Path
) -> None:
    big = _big_mapping(tmp_path / "hosts.yaml", entries=20000)
    expected = load_yaml(big)
    (kept,) = cache.glob("*.marshal")
    kept.write_bytes(marshal.dumps({"planted": "data"}))
    cache.chmod(0o777)
    assert load_yaml(big) == expected


def test_small_files_and_an_empty_cache_setting_keep_nothing(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_yaml(_big_mapping(tmp_path / "groups.yaml", entries=700))
    assert not cache.exists()
    monkeypatch.setenv("EGRESS_CACHE_DIR", "")
    load_yaml(_big_mapping(tmp_path / "hosts.yaml", entries=20000))
    assert not cache.exists()
