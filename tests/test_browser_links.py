"""Hostile links in a real browser: the values show as plain text, and nothing is fetched from outside the machine.

Every request the page makes is routed: any host other than this machine is recorded, refused and fails the test.
On a server with default settings an unexpected error shows an error id, no traceback and no button that would
send it elsewhere; the server log holds the id with the traceback.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode, urlparse

import pytest

from tests.test_browser import (  # noqa: F401 - fixtures: one server for this module
    LOOPBACK,
    app_server,
    browser,
    chromium,
    refuse_outside,
    server,
)

IMAGE = "![x](http://evil.example/x.png)"
LINKS = {
    "present": [IMAGE, "<img src=http://evil.example/y.png>", "$$\\href{http://evil.example}{x}$$"],
    "region": ["[click](http://evil.example)", "<a href=http://evil.example>x</a>", IMAGE],
}


def _guarded_page(browser, outside: list[str]):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    refuse_outside(page, outside)
    return page


@pytest.mark.parametrize("case", range(3))
def test_hostile_present_and_region_links_show_plain_text(server, browser, case):  # noqa: F811
    present, region = LINKS["present"][case], LINKS["region"][case]
    outside: list[str] = []
    page = _guarded_page(browser, outside)
    try:
        page.goto(f"{server}/?" + urlencode({"lang": "en", "present": present, "region": region}))
        page.wait_for_selector("h1", timeout=90_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000)
        alerts = page.locator('[data-testid="stAlert"]')
        page.get_by_text("present=", exact=False).first.wait_for(timeout=30_000)
        text = " ".join(alerts.all_inner_texts()).replace("\u200b", "")  # zero-width spaces break bare links
        assert present in text  # the value, as the visitor typed it, shown as text
        assert "region=" in text  # the region problem is named (its value reduced to letters and digits)
        main = page.locator('[data-testid="stMain"]')
        found = main.locator('img[src*="evil"], a[href*="evil"], .katex')
        assert found.evaluate_all("els => els.map(e => e.outerHTML)") == []
        links = main.locator("a").evaluate_all("els => els.map(e => e.href)")
        assert [link for link in links if (urlparse(link).hostname or "") not in LOOPBACK] == []
        page.wait_for_timeout(500)
        assert outside == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def broken_server(tmp_path_factory):
    """The app as deployed (default settings) on a damaged database file: every page fails unexpectedly."""
    folder = tmp_path_factory.mktemp("broken")
    broken = folder / "broken.duckdb"
    broken.write_bytes(b"this is not a DuckDB database" * 100)
    with app_server(broken, folder, address=None) as (url, _):  # address and error details: defaults
        yield url, folder / "streamlit.log"


def test_a_visitor_sees_an_error_id_and_the_log_has_the_traceback(broken_server, browser):  # noqa: F811
    url, log = broken_server
    outside: list[str] = []
    page = _guarded_page(browser, outside)
    try:
        page.goto(f"{url}/?lang=en")
        page.get_by_text("Error id:").first.wait_for(timeout=90_000)
        shown = page.locator('[data-testid="stMain"]').inner_text()
        error_id = re.search(r"Error id: ([0-9a-f]{12})", shown).group(1)
        assert "Traceback" not in shown and page.locator('[data-testid="stException"]').count() == 0
        assert page.get_by_role("button", name=re.compile("Ask|Google|ChatGPT|Copy", re.I)).count() == 0
        assert outside == []
    finally:
        page.close()
    logged = log.read_text(encoding="utf-8")
    assert f"error id {error_id}" in logged and "Traceback" in logged
