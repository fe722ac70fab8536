"""What the real-browser walks share: opening a view, waiting for Streamlit to settle, and checking what a leader
would find wrong at projector and laptop widths (cut text, chart text outside its figure or under a legend, maps
wider than their place, an error box, no demo label, stray English in the Chinese UI, numbers not shown).

Used by tests/test_browser_pages.py (every page's first view) and tests/test_browser_views.py (views further in).
"""
from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Callable

from analysis.config import PROJECT_ROOT
from pages._common import STATUS_ICON
from tests.test_browser import refuse_outside

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "screens"
# Opened at the narrowest, then widened: a grid that was drawn wide does not shrink with the window (Streamlit).
WIDTHS = ((1024, 768), (1366, 768), (1920, 1080))
PROVINCE, YEAR = "620000", 2024
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
    if (plot.querySelector('path.choroplethlocation')) {
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
# Text cut by its box: a visible element outside charts holding a short text, whose box clips it (an ellipsis
# or hidden overflow) while the text is wider, or which runs past the right edge of the window.
CUT_TEXT = """() => [...document.querySelectorAll('[data-testid="stMain"] *')].filter(e => {
  const text = e.innerText || '';
  if (!text.trim() || text.length > 120 || e.offsetParent === null || e.closest('.js-plotly-plot, svg')) return false;
  const style = getComputedStyle(e), box = e.getBoundingClientRect();
  const clipped = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
  return (clipped && e.scrollWidth > e.clientWidth + 1) || (box.width > 0 && box.right > window.innerWidth + 1);
}).map(e => e.innerText)"""


def settle(page) -> None:
    """Until the page has its title and Streamlit has stopped running (and charts have drawn)."""
    page.wait_for_selector("h1", timeout=120_000)
    page.wait_for_function(SETTLED, timeout=120_000)
    page.wait_for_timeout(300)
    page.wait_for_function(SETTLED, timeout=120_000)


def url(server: str, path: str, lang: str, **extra: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"lang": lang, "region": PROVINCE, "year": YEAR, **extra}.items())
    return f"{server}/{'' if path == 'home' else path}?{query}"


def shot(page, name: str, width: int, height: int) -> str:
    """The whole main area: the window is made as tall as the page for the picture, then restored."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tall = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, tall)})
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": height})
    return str(path.relative_to(PROJECT_ROOT))


def stray_english(text: str) -> set[str]:
    """Latin words left after file paths, [sections] and snake_case keys of the parameter files and link
    parameters (named as they are written), the demo label and the allowed words."""
    text = re.sub(r"[\w./-]+\.(toml|md|csv|xlsx|json)\b|\[\w+\]|\b[a-z]+(_[a-z0-9]+)+\b|\b[a-z]+=", " ",
                  text.replace(DEMO_LABEL, " "))
    words = set(re.findall(r"[A-Za-z][A-Za-z]+", text))
    return {w for w in words if w not in LATIN_ALLOWED | UPLOADER_WORDS | SCENARIO_WORDS and len(w) > 2}


CELLS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"] td')]
  .map(cell => cell.textContent)"""


def open_context(browser, outside: list[str]):
    """A browser context at the first width that refuses (and records) every request leaving this machine."""
    context = browser.new_context(viewport={"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
    refuse_outside(context, outside)
    return context


def wait_quietly(page, condition: str, arg: object = None) -> None:
    """Give a grid a moment to follow a resize or fill its accessible table; the check after it decides."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(condition, arg=arg, timeout=10_000)


def check_view(page, url_path: str, lang: str, numbers: tuple[list[str], list[str]]) -> list[str]:
    """Problems of the page as the window shows it now."""
    wait_quietly(page, """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
      .every(g => g.getBoundingClientRect().right <= window.innerWidth + 1)""")
    if numbers[1]:
        wait_quietly(page, f"cells => cells.every(c => ({CELLS})().includes(c))", numbers[1])
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
    if lang == "zh" and url_path not in RECORD_PAGES and (stray := stray_english(page.evaluate(MAIN_TEXT))):
        problems.append(f"English in the Chinese page: {sorted(stray)}")
    return [f"{url_path} {lang} {page.viewport_size['width']}: {problem}" for problem in problems]


def title(page) -> str:
    return page.locator("h1").first.inner_text()


def after(page, action: Callable[[], object]) -> str:
    """Do `action` (a click, Back) and wait until the page shows another title and has settled."""
    before = title(page)
    action()
    page.wait_for_function("t => document.querySelector('h1') && document.querySelector('h1').innerText !== t",
                           arg=before, timeout=60_000)
    settle(page)
    return title(page)


def pick_row(page, row: int = 0) -> None:
    """Select a row (from 0) of the first table by its row marker (the grid draws on a canvas; rows 35 px)."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17 + 35 * row)


def check_at_every_width(page, url_path: str, lang: str, numbers: tuple[list[str], list[str]], name: str,
                         *more: str) -> list[str]:
    """Problems of the view at each of WIDTHS, widened from the narrowest it was opened at, with `more` checks
    (scripts returning problem lines); a screenshot of each (test-artifacts/screens/<name>-<lang>-<width>.png)."""
    problems: list[str] = []
    for width, height in WIDTHS:
        if page.viewport_size["width"] != width:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(400)  # plotly redraws on its container's resize
            settle(page)
        problems += check_view(page, url_path, lang, numbers)
        problems += [f"{url_path} {lang} {width}: {problem}" for check in more for problem in page.evaluate(check)]
        print(f"screenshot: {shot(page, f'{name}-{lang}-{width}', width, height)}")
    return problems
