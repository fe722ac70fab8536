"""One real browser: `streamlit run app.py` on the small demo world, opened in Debian's chromium.

Skipped only when /usr/bin/chromium is missing outside CI; with CI set, a missing browser fails.
Never `playwright install` (it downloads a browser; there is no internet here).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.config import DB_ENV, PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BARS = ".js-plotly-plot .main-svg .barlayer .bars path"
STARTUP_LIMIT = 60.0  # seconds to wait for the server before giving up (a failure, not a measurement)


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        assert server.poll() is None, "streamlit exited during startup"
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not become healthy at {url}")


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=PROJECT_ROOT, env={**os.environ, DB_ENV: str(demo_db)}, stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_overview_renders_charts_in_a_real_browser(server, chromium, tmp_path):
    from playwright.sync_api import sync_playwright

    shot = tmp_path / "overview.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1300})
            page.goto(f"{server}/?lang=zh&region=620000&year=2023")
            page.wait_for_selector(BARS, timeout=60_000)
            assert page.locator(BARS).count() >= 4  # one bar trace per income source at least
            assert page.get_by_text("演示数据 · synthetic demo data").count() >= 1
            assert page.get_by_role("heading", name="甘肃省 · 2023 年总览").count() == 1
            assert "region=620000" in page.url and "year=2023" in page.url
            page.wait_for_timeout(500)  # let the last chart finish its transition before the picture
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 50_000
    print(f"screenshot: {shot}")
