"""egress's own temporary directory: private, removed on exit, and after kill -9 by the next
run; change directories readable by their owner only."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

from egress.change.changes import ChangeDir, record_step

_CHILD = """
import os, sys, tempfile
from egress.change.private import private_temp_dir
path = private_temp_dir()
# what napalm ios does with every config it loads (napalm/ios/ios.py _create_tmp_file)
name = os.path.join(tempfile.gettempdir(), "candidate")
with open(name, "wt") as handle:
    handle.write("snmp-server community PlantedCommunity RO\\n")
print(path, oct(os.stat(name).st_mode & 0o777), os.environ["TMPDIR"], flush=True)
if sys.argv[1] == "kill":
    os.kill(os.getpid(), 9)
"""


def _child(base: Path, how: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(base)}
    env.pop("EGRESS_ORIGINAL_TMPDIR", None)
    return subprocess.run(
        [sys.executable, "-c", _CHILD, how], env=env, capture_output=True, text=True, check=False
    )


def test_the_temp_dir_is_private_and_gone_after_a_clean_exit(tmp_path: Path) -> None:
    done = _child(tmp_path, "exit")
    assert done.returncode == 0, done.stderr
    path, mode, tmpdir = done.stdout.split()
    assert Path(path).parent == tmp_path and tmpdir == path
    assert mode == "0o600"  # umask 077: a driver's file is the owner's alone
    assert not Path(path).exists()
    assert list(tmp_path.iterdir()) == []


def test_after_kill_9_the_dir_is_private_and_the_next_run_removes_it(tmp_path: Path) -> None:
    killed = _child(tmp_path, "kill")
    assert killed.returncode == -signal.SIGKILL
    left = Path(killed.stdout.split()[0])
    assert left.is_dir() and stat.S_IMODE(left.stat().st_mode) == 0o700
    assert "PlantedCommunity" in (left / "candidate").read_text()
    done = _child(tmp_path, "exit")
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []  # the stale dir (and its secret) went too


def test_change_directories_are_0700_and_their_files_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask: the change record must not depend on it
    try:
        change = ChangeDir.create(tmp_path / "changes")
        change.write_host_file("r1", "diff.txt", "+ hostname r1\n")
        change.write_backup("r1", "hostname r1\n")
        change.write_json("plan.json", {"hosts": []})
        record_step(change, host="r1", step="backup", ok=True, started=0.0)
    finally:
        os.umask(old)
    for path in [tmp_path / "changes", *(tmp_path / "changes").rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
