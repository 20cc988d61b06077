"""The one fork pool of render and lint (egress.render.batch): the same result as one process."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bench.gen_inventory import generate
from egress.cli import app


def _render(inventory: Path, out: Path, workers: int) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        ["render", "-q", "-i", str(inventory), "--out", str(out), "--workers", str(workers)],
        env={"COLUMNS": "200"},
    )
    return result.exit_code, result.output


def test_workers_write_the_same_files_as_one_process(tmp_path: Path) -> None:
    inventory = generate(tmp_path / "inventory", devices=120)
    assert _render(inventory, tmp_path / "one", 1)[0] == 0
    assert _render(inventory, tmp_path / "three", 3)[0] == 0
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").glob("*.cfg")}
    three = {p.name: p.read_bytes() for p in (tmp_path / "three").glob("*.cfg")}
    assert len(one) == 120
    assert one == three


def test_of_two_bad_sites_the_workers_report_the_one_a_single_process_meets_first(
    tmp_path: Path,
) -> None:
    inventory = generate(tmp_path / "inventory", devices=120)
    groups = inventory / "groups.yaml"
    text = groups.read_text()
    # sites s1 and s50 (site groups are validated in sorted order: site_s1 first), which the
    # split over three processes puts in different workers
    for vip in ("vip: 10.0.1.1\n", "vip: 10.0.50.1\n"):
        assert text.count(vip) == 1, vip
        text = text.replace(vip, "vip: 10.99.0.1\n")
    groups.write_text(text)
    code_one, said_one = _render(inventory, tmp_path / "one", 1)
    code_three, said_three = _render(inventory, tmp_path / "three", 3)
    assert code_one == code_three == 2
    assert "s1-edge-01" in said_one and "s50-edge" not in said_one
    assert said_three == said_one
    assert list((tmp_path / "three").glob("*.cfg")) == []
