"""Inventory-wide rules at fleet scale: collected in the workers, judged once, unchanged."""

from __future__ import annotations

import multiprocessing
import random
from ipaddress import IPv4Network
from pathlib import Path

import pytest

from egress.errors import InputError
from egress.lint import engine
from egress.lint.registry import Fleet
from egress.lint.rules import inventory, security
from egress.lint.run import lint_inventory
from egress.model.sites import InventoryFiles
from tests.unit.lint.cases import build_tree, load_cases


@pytest.mark.parametrize("aside", [False, True], ids=["judged-here", "judged-aside"])
@pytest.mark.parametrize(
    "spelling",
    [
        "{secret: cisco123}",  # the plain key: found by the cheap text check
        '{"s\\x65cret": cisco123}',  # an escape spells the key: no stem in the raw text
        "{pre-shared-key: cisco123}",  # no "shared" stem needed: it holds "key"
    ],
)
def test_an_inventory_secret_is_found_however_its_key_is_written(
    tmp_path: Path, spelling: str, aside: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # judged aside: in the process FilesJudge forks at fleet scale (any size here)
    monkeypatch.setattr(engine, "ASIDE_MIN_BYTES", 0 if aside else 1 << 40)
    edit = {
        "file": "inventory/groups.yaml",
        "replace": "ios:\n  platform: ios\n",
        "with": "ios:\n  platform: ios\n  connection_options:\n    napalm:\n      extras:\n"
        f"        optional_args: {spelling}\n",
    }
    inventory, templates = build_tree(tmp_path, (edit,))
    result = lint_inventory(inventory, templates_dir=templates)
    assert {(f.rule, f.host, f.file.name, f.line) for f in result.findings} == {
        ("E802", "ios", "groups.yaml", 9)
    }


def test_the_inventory_rules_judge_in_inventory_order_whatever_the_workers(
    tmp_path: Path,
) -> None:
    # E902 reports the later of two overlapping segments: the order the items are judged in
    # must be the single process's, however the sites were split
    by_rule = {c.rule: c for c in load_cases()}
    inventory, templates = build_tree(tmp_path, by_rule["E902"].edits)
    one = lint_inventory(inventory, templates_dir=templates, workers=1)
    for workers in (2, 3, 5):
        assert lint_inventory(inventory, templates_dir=templates, workers=workers) == one
    assert [f.rule for f in one.findings] == ["E902"] * len(one.findings) != []


def test_a_run_that_fails_leaves_no_process_judging_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "ASIDE_MIN_BYTES", 0)
    inventory, templates = build_tree(tmp_path, ())
    with pytest.raises(InputError, match="unknown host"):
        lint_inventory(inventory, templates_dir=templates, hosts="no-such-host")
    assert multiprocessing.active_children() == []


def test_an_error_judging_the_files_aside_is_raised_in_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "ASIDE_MIN_BYTES", 0)

    def broken(path: Path) -> bool:
        raise PermissionError(f"{path}: cannot read")

    monkeypatch.setattr(security, "_may_hold_secrets", broken)
    inventory, templates = build_tree(tmp_path, ())
    with pytest.raises(PermissionError, match="cannot read"):
        lint_inventory(inventory, templates_dir=templates)
    assert multiprocessing.active_children() == []


def _overlaps_as_ipaddress(segments: list[tuple[IPv4Network, str, int]]) -> list[str]:
    """E902 as it was written with ipaddress objects: one segment per (site, link), sorted
    by (network address, longer prefix first), each overlapping an earlier open one."""
    kept: dict[tuple[str, int], tuple[IPv4Network, str, int]] = {}
    for segment in segments:
        kept.setdefault((segment[1], segment[2]), segment)
    ordered = sorted(kept.values(), key=lambda s: (s[0].network_address, -s[0].prefixlen))
    found: list[str] = []
    open_: list[tuple[IPv4Network, str, int]] = []
    for network, site, link in ordered:
        open_ = [o for o in open_ if o[0].broadcast_address >= network.network_address]
        other = next((o for o in open_ if o[0].overlaps(network)), None)
        if other is not None:
            found.append(f"{network} overlaps {other[0]} (site {other[1]} links.{other[2]}.prefix)")
        open_.append((network, site, link))
    return found


def test_overlapping_segments_are_the_ones_ipaddress_finds(tmp_path: Path) -> None:
    # the workers send each prefix as ints with its sort key (first address, longer prefix
    # first) packed in one int, and a clean fleet is told in one pass: the same findings, in
    # the same order, as IPv4Network's own comparisons, overlaps and ties included
    rng = random.Random(902)
    files = InventoryFiles.in_dir(tmp_path)
    rounds = {True: 0, False: 0}
    for _ in range(200):
        segments = []
        for _ in range(rng.randint(0, 30)):
            length = rng.choice([8, 16, 22, 24, 24, 26, 28, 29, 30, 32])
            address = f"10.{rng.randint(0, 3)}.{rng.randint(0, 3)}.{rng.randint(0, 255)}"
            network = IPv4Network(f"{address}/{length}", strict=False)
            segments.append((network, f"s{rng.randint(0, 9)}", rng.randint(0, 1)))
        start = [int(n.network_address) for n, _, _ in segments]
        items = [
            (
                s << 6 | (32 - n.prefixlen),
                s,
                n.prefixlen,
                f"site_{site}",
                ("links", link, "prefix"),
                "h",
                site,
            )
            for s, (n, site, link) in zip(start, segments, strict=True)
        ]
        issues = list(inventory.overlapping_subnets(Fleet(files, items)))
        assert [i.message for i in issues] == _overlaps_as_ipaddress(segments)
        rounds[bool(issues)] += 1
    assert rounds[True] > 20 and rounds[False] > 20  # clean fleets and overlapping ones
