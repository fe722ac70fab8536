"""One real browser: `streamlit run app.py` on the small demo world, opened in Debian's chromium.

Skipped only when /usr/bin/chromium is missing outside CI; with CI set, a missing browser fails.
Never `playwright install` (it downloads a browser; there is no internet here).
"""
from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from analysis.deploy import free_port, start_app, stop, wait_healthy

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


@contextmanager
def app_server(db: Path, folder: Path, *, port: int | None = None, address: str | None = "127.0.0.1",
               env: dict | None = None, args: Sequence[str] = ()) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run app.py` on `db` (log in `folder/streamlit.log`), healthy, stopped afterwards."""
    port = port or free_port()
    process = start_app(db, port, folder / "streamlit.log", address, env, args)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, STARTUP_LIMIT)
        yield url, process
    finally:
        stop(process)


LOOPBACK = ("127.0.0.1", "localhost")


def refuse_outside(target, outside: list[str]) -> None:
    """Route every request of a page or browser context: this machine's pass, any other host is refused and
    recorded in `outside` (nothing may be fetched from the internet)."""
    def route(request_route):
        url = request_route.request.url
        if url.startswith(("data:", "blob:")) or (urlparse(url).hostname or "") in LOOPBACK:
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()
    target.route("**/*", route)


@pytest.fixture(scope="module")
def browser(chromium):
    """One headless Chromium for a test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory) -> Iterator[str]:
    with app_server(demo_db, tmp_path_factory.mktemp("streamlit")) as (url, _):
        yield url


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
