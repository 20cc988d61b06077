"""The lab as a pytest fixture: a fresh lab of the example inventory for every test."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from egress.lab.control import lab_down, lab_up
from egress.lab.spec import LabSpec
from tests.conftest import EXAMPLE_INVENTORY

# Device timers run 60x faster: a 1-minute IOS revert timer fires after 1 s.
TIME_SCALE = 60.0


@dataclass(frozen=True)
class Lab:
    state: Path
    inventory: Path
    changes: Path
    spec: LabSpec

    def args(self) -> list[str]:
        """The CLI options that aim a verb at this lab."""
        return [
            "-i",
            str(self.inventory),
            "--lab",
            "--lab-state",
            str(self.state),
            "--changes-dir",
            str(self.changes),
            "--timeout",
            "20",
        ]


@contextmanager
def lab_of(tmp_path: Path, *, releases: Mapping[str, str] | None = None) -> Iterator[Lab]:
    """A fresh lab of (a copy of) the example inventory; ``releases`` sets hosts'
    ``os_release`` in that copy first, so the lab's devices run (and print) those releases."""
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE_INVENTORY, inventory)
    if releases:
        hosts = inventory / "hosts.yaml"
        data = yaml.safe_load(hosts.read_text())
        for host, release in releases.items():
            data[host]["data"]["os_release"] = release
        hosts.write_text(yaml.safe_dump(data, sort_keys=False))
    state = tmp_path / "lab"
    spec = lab_up(inventory=inventory, state_dir=state, time_scale=TIME_SCALE)
    try:
        yield Lab(state=state, inventory=inventory, changes=tmp_path / "changes", spec=spec)
    finally:
        lab_down(state)


@pytest.fixture
def lab(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Lab]:
    """The example inventory's lab; parametrized indirectly with {host: release} it runs those
    hosts on those releases (see ``releases_of``)."""
    with lab_of(tmp_path, releases=getattr(request, "param", None)) as running:
        yield running


def releases_of(hosts: tuple[str, ...], *releases: str) -> Any:
    """``@releases_of(HOSTS, "16.12.5", "17.9.4a")`` runs a test once per release, ``hosts``
    on that release (the lab fixture parametrized indirectly)."""
    return pytest.mark.parametrize(
        "lab", [{h: r for h in hosts} for r in releases], indirect=True, ids=list(releases)
    )


def interruptible() -> None:
    """``preexec_fn`` of a child a test sends Ctrl-C to: SIGINT delivered and default, whatever
    the test worker's own signal state (a child inherits an ignored SIGINT and the calling
    thread's signal mask; Python keeps an inherited SIG_IGN, as a shell's background job
    expects). Seen once in CI under -n 6: three such children never saw their SIGINT (exit
    0, no interruption), each passing when run alone; the worker state behind it not found."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_commit(
    lab: Lab,
    hosts: str,
    *extra: str,
    env: Mapping[str, str] | None = None,
    stderr: int = subprocess.PIPE,
) -> subprocess.Popen[str]:
    """`egress commit --hosts HOSTS` on this lab, in the background, with a 600 s confirm
    timer and no post-checks: what the fault tests kill, or lose a worker under, mid-commit.
    ``extra`` options follow (a later ``--timeout`` wins over the lab's)."""
    return subprocess.Popen(  # noqa: S603 - our own CLI
        [
            sys.executable,
            "-m",
            "egress.cli",
            "commit",
            *lab.args(),
            "--hosts",
            hosts,
            "--yes",
            "--confirm",
            "600",
            "--no-post-check",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=None if env is None else dict(env),
    )
