"""The practice page in a real browser: headless Chromium (Debian's ``chromium``, driven by
Playwright with the system browser) loads ``/`` from ``derive serve`` on a free loopback port, types
an answer, sees the live preview and the verdict with its counterexample, and keeps a screenshot
in ``tests/artifacts/`` (kept by CI; ignored by git). Skipped when there is no Chromium."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("DERIVE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
ROOT = Path(__file__).parent.parent

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no browser at {CHROMIUM}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "derive", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/api/health", timeout=2) as r:
                    if json.load(r)["ok"]:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def page():
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--headless",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 1100})
            yield context.new_page()
        finally:
            browser.close()


def test_practice_page_preview_verdict_and_screenshot(server, page):
    other_hosts: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(server) else other_hosts.append(r.url),
    )
    page.goto(server + "/?q=inverse-of-product")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    assert page.locator("#prompt .katex").count() >= 1  # the prompt's math is rendered
    page.locator("#answer").press_sequentially("A^{-1}B^{-1}", delay=20)
    page.wait_for_selector("#preview .katex", timeout=15_000)  # the live preview, rendered
    assert page.locator("#preview").get_attribute("data-latex") == "A^{-1}B^{-1}"
    page.click("#submit")
    page.wait_for_selector("#result[data-verdict]", timeout=30_000)
    assert page.locator("#result").get_attribute("data-verdict") == "not-equivalent"
    assert page.locator("#verdict").inner_text() == "Not correct"
    assert "order of the factors reverses" in page.locator("#feedback").inner_text()
    assert page.locator("#counterexample .katex-display").count() >= 2  # matrices A and B
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "practice-page.png"
    page.screenshot(path=str(shot))  # the viewport: question, preview, verdict
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000
    assert other_hosts == []  # KaTeX, fonts and scripts all come from derive serve


def test_a_right_answer_shows_why(server, page):
    page.goto(server + "/?q=trace-is-cyclic")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    page.locator("#answer").fill("\\operatorname{tr}(ABC)")
    page.click("#submit")
    page.wait_for_selector("#result[data-verdict]", timeout=30_000)
    assert page.locator("#result").get_attribute("data-verdict") == "equivalent"
    assert "checked by derive's kernel" in page.locator("#why").inner_text()
    assert page.locator("#why .katex-display").count() >= 2  # the answer, then each step
    assert "by trace-cyclic" in page.locator("#why").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "practice-page-why.png"))


def test_unreadable_answer_shows_its_position(server, page):
    page.goto(server + "/?q=inverse-of-product")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    page.locator("#answer").fill("A^{-1")
    page.wait_for_selector("#preview .error", timeout=15_000)
    assert "at position 3" in page.locator("#preview").inner_text()


def test_entry_page_renders_its_walkthrough(server, page):
    page.goto(server + "/entries/transpose-inverse")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    assert page.locator(".step .katex").count() >= 3
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "entry-page.png"), full_page=True)
