"""The briefing as a Word document (.docx): title block, key figures, numbered sections, charts, tables."""
from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from analysis import export
from analysis.briefing.model import Briefing, Table
from analysis.i18n import t
from analysis.tables import assert_no_personal_data

ZH_NUMERALS = "一二三四五六七八九十"
BODY_FONT, HEADING_FONT = "宋体", "黑体"  # the usual pair of Chinese government documents
IMAGE_WIDTH = Cm(16)
WARNING = RGBColor(0xB0, 0x2A, 0x2A)


def _east_asian_font(style, name: str) -> None:
    """Word picks Chinese glyphs from the eastAsia font, which python-docx does not set by itself."""
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    _east_asian_font(normal, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        _east_asian_font(document.styles[name], HEADING_FONT)


def heading_number(position: int, lang: str) -> str:
    """"一、" in Chinese documents, "1." in English."""
    return f"{ZH_NUMERALS[position - 1]}、" if lang == "zh" and position <= len(ZH_NUMERALS) else f"{position}. "


def _table(document, table: Table) -> None:
    assert_no_personal_data(table.text)
    document.add_paragraph(table.title, style="Heading 2")
    grid = document.add_table(rows=1, cols=len(table.text.columns), style="Table Grid")
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, column in zip(grid.rows[0].cells, table.text.columns, strict=True):
        cell.text = str(column)
        cell.paragraphs[0].runs[0].bold = True
    for row in table.text.itertuples(index=False):
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = str(value)


def to_docx(briefing: Briefing, images: dict[str, bytes], *, today: date | None = None) -> bytes:
    """The Word file; a chart without an image (no export browser) becomes a one-line note."""
    lang = briefing.lang
    document = Document()
    _styles(document)
    document.add_heading(briefing.title, level=0)
    document.add_paragraph(t("brief_date", lang, date=(today or date.today()).isoformat()))
    document.add_paragraph(briefing.source)
    for caveat in briefing.caveats:
        run = document.add_paragraph().add_run(caveat)
        run.bold = briefing.synthetic
        run.font.color.rgb = WARNING
    document.add_heading(t("brief_key_figures", lang), level=1)
    grid = document.add_table(rows=0, cols=2, style="Table Grid")
    for figure in briefing.key_figures:
        label, value = grid.add_row().cells
        label.text, value.text = figure.label, figure.text(lang)
    for position, section in enumerate(briefing.sections, start=1):
        document.add_heading(heading_number(position, lang) + section.heading, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph).paragraph_format.first_line_indent = Pt(24) if lang == "zh" else None
        for chart in section.charts:
            if chart.key in images:
                document.add_picture(io.BytesIO(images[chart.key]), width=IMAGE_WIDTH)
            else:
                document.add_paragraph(t("brief_chart_missing", lang, reason=export.INSTALL_HINT))
        for table in section.tables:
            _table(document, table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
