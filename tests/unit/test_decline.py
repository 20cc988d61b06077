"""Answering no at the commit prompt: a message, exit 2 (nothing was sent), no change dir."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLE_INVENTORY


def test_declining_the_commit_prompt_says_so_and_sends_nothing(tmp_path: Path) -> None:
    master, slave = pty.openpty()  # a terminal, so egress asks instead of refusing
    changes = tmp_path / "changes"
    env = {**os.environ, "EGRESS_USERNAME": "nobody", "EGRESS_PASSWORD": "unused"}
    process = subprocess.Popen(
        [sys.executable, "-m", "egress", "commit", "-i", str(EXAMPLE_INVENTORY),
         "--hosts", "ams-edge-01", "--changes-dir", str(changes)],
        stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    os.close(slave)
    os.write(master, b"n\n")
    out, err = process.communicate(timeout=120)
    os.close(master)
    assert process.returncode == 2, (out, err)
    assert "commit declined: nothing was sent to any device" in err
    assert not changes.exists() or not any(changes.iterdir())
