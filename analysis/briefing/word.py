"""The briefing as a Word document (.docx) in the form of official documents (GB/T 9704-2012).

A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; body 仿宋 三号 (16 pt) on a 28 pt line;
level-1 headings 黑体, level-2 楷体, the title 小标宋 二号; page numbers "— 1 —" at the foot. Where a
reader lacks these fonts (Linux, LibreOffice), fontconfig substitutes an installed CJK font (Noto CJK).
Figures are as wide as the text (156 mm) and carry a numbered caption, the source and, for the demo, the
demo label.
"""
from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from analysis import export
from analysis.briefing.model import Briefing, Table
from analysis.i18n import t
from analysis.tables import assert_no_personal_data

ZH_NUMERALS = "一二三四五六七八九十"
BODY_FONT, HEADING_FONT, SUBHEADING_FONT, TITLE_FONT = "仿宋", "黑体", "楷体", "方正小标宋简体"
LATIN_FONT = "Times New Roman"
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH = Mm(210 - 28 - 26)  # 156 mm: no figure is wider
BODY_SIZE, TITLE_SIZE, CAPTION_SIZE, TABLE_SIZE = Pt(16), Pt(22), Pt(12), Pt(12)  # 三号, 二号, 小四
LINE = Pt(28)  # 22 lines a page
PRINT_WIDTH, PRINT_SCALE = 760, 3.0  # layout px across the 156 mm text: chart text ≈8 pt; 2,280 px ≈ 370 dpi
WARNING = RGBColor(0xB0, 0x2A, 0x2A)


THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _fonts(style, east_asian: str, size: Pt, *, bold: bool = False) -> None:
    """Word picks Chinese glyphs from the eastAsia font, which python-docx does not set by itself. The default
    template's title and headings name theme fonts, which win over named ones (in Word and LibreOffice alike):
    removed, so that 小标宋, 黑体 and 楷体 are asked for."""
    style.font.name, style.font.size, style.font.bold = LATIN_FONT, size, bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in THEME_FONTS:
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), east_asian)


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, length in MARGINS.items():
        setattr(section, f"{side}_margin", length)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(" —")
    for item in footer.runs:
        item.font.size = Pt(14)  # 四号


def _chinese(document) -> None:
    """Chinese as the East Asian language, so that a reader substituting a CJK font picks Chinese glyph forms."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for language in defaults.iter(qn("w:lang")):
        language.set(qn("w:eastAsia"), "zh-CN")


def _styles(document) -> None:
    _chinese(document)
    normal = document.styles["Normal"]
    _fonts(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE
    normal.paragraph_format.space_after = Pt(0)
    _fonts(document.styles["Title"], TITLE_FONT, TITLE_SIZE)
    _fonts(document.styles["Heading 1"], HEADING_FONT, BODY_SIZE)
    _fonts(document.styles["Heading 2"], SUBHEADING_FONT, BODY_SIZE)
    for name in ("Title", "Heading 1", "Heading 2"):
        style = document.styles[name]
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        style.paragraph_format.line_spacing = LINE if name != "Title" else Pt(36)
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(6), Pt(6)
    document.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_ppr = document.styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):  # the default template underlines titles
        title_ppr.remove(border)
    caption = document.styles["Caption"]
    _fonts(caption, BODY_FONT, CAPTION_SIZE)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.font.italic = False


def print_picture(figure) -> bytes:
    """The chart as a PNG for the page: laid out narrower than on screen, so that its text prints at ≈8 pt."""
    return export.figure_bytes(figure, "png", width=PRINT_WIDTH, scale=PRINT_SCALE)


def heading_number(position: int, lang: str) -> str:
    """"一、" in Chinese documents, "1." in English."""
    return f"{ZH_NUMERALS[position - 1]}、" if lang == "zh" and position <= len(ZH_NUMERALS) else f"{position}. "


def _cell_text(cell, text: str, *, bold: bool = False) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    run = paragraph.add_run(text)
    run.font.size, run.bold = TABLE_SIZE, bold


def _table(document, table: Table) -> None:
    assert_no_personal_data(table.text)
    document.add_paragraph(table.title, style="Heading 2")
    grid = document.add_table(rows=1, cols=len(table.text.columns), style="Table Grid")
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, column in zip(grid.rows[0].cells, table.text.columns, strict=True):
        _cell_text(cell, str(column), bold=True)
    repeat = OxmlElement("w:tblHeader")  # a table running onto the next page repeats its header there
    repeat.set(qn("w:val"), "true")
    grid.rows[0]._tr.get_or_add_trPr().append(repeat)
    for row in table.text.itertuples(index=False):
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            _cell_text(cell, str(value))
    if table.note:
        document.add_paragraph(table.note, style="Caption")


def _figure(document, briefing: Briefing, number: int, chart, image: bytes | None) -> None:
    if image is None:
        document.add_paragraph(t("brief_chart_missing", briefing.lang, reason=export.INSTALL_HINT))
        return
    picture = document.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    picture.paragraph_format.keep_with_next = True  # a figure, its caption and its source on one page
    inline = picture.add_run().add_picture(io.BytesIO(image), width=TEXT_WIDTH)._inline
    for side in ("distT", "distB", "distL", "distR"):  # LibreOffice adds 0.125 in each side when unset
        inline.set(side, "0")
    document.add_paragraph(briefing.caption(number, chart), style="Caption").paragraph_format.keep_with_next = True
    document.add_paragraph(briefing.figure_source, style="Caption")


def to_docx(briefing: Briefing, images: dict[str, bytes], *, today: date | None = None) -> bytes:
    """The Word file; a chart without an image (no export browser) becomes a one-line note."""
    lang = briefing.lang
    document = Document()
    _page(document)
    _styles(document)
    document.add_paragraph(briefing.title, style="Title")
    dated = document.add_paragraph(t("brief_date", lang, date=(today or date.today()).isoformat())
                                   + "　" + briefing.as_of)
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(briefing.source)
    for caveat in briefing.caveats:
        run = document.add_paragraph().add_run(caveat)
        run.bold = briefing.synthetic
        run.font.color.rgb = WARNING
    document.add_paragraph(t("brief_key_figures", lang), style="Heading 1")
    grid = document.add_table(rows=0, cols=2, style="Table Grid")
    for figure in briefing.key_figures:
        label, value = grid.add_row().cells
        _cell_text(label, figure.label)
        _cell_text(value, figure.text(lang))
    number = 0
    for position, section in enumerate(briefing.sections, start=1):
        document.add_paragraph(heading_number(position, lang) + section.heading, style="Heading 1")
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph).paragraph_format.first_line_indent = Pt(32) if lang == "zh" else None
        for chart in section.charts:
            number += 1
            _figure(document, briefing, number, chart, images.get(chart.key))
        for table in section.tables:
            _table(document, table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
