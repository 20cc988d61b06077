"""The HTML report in a real browser: headless Chromium (Debian's package), no network.

It loads without a console error; the change board's header, the table of contents and every
device's diff are in the DOM, each device collapsed in its own <details> (no script); it is
screenshot at a desktop and a phone width and printed to PDF, where print CSS shows every
collapsed section. The screenshots and the PDF's pages (as PNG) are kept under
test-artifacts/ for a person to look at.
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


# the widths a change board reads at: a desktop browser and a phone
WIDTHS = {"desktop": 1280, "phone": 390}


@dataclass(frozen=True)
class Page:
    dom: str
    console: list[str]  # console messages (errors, warnings, logs): a clean report has none
    pdf_text: str = ""  # the text of the page printed to PDF


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: apt-get install -y chromium (.ci/run does it)")
    return path


def open_in_chromium(
    html: Path, *, profile: Path, screenshot: Path, pdf: Path | None = None
) -> Page:
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
    stderr = [dump.stderr]
    for label, width in WIDTHS.items():
        shot_path = (
            screenshot if label == "desktop" else screenshot.with_stem(f"{screenshot.stem}-{label}")
        )
        shot = subprocess.run(
            [
                *base,
                f"--screenshot={shot_path}",
                f"--window-size={width},2400",
                "--hide-scrollbars",
                html.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        # a blank page compresses to a few hundred bytes; any rendered text makes kilobytes
        assert shot.returncode == 0 and shot_path.stat().st_size > 3_000, shot.stderr[-2000:]
        stderr.append(shot.stderr)
    pdf_text = ""
    if pdf is not None:
        printed = subprocess.run(
            [*base, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert printed.returncode == 0 and pdf.stat().st_size > 5_000, printed.stderr[-2000:]
        stderr.append(printed.stderr)
        pdf_text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        # the printed pages as pictures, beside the screenshots
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-l", "3", str(pdf), str(pdf.with_suffix(""))],
            check=True,
        )
    console = [
        line
        for text in stderr
        for line in text.splitlines()
        if ":CONSOLE" in line or "net::ERR_" in line
    ]
    return Page(dom=dump.stdout, console=console, pdf_text=pdf_text)


class _DiffFinder(HTMLParser):
    """Where each device's diff sits: the text of <pre class=diff data-host=H>, and whether
    the device's own <details> around it is collapsed (closed)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.diffs: dict[str, tuple[bool, list[str]]] = {}
        self._current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "pre" and "diff" in (attributes.get("class") or "").split():
            host = attributes.get("data-host") or ""
            devices = [
                a
                for t, a in self.stack
                if t == "details" and "device" in (a.get("class") or "").split()
            ]
            collapsed = len(devices) == 1 and "open" not in devices[0]
            self.diffs[host] = (collapsed, [])
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
    return {h: (collapsed, "".join(parts)) for h, (collapsed, parts) in finder.diffs.items()}


def assert_report_in_browser(
    html: Path, *, changed: str, expect: str, profile: Path, name: str
) -> Page:
    """The checks every report gets; ``expect`` is a line of ``changed``'s diff."""
    page = open_in_chromium(
        html,
        profile=profile,
        screenshot=ARTIFACTS / f"{name}.png",
        pdf=ARTIFACTS / f"{name}.pdf",
    )
    assert page.console == [], page.console
    for anchor in ('id="environment"', 'id="board"', 'id="toc"', 'href="#dev-'):
        assert anchor in page.dom, f"{anchor} missing from the report"
    diffs = diffs_in(page.dom)
    assert changed in diffs, f"no diff of {changed} in the DOM: {sorted(diffs)}"
    collapsed, text = diffs[changed]
    assert collapsed, f"the diff of {changed} is not collapsed in its device's <details>"
    assert expect in text
    # on paper every collapsed section is shown: the diff line is in the printed text
    # (a PDF's text keeps the words and their order, not runs of spaces)
    printed = " ".join(page.pdf_text.split())
    assert " ".join(expect.split()) in printed, "the printed report lacks the collapsed diff"
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
