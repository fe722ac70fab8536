"""The numbers a leader quotes are the same on the page, in the deck and in the Word report (issue 16).

For the risk map, screening, prices (alert level words), floods, employment and presentation mode's slides, each
headline figure is computed here from the analysis function behind it and written by analysis.formatting. It
must read the same (a) on the page in a real browser (metric cards, table cells, presentation slides), and
(b) in the briefing's Word report (python-docx text, in the section that tells it) and, where the deck carries
it as text rather than inside a chart picture, in the deck (python-pptx text, on the slide of that section).
A figure found differently anywhere fails the test with what each place shows.

The documents are written by the briefing's own writers without chart pictures (their text is the same;
tests/test_deck_render.py renders the pictures). One server on the demo world, one Chromium.
"""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd
import pytest
from docx import Document
from pptx import Presentation

from analysis import formatting, overview, riskmap, screening
from analysis.briefing import build_briefing
from analysis.briefing import slides as deck_layout
from analysis.briefing.slides import to_pptx
from analysis.briefing.word import to_docx
from analysis.figures import maps as map_figures
from analysis.floods.estimate import flood_effect
from analysis.i18n import region_name, t
from analysis.prices.alerts import meeting_alerts
from analysis.prices.labels import band_name, commodity_name, selection_note
from analysis.selection import regions_with_data
from tests.test_browser import browser, chromium, refuse_outside, server  # noqa: F401 - fixtures: one server for this module

PROVINCE = "620000"
LANGS = ("zh", "en")
TOP = 3  # counties and commodities checked per table: those a leader names
RUNNING = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
PAGE_LIMIT = 600_000  # ms for a page to draw: a bound, not a measurement (a cold briefing or flood model took > 300 s at load 40)
# Metric cards: label -> (value, the grey note under it); every table of the main area as rows of cell texts
# (Streamlit's grid keeps an accessible table of its visible rows beside its canvas, pinned columns first).
READ_PAGE = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const metrics = Object.fromEntries([...main.querySelectorAll('[data-testid="stMetric"]')].map(m => [
    m.querySelector('[data-testid="stMetricLabel"]').innerText.split('\\n')[0].trim(),
    [m.querySelector('[data-testid="stMetricValue"]').innerText.trim(),
     ((m.querySelector('[data-testid="stMetricDelta"]') || {}).innerText || '').trim()]]));
  const tables = [...main.querySelectorAll('table')].map(table => [...table.querySelectorAll('tr')]
    .map(row => [...row.querySelectorAll('th, td')].map(cell => cell.textContent.trim())));
  return {metrics, tables, text: main.innerText};
}"""


@dataclass(frozen=True)
class Shown:
    """Where the page shows a figure: a metric card's value or note, or a table cell (row by its first cell)."""
    label: str
    part: str = "value"  # "value", "note" (contains) or a table column's header
    cell: Callable[[str], str] = str  # a grid cell holds the value before its column's printf: apply it

    def read(self, page: dict) -> str | None:
        if self.part in ("value", "note"):
            value, note = page["metrics"].get(self.label, (None, None))
            return value if self.part == "value" else note
        for rows in page["tables"]:
            header = next((row for row in rows if self.part in row), None)
            row = next((row for row in rows if row and row[0] == self.label), None)
            if header and row and len(row) == len(header):
                return self.cell(row[header.index(self.part)])
        return None


@dataclass(frozen=True)
class Quote:
    """One figure as analysis.formatting writes it, where the page shows it, and the section of the Word
    report (and slide of the deck, None where the deck has it only in a picture) that must say it too."""
    what: str
    text: str
    shown: Shown
    section: str
    slide: str | None = None
    anchor: str | None = None  # the document line must hold this too (a table row's first cell)

    def on_page(self, page: dict) -> str | None:
        """None when the page agrees, else what it shows."""
        value = self.shown.read(page)
        ok = value is not None and (self.text in value if self.shown.part == "note" else value == self.text)
        return None if ok else f"page shows {value!r}"


def _printf(format_: str, suffix: str = "") -> Callable[[str], str]:
    return lambda cell: (format_ % float(cell)) + suffix


def risk_map(cur, lang: str, year: int) -> list[Quote]:
    """The counties with the largest share below the line: the map's table, the map and counties sections."""
    frame = riskmap.ranked(riskmap.units_from_counties(riskmap.class_basis(cur, year), regions_with_data(cur),
                                                       PROVINCE, "county"), "below_share")
    metric = t(map_figures.METRIC_LABELS["below_share"], lang)
    column = f"{metric} ({t(map_figures.UNIT_LABELS[riskmap.METRICS['below_share'].kind], lang)})"
    top = frame[frame["value"].notna()].sort_values(["rank", "code"]).head(TOP)
    quotes = []
    for zh, en, value in zip(top["name"], top["name_en"], top["value"], strict=True):
        name = region_name(zh, en, lang)
        quotes.append(Quote(f"{name}: {metric}", formatting.percent(value),
                            Shown(name, column, _printf("%.1f", "%")), t("brief_map_heading", lang),
                            t("brief_counties_heading", lang), anchor=name))
    return quotes


def screening_page(cur, lang: str, year: int) -> list[Quote]:
    rules = screening.load_rules()
    totals = screening.screening_totals(screening.screening_counts(cur, PROVINCE, year, rules), rules)
    section = t("brief_screen_heading", lang)
    flagged = t("screen_flagged", lang)
    return [
        Quote("flagged", formatting.count(totals.households_flagged, lang), Shown(flagged), section),
        Quote("flagged share", formatting.percent(totals.households_flagged / totals.households),
              Shown(flagged, "note"), section),
        Quote("not enrolled", formatting.count(totals.not_enrolled, lang), Shown(t("screen_not_enrolled", lang)),
              section),
        Quote("check before closing", formatting.count(totals.check_before_closing, lang),
              Shown(t("screen_check", lang)), section),
    ]


def told(cur) -> pd.DataFrame:
    """The commodities a meeting is told about (analysis.prices.alerts.meeting_alerts), worst first."""
    alerts = meeting_alerts(cur, PROVINCE)
    return alerts[alerts["told"]]


def _price_quotes(cur, lang: str, column: str, band_cell: Callable[[str], str]) -> list[Quote]:
    """The alert level word and the change on a year of the worst commodities in stress."""
    stress = told(cur).head(TOP)
    section = t("brief_prices_heading", lang)
    quotes = []
    for commodity, band in zip(stress["commodity"], stress["band"], strict=True):
        name = commodity_name(commodity, lang)
        quotes.append(Quote(f"{name}: alert level", band_name(band, lang), Shown(name, column, band_cell), section,
                            section, anchor=name))
    return quotes


def prices_page(cur, lang: str, year: int) -> list[Quote]:
    quotes = _price_quotes(cur, lang, t("price_band", lang), str)
    stress = told(cur).head(TOP)
    for commodity, change in zip(stress["commodity"], stress["change_12m"], strict=True):
        name = commodity_name(commodity, lang)
        quotes.append(Quote(f"{name}: change on a year", formatting.signed_percent(change),
                            Shown(name, t("price_change_12m", lang)), t("brief_prices_heading", lang),
                            t("brief_prices_heading", lang), anchor=name))
    return quotes


def floods_page(cur, lang: str, year: int) -> list[Quote]:
    estimate = flood_effect(cur, PROVINCE)
    assert estimate.ok, estimate.status
    row = estimate.term("flood")
    label, section = t("flood_effect_metric", lang), t("brief_floods_heading", lang)
    return [Quote("flood-year effect", formatting.signed_percent(row["effect"]), Shown(label), section),
            Quote("interval, low end", formatting.signed_percent(row["ci_low"]), Shown(label, "note"), section),
            Quote("interval, high end", formatting.signed_percent(row["ci_high"]), Shown(label, "note"), section)]


def employment_page(cur, lang: str, year: int) -> list[Quote]:
    status = overview.employment_status(overview.employment_by_month(cur, PROVINCE, year))
    label, section = t("migrant_workers", lang), t("brief_monitoring_heading", lang)
    return [Quote("migrant workers", formatting.count(status.migrant_workers, lang), Shown(label), section),
            Quote("share of target", formatting.percent(status.target_share), Shown(label, "note"), section)]


def key_figures_slide(cur, lang: str, year: int) -> list[Quote]:
    """Presentation mode's key figures: overview.headline as the overview's cards write it."""
    summary = overview.headline(cur, PROVINCE, year).summary
    section = t("brief_key_figures", lang)
    figures = (("households", formatting.count(summary.households, lang)),
               ("people", formatting.count(summary.people, lang)),
               ("income_per_capita", formatting.yuan(summary.income_per_capita, lang)),
               ("monitoring_line", formatting.yuan(summary.monitoring_line, lang)),
               ("below_line", formatting.count(summary.below_line_households, lang)),
               ("near_line", formatting.count(summary.near_line_households, lang)))
    return [Quote(key, text, Shown(t(key, lang)), section, section, anchor=t(key, lang)) for key, text in figures]


def counties_slide(cur, lang: str, year: int) -> list[Quote]:
    """Presentation mode's counties of concern: the share below the line of the first counties."""
    at_risk = overview.counties_at_risk(cur, PROVINCE, year).head(TOP)
    section, column = t("brief_counties_heading", lang), t("below_share", lang)
    return [Quote(f"{region_name(zh, en, lang)}: share below", formatting.percent(share),
                  Shown(region_name(zh, en, lang), column), section, section, anchor=region_name(zh, en, lang))
            for zh, en, share in zip(at_risk["name"], at_risk["name_en"], at_risk["below_share"], strict=True)]


def prices_slide(cur, lang: str, year: int) -> list[Quote]:
    """Presentation mode's price table: its level cell says the level word, then the direction."""
    return _price_quotes(cur, lang, t("brief_alert_level", lang), lambda cell: cell.split(" ")[0])


CARDS, TABLE = '[data-testid="stMetricValue"]', "table td"  # what a page has drawn when its figures are there
# page -> (link path and extra query, what shows it has drawn, quotes); presentation mode's slides by their key.
PAGES: dict[str, tuple[str, str, Callable]] = {
    "risk map": ("map", TABLE, risk_map),
    "screening": ("screen", CARDS, screening_page),
    "prices": ("livestock-prices", TABLE, prices_page),
    "floods": ("floods", CARDS, floods_page),
    "employment": ("jobs", CARDS, employment_page),
    "meeting: key figures": ("meeting?present=1&slide=key-figures", CARDS, key_figures_slide),
    "meeting: counties": ("meeting?present=1&slide=counties", TABLE, counties_slide),
    "meeting: prices": ("meeting?present=1&slide=prices", TABLE, prices_slide),
}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _heading(text: str) -> str:
    """A Word heading without its number ("一、", "2. ")."""
    return re.sub(r"^(?:[一二三四五六七八九十]+、|\d+\.\s*)", "", text).strip()


def word_sections(data: bytes) -> dict[str, list[str]]:
    """Level-1 heading -> the lines under it: paragraphs, and table rows as "cell | cell"."""
    document = Document(io.BytesIO(data))
    sections: dict[str, list[str]] = {}
    lines = sections.setdefault("", [])
    paragraphs = {p._p: p for p in document.paragraphs}
    tables = {table._tbl: table for table in document.tables}
    for element in document.element.body.iterchildren():
        if element in paragraphs:
            paragraph = paragraphs[element]
            if paragraph.style.name == "Heading 1":
                lines = sections.setdefault(_heading(paragraph.text), [])
            else:
                lines.append(_flat(paragraph.text))
        elif element in tables:
            lines += [" | ".join(_flat(cell.text) for cell in row.cells) for row in tables[element].rows]
    return sections


def deck_slides(data: bytes) -> dict[str, list[str]]:
    """Slide title (the text box at the title's place) -> the lines on its slides: text boxes, and table rows
    as "cell | cell"."""
    slides: dict[str, list[str]] = {}
    for slide in Presentation(io.BytesIO(data)).slides:
        texts = [shape for shape in slide.shapes if shape.has_text_frame]
        title = next((shape for shape in texts if shape.top == deck_layout.TITLE_TOP), None)
        lines = slides.setdefault(_flat(title.text_frame.text) if title is not None else "", [])
        lines += [_flat(shape.text_frame.text) for shape in texts if shape is not title]
        for shape in slide.shapes:
            if shape.has_table:
                lines += [" | ".join(_flat(cell.text) for cell in row.cells) for row in shape.table.rows]
    return slides


def _cell_says(cell: str, text: str) -> bool:
    """A cell holding the figure, alone or followed by words (a key figure's change, a level's direction)."""
    return cell == text or (cell.startswith(text) and not re.match(r"[\d.,%]", cell[len(text)]))


def _says(lines: list[str] | None, quote: Quote) -> bool:
    """Some line says the figure: a table row by its first cell, or a paragraph naming the anchor."""
    if lines is None:
        return False
    rows = [line.split(" | ") for line in lines if " | " in line]
    paragraphs = [line for line in lines if " | " not in line]
    if quote.anchor is not None and any(row[0] == quote.anchor and any(_cell_says(c, quote.text) for c in row[1:])
                                        for row in rows):
        return True
    near = re.escape(quote.anchor or "") + (r"\W{0,3}" if quote.anchor else "") + re.escape(quote.text)
    return any(re.search(near, line) for line in paragraphs)  # "麦积区（15.8%）": the figure right after its name


def in_documents(quote: Quote, word: dict, deck: dict) -> list[str]:
    problems = []
    if not _says(word.get(quote.section), quote):
        problems.append(f"Word section {quote.section!r} does not say it: {word.get(quote.section)}")
    if quote.slide is not None and not _says(deck.get(quote.slide), quote):
        problems.append(f"deck slide {quote.slide!r} does not say it: {deck.get(quote.slide)}")
    return problems


@pytest.fixture(scope="module")
def sources(demo_db) -> dict:
    """Per language: the year, the quotes of every page, the Word sections and deck slides, the slide numbers."""
    out = {}
    with duckdb.connect(str(demo_db), read_only=True) as cur:
        year = cur.execute("SELECT max(year) FROM income").fetchone()[0]
        for lang in LANGS:
            briefing = build_briefing(cur, PROVINCE, year, lang)
            numbers = {slide.key: number for number, slide in enumerate(briefing.slides, start=1)}
            out[lang] = {"year": year, "numbers": numbers,
                         "quotes": {page: make(cur, lang, year) for page, (*_, make) in PAGES.items()},
                         "word": word_sections(to_docx(briefing, {})), "deck": deck_slides(to_pptx(briefing, {})),
                         "alerts": meeting_alerts(cur, PROVINCE)}
    return out


def _link(server: str, path: str, lang: str, year: int, numbers: dict[str, int]) -> str:  # noqa: F811
    path, _, extra = path.partition("?")
    extra = re.sub(r"slide=([\w-]+)", lambda m: f"slide={numbers[m.group(1)]}", extra)
    return f"{server}/{path}?lang={lang}&region={PROVINCE}&year={year}" + (f"&{extra}" if extra else "")


# Pages whose quoted figures are in a tab that is not open at first (its content runs only when opened).
TABS = {"floods": "flood_tab_impact"}


def _read(page, url: str, ready: str, tab: str | None = None) -> dict:
    """The page's cards and tables once it has drawn them and Streamlit has stopped running (a slide redraws
    once when the window's height arrives; a spinner of the page's other data may still turn: not waited for).
    `tab`: the label of a tab to open first."""
    page.goto(url)
    if tab:
        page.get_by_role("tab", name=tab).click(timeout=PAGE_LIMIT)
    page.wait_for_selector(f'[data-testid="stMain"] {ready}', state="attached", timeout=PAGE_LIMIT)  # grid cells: hidden
    for _ in range(2):
        page.wait_for_function(RUNNING, timeout=PAGE_LIMIT)
        page.wait_for_timeout(800)
    return page.evaluate(READ_PAGE)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(PAGES))
def test_headline_figures_read_the_same_on_the_page_in_the_deck_and_in_word(server, browser, sources, name,  # noqa: F811
                                                                            lang):
    source = sources[lang]
    quotes = source["quotes"][name]
    assert quotes, f"{name}: nothing to compare"
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    refuse_outside(context, outside)
    try:
        path, ready, _ = PAGES[name]
        shown = _read(context.new_page(), _link(server, path, lang, source["year"], source["numbers"]), ready,
                      t(TABS[name], lang) if name in TABS else None)
    finally:
        context.close()
    problems = []
    for quote in quotes:
        found = [p for p in [quote.on_page(shown)] if p] + in_documents(quote, source["word"], source["deck"])
        problems += [f"{name} {lang} {quote.what} = {quote.text!r}: {problem}" for problem in found]
    assert outside == []
    assert problems == [], "\n".join(problems)


def named_in_tables(lines: list[str], header: str) -> list[str]:
    """The first cells of the rows of the table whose header row starts with `header` ("品种 | 月份 | …")."""
    rows = [line.split(" | ") for line in lines if " | " in line]
    start = next((i for i, row in enumerate(rows) if row[0] == header), None)
    if start is None:
        return []
    named = []
    for row in rows[start + 1:]:
        if row[0] == header or len(row) != len(rows[start]):
            break
        named.append(row[0])
    return named


@pytest.mark.parametrize("lang", LANGS)
def test_the_prices_page_the_deck_and_word_name_the_same_commodities(server, browser, sources, lang):  # noqa: F811
    """Not only the level words: the same commodities, in the same order, and the same line saying which are
    left out (analysis.prices.alerts.meeting_alerts decides for all three)."""
    source = sources[lang]
    alerts = source["alerts"]
    expected = [commodity_name(c, lang) for c in alerts.loc[alerts["told"], "commodity"]]
    left_out = [commodity_name(c, lang) for c in alerts.loc[~alerts["told"], "commodity"]]
    note = selection_note(alerts, lang)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    outside: list[str] = []
    refuse_outside(context, outside)
    try:
        path, ready, _ = PAGES["prices"]
        shown = _read(context.new_page(), _link(server, path, lang, source["year"], source["numbers"]), ready)
    finally:
        context.close()
    page_table = next((rows for rows in shown["tables"] if rows and t("price_band", lang) in rows[0]), [])
    section = t("brief_prices_heading", lang)
    named = {"page": [row[0] for row in page_table[1:]],
             "word": named_in_tables(source["word"].get(section, []), t("brief_commodity", lang)),
             "deck": named_in_tables(source["deck"].get(section, []), t("brief_commodity", lang))}
    assert expected and left_out, "the demo should both list and leave out commodities, or this compares little"
    assert named == {"page": expected, "word": expected, "deck": expected}
    said = {"page": note in _flat(shown["text"]), "word": note in source["word"].get(section, []),
            "deck": note in source["deck"].get(section, [])}
    assert said == {"page": True, "word": True, "deck": True}, note
    assert outside == []
