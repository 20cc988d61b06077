"""`egress parse`'s fast path (egress.start): the command lines it takes, and the same
output, error screen and exit code as the typer command for each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from egress.start import fast_parse

REPO = Path(__file__).resolve().parents[2]
CAPTURE = REPO / "tests/fixtures/parse/ios/show_ip_interface_brief/genie-iosxe__1.txt"


@pytest.mark.parametrize(
    "args",
    [
        ["parse", "f.txt", "-p", "ios", "-c", "show vrrp"],
        ["parse", "--platform", "ios", "f.txt", "--command", "show vrrp"],
        ["parse", "--platform=ios", "--command=show vrrp", "-"],
    ],
)
def test_takes_the_plain_forms(args: list[str]) -> None:
    assert fast_parse(args) is not None


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["render"],
        ["--debug", "parse", "f.txt", "-p", "ios", "-c", "show vrrp"],
        ["parse", "--help"],
        ["parse", "f.txt", "-p", "ios"],  # a missing option: typer says so
        ["parse", "f.txt", "g.txt", "-p", "ios", "-c", "show vrrp"],
        ["parse", "f.txt", "-p", "ios", "-p", "junos", "-c", "show vrrp"],
        ["parse", "f.txt", "-p", "ios", "-c", "show vrrp", "--json"],
        ["parse", "f.txt", "-pios", "-c", "show vrrp"],
        ["parse", "f.txt", "-p", "-c", "show vrrp"],  # a value that looks like an option
        ["parse", "f.txt", "-p", "ios", "-c"],
    ],
)
def test_leaves_everything_else_to_typer(args: list[str]) -> None:
    assert fast_parse(args) is None


def _both(args: list[str], stdin: str = "") -> tuple[subprocess.CompletedProcess[str], ...]:
    """The same command line through the fast path (`python -m egress`) and through typer
    (`python -m egress.cli`, which never takes it)."""
    return tuple(
        subprocess.run(
            [sys.executable, "-m", module, *args],
            capture_output=True,
            text=True,
            input=stdin,
            timeout=60,
            cwd=REPO,
        )
        for module in ("egress", "egress.cli")
    )


@pytest.mark.parametrize(
    "args",
    [
        ["parse", str(CAPTURE), "-p", "ios", "-c", "show ip interface brief"],
        ["parse", str(CAPTURE), "--platform=ios", "--command=sh ip int br"],
        ["parse", str(CAPTURE), "-p", "nxos", "-c", "show ip interface brief"],  # exit 2
        ["parse", str(CAPTURE), "-p", "ios", "-c", "show nothing"],  # exit 2
        ["parse", "/nonexistent/capture.txt", "-p", "ios", "-c", "show vrrp brief"],  # exit 2
        ["parse", str(CAPTURE), "-p", "junos", "-c", "show vrrp summary"],  # reads as ios
    ],
)
def test_the_same_as_the_typer_command(args: list[str]) -> None:
    fast, typed = _both(args)
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        typed.returncode,
        typed.stdout,
        typed.stderr,
    )
    assert fast.stdout or fast.returncode == 2


def test_stdin_the_same_as_the_typer_command() -> None:
    fast, typed = _both(
        ["parse", "-", "-p", "ios", "-c", "show ip interface brief"], stdin=CAPTURE.read_text()
    )
    assert fast.returncode == typed.returncode == 0
    assert fast.stdout == typed.stdout and '"kind": "interface"' in fast.stdout


def test_the_fast_path_imports_neither_typer_nor_rich() -> None:
    """What makes it fast: a successful parse never imports typer, rich or the verbs."""
    code = (
        "import sys\n"
        f"sys.argv = ['egress', 'parse', {str(CAPTURE)!r}, '-p', 'ios', '-c',"
        " 'show ip interface brief']\n"
        "from egress.start import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'jinja2')"
        " or m.startswith('egress.model.design')), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr
