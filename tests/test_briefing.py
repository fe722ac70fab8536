"""Briefings: the Word and PowerPoint files open, hold the charts, tables and the CLI's numbers; the page builds them."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import duckdb
import pytest
from docx import Document
from pptx import Presentation

from analysis import briefing, export, formatting
from analysis.briefing.narrative import region_label
from analysis.briefing.sections import section_functions
from analysis.config import PROJECT_ROOT
from analysis.i18n import t
from tests.test_export import require_export

APP = str(PROJECT_ROOT / "app.py")
PROVINCE = "620000"
CHARTS = ["riskmap", "sources", "monitored", "employment", "floods", "screening", "credibility-reasons"]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env=os.environ | {"PYTHONPATH": str(PROJECT_ROOT)}, check=False)


@pytest.fixture(scope="module")
def year(demo_db) -> int:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        return con.execute("SELECT max(year) FROM income").fetchone()[0]


@pytest.fixture(scope="module")
def summary(demo_db, year) -> dict:
    """What `python -m analysis summary --json` prints for the province."""
    done = cli("summary", "--db", str(demo_db), "--region", PROVINCE, "--year", str(year), "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def built(demo_db, year):
    """The province's briefing in Chinese, and both files from one rendering of its charts."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        document = briefing.build_briefing(con, PROVINCE, year, "zh")
    return document, briefing.documents(document)


def docx_text(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_briefing_has_the_overview_and_price_sections(built):
    document, _ = built
    headings = [section.heading for section in document.sections]
    assert headings == [t(key, "zh") for key in ("brief_map_heading", "brief_income_heading",
                                                 "brief_monitoring_heading", "brief_counties_heading",
                                                 "brief_prices_heading", "brief_floods_heading",
                                                 "brief_screen_heading", "brief_dept_heading", "brief_cred_heading")]
    assert [chart.key for chart in document.charts] == CHARTS
    assert [table.key for table in document.tables] == ["counties", "prices"]
    assert document.synthetic and t("brief_caveat_synthetic", "zh") in document.caveats


def test_the_screening_paragraph_holds_the_screen_commands_counts(built, demo_db):
    from analysis import formatting, screening

    document, _ = built
    section = next(s for s in document.sections if s.heading == t("brief_screen_heading", "zh"))
    rules = screening.load_rules()
    with duckdb.connect(str(demo_db), read_only=True) as con:
        totals = screening.screening_totals(screening.screening_counts(con, document.region, document.year, rules),
                                            rules)
    assert totals.households_flagged > 0
    for number in (totals.households_flagged, totals.not_enrolled, totals.check_before_closing):
        assert formatting.count(number, "zh") in section.paragraphs[0]


def test_the_flood_paragraph_holds_the_flood_effect_commands_estimate(built, demo_db):
    from analysis import formatting
    from analysis.floods.estimate import flood_effect

    document, _ = built
    section = next(s for s in document.sections if s.heading == t("brief_floods_heading", "zh"))
    with duckdb.connect(str(demo_db), read_only=True) as con:
        row = flood_effect(con, document.region).term("flood")
    assert row["ci_low"] < row["effect"] < row["ci_high"] < 0
    for value in (row["effect"], row["ci_low"], row["ci_high"]):
        assert formatting.signed_percent(value) in section.paragraphs[0]


def test_sections_come_from_functions_in_document_order():
    names = [function.__name__ for function in section_functions()]
    assert names[:4] == ["map_section", "income_section", "monitoring_section", "counties_section"]
    assert names.index("prices_section") > names.index("counties_section")


def test_word_file_opens_with_charts_tables_and_the_cli_numbers(built, summary):
    require_export()
    document, files = built
    word = Document(io.BytesIO(files["docx"]))
    assert len(word.inline_shapes) == len(document.charts) == len(CHARTS)
    assert len(word.tables) == 1 + len(document.tables)  # key figures + section tables
    text = docx_text(word)
    assert document.title in text and t("brief_caveat_synthetic", "zh") in text
    for expected in (f"农户{formatting.count(summary['households'])}户", f"{formatting.count(summary['people'])}人",
                     formatting.yuan(summary["income_per_capita"]), formatting.yuan(summary["monitoring_line"]),
                     f"低于监测线的农户{formatting.count(summary['below_line_households'])}户",
                     f"{formatting.count(summary['near_line_households'])}户"):
        assert expected in text


def test_word_is_on_a4_with_official_margins_fonts_page_numbers_and_captions(built):
    """GB/T 9704: A4, 37/35/28/26 mm, 仿宋 16 pt body, 黑体 and 楷体 headings; figures within the text width."""
    from docx.shared import Pt

    from analysis.briefing.word import TEXT_WIDTH

    require_export()
    document, files = built
    word = Document(io.BytesIO(files["docx"]))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # twips round
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    fonts = {name: word.styles[name].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") for name in
        ("Normal", "Heading 1", "Heading 2")}
    assert fonts == {"Normal": "仿宋", "Heading 1": "黑体", "Heading 2": "楷体"}
    assert word.styles["Normal"].font.size == Pt(16)
    assert 'w:instr="PAGE"' in section.footer._element.xml
    assert all(shape.width <= TEXT_WIDTH for shape in word.inline_shapes)
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert len([c for c in captions if c.startswith("图")]) == len(CHARTS)
    assert captions.count(document.figure_source) == len(CHARTS)
    assert t("brief_demo_label", "zh") in document.figure_source and document.as_of in document.figure_source


def test_powerpoint_opens_on_the_map_and_the_counties_of_concern(built):
    require_export()
    document, files = built
    deck = Presentation(io.BytesIO(files["pptx"]))
    slides = list(deck.slides)[1:]
    assert len(slides) == len(document.slides) == len(CHARTS) + len(document.tables) + 1  # + key figures
    pictures = [sum(shape.shape_type == 13 for shape in slide.shapes) for slide in slides]  # 13: picture
    assert sum(pictures) == len(CHARTS) and max(pictures) == 1
    texts = [" ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame) for slide in slides]
    assert texts[0].startswith(t("brief_map_heading", "zh")) and pictures[0] == 1
    assert texts[1].startswith(t("brief_counties_heading", "zh")) and any(s.has_table for s in slides[1].shapes)
    for number, text in enumerate(texts, start=2):  # the data date, source and demo label, and the slide number
        assert document.figure_source in text and text.endswith(str(number))


def test_cli_writes_the_docx_with_progress_on_stderr(demo_db, year, summary, tmp_path):
    require_export()
    out = tmp_path / "briefing.docx"
    done = cli("report", "--db", str(demo_db), "--region", PROVINCE, "--year", str(year), "--out", str(out),
               "--lang", "en", "--json")
    assert done.returncode == 0, done.stderr
    assert "100.0%" in done.stderr and f"Rendering chart 1 of {len(CHARTS)}" in done.stderr
    report = json.loads(done.stdout)
    assert report["charts"] == len(CHARTS) and report["charts_exported"] is True
    word = Document(str(out))
    assert len(word.inline_shapes) == len(CHARTS)
    text = docx_text(word)
    assert f"{formatting.count(summary['households'], 'en')} households" in text
    assert formatting.yuan(summary["income_per_capita"], "en") in text


def test_cli_refuses_other_extensions_and_years_without_data(demo_db, tmp_path):
    done = cli("report", "--db", str(demo_db), "--region", PROVINCE, "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 2
    assert ".docx or .pptx" in done.stderr
    done = cli("report", "--db", str(demo_db), "--region", PROVINCE, "--year", "1990", "--out", str(tmp_path / "x.docx"))
    assert done.returncode == 2
    assert "no data for region 620000 in 1990" in done.stderr
    assert not (tmp_path / "x.docx").exists()


def test_without_a_browser_the_word_file_says_how_to_get_charts(built, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    export.browser_path.cache_clear()
    try:
        document, _ = built
        word = Document(io.BytesIO(briefing.documents(document, ("docx",))["docx"]))
    finally:
        monkeypatch.undo()
        export.browser_path.cache_clear()
    assert len(word.inline_shapes) == 0
    assert docx_text(word).count(export.INSTALL_HINT) == len(document.charts)


def test_a_county_briefing_has_no_counties_section(demo_db, year):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        county = con.execute("SELECT min(county_code) FROM income").fetchone()[0]
        document = briefing.build_briefing(con, county, year, "en")
    assert t("brief_counties_heading", "en") not in [section.heading for section in document.sections]
    assert document.sections


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_page_builds_both_files(demo_db, open_app, year, lang):
    require_export()
    at = open_app("pages/briefing.py", lang=lang, region=PROVINCE)
    assert [e.value for e in at.exception] == []
    with duckdb.connect(str(demo_db), read_only=True) as con:
        name = region_label(con, PROVINCE, lang)
    assert at.title[0].value == t("brief_page_title", lang, region=name, year=year)
    assert any(t("brief_income_heading", lang) in m.value for m in at.markdown)
    labels = [b.proto.label for b in at.get("download_button")]
    charts = labels.count(t("export_png", lang))  # every chart offers PNG, SVG and PDF
    assert charts == len(CHARTS) and labels.count(t("export_svg", lang)) == labels.count(t("export_pdf", lang)) == charts
    if lang == "en":
        return  # building once (in Chinese) is enough; English checks the page and preview
    at.button[0].click().run()
    assert [e.value for e in at.exception] == []
    assert [s.value for s in at.success if s.value.startswith(t("brief_ready", lang, seconds="")[:3])]
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("brief_download_docx", lang) in labels and t("brief_download_pptx", lang) in labels


def test_a_calm_market_keeps_its_price_table_and_says_what_it_left_out(demo_db, tmp_path):
    """No commodity to warn about: the deck still has its price slide, empty, with the line saying why (all normal)."""
    import shutil

    from analysis.briefing.model import Context
    from analysis.briefing.sections.prices import prices_section
    from analysis.prices.alerts import meeting_alerts
    from analysis.prices.labels import selection_note

    path = tmp_path / "calm.duckdb"
    shutil.copyfile(demo_db, path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE prices SET price = 10.0")  # flat prices: every score 0, every commodity normal
    with duckdb.connect(str(path), read_only=True) as con:
        section = prices_section(Context(con, PROVINCE, "甘肃省", 2024, "zh"))
        alerts = meeting_alerts(con, PROVINCE)
    (table,) = section.tables
    assert table.text.empty and list(table.text.columns)[0] == t("brief_commodity", "zh")
    assert table.note == selection_note(alerts, "zh") and "品种 0 个" in table.note and f"正常 {len(alerts)} 个" in table.note


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_section_past_the_memory_limit_is_left_out_and_named(demo_db, year, lang):
    """The audit run under a 1 MB DuckDB limit (a real out-of-memory error, as the national audit on a small
    server): the deck keeps every other section and names the page to open instead."""
    from analysis.credibility import run_audit

    def fetch(function, *args):
        if function is not run_audit:
            return function(con, *args)
        con.execute("SET memory_limit = '1MB'")
        try:
            return function(con, *args)
        finally:
            con.execute("RESET memory_limit")

    with duckdb.connect(str(demo_db), read_only=True) as con:
        whole = briefing.build_briefing(con, PROVINCE, year, lang)
        short = briefing.build_briefing(con, PROVINCE, year, lang, fetch=fetch)
    headings = [section.heading for section in whole.sections]
    assert t("brief_cred_heading", lang) in headings
    kept = [heading for heading in headings if heading != t("brief_cred_heading", lang)]
    assert [section.heading for section in short.sections] == kept
    assert short.caveats[-1] == t("brief_caveat_left_out", lang, pages=t("cred_page", lang))
    assert not any(t("cred_page", lang) in caveat for caveat in whole.caveats)
