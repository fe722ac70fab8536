"""Every page of app.PAGES in a real browser at projector and laptop widths (1920×1080, 1366×768, 1024×768), in
Chinese and English: no error, no cut text, charts whose labels stay inside and off each other, maps that fit,
the demo label, no stray English in the Chinese UI, the analysis functions' numbers; and the drill-down's
breadcrumb and browser Back.

One server on the demo world, one Chromium; each page is opened once per language at 1024 and widened to the
other widths. Full-page screenshots go to test-artifacts/screens/<page>-<lang>-<width>.png (ignored by git):
look at them.
"""
from __future__ import annotations

import os
import re
import time
from collections.abc import Callable

import duckdb
import pytest

from analysis import formatting, overview
from analysis.config import PROJECT_ROOT
from tests.browser_walk import (
    PROVINCE,
    WIDTHS,
    YEAR,
    after,
    check_at_every_width,
    open_context,
    pick_row,
    settle,
    shot,
    title,
    url,
)
from tests.test_browser import browser, chromium, server  # noqa: F401 - fixtures: one server for this module

URL_PATHS = re.findall(r'^    \("pages/\w+\.py", "\w+", "[^"]*", "([\w-]+)"',
                       (PROJECT_ROOT / "app.py").read_text(encoding="utf-8"), re.M)
# A developer fixing one page can walk just it: INCOMEWATCH_WALK_PAGES=home,trends (CI walks every page).
WALKED = [path for path in URL_PATHS if path in os.environ.get("INCOMEWATCH_WALK_PAGES", path).split(",")]


def _overview_numbers(cur, lang: str) -> tuple[list[str], list[str]]:
    """The cards as analysis.formatting writes them; the first county's row as the table holds it (rounded once
    by formatting.for_display; the grid draws it with formatting.printf)."""
    head = overview.headline(cur, PROVINCE, YEAR)
    kinds = {"income_per_capita": "yuan", "below_share": "percent"}
    first = formatting.for_display(overview.counties_at_risk(cur, PROVINCE, YEAR), kinds).iloc[0]
    return ([formatting.yuan(head.summary.income_per_capita, lang), formatting.count(head.summary.households, lang)],
            [first["name"] if lang == "zh" else first["name_en"], f"{first['income_per_capita']:g}",
             f"{first['below_share']:g}"])


def _explore_numbers(cur, lang: str) -> tuple[list[str], list[str]]:
    """The province's per-capita income: the label over the last bar of the composition chart."""
    return [formatting.yuan(overview.headline(cur, PROVINCE, YEAR).summary.income_per_capita, lang)], []


# page -> (texts shown, cells of a table); tables draw on a canvas, their cells are read from the grid's own
# accessible table, which holds the values before the column's printf format.
RIGHT_NUMBERS: dict[str, Callable] = {"home": _overview_numbers, "explore": _explore_numbers}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_holds_up_at_projector_and_laptop_widths(server, browser, demo_db, lang):  # noqa: F811
    assert len(URL_PATHS) >= 16
    with duckdb.connect(str(demo_db), read_only=True) as cur:
        numbers = {path: RIGHT_NUMBERS[path](cur, lang) for path in RIGHT_NUMBERS}
    outside: list[str] = []
    context = open_context(browser, outside)
    page = context.new_page()
    problems: list[str] = []
    started = time.monotonic()
    try:
        for url_path in WALKED:
            opened = time.monotonic()
            page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
            page.goto(url(server, url_path, lang), timeout=120_000)  # a loaded machine loads slowly
            settle(page)
            first_view = time.monotonic() - opened
            problems += check_at_every_width(page, url_path, lang, numbers.get(url_path, ([], [])), url_path)
            print(f"{url_path} {lang}: first view {first_view:.1f} s, all widths {time.monotonic() - opened:.1f} s")
    finally:
        context.close()
    print(f"walk {lang}: {len(WALKED)} pages × {len(WIDTHS)} widths in {time.monotonic() - started:.0f} s")
    print("\n".join(["problems:", *problems]))
    assert outside == []
    assert problems == []


def test_back_steps_up_the_drilldown_and_the_breadcrumb_is_a_row_of_links(server, browser):  # noqa: F811
    """Province → city → county → township by table rows; Back steps back one level at a time, and the
    sidebar follows; a breadcrumb level is a history entry too."""
    outside: list[str] = []
    context = open_context(browser, outside)
    page = context.new_page()
    try:
        page.goto(url(server, "explore", "zh"))
        settle(page)
        titles = [title(page)]
        for _ in range(3):
            titles.append(after(page, lambda: pick_row(page)))
        assert len(set(titles)) == 4 and "township=" in page.url
        crumb = page.locator(".st-key-drill-breadcrumb button").first
        style = crumb.locator("p").evaluate("p => [getComputedStyle(p).fontSize, getComputedStyle(p).color]")
        assert float(style[0].removesuffix("px")) >= 17 and style[1] == "rgb(42, 111, 176)"  # larger, in blue
        shot(page, "drilldown-township-zh-1024", 1024, 768)
        province = page.locator(".st-key-drill-breadcrumb button", has_text="甘肃省")
        assert after(page, province.click) == titles[0]  # up by the breadcrumb: one history entry
        assert after(page, page.go_back) == titles[-1] and "township=" in page.url
        for expected in reversed(titles[:-1]):  # and Back climbs one level at a time
            assert after(page, page.go_back) == expected
        assert "township=" not in page.url and f"region={PROVINCE}" in page.url
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert titles[1].split(" · ")[0] not in sidebar  # the sidebar's city went back to 全部 too
    finally:
        context.close()
    assert outside == []
