"""A meeting in a real browser: a fresh server's first deep link, presentation mode with a clicker's keys,
nothing requested from outside the machine, no value cut at 1024, 1366 and 1920 wide, in both languages.

Screenshots go to test-artifacts/browser/ (ignored by git) to be looked at.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from analysis.config import PROJECT_ROOT
from analysis.glossary import term
from analysis.i18n import t
from tests.browser_walk import CUT_TEXT, settle
from tests.test_browser import browser, chromium, refuse_outside, server  # noqa: F401 - fixtures: one server for this module

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
WIDTHS = ((1024, 768), (1366, 768), (1920, 1080))
PROVINCE = "620000"


def _open(browser, width: int, height: int, outside: list[str]):  # noqa: F811
    """A page that records and refuses every request to a host other than this machine."""
    page = browser.new_page(viewport={"width": width, "height": height})
    refuse_outside(page, outside)
    return page


def _wait_for_app(page, ready: str = "h1, .st-key-present-slide") -> None:
    """Until the page has drawn `ready` and Streamlit's running indicator has gone."""
    page.wait_for_selector(ready, timeout=90_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000)
    page.wait_for_timeout(800)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_a_fresh_servers_first_deep_link_opens_without_page_not_found(server, browser):  # noqa: F811
    """Must run first in this module: the server has served nothing yet."""
    outside: list[str] = []
    page = _open(browser, 1366, 768, outside)
    page.goto(f"{server}/map?lang=zh&region={PROVINCE}")
    _wait_for_app(page)
    page.wait_for_timeout(1500)
    _shot(page, "deep-link-map-1366-zh")
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("heading", name=t("map_title", "zh", region="甘肃省", year=2024)).count() == 1
    assert outside == []
    page.close()


def _slide(page) -> int:
    return int(parse_qs(urlparse(page.url).query).get("slide", ["1"])[0])


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_presentation_with_a_clicker_at_every_width(server, browser, width, height, lang):  # noqa: F811
    outside: list[str] = []
    page = _open(browser, width, height, outside)
    page.goto(f"{server}/?lang={lang}&region={PROVINCE}&present=1&slide=1")
    _wait_for_app(page)
    page.wait_for_selector(".st-key-present-slide .js-plotly-plot", timeout=60_000)
    page.wait_for_function("() => window.__incomewatchViewport === true", timeout=30_000)
    page.wait_for_timeout(1500)  # the window's height has been reported: the slide redraws once to fill it
    _wait_for_app(page)
    chart = page.locator(".st-key-present-slide .js-plotly-plot").first.bounding_box()
    assert chart["height"] >= 0.6 * height and chart["width"] >= 0.8 * width  # the map fills the screen
    _shot(page, f"present-1-{width}-{lang}")
    seen = []
    for key, expected in (("PageDown", 2), ("ArrowRight", 3), ("Space", 4), ("PageUp", 3), ("ArrowLeft", 2)):
        page.keyboard.press(key)
        page.wait_for_function(f"() => new URL(location.href).searchParams.get('slide') === '{expected}'",
                               timeout=30_000)
        _wait_for_app(page)
        seen.append(_slide(page))
        as_of = page.get_by_text(t("brief_as_of", lang, year=2024)).first.bounding_box()
        assert as_of and as_of["y"] + as_of["height"] <= height  # the data date on every slide, in view
        assert page.evaluate(CUT_TEXT) == []
        _shot(page, f"present-{expected}-{width}-{lang}")
    assert seen == [2, 3, 4, 3, 2]
    page.goto(f"{server}/?lang={lang}&region={PROVINCE}&present=1&slide=3")  # key figures
    _wait_for_app(page)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    assert page.evaluate(CUT_TEXT) == []
    _shot(page, f"present-3-{width}-{lang}")
    assert outside == []
    page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_overview_and_prices_are_uncut_offline_and_use_the_glossary(server, browser, width, height, lang):  # noqa: F811
    outside: list[str] = []
    page = _open(browser, width, height, outside)
    page.goto(f"{server}/?lang={lang}&region={PROVINCE}")
    _wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    settle(page)  # as the page walk does: under load a metric was read as cut while the charts were still loading
    assert page.evaluate(CUT_TEXT) == []
    titles = page.eval_on_selector_all(".modebar-btn", "buttons => buttons.map(b => b.getAttribute('data-title'))")
    if lang == "zh":  # plotly's toolbar speaks Chinese
        assert "下载图表（PNG）" in titles and "Zoom" not in titles and "Autoscale" not in titles
    _shot(page, f"overview-{width}-{lang}")
    page.goto(f"{server}/livestock-prices?lang={lang}&region={PROVINCE}")
    _wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    text = page.inner_text("body")
    assert t("price_alerts_title", lang) in text and term("alert_level", "stress", lang) in text
    assert "承压" not in text
    _shot(page, f"prices-{width}-{lang}")
    assert outside == []
    page.close()


def test_every_url_path_has_its_first_link_file():
    """A new page in app.py's PAGES needs its pages/<url path>.py, or a fresh server's first link to it fails."""
    import re

    app = (PROJECT_ROOT / "app.py").read_text(encoding="utf-8")
    paths = re.findall(r'^    \("pages/\w+\.py", "\w+", "[^"]*", "([\w-]+)"', app, re.M)
    assert len(paths) >= 12
    for path in paths:
        if path != "home":  # the default page is "/", which Streamlit never looks up by name
            assert "run_app()" in (PROJECT_ROOT / "pages" / f"{path}.py").read_text(encoding="utf-8")
