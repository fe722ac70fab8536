"""The briefing's deck and Word report as a reader sees them.

Both files are exported from the demo world exactly as the briefing page does (`build_briefing`, then
`documents`, charts rendered by the export browser), converted to PDF by LibreOffice (headless, its own profile),
and checked on the PDF: page size, every text and picture inside its page, slide titles whole in their box,
nothing running into the footer, pictures within the text width, page numbers, CJK text in a CJK font (in
Simplified Chinese glyph forms, told by the glyphs' outlines),
the demo label on every slide and under every figure, and the same numbers as on the page.
Pages are rendered to PNG in test-artifacts/deck/ (ignored by git) to be looked at.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest

from analysis import export
from analysis.briefing import build_briefing, documents
from analysis.briefing import slides as deck_layout
from analysis.briefing import word as word_layout
from analysis.config import PROJECT_ROOT
from analysis.i18n import t

pdfplumber = pytest.importorskip("pdfplumber")
pdfium = pytest.importorskip("pypdfium2")
fontTools = pytest.importorskip("fontTools")
from fontTools import t1Lib  # noqa: E402 - after the skip above
from fontTools.pens.boundsPen import BoundsPen  # noqa: E402
from fontTools.ttLib import TTCollection  # noqa: E402
from pdfminer.pdfdocument import PDFDocument  # noqa: E402 - pdfplumber's parser
from pdfminer.pdfparser import PDFParser  # noqa: E402
from pdfminer.pdftypes import resolve1  # noqa: E402

SOFFICE = shutil.which("soffice")
pytestmark = [
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: `make office-deps` as root "
                                               "or `sudo apt-get install libreoffice-impress libreoffice-writer`"),
    pytest.mark.skipif(not export.available(), reason=f"charts cannot be exported here: {export.INSTALL_HINT}"),
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "deck"
PROVINCE = "620000"
LANGS = ("zh", "en")
CONVERT_TIMEOUT = 300  # seconds: four files convert in ≈20 s on this machine; a hung soffice must not hang CI
PT = 72  # points per inch
EMU_PER_PT = 12700
SLACK = 1.5  # points: glyph boxes may poke out of their line by a hair
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# The Word report's GB/T 9704 fonts mapped to the closest installed ones (make office-deps installs them)
FONTS_CONF = PROJECT_ROOT / "tests" / "fonts" / "fonts.conf"
SERIF, KAI, SANS = "NotoSerifCJK", "UKai", "NotoSansCJK"  # PDF names: ABCDEF+NotoSerifCJKjp-Regular-VKana (FACES)


def _pt(emu: int) -> float:
    return emu / EMU_PER_PT


@pytest.fixture(scope="module")
def rendered(demo_db, tmp_path_factory) -> dict:
    """{lang: (briefing, {"pptx": pdf path, "docx": pdf path})}, both languages converted in one soffice run."""
    folder = tmp_path_factory.mktemp("deck")
    with duckdb.connect(str(demo_db), read_only=True) as con:
        year = con.execute("SELECT max(year) FROM income").fetchone()[0]
        briefings = {lang: build_briefing(con, PROVINCE, year, lang) for lang in LANGS}
    sources = []
    for lang, briefing in briefings.items():
        for fmt, data in documents(briefing).items():
            path = folder / f"{fmt}-{lang}.{fmt}"
            path.write_bytes(data)
            sources.append(path)
    profile = (folder / "profile").as_uri()  # an own profile: no clash with a running LibreOffice or another test
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
                    "--outdir", str(folder), *map(str, sources)],
                   check=True, capture_output=True, timeout=CONVERT_TIMEOUT,
                   env={**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)})
    result = {lang: (briefings[lang], {fmt: folder / f"{fmt}-{lang}.pdf" for fmt in ("pptx", "docx")})
              for lang in LANGS}
    _keep_pictures(result)
    return result


def _keep_pictures(result: dict) -> None:
    """Every page as PNG, to be looked at (test-artifacts/deck/deck-zh-03.png, report-en-2.png, ...)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for lang, (_, pdfs) in result.items():
        for fmt, path in pdfs.items():
            document = pdfium.PdfDocument(str(path))
            stem = "deck" if fmt == "pptx" else "report"
            for number, page in enumerate(document, start=1):
                page.render(scale=100 / PT).to_pil().save(ARTIFACTS / f"{stem}-{lang}-{number:02d}.png")
            document.close()


def _flat(text: str) -> str:
    """Text without any whitespace: PDF text breaks lines and spaces where the layout put them."""
    return re.sub(r"\s+", "", text)


def _text(chars) -> str:
    return _flat("".join(char["text"] for char in chars))


def _inside(box: dict, left: float, top: float, right: float, bottom: float) -> bool:
    return (box["x0"] >= left - SLACK and box["x1"] <= right + SLACK
            and box["top"] >= top - SLACK and box["bottom"] <= bottom + SLACK)


@pytest.mark.parametrize("lang", LANGS)
def test_every_slide_has_its_title_and_its_content_inside_the_slide(rendered, lang):
    briefing, pdfs = rendered[lang]
    headings = [briefing.title] + [slide.heading for slide in briefing.slides]
    title_bottom = _pt(deck_layout.TITLE_TOP + deck_layout.TITLE_HEIGHT)
    footer_top = _pt(deck_layout.HEIGHT - deck_layout.FOOTER_HEIGHT)
    with pdfplumber.open(pdfs["pptx"]) as pdf:
        assert len(pdf.pages) == len(headings)
        for number, (page, heading) in enumerate(zip(pdf.pages, headings, strict=True), start=1):
            where = f"slide {number} ({heading})"
            assert (round(page.width), round(page.height)) == (960, 540), where  # 13.333 × 7.5 in, 16:9
            outside = [c["text"] for c in page.chars if not _inside(c, 0, 0, page.width, page.height)]
            assert outside == [], f"{where}: text outside the slide"
            for image in page.images:
                assert _inside(image, 0, 0, page.width, page.height), f"{where}: picture outside the slide"
            if number == 1:
                continue  # the cover: title and subtitle in placeholders, checked below by their text
            title = [c for c in page.chars if c["bottom"] <= title_bottom + SLACK]
            assert _text(title) == _flat(heading), f"{where}: the title is cut or runs out of its box"
            body = [c for c in page.chars if c["bottom"] > title_bottom + SLACK]
            into_footer = [c["text"] for c in body if c["bottom"] > footer_top + SLACK
                           and c["top"] < footer_top - SLACK]
            assert into_footer == [], f"{where}: content runs into the footer"
            for image in page.images:
                assert image["top"] >= title_bottom - SLACK and image["bottom"] <= footer_top + SLACK, \
                    f"{where}: the picture covers the title or the footer"
                covered = [c["text"] for c in page.chars if _inside(c, image["x0"], image["top"], image["x1"],
                                                                   image["bottom"])]
                assert covered == [], f"{where}: text drawn over the picture"


@pytest.mark.parametrize("lang", LANGS)
def test_every_slide_carries_the_data_date_source_and_demo_label(rendered, lang):
    briefing, pdfs = rendered[lang]
    assert briefing.synthetic
    label, as_of = _flat(t("brief_demo_label", lang)), _flat(briefing.as_of)
    with pdfplumber.open(pdfs["pptx"]) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            text = _flat(page.extract_text())
            assert label in text and as_of in text, f"slide {number} lacks the demo label or the data date"
            if number > 1:
                assert _flat(briefing.figure_source) in text and str(number) in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_word_report_is_a4_with_page_numbers_and_figures_within_the_text(rendered, lang):
    briefing, pdfs = rendered[lang]
    left = _pt(word_layout.MARGINS["left"])
    right = _pt(word_layout.PAGE_WIDTH - word_layout.MARGINS["right"])
    with pdfplumber.open(pdfs["docx"]) as pdf:
        assert len(pdf.pages) >= 2
        for number, page in enumerate(pdf.pages, start=1):
            assert (round(page.width), round(page.height)) == (595, 842), f"page {number} is not A4"
            foot = _flat(page.crop((0, page.height - _pt(word_layout.MARGINS["bottom"]), page.width,
                                    page.height)).extract_text())
            assert foot == f"—{number}—", f"page {number} has no page number at its foot: {foot!r}"
            outside = [c["text"] for c in page.chars if not _inside(c, 0, 0, page.width, page.height)]
            assert outside == [], f"page {number}: text outside the page"
            for image in page.images:
                assert image["x0"] >= left - SLACK and image["x1"] <= right + SLACK, \
                    f"page {number}: a picture wider than the text"
                assert image["bottom"] <= page.height - _pt(word_layout.MARGINS["bottom"]) + SLACK


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_in_word_is_captioned_with_source_and_demo_label_on_its_own_page(rendered, lang):
    briefing, pdfs = rendered[lang]
    with pdfplumber.open(pdfs["docx"]) as pdf:
        pages = [(_flat(page.extract_text()), len(page.images)) for page in pdf.pages]
    assert sum(images for _, images in pages) == len(briefing.charts)
    source = _flat(briefing.figure_source)
    assert _flat(t("brief_demo_label", lang)) in source
    for number, chart in enumerate(briefing.charts, start=1):
        caption = _flat(briefing.caption(number, chart))
        page = next((text for text, _ in pages if caption in text), None)
        assert page is not None, f"figure {number} has no caption"
        assert source in page.split(caption, 1)[1], f"figure {number}: source and demo label not under the caption"


@pytest.mark.parametrize("fmt", ["pptx", "docx"])
def test_chinese_text_is_set_in_an_embedded_cjk_font(rendered, fmt):
    _, pdfs = rendered["zh"]
    with pdfplumber.open(pdfs[fmt]) as pdf:
        chars = [c for page in pdf.pages for c in page.chars if CJK.match(c["text"])]
    assert len(chars) > 200
    fonts = {c["fontname"] for c in chars}
    assert all(any(cjk in font for cjk in ("CJK", "WenQuanYi", KAI)) for font in fonts), fonts  # never a Latin font's box
    assert all("+" in font for font in fonts), "fonts must be embedded (subset) so that any reader shows them"


# Noto CJK collections share one CFF table between their faces (SC, TC, HK, JP, KR), named after the JP face:
# a PDF names every face it embeds "NotoSerifCJKjp-Regular…", so the names cannot tell a Japanese face from a
# Chinese one. The glyphs can: where the SC and JP faces draw a character differently (骨, 直, 户, 说…), the
# embedded outline has the bounds of one of them. The forms follow the text's language (HarfBuzz applies the
# font's `locl` feature: zh-CN gives SC forms from any face of the collection, ja-JP gives JP forms).
FACES = ("sc", "jp")


def _collection_faces(postscript: str) -> dict[str, tuple[dict, object]]:
    """{"sc": (cmap, glyph set), "jp": ...} of the installed collection holding the face `postscript`."""
    path = subprocess.run(["fc-list", "-f", "%{file}\n", f":postscriptname={postscript}"], capture_output=True,
                          text=True, check=True).stdout.split("\n")[0]
    faces = {}
    for font in TTCollection(path).fonts:
        face = re.search(r"CJK(\w\w)-", font["name"].getDebugName(6)).group(1)
        if face in FACES:
            faces[face] = (font.getBestCmap(), font.getGlyphSet())
    return faces


def _bounds(glyphs, name: str) -> tuple:
    pen = BoundsPen(glyphs)
    glyphs[name].draw(pen)
    return pen.bounds


def _to_unicode(stream) -> dict[int, str]:
    text = stream.get_data().decode("latin-1")
    return {int(code, 16): chr(int(unicode[:4], 16)) for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S)
            for code, unicode in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block)}


def _embedded_fonts(path: Path):
    """(base font name, font dictionary) of every font of the PDF."""
    with open(path, "rb") as handle:
        document = PDFDocument(PDFParser(handle))
        for xref in document.xrefs:
            for number in xref.get_objids():
                font = resolve1(document.getobj(number))
                if isinstance(font, dict) and getattr(font.get("Type"), "name", "") == "Font":
                    yield font["BaseFont"].name, font


def _face_votes(name: str, font: dict) -> dict[str, int]:
    """For each character the SC and JP faces draw differently: whose outline the embedded glyph has."""
    data = resolve1(resolve1(font["FontDescriptor"])["FontFile"]).get_data()  # LibreOffice embeds Type 1
    with tempfile.NamedTemporaryFile(suffix=".pfa") as file:
        file.write(data)
        file.flush()
        embedded = t1Lib.T1Font(file.name)
        embedded.parse()
    encoding, glyphs = embedded["Encoding"], embedded.getGlyphSet()
    faces = _collection_faces("-".join(name.split("+")[-1].split("-")[:2]))  # ABCDEF+NotoSerifCJKjp-Regular-VKana
    votes = dict.fromkeys(FACES, 0)
    for code, char in _to_unicode(resolve1(font["ToUnicode"])).items():
        names = {face: cmap.get(ord(char)) for face, (cmap, _) in faces.items()}
        if None in names.values():
            continue
        drawn = {face: _bounds(faces[face][1], names[face]) for face in FACES}
        if drawn["sc"] == drawn["jp"]:
            continue
        bounds = _bounds(glyphs, encoding[code])
        votes[min(FACES, key=lambda face: sum(abs(a - b) for a, b in zip(bounds, drawn[face], strict=True)))] += 1
    return votes


def cjk_glyph_forms(path: Path) -> dict[str, dict[str, int]]:
    """Embedded Noto CJK font -> how many of its telling glyphs have SC and how many JP forms."""
    return {name: _face_votes(name, font) for name, font in _embedded_fonts(path) if "CJK" in name}


@pytest.mark.parametrize("fmt", ["pptx", "docx"])
def test_chinese_is_set_in_simplified_chinese_glyph_forms_not_japanese(rendered, fmt):
    """骨 and 直 as printed in China, not in Japan: no embedded glyph has the Japanese face's form."""
    _, pdfs = rendered["zh"]
    forms = cjk_glyph_forms(pdfs[fmt])
    assert sum(votes["sc"] + votes["jp"] for votes in forms.values()) >= 20, forms  # enough glyphs that tell
    assert {font: votes for font, votes in forms.items() if votes["jp"]} == {}, "Japanese glyph forms embedded"


def _fonts_of(path: Path, size: float, text: str, *, whole: bool = False) -> set[str]:
    """Fonts of the CJK characters set at `size` points on the lines that are `text` (whole) or begin with
    its first characters (PDF names without the subset prefix: NotoSerifCJKjp-Bold-VKana)."""
    wanted = _flat(text)
    fonts = set()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for line in page.extract_text_lines():
                flat = _flat(line["text"])
                if flat == wanted if whole else flat.startswith(wanted[:12]):
                    fonts |= {c["fontname"].split("+")[-1] for c in line["chars"]
                              if CJK.match(c["text"]) and abs(c["size"] - size) < 0.5}
    return fonts


def _installed_families() -> str:
    return subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout


def test_the_word_report_uses_serif_and_kai_where_gb_t_9704_asks(rendered):
    """Title 小标宋 and body 仿宋 in a serif (Song) font, level-2 headings 楷体 in a Kai font, level-1 headings
    黑体 in a sans, not everything in the sans LibreOffice falls back to (tests/fonts/fonts.conf maps them)."""
    missing = [name for name in ("Noto Serif CJK SC", "AR PL UKai CN") if name not in _installed_families()]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: `make office-deps` as root")
    briefing, pdfs = rendered["zh"]
    report, body_size = pdfs["docx"], word_layout.BODY_SIZE.pt
    paragraph = next(text for section in briefing.sections for text in section.paragraphs if CJK.match(text))
    section = briefing.sections[0]
    found = {
        "title": _fonts_of(report, word_layout.TITLE_SIZE.pt, briefing.title),
        "body": _fonts_of(report, body_size, paragraph),
        "level 1": _fonts_of(report, body_size, word_layout.heading_number(1, "zh") + section.heading, whole=True),
        "level 2": _fonts_of(report, body_size, briefing.tables[0].title, whole=True),
    }
    assert all(found.values()), found
    wanted = {"title": (SERIF, "Bold"), "body": (SERIF,), "level 1": (SANS,), "level 2": (KAI,)}
    wrong = {part: fonts for part, fonts in found.items() if not all(all(w in f for w in wanted[part]) for f in fonts)}
    assert wrong == {}, f"not in the font GB/T 9704 asks for: {wrong}"


def _row_lines(path: Path, first_cell: str) -> list[str]:
    """The text of every line (left to right) that starts a table row with `first_cell`, across the PDF's pages.

    Chinese and Latin glyphs of one row sit a few points apart vertically, so a line is what lies within
    half a line of the first cell.
    """
    lines = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = page.extract_words(keep_blank_chars=False)
            for word in (w for w in words if w["text"] == first_cell):
                row = sorted((w for w in words if abs(w["top"] - word["top"]) < 6 and w["x0"] >= word["x0"] - 1),
                             key=lambda w: w["x0"])
                lines.append(_flat("".join(w["text"] for w in row)))
    return lines


def test_the_numbers_on_the_slides_are_those_of_the_report_and_the_page(rendered, open_app):
    briefing, pdfs = rendered["zh"]
    with pdfplumber.open(pdfs["pptx"]) as pdf:
        deck = _flat("".join(page.extract_text() for page in pdf.pages))
    with pdfplumber.open(pdfs["docx"]) as pdf:
        report = _flat("".join(page.extract_text() for page in pdf.pages))
    at = open_app("pages/briefing.py", lang="zh", region=PROVINCE)
    assert [e.value for e in at.exception] == []
    shown = {metric.label: metric.value for metric in at.metric}
    for figure in briefing.key_figures:
        assert shown[figure.label] == figure.value  # the page's card
        assert _flat(figure.text("zh")) in deck and _flat(figure.text("zh")) in report, figure.label
    counties = next(table for table in briefing.tables if table.key == "counties")
    for row in counties.text.head(deck_layout.TABLE_ROWS).itertuples(index=False):
        expected = _flat("".join(map(str, row)))  # a whole table row, in the order of its columns
        assert expected in _row_lines(pdfs["pptx"], row[0]), row
        assert expected in _row_lines(pdfs["docx"], row[0]), row


def test_a_pdf_page_renders_to_a_picture(rendered):
    """The PNGs kept for people to look at exist and are not blank."""
    pictures = sorted(Path(ARTIFACTS).glob("deck-zh-*.png"))
    assert len(pictures) == 1 + len(rendered["zh"][0].slides)
    from PIL import Image

    with Image.open(io.BytesIO(pictures[1].read_bytes())) as picture:
        assert picture.convert("L").getextrema()[0] < 128  # something dark is drawn
