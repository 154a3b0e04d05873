"""Every web page in a real browser (headless Chromium from Debian, driven over the
DevTools pipe; see browser.py): axe-core finds no WCAG 2.2 A/AA violation, no text
overflows its box at 390 px or 1280 px, and each page screenshots and prints to PDF.
Built for the contract example and both examples of tests/data. If Chromium or axe-core is
missing the test fails with the reason; it never skips. Screenshots and printed PDFs are
kept in $DPIA_BROWSER_SHOTS when set (to look at them), else in a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser, find_axe
from conftest import CONTRACT_EXAMPLE, DATA

EXAMPLES = {"contract": CONTRACT_EXAMPLE, "capacity": DATA / "capacity-example.yaml",
            "telephone": DATA / "telephone-example.yaml"}
WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        b = Browser()
    except RuntimeError as err:
        pytest.fail(f"the browser check cannot run: {err}")
    yield b
    b.close()


@pytest.fixture(scope="module")
def axe_js() -> str:
    try:
        return find_axe().read_text(encoding="utf-8")
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_every_page_is_accessible_and_fits(example: str, browser: Browser, axe_js: str,
                                           tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    subprocess.run([sys.executable, "-m", "dpia", "build", str(EXAMPLES[example]), "--out", str(out),
                    "--date", "2026-11-26"], check=True, capture_output=True, env=env)
    pages = sorted(out.rglob("*.html"))
    names = {p.relative_to(out).as_posix() for p in pages}
    assert {"index.html", "dpia.html", "privacy-notice.html",
            "participant-information/easy-read.html"} <= names
    assert any("consent-form" in n for n in names) == (example != "telephone")
    shots = Path(os.environ.get("DPIA_BROWSER_SHOTS", tmp_path / "shots")) / example
    shots.mkdir(parents=True, exist_ok=True)
    problems = []
    for page in pages:
        name = page.relative_to(out).as_posix()
        text = page.read_text(encoding="utf-8")
        if not text.startswith("<!DOCTYPE"):  # a section to paste into a website: test it in a page
            page = tmp_path / f"in-a-page-{page.name}"
            page.write_text('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
                            '<meta name="viewport" content="width=device-width, initial-scale=1">'
                            f"<title>{name}</title></head><body><main>{text}</main></body></html>",
                            encoding="utf-8")
        for width in WIDTHS:
            browser.open(page, width)
            problems += [f"{name} at {width}px: axe {v['id']} ({v['help']}) on {v['nodes']}"
                         for v in browser.axe(axe_js)]
            problems += [f"{name} at {width}px: overflow {o}" for o in browser.overflow()]
            shot = shots / f"{name.replace('/', '_')}-{width}.png"
            browser.screenshot(shot)
            assert shot.read_bytes().startswith(b"\x89PNG"), shot
        printed = shots / f"{name.replace('/', '_')}.pdf"
        browser.pdf(printed)
        assert printed.read_bytes().startswith(b"%PDF"), printed
    assert not problems, "\n".join(problems)
