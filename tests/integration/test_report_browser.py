"""The HTML report in a real browser: headless Chromium (Debian's package), no network.

It loads without a console error, the diff of a changed device is in the DOM inside open
elements (visible without a click), and a screenshot is kept under test-artifacts/.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from egress.report import write_report
from tests.conftest import REPO
from tests.unit.report.fixtures import SECRETS, plant

ARTIFACTS = REPO / "test-artifacts"
_VOID = {"meta", "link", "br", "hr", "img", "input", "col", "area", "base", "wbr", "source"}


@dataclass(frozen=True)
class Page:
    dom: str
    console: list[str]  # console messages (errors, warnings, logs): a clean report has none


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: apt-get install -y chromium (.ci/run does it)")
    return path


def open_in_chromium(html: Path, *, profile: Path, screenshot: Path) -> Page:
    base = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        # no network at all: any name lookup fails, so an external asset would show up
        # as a console error instead of being fetched
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        "--enable-logging=stderr",
        "--v=0",
    ]
    dump = subprocess.run(
        [*base, "--dump-dom", html.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert dump.returncode == 0, dump.stderr[-2000:]
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    shot = subprocess.run(
        [
            *base,
            f"--screenshot={screenshot}",
            "--window-size=1280,2400",
            "--hide-scrollbars",
            html.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shot.returncode == 0 and screenshot.stat().st_size > 10_000, shot.stderr[-2000:]
    console = [
        line
        for line in dump.stderr.splitlines() + shot.stderr.splitlines()
        if ":CONSOLE" in line or "net::ERR_" in line
    ]
    return Page(dom=dump.stdout, console=console)


class _DiffFinder(HTMLParser):
    """Where each device's diff sits: the text of <pre class=diff data-host=H>, and whether
    every <details> around it is open."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.diffs: dict[str, tuple[bool, list[str]]] = {}
        self._current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "pre" and "diff" in (attributes.get("class") or "").split():
            host = attributes.get("data-host") or ""
            shown = all("open" in a for t, a in self.stack if t == "details")
            self.diffs[host] = (shown, [])
            self._current = host
        if tag not in _VOID:
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        if tag == "pre":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self.diffs[self._current][1].append(data)


def diffs_in(dom: str) -> dict[str, tuple[bool, str]]:
    finder = _DiffFinder()
    finder.feed(dom)
    return {h: (shown, "".join(parts)) for h, (shown, parts) in finder.diffs.items()}


def assert_report_in_browser(
    html: Path, *, changed: str, expect: str, profile: Path, name: str
) -> Page:
    """The checks every report gets; ``expect`` is a line of ``changed``'s diff."""
    page = open_in_chromium(html, profile=profile, screenshot=ARTIFACTS / f"{name}.png")
    assert page.console == [], page.console
    diffs = diffs_in(page.dom)
    assert changed in diffs, f"no diff of {changed} in the DOM: {sorted(diffs)}"
    shown, text = diffs[changed]
    assert shown, f"the diff of {changed} is inside a closed <details>"
    assert expect in text
    return page


def test_the_report_opens_cleanly_and_shows_the_diff(tmp_path: Path) -> None:
    change = plant(tmp_path / "changes")
    html = write_report(change.root)[0]
    page = assert_report_in_browser(
        html,
        changed="ams-edge-02",
        expect="+ vrrp 10 address-family ipv4",
        profile=tmp_path / "profile",
        name="report-synthetic",
    )
    assert "Rolled back" in page.dom and "nyc-srx-02" in page.dom
    assert not [s for s in SECRETS if s in page.dom]


def test_the_console_check_catches_a_broken_page(tmp_path: Path) -> None:
    """The negative control: a page that errors must be caught, or the check proves nothing."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!DOCTYPE html><html><body><details open><pre class='diff' "
        "data-host='x'>+a</pre></details><script>nosuch();</script>"
        "<img src='http://example.invalid/x.png'></body></html>"
    )
    page = open_in_chromium(
        broken, profile=tmp_path / "profile", screenshot=tmp_path / "broken.png"
    )
    assert any("nosuch" in line for line in page.console), page.console
