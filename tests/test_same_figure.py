"""One figure, every path: a county's per-capita income and a commodity's alert level read the same on the
overview page, in the briefing preview, in Excel, in CSV, in the Word report and on the slides."""
from __future__ import annotations

import io
import re
import zipfile

import duckdb
import pandas as pd
import pytest
from docx import Document
from pptx import Presentation

from analysis import briefing, formatting, tables
from analysis.briefing.slides import to_pptx
from analysis.briefing.word import to_docx
from analysis.glossary import term
from analysis.i18n import t

PROVINCE = "620000"


@pytest.fixture(scope="module")
def report(demo_db) -> briefing.Briefing:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        year = con.execute("SELECT max(year) FROM income").fetchone()[0]
        return briefing.build_briefing(con, PROVINCE, year, "zh")


def _table(document: briefing.Briefing, key: str) -> briefing.Table:
    return next(table for table in document.tables if table.key == key)


def _docx_cells(data: bytes) -> list[list[str]]:
    word = Document(io.BytesIO(data))
    return [[cell.text for cell in row.cells] for table in word.tables for row in table.rows]


def _pptx_cells(data: bytes) -> list[list[str]]:
    deck = Presentation(io.BytesIO(data))
    return [[cell.text for cell in row.cells] for slide in deck.slides for shape in slide.shapes
            if shape.has_table for row in shape.table.rows]


def _excel_formats(data: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return set(re.findall(r'formatCode="([^"]+)"', book.read("xl/styles.xml").decode()))


def test_a_countys_income_reads_the_same_everywhere(report, open_app):
    counties = _table(report, "counties")
    name_column, income_column = t("county_name", "zh"), t("income_per_capita", "zh")
    row = 0
    county, expected = counties.text[name_column][row], counties.text[income_column][row]
    assert re.fullmatch(r"[\d,]+ 元", expected)
    number = int(expected.removesuffix(" 元").replace(",", ""))

    at = open_app(lang="zh", region=PROVINCE)  # the overview page's county table
    assert [e.value for e in at.exception] == []
    shown = next(frame.value for frame in at.dataframe if "county" in frame.value.columns)
    page_value = shown.set_index("county").loc[county, "income_per_capita"]
    assert page_value == number  # rounded half-up once, shown with "%,d 元"
    assert formatting.printf("yuan", "zh") == "%,d 元" and f"{int(page_value):,} 元" == expected

    preview = open_app("pages/briefing.py", lang="zh", region=PROVINCE)  # the briefing page's preview table
    frames = [frame.value for frame in preview.dataframe if name_column in frame.value.columns]
    assert any((frame[name_column] == county).any() and expected in set(frame[income_column]) for frame in frames)

    csv = pd.read_csv(io.BytesIO(tables.to_csv_bytes(counties.frame, counties.kinds)), encoding="utf-8-sig")
    assert csv[income_column][row] == number
    excel = tables.to_excel_bytes({"counties": counties.frame}, kinds=counties.kinds)
    sheet = pd.read_excel(io.BytesIO(excel), engine="calamine")
    assert round(float(sheet[income_column][row])) == number and "#,##0" in _excel_formats(excel)
    assert formatting.yuan(sheet[income_column][row]) == expected  # Excel shows #,##0 of the same value

    assert [county, expected] == [c for c in _docx_cells(to_docx(report, {})) if county in c][0][0:5:4]
    assert [county, expected] == [c for c in _pptx_cells(to_pptx(report, {})) if county in c][0][0:5:4]


def test_an_alert_level_reads_the_same_everywhere(report, open_app):
    alerts = _table(report, "prices")
    level_column = t("brief_alert_level", "zh")
    expected = alerts.text[level_column][0]
    assert expected.split()[0] in {term("alert_level", code, "zh") for code in ("normal", "stress", "alert", "crisis")}
    csv = pd.read_csv(io.BytesIO(tables.to_csv_bytes(alerts.frame, alerts.kinds)), encoding="utf-8-sig")
    assert csv[level_column][0] == expected
    assert any(expected in row for row in _docx_cells(to_docx(report, {})))
    assert any(expected in row for row in _pptx_cells(to_pptx(report, {})))

    at = open_app("pages/prices.py", lang="zh", region=PROVINCE)  # the prices page lists the same level
    assert [e.value for e in at.exception] == []
    page = next(frame.value for frame in at.dataframe if t("price_band", "zh") in frame.value.columns)
    commodity = alerts.text[t("brief_commodity", "zh")][0]
    listed = page.set_index(t("price_commodity", "zh"))
    level, direction = expected.split()
    assert listed.loc[commodity, t("price_band", "zh")] == level
    assert listed.loc[commodity, t("price_direction", "zh")] == direction
