"""The briefing as a PowerPoint deck (16:9) for meetings, in the order of presentation mode.

Cover, then `Briefing.slides`: the risk map and the counties of concern, the key figures, then the story.
Every slide carries a footer with the data date, the source and (for the demo) the demo label, and its number.
"""
from __future__ import annotations

import io
from datetime import date

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from analysis import export
from analysis.briefing.model import Briefing, Slide, Table
from analysis.i18n import t

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN, TITLE_HEIGHT, FOOTER_HEIGHT = Inches(0.5), Inches(1.0), Inches(0.45)
TITLE_LAYOUT, BLANK = 0, 6  # the default template's layouts
FONT = "Microsoft YaHei"  # has Chinese glyphs on the Windows machines that open these decks
MUTED = RGBColor(0x52, 0x60, 0x6D)
TABLE_ROWS = 12  # rows a table slide holds at a readable size


def _style(text_frame, size: int, colour: RGBColor | None = None) -> None:
    for paragraph in text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size, run.font.name = Pt(size), FONT
            if colour is not None:
                run.font.color.rgb = colour


def _text(slide, text: str, left, top, width, height, size: int, colour: RGBColor | None = None):
    box = slide.shapes.add_textbox(left, top, width, height)
    box.text_frame.word_wrap = True
    box.text_frame.text = text
    _style(box.text_frame, size, colour)
    return box


def _titled(deck, briefing: Briefing, title: str, number: int):
    """A blank slide with its title and the footer every slide carries."""
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK])
    _text(slide, title, MARGIN, Inches(0.25), WIDTH - 2 * MARGIN, TITLE_HEIGHT, 30)
    footer = f"{briefing.figure_source}"
    _text(slide, footer, MARGIN, HEIGHT - FOOTER_HEIGHT, WIDTH - 2 * MARGIN - Inches(1), FOOTER_HEIGHT, 12, MUTED)
    _text(slide, str(number), WIDTH - MARGIN - Inches(0.8), HEIGHT - FOOTER_HEIGHT, Inches(0.8), FOOTER_HEIGHT, 12,
          MUTED)
    return slide


def _room():
    top = TITLE_HEIGHT + Inches(0.3)
    return top, WIDTH - 2 * MARGIN, HEIGHT - top - FOOTER_HEIGHT - Inches(0.15)


def _grid(slide, rows: list[list[str]], size: int, header: bool = True) -> None:
    top, width, height = _room()
    table = slide.shapes.add_table(len(rows), len(rows[0]), MARGIN, top, width,
                                   min(height, Inches(0.5) * len(rows))).table
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = str(text)
            _style(cell.text_frame, size)
            if header and r == 0:
                for paragraph in cell.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.bold = True


def _key_figures(slide, briefing: Briefing) -> None:
    _grid(slide, [[figure.label, figure.text(briefing.lang)] for figure in briefing.key_figures], 24, header=False)


def _table(slide, table: Table) -> None:
    text = table.text.head(TABLE_ROWS)
    _grid(slide, [list(map(str, text.columns)), *text.astype(str).values.tolist()], 16)


def _picture(slide, image: bytes) -> None:
    top, room_width, room_height = _room()
    picture = slide.shapes.add_picture(io.BytesIO(image), MARGIN, top, width=room_width)
    if picture.height > room_height:  # tall charts: fit the height instead, centred
        ratio = room_height / picture.height
        picture.height, picture.width = room_height, Emu(int(picture.width * ratio))
        picture.left = Emu(int((WIDTH - picture.width) / 2))


def _slide(deck, briefing: Briefing, slide: Slide, images: dict[str, bytes], number: int) -> None:
    page = _titled(deck, briefing, slide.heading, number)
    if slide.table is not None:
        _table(page, slide.table)
    elif slide.chart is None:
        _key_figures(page, briefing)
    elif slide.chart.key in images:
        _picture(page, images[slide.chart.key])
    else:
        _text(page, t("brief_chart_missing", briefing.lang, reason=export.INSTALL_HINT), MARGIN, Inches(2),
              WIDTH - 2 * MARGIN, Inches(1), 18)


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
    for number, slide in enumerate(briefing.slides, start=2):
        _slide(deck, briefing, slide, images, number)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
