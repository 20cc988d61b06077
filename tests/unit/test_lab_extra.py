"""The lab is an extra: without asyncssh, production verbs reach --lab through the overlay
alone, and `egress lab` says how to install the extra (exit 2) instead of a traceback."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egress.cli import app
from tests.conftest import REPO


def test_lab_verbs_without_the_extra_say_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, package=None: None if name == "asyncssh" else real(name, package),
    )
    result = CliRunner().invoke(app, ["lab", "status", "--state", str(tmp_path)])
    assert result.exit_code == 2
    assert "`lab` extra" in result.output and "pip install -e '.[lab]'" in result.output


def test_a_production_verb_with_lab_never_imports_asyncssh(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('asyncssh', 'egress') and (\n"
        "            name == 'asyncssh' or name.startswith(('asyncssh.', 'egress.lab'))):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "sys.argv = ['egress', 'diff', '--lab', '--lab-state', sys.argv[1]]\n"
        "from egress.cli import app\n"
        "app()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,  # the example inventory is the default
    )
    assert done.returncode == 2, done.stderr
    assert f"no lab in {tmp_path}" in done.stderr + done.stdout
