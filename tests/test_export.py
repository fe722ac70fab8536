"""Figure export: valid PNG/SVG/PDF of the right size with Chinese text, and a clear note when it cannot run.

Export needs Chromium and CJK fonts. Locally a missing browser skips these tests; under CI (CI=true) it
fails them, so the real export path always runs there.
"""
from __future__ import annotations

import os
import struct
import threading

import pytest

from analysis import export
from analysis.config import PROJECT_ROOT
from analysis.figures.base import new_figure
from analysis.i18n import t

APP = str(PROJECT_ROOT / "app.py")
TITLE = "人均收入构成 · 甘肃省"
HEIGHT = 420


def require_export() -> None:
    """Skip without a browser, except under CI where the export path must run for real."""
    if export.available():
        return
    message = f"figure export unavailable (browser {export.browser_path()!r}, CJK fonts {export.cjk_fonts_installed()})"
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(message + ": CI must install chromium and fonts-noto-cjk")
    pytest.skip(message)


@pytest.fixture(scope="module")
def figure():
    fig = new_figure(TITLE, HEIGHT)
    fig.add_bar(x=["工资性收入", "经营性收入"], y=[7500, 5200], name="元")
    return fig


@pytest.fixture
def no_browser(monkeypatch):
    """This process as on a server without Chromium."""
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    export.browser_path.cache_clear()
    yield
    monkeypatch.undo()
    export.browser_path.cache_clear()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which always follows the 8-byte signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_png_is_print_quality_at_the_figure_shape(figure):
    require_export()
    width, height = png_size(export.figure_bytes(figure, "png"))
    assert width >= 2000
    assert (width, height) == (round(export.EXPORT_WIDTH * export.PNG_SCALE), round(HEIGHT * export.PNG_SCALE))


def test_svg_holds_the_chinese_text(figure):
    require_export()
    svg = export.figure_bytes(figure, "svg").decode("utf-8")
    assert svg.lstrip().startswith(("<svg", "<?xml"))
    assert f'width="{export.EXPORT_WIDTH}"' in svg and f'height="{HEIGHT}"' in svg
    assert "人均收入构成" in svg and "工资性收入" in svg


def test_pdf_is_a_complete_pdf(figure):
    require_export()
    pdf = export.figure_bytes(figure, "pdf")
    assert pdf.startswith(b"%PDF-")
    assert b"%%EOF" in pdf[-64:]


def test_export_uses_the_house_template_even_after_streamlit_changed_the_default():
    import streamlit  # noqa: F401  (importing it replaces plotly's default template)
    bare = new_figure(TITLE, HEIGHT)
    bare.layout.template = None  # as a builder that forgot new_figure's template would
    spec, width, height = export.export_spec(bare)
    assert spec["layout"]["template"]["layout"]["paper_bgcolor"] == "white"
    assert (width, height) == (export.EXPORT_WIDTH, HEIGHT)


def test_unknown_format_is_refused(figure):
    with pytest.raises(ValueError, match="format must be one of"):
        export.figure_bytes(figure, "gif")


def test_presentation_figure_is_larger_and_leaves_the_original_alone(figure):
    big = export.presentation_figure(figure)
    assert big.layout.font.size == export.PRESENT_FONT and big.layout.height == export.PRESENT_HEIGHT
    assert figure.layout.height == HEIGHT


def test_without_a_browser_export_says_how_to_enable_it(figure, no_browser):
    assert not export.available()
    with pytest.raises(export.ExportUnavailable, match="apt-get install chromium fonts-noto-cjk"):
        export.figure_bytes(figure, "png")


def test_every_chart_offers_downloads_or_the_install_note(open_app, no_browser):
    """On a server without a browser, each chart's popover says how to enable export (page still runs)."""
    at = open_app(lang="en")
    assert [e.value for e in at.exception] == []
    notes = [info.value for info in at.info if export.INSTALL_HINT in info.value]
    assert notes and notes[0] == t("export_unavailable", "en", command=export.INSTALL_HINT)
    assert not [b for b in at.get("download_button") if b.proto.label == t("export_png", "en")]


def test_a_hung_export_browser_gives_up_with_a_clear_error_and_the_next_export_works(figure, monkeypatch):
    require_export()
    release = threading.Event()
    monkeypatch.setattr(export, "RENDER_TIMEOUT", 0.5)
    monkeypatch.setattr(export.kaleido, "calc_fig_sync", lambda *a, **k: release.wait(30))  # kaleido hung
    with pytest.raises(export.ExportTimeout, match="did not finish"):
        export.figure_bytes(figure, "svg")
    release.set()
    monkeypatch.undo()
    assert b"<svg" in export.figure_bytes(figure, "svg")
