"""The briefing as a PowerPoint deck (16:9) for meetings: title, key figures, then one chart per slide."""
from __future__ import annotations

import io
from datetime import date

from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from analysis import export
from analysis.briefing.model import Briefing
from analysis.i18n import t

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN, TITLE_HEIGHT = Inches(0.5), Inches(1.1)
TITLE_LAYOUT, TITLE_ONLY = 0, 5  # the default template's layouts
FONT = "Microsoft YaHei"  # has Chinese glyphs on the Windows machines that open these decks


def _style(text_frame, size: int) -> None:
    for paragraph in text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size, run.font.name = Pt(size), FONT


def _titled(deck, title: str):
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.2), WIDTH - 2 * MARGIN, TITLE_HEIGHT
    shape.text = title
    _style(shape.text_frame, 30)
    return slide


def _key_figures(deck, briefing: Briefing) -> None:
    slide = _titled(deck, t("brief_key_figures", briefing.lang))
    rows = len(briefing.key_figures)
    table = slide.shapes.add_table(rows, 2, MARGIN * 2, Inches(1.5), WIDTH - 4 * MARGIN, Inches(0.8) * rows).table
    for row, figure in enumerate(briefing.key_figures):
        for column, text in enumerate((figure.label, figure.text(briefing.lang))):
            cell = table.cell(row, column)
            cell.text = text
            _style(cell.text_frame, 26)


def _chart(deck, heading: str, image: bytes) -> None:
    slide = _titled(deck, heading)
    room_width, room_height = WIDTH - 2 * MARGIN, HEIGHT - TITLE_HEIGHT - Inches(0.5) - MARGIN
    picture = slide.shapes.add_picture(io.BytesIO(image), MARGIN, TITLE_HEIGHT + Inches(0.4), width=room_width)
    if picture.height > room_height:  # tall charts: fit the height instead, centred
        ratio = room_height / picture.height
        picture.height, picture.width = room_height, Emu(int(picture.width * ratio))
        picture.left = Emu(int((WIDTH - picture.width) / 2))


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
    subtitle.text = "\n".join([t("brief_date", lang, date=(today or date.today()).isoformat()), *briefing.caveats])
    _style(subtitle.text_frame, 18)
    _key_figures(deck, briefing)
    for section in briefing.sections:
        for chart in section.charts:
            if chart.key in images:
                _chart(deck, section.heading, images[chart.key])
            else:
                _titled(deck, section.heading).shapes.add_textbox(
                    MARGIN, Inches(2), WIDTH - 2 * MARGIN, Inches(1)).text_frame.text = t(
                    "brief_chart_missing", lang, reason=export.INSTALL_HINT)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
