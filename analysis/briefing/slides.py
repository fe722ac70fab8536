"""The briefing as a PowerPoint deck (16:9) for meetings, in the order of presentation mode.

Cover, then `Briefing.slides`: the risk map and the counties of concern, the key figures, then the story.
Every slide, the cover too, carries a footer with the data date, the source and (for the demo) the demo
label, and its number. Charts are rendered for the slide (`slide_picture`): the shape of the space under the
title, with presentation mode's projector-sized fonts. tests/test_deck_render.py renders the deck with
LibreOffice and checks that titles, tables and pictures stay in their place.
"""
from __future__ import annotations

import io
import itertools
import math
import re
from datetime import date

import plotly.graph_objects as go
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from analysis import export
from analysis.briefing.model import Briefing, Slide, Table
from analysis.i18n import t

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN, TITLE_TOP, TITLE_HEIGHT, FOOTER_HEIGHT = Inches(0.5), Inches(0.25), Inches(1.0), Inches(0.45)
TITLE_LAYOUT, BLANK = 0, 6  # the default template's layouts
FONT = "Microsoft YaHei"  # has Chinese glyphs on the Windows machines that open these decks
LANGUAGE = "zh-CN"  # Chinese glyph forms where a reader substitutes a CJK font (LibreOffice: Noto Sans CJK SC)
MUTED = RGBColor(0x52, 0x60, 0x6D)
TABLE_ROWS = 12  # rows a table slide holds at most
NOTE_HEIGHT = Inches(0.45)  # a table's note: one line of 14 pt under it
TABLE_SIZES = (16, 14, 12)  # pt: a table shrinks to these before it loses rows
CELL_PADDING = Inches(0.2)  # left + right inner margins of a table cell (0.1 in each, the default)
LINE_EM, EMU_PER_PT = 1.5, 12700
CHART_PIXELS = 1600  # layout width of a slide's chart: presentation fonts (26 px) come out at ≈14 pt
CHART_SCALE = 1.2  # 1600 × 1.2 = 1920 px: full HD on the projector
WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]")


def _room(reserve: int = 0):
    """Top, width and height of the space between title and footer, less `reserve` EMU kept below it."""
    top = TITLE_TOP + TITLE_HEIGHT + Inches(0.05)
    return top, WIDTH - 2 * MARGIN, HEIGHT - top - FOOTER_HEIGHT - Inches(0.1) - reserve


def slide_picture(figure: go.Figure) -> bytes:
    """The chart as a PNG of the room's shape, with projector-sized fonts (as presentation mode shows it)."""
    _, width, height = _room()
    pixels = round(CHART_PIXELS * height / width)
    big = export.presentation_figure(figure, height=pixels)  # maps fit their own plot area (geo subplots)
    return export.figure_bytes(big, "png", width=CHART_PIXELS, scale=CHART_SCALE)


def _style(text_frame, size: int, colour: RGBColor | None = None, *, bold: bool | None = None) -> None:
    """Size, colour and font, for Latin and for Chinese text (python-pptx sets only the Latin font)."""
    for paragraph in text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size, run.font.name = Pt(size), FONT
            if bold is not None:
                run.font.bold = bold
            if colour is not None:
                run.font.color.rgb = colour
            properties = run._r.get_or_add_rPr()
            properties.set("lang", LANGUAGE)
            if properties.find(qn("a:ea")) is None:
                east_asian = etree.SubElement(properties, qn("a:ea"))
                east_asian.set("typeface", FONT)
                properties.find(qn("a:latin")).addnext(east_asian)


def _text(slide, text: str, left, top, width, height, size: int, colour: RGBColor | None = None):
    box = slide.shapes.add_textbox(left, top, width, height)
    box.text_frame.word_wrap = True
    box.text_frame.text = text
    _style(box.text_frame, size, colour)
    return box


def _footer(slide, briefing: Briefing, number: int) -> None:
    """The data date, source and demo label, and the slide's number."""
    _text(slide, briefing.figure_source, MARGIN, HEIGHT - FOOTER_HEIGHT, WIDTH - 2 * MARGIN - Inches(1),
          FOOTER_HEIGHT, 12, MUTED)
    _text(slide, str(number), WIDTH - MARGIN - Inches(0.8), HEIGHT - FOOTER_HEIGHT, Inches(0.8), FOOTER_HEIGHT, 12,
          MUTED)


def _titled(deck, title: str):
    """A blank slide with its title."""
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK])
    _text(slide, title, MARGIN, TITLE_TOP, WIDTH - 2 * MARGIN, TITLE_HEIGHT, 30)
    return slide


def _lines(text: str, width_pt: float, size: int) -> int:
    """Lines a cell's text takes at `size`: Chinese characters are one em wide, Latin ones about 0.6 em."""
    wide = len(WIDE.findall(text))
    return max(1, math.ceil((wide + 0.6 * (len(text) - wide)) * size / max(width_pt, 1.0)))


def _row_heights(rows: list[list[str]], size: int) -> list[float]:
    """Points each row needs at `size`: its tallest cell's lines (CJK fonts take ≈1.45 em a line), plus margins."""
    _, width, _ = _room()
    column_pt = (width - CELL_PADDING * len(rows[0])) / len(rows[0]) / EMU_PER_PT
    return [max(_lines(text, column_pt, size) for text in row) * size * LINE_EM + 7.2 for row in rows]


def _fitting(rows: list[list[str]], size: int, reserve: int = 0) -> int:
    """How many of `rows` (the first one the header) fit under the title at `size`."""
    room = _room(reserve)[2] / EMU_PER_PT
    return sum(1 for used in itertools.accumulate(_row_heights(rows, size)) if used <= room)


def _grid(slide, rows: list[list[str]], header: bool = True, sizes: tuple[int, ...] = TABLE_SIZES,
          reserve: int = 0) -> None:
    """A table in the largest size of `sizes` at which it fits, dropping rows only at the smallest."""
    size = next((size for size in sizes if _fitting(rows, size, reserve) == len(rows)), sizes[-1])
    rows = rows[:max(_fitting(rows, size, reserve), 2)]
    heights = _row_heights(rows, size)
    top, width, _ = _room()
    table = slide.shapes.add_table(len(rows), len(rows[0]), MARGIN, top, width, Pt(sum(heights))).table
    table.first_row = header  # otherwise the first key figure is drawn as a header
    for r, row in enumerate(rows):
        table.rows[r].height = Pt(heights[r])  # LibreOffice does not grow a row for its text
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = str(text)
            _style(cell.text_frame, size, bold=header and r == 0)


def _key_figures(slide, briefing: Briefing) -> None:
    _grid(slide, [[figure.label, figure.text(briefing.lang)] for figure in briefing.key_figures], header=False,
          sizes=(24, 20, 16))


def _table(slide, table: Table) -> None:
    """The table, and its note (which rows it holds) on the last line of the room."""
    text = table.text.head(TABLE_ROWS)
    reserve = NOTE_HEIGHT if table.note else 0
    _grid(slide, [list(map(str, text.columns)), *text.astype(str).values.tolist()], reserve=reserve)
    if table.note:
        top, width, height = _room()
        _text(slide, table.note, MARGIN, top + height - NOTE_HEIGHT, width, NOTE_HEIGHT, 14, MUTED)


def _picture(slide, image: bytes) -> None:
    top, room_width, room_height = _room()
    picture = slide.shapes.add_picture(io.BytesIO(image), MARGIN, top, width=room_width)
    if picture.height > room_height:  # taller than the room: fit the height instead, centred
        ratio = room_height / picture.height
        picture.height, picture.width = room_height, Emu(int(picture.width * ratio))
        picture.left = Emu(int((WIDTH - picture.width) / 2))


def _slide(deck, briefing: Briefing, slide: Slide, images: dict[str, bytes], number: int) -> None:
    """A slide's title, its content, then the footer every slide carries (read last: its number ends the slide)."""
    page = _titled(deck, slide.heading)
    if slide.table is not None:
        _table(page, slide.table)
    elif slide.chart is None:
        _key_figures(page, briefing)
    elif slide.chart.key in images:
        _picture(page, images[slide.chart.key])
    else:
        _text(page, t("brief_chart_missing", briefing.lang, reason=export.INSTALL_HINT), MARGIN, Inches(2),
              WIDTH - 2 * MARGIN, Inches(1), 18)
    _footer(page, briefing, number)


def to_pptx(briefing: Briefing, images: dict[str, bytes], *, today: date | None = None) -> bytes:
    lang = briefing.lang
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    cover = deck.slides.add_slide(deck.slide_layouts[TITLE_LAYOUT])
    title, subtitle = cover.shapes.title, cover.placeholders[1]
    # The default layouts are drawn for 4:3: place the cover's boxes on the wide slide.
    title.left, title.top, title.width, title.height = MARGIN, Inches(2), WIDTH - 2 * MARGIN, Inches(1.6)
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = MARGIN, Inches(4), WIDTH - 2 * MARGIN, Inches(2)
    title.text = briefing.title
    _style(title.text_frame, 36)
    subtitle.text = "\n".join([t("brief_date", lang, date=(today or date.today()).isoformat()) + "  " + briefing.as_of,
                               *briefing.caveats])
    _style(subtitle.text_frame, 18)
    _footer(cover, briefing, 1)
    for number, slide in enumerate(briefing.slides, start=2):
        _slide(deck, briefing, slide, images, number)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
