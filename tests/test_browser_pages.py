"""Every page of app.PAGES in a real browser at projector and laptop widths (1920×1080, 1366×768, 1024×768), in
Chinese and English: no error, no cut text, charts whose labels stay inside and off each other, maps that fit,
the demo label, no stray English in the Chinese UI, the analysis functions' numbers; and the drill-down's
breadcrumb and browser Back.

One server on the demo world, one Chromium; each page is opened once per language at 1024 and widened to the
other widths. Full-page screenshots go to test-artifacts/screens/<page>-<lang>-<width>.png (ignored by git):
look at them.
"""
from __future__ import annotations

import contextlib
import os
import re
import time
import tomllib
from collections.abc import Callable

import duckdb
import pytest

from analysis import formatting, overview
from analysis.config import PROJECT_ROOT
from pages._common import STATUS_ICON
from tests.test_browser import browser, chromium, refuse_outside, server  # noqa: F401 - fixtures: one server for this module
from tests.test_browser_meeting import CUT_TEXT

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "screens"
# Opened at the narrowest, then widened: a grid that was drawn wide does not shrink with the window (Streamlit).
WIDTHS = ((1024, 768), (1366, 768), (1920, 1080))
PROVINCE, YEAR = "620000", 2024
URL_PATHS = re.findall(r'^    \("pages/\w+\.py", "\w+", "[^"]*", "([\w-]+)"',
                       (PROJECT_ROOT / "app.py").read_text(encoding="utf-8"), re.M)
# A developer fixing one page can walk just it: INCOMEWATCH_WALK_PAGES=home,trends (CI walks every page).
WALKED = [path for path in URL_PATHS if path in os.environ.get("INCOMEWATCH_WALK_PAGES", path).split(",")]
DEMO_LABEL = "演示数据 · synthetic demo data"
# Latin words a Chinese page may show: formats, method and author names, units of established use.
LATIN_ALLOWED = {
    "CSV", "Excel", "XLSX", "PNG", "SVG", "PDF", "Word", "PowerPoint", "ID", "STL", "MAPE", "ETS", "WFP", "ALPS",
    "OLS", "HAC", "Newey", "West", "RLM", "Huber", "AUC", "DeLong", "Wilson", "Benjamini", "Hochberg", "Borusyak",
    "Jaravel", "Spiess", "Cattaneo", "Jansson", "Nigrini", "statsmodels", "Plotly", "GeoJSON", "DuckDB", "TOML",
    "SHA", "DEMO", "FL", "DR", "HL", "README",
}
# A user's own scenario names and notes are data (the examples are written in both languages).
SCENARIO_WORDS = set(re.findall(r"[A-Za-z]+", " ".join(
    f"{scenario.get('name', '')} {scenario.get('description', '')}"
    for scenario in (tomllib.loads(path.read_text(encoding="utf-8"))
                     for path in (PROJECT_ROOT / "data" / "scenarios").glob("*.toml")))))
# Pages whose main area is mostly records in their own words: the audit log's entries and column names.
# (The audit log's column headers are still English: issue 16, the audit page's work.)
RECORD_PAGES = {"audit"}
# Streamlit's own file uploader speaks English ("Upload", "per file"): issue 16 item 10, the import page's work.
UPLOADER_WORDS = {"Upload", "Drag", "and", "drop", "file", "here", "Limit", "per", "Browse", "files"}
# Text of the main area without icons' ligature names, chart toolbars, table cells (data) and file paths.
MAIN_TEXT = """() => {
  const main = document.querySelector('[data-testid="stMain"]').cloneNode(true);
  main.querySelectorAll('[data-testid^="stIcon"], [data-testid="stAlertDynamicIcon"], span[translate="no"], '
    + '.modebar, [data-testid="stDataFrame"] td, [data-testid="stDataFrame"] [role="gridcell"]').forEach(e => e.remove());
  return main.innerText;
}"""
# Chart text leaving its figure or sitting on other text; maps wider than their place; tables whose first
# columns are hidden. Returns one line per problem.
LAYOUT_PROBLEMS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const problems = [];
  for (const plot of main.querySelectorAll('.js-plotly-plot')) {
    const frame = plot.getBoundingClientRect();
    if (!frame.width) continue;
    const name = (plot.querySelector('.gtitle') || {}).textContent || '(chart without title)';
    const inside = r => r.left >= frame.left - 1 && r.right <= frame.right + 1 && r.top >= frame.top - 1
      && r.bottom <= frame.bottom + 1;
    for (const text of plot.querySelectorAll('.xtick text, .ytick text, .legendtext, .gtitle, .g-xtitle text, '
                                             + '.g-ytitle text, .annotation-text, .colorbar text, .bartext')) {
      const box = text.getBoundingClientRect();
      if (box.width && !inside(box)) problems.push(text.classList.contains('gtitle') ? `${name}: title cut at the figure's edge`
        : `${name}: "${text.textContent}" cut at the figure's edge`);
    }
    const title = plot.querySelector('.gtitle');
    const labels = [...plot.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text')];
    for (const item of plot.querySelectorAll('.legend .traces')) {
      const box = item.getBoundingClientRect();
      if (title && overlap(title.getBoundingClientRect(), box)) problems.push(`${name}: legend over the title`);
      const hit = labels.find(label => overlap(label.getBoundingClientRect(), box));
      if (hit) problems.push(`${name}: legend "${item.textContent}" over axis label "${hit.textContent}"`);
    }
    if (plot.querySelector('.maplibregl-map, .mapboxgl-map, .geolayer g.geo')) {
      const place = (plot.closest('[data-testid="stElementContainer"]') || plot.parentElement).getBoundingClientRect();
      if (frame.left < place.left - 1 || frame.right > place.right + 1 || frame.right > window.innerWidth + 1)
        problems.push(`${name}: map wider than its place`);
    }
  }
  for (const grid of main.querySelectorAll('[data-testid="stDataFrame"]')) {
    const box = grid.getBoundingClientRect();
    if (grid.offsetParent !== null && box.width && box.left < window.innerWidth && box.right > window.innerWidth + 1)
      problems.push('table runs past the window');
  }
  return [...new Set(problems)];
}"""
SETTLED = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"], [data-testid=\"stSpinner\"], "
           "[data-testid=\"stSkeleton\"]')")


def _settle(page) -> None:
    """Until the page has its title and Streamlit has stopped running (and charts have drawn)."""
    page.wait_for_selector("h1", timeout=120_000)
    page.wait_for_function(SETTLED, timeout=120_000)
    page.wait_for_timeout(300)
    page.wait_for_function(SETTLED, timeout=120_000)


def _url(server: str, path: str, lang: str, **extra: str) -> str:  # noqa: F811
    query = "&".join(f"{k}={v}" for k, v in {"lang": lang, "region": PROVINCE, "year": YEAR, **extra}.items())
    return f"{server}/{'' if path == 'home' else path}?{query}"


def _shot(page, name: str, width: int, height: int) -> str:
    """The whole main area: the window is made as tall as the page for the picture, then restored."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tall = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, tall)})
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": height})
    return str(path.relative_to(PROJECT_ROOT))


def _stray_english(text: str) -> set[str]:
    """Latin words left after file paths, [sections] and snake_case keys of the parameter files and link
    parameters (named as they are written), the demo label and the allowed words."""
    text = re.sub(r"[\w./-]+\.(toml|md|csv|xlsx|json)\b|\[\w+\]|\b[a-z]+(_[a-z0-9]+)+\b|\b[a-z]+=", " ",
                  text.replace(DEMO_LABEL, " "))
    words = set(re.findall(r"[A-Za-z][A-Za-z]+", text))
    return {w for w in words if w not in LATIN_ALLOWED | UPLOADER_WORDS | SCENARIO_WORDS and len(w) > 2}


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
CELLS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"] td')]
  .map(cell => cell.textContent)"""


def _context(browser, outside: list[str]):  # noqa: F811
    """A browser context at the first width that refuses (and records) every request leaving this machine."""
    context = browser.new_context(viewport={"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
    refuse_outside(context, outside)
    return context


def _wait_quietly(page, condition: str, arg: object = None) -> None:
    """Give a grid a moment to follow a resize or fill its accessible table; the check after it decides."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(condition, arg=arg, timeout=10_000)


def _check_view(page, url_path: str, lang: str, numbers: tuple[list[str], list[str]]) -> list[str]:
    """Problems of the page as the window shows it now."""
    _wait_quietly(page, """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
      .every(g => g.getBoundingClientRect().right <= window.innerWidth + 1)""")
    if numbers[1]:
        _wait_quietly(page, f"cells => cells.every(c => ({CELLS})().includes(c))", numbers[1])
    problems = [f"cut text: {text!r}" for text in page.evaluate(CUT_TEXT)]
    problems += page.evaluate(LAYOUT_PROBLEMS)
    main = page.locator('[data-testid="stMain"]')
    if main.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count():
        problems.append("an error box: " + main.locator('[data-testid="stException"], '
                                                        '[data-testid="stAlertContentError"]').first.inner_text()[:200])
    if page.get_by_text(DEMO_LABEL).count() == 0:
        problems.append("no demo label")
    if main.locator('[data-testid="stIconMaterial"]', has_text=STATUS_ICON).count():
        problems.append("the status line stayed on screen after the run")
    if "Page not found" in page.inner_text("body"):
        problems.append("Streamlit's 'Page not found' box")
    texts, cells = numbers
    shown, held = main.inner_text(), set(page.evaluate(CELLS))
    problems += [f"number {number!r} not shown" for number in texts if number not in shown]
    problems += [f"table cell {cell!r} not in a table" for cell in cells if cell not in held]
    if lang == "zh" and url_path not in RECORD_PAGES and (stray := _stray_english(page.evaluate(MAIN_TEXT))):
        problems.append(f"English in the Chinese page: {sorted(stray)}")
    return [f"{url_path} {lang} {page.viewport_size['width']}: {problem}" for problem in problems]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_holds_up_at_projector_and_laptop_widths(server, browser, demo_db, lang):  # noqa: F811
    assert len(URL_PATHS) >= 16
    with duckdb.connect(str(demo_db), read_only=True) as cur:
        numbers = {path: RIGHT_NUMBERS[path](cur, lang) for path in RIGHT_NUMBERS}
    outside: list[str] = []
    context = _context(browser, outside)
    page = context.new_page()
    problems: list[str] = []
    started = time.monotonic()
    try:
        for url_path in WALKED:
            opened = time.monotonic()
            page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
            page.goto(_url(server, url_path, lang), timeout=120_000)  # a loaded machine loads slowly
            _settle(page)
            first_view = time.monotonic() - opened
            for width, height in WIDTHS:
                if page.viewport_size["width"] != width:
                    page.set_viewport_size({"width": width, "height": height})
                    page.wait_for_timeout(400)  # plotly redraws on its container's resize
                    _settle(page)
                problems += _check_view(page, url_path, lang, numbers.get(url_path, ([], [])))
                print(f"screenshot: {_shot(page, f'{url_path}-{lang}-{width}', width, height)}")
            print(f"{url_path} {lang}: first view {first_view:.1f} s, all widths {time.monotonic() - opened:.1f} s")
    finally:
        context.close()
    print(f"walk {lang}: {len(WALKED)} pages × {len(WIDTHS)} widths in {time.monotonic() - started:.0f} s")
    print("\n".join(["problems:", *problems]))
    assert outside == []
    assert problems == []


def _title(page) -> str:
    return page.locator("h1").first.inner_text()


def _after(page, action: Callable[[], object]) -> str:
    """Do `action` (a click, Back) and wait until the page shows another title and has settled."""
    before = _title(page)
    action()
    page.wait_for_function("t => document.querySelector('h1') && document.querySelector('h1').innerText !== t",
                           arg=before, timeout=60_000)
    _settle(page)
    return _title(page)


def _pick_first_row(page) -> None:
    """Select the first row of the first table (its row marker; the grid draws on a canvas)."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)


def test_back_steps_up_the_drilldown_and_the_breadcrumb_is_a_row_of_links(server, browser):  # noqa: F811
    """Province → city → county → township by table rows; Back steps back one level at a time, and the
    sidebar follows; a breadcrumb level is a history entry too."""
    outside: list[str] = []
    context = _context(browser, outside)
    page = context.new_page()
    try:
        page.goto(_url(server, "explore", "zh"))
        _settle(page)
        titles = [_title(page)]
        for _ in range(3):
            titles.append(_after(page, lambda: _pick_first_row(page)))
        assert len(set(titles)) == 4 and "township=" in page.url
        crumb = page.locator(".st-key-drill-breadcrumb button").first
        style = crumb.locator("p").evaluate("p => [getComputedStyle(p).fontSize, getComputedStyle(p).color]")
        assert float(style[0].removesuffix("px")) >= 17 and style[1] == "rgb(42, 111, 176)"  # larger, in blue
        _shot(page, "drilldown-township-zh-1024", 1024, 768)
        province = page.locator(".st-key-drill-breadcrumb button", has_text="甘肃省")
        assert _after(page, province.click) == titles[0]  # up by the breadcrumb: one history entry
        assert _after(page, page.go_back) == titles[-1] and "township=" in page.url
        for expected in reversed(titles[:-1]):  # and Back climbs one level at a time
            assert _after(page, page.go_back) == expected
        assert "township=" not in page.url and f"region={PROVINCE}" in page.url
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert titles[1].split(" · ")[0] not in sidebar  # the sidebar's city went back to 全部 too
    finally:
        context.close()
    assert outside == []
