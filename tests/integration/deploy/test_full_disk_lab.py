"""A full disk: one line and no traceback; no device touched when nothing could be recorded,
and a summary on screen (saying why it is not on disk) when the devices were reached."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import IO

import pytest

from egress.change import changes
from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import egress, running_config

HOST = "ams-edge-02"
_REAL_OPEN = changes._private_open


def _full_disk(only: str | None = None):  # type: ignore[no-untyped-def]
    def open_(path: Path, *, append: bool = False) -> IO[str]:
        if only is None or only in path.name:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return _REAL_OPEN(path, append=append)

    return open_


def test_nothing_can_be_recorded_so_no_device_is_touched(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = running_config(lab, HOST)
    monkeypatch.setattr(changes, "_private_open", _full_disk())
    result = egress(
        "commit", *lab.args(), "--hosts", HOST, "--yes", "--confirm", "600", "--no-post-check"
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == ["error: cannot write the change record: No space left on device"], (
        result.output
    )
    monkeypatch.undo()
    assert running_config(lab, HOST) == before


def test_the_summary_is_said_when_it_cannot_be_written(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(changes, "_private_open", _full_disk(only="summary.json"))
    result = egress("diff", *lab.args(), "--hosts", HOST)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "would-change" in result.output  # the table: where every device is
    assert "no summary could be written: cannot write the change record: No space left" in (
        " ".join(result.output.split())
    )
