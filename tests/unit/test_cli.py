"""The command line's own habits: version, `python -m egress`, verbs imported on use."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from egress import __version__
from egress.cli import VERBS, app


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"egress {__version__}"


def test_python_dash_m_runs_the_same_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "egress", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    for verb in VERBS:
        assert verb in done.stdout


def test_help_imports_no_verb() -> None:
    """`egress --help` lists every verb without importing one (start-up time)."""
    code = (
        "import sys\n"
        "from egress.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('egress.commands', 'napalm', "
        "'nornir'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout


def test_every_verb_loads_with_its_own_help() -> None:
    for name in VERBS:
        result = CliRunner().invoke(app, [name, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, (name, result.output)
        assert f"egress {name}" in result.output


def test_a_typo_gets_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["rendr"])
    assert result.exit_code == 2
    assert "render" in result.output
