"""Hostile links in a real browser: the values show as plain text, and nothing is fetched from outside the machine.

Every request the page makes is routed: any host other than this machine is recorded, refused and fails the test.
"""
from __future__ import annotations

from urllib.parse import urlencode, urlparse

import pytest

from tests.test_browser import CHROMIUM_ARGS, chromium, server  # noqa: F401 - fixtures: one server for this module

LOOPBACK = ("127.0.0.1", "localhost")
IMAGE = "![x](http://evil.example/x.png)"
LINKS = {
    "present": [IMAGE, "<img src=http://evil.example/y.png>", "$$\\href{http://evil.example}{x}$$"],
    "region": ["[click](http://evil.example)", "<a href=http://evil.example>x</a>", IMAGE],
}


@pytest.fixture(scope="module")
def browser(chromium):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _guarded_page(browser, outside: list[str]):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})

    def route(request_route):
        url = request_route.request.url
        if (urlparse(url).hostname or "") in LOOPBACK or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()
    page.route("**/*", route)
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
