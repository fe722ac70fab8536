"""Figures as files (PNG at print quality, SVG, PDF), rendered on the server exactly as on screen.

One long-lived headless browser per process (kaleido's sync server) renders every figure: starting a
browser per figure costs ≈2.5 s, a warm render ≈0.2 s. The server is started on the first export, not
at import, so a process that never exports never starts a browser. Exports always carry the house
template, because importing streamlit replaces plotly's default one (exports would come out black).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from functools import lru_cache

import kaleido
import plotly.graph_objects as go
from choreographer.browsers.chromium import Chromium

from analysis.figures.base import FONT_FAMILY, TEMPLATE

FORMATS = ("png", "svg", "pdf")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
EXPORT_WIDTH = 1000  # layout pixels: a Word page's text width at a readable font size
PNG_SCALE = 2.4  # 1000 × 2.4 = 2400 px wide, print quality at 16 cm (≈380 dpi)
DEFAULT_HEIGHT = 450
INSTALL_HINT = "sudo apt-get install chromium fonts-noto-cjk"
PRESENT_FONT, PRESENT_TITLE, PRESENT_HEIGHT = 26, 34, 580
RENDER_TIMEOUT = 60.0  # seconds: a cold render takes ≈3 s; one still running after a minute has hung

_lock = threading.Lock()  # kaleido's sync server pairs calls and results through shared queues


class ExportTimeout(RuntimeError):
    """The export browser did not answer in time (it hung or its thread died); the next export starts afresh."""

    def __init__(self) -> None:
        seconds = f"{RENDER_TIMEOUT:.0f}"
        super().__init__(f"图表导出在 {seconds} 秒内未完成，请重试 / figure export did not finish within {seconds} s; "
                         "try again")


class ExportUnavailable(RuntimeError):
    """No browser (or no CJK font) on this server: figures cannot be rendered to files."""

    def __init__(self) -> None:
        super().__init__(f"figure export needs Chromium and CJK fonts on the server: {INSTALL_HINT}")


@lru_cache(maxsize=1)
def browser_path() -> str | None:
    """The Chrome/Chromium kaleido would use ($BROWSER_PATH or a standard install), or None."""
    path = Chromium.find_browser(skip_local=False)
    return path if path and os.access(path, os.X_OK) else None


@lru_cache(maxsize=1)
def cjk_fonts_installed() -> bool:
    """Whether fontconfig knows a Chinese font, without which exports show empty boxes."""
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


def available() -> bool:
    """True when this server can render figures to files."""
    return browser_path() is not None and cjk_fonts_installed()


def _ensure_server() -> None:
    """Start the process's one export browser (mathjax off: it would be fetched from a CDN)."""
    if not available():
        raise ExportUnavailable
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)


def warm_up() -> None:
    """Start the export browser in the background (it takes seconds), e.g. while a briefing's queries run."""
    if available():
        with _lock:
            _ensure_server()


def stop() -> None:
    """Close the export browser (the next export starts it again); used by the benchmark."""
    with _lock:
        kaleido.stop_sync_server(silence_warnings=True)


def export_spec(figure: go.Figure, width: int = EXPORT_WIDTH) -> tuple[dict, int, int]:
    """The figure as a dict in the house template, and its layout size in pixels."""
    themed = go.Figure(figure).update_layout(template=TEMPLATE)
    height = int(themed.layout.height or DEFAULT_HEIGHT)
    return themed.to_dict(), int(themed.layout.width or width), height


def figure_bytes(figure: go.Figure, fmt: str, *, width: int = EXPORT_WIDTH, scale: float = PNG_SCALE) -> bytes:
    """The figure as PNG (`scale` × the layout size: ≥ 2,000 px wide by default), SVG or PDF bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    spec, layout_width, height = export_spec(figure, width)
    options = {"format": fmt, "width": layout_width, "height": height, "scale": scale if fmt == "png" else 1}
    with _lock:
        _ensure_server()
        try:
            return _within_timeout(lambda: kaleido.calc_fig_sync(spec, opts=options))
        except Exception:
            # e.g. a render timed out in a starved browser: the next export starts a fresh one
            kaleido.stop_sync_server(silence_warnings=True)
            raise


def _within_timeout(render: Callable[[], bytes]) -> bytes:
    """Run `render` in a helper thread and give up after RENDER_TIMEOUT.

    kaleido's sync call waits on a queue with no timeout: if its browser thread dies, the call (and the
    page asking for a download) would wait forever. A hung helper thread is a daemon and is left behind.
    """
    outcome: list = []

    def run() -> None:
        try:
            outcome.append((True, render()))
        except BaseException as error:  # noqa: BLE001 - handed back to the caller below
            outcome.append((False, error))

    worker = threading.Thread(target=run, name="figure-export", daemon=True)
    worker.start()
    worker.join(RENDER_TIMEOUT)
    if not outcome:
        raise ExportTimeout
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def presentation_figure(figure: go.Figure, *, height: int = PRESENT_HEIGHT) -> go.Figure:
    """A copy with projector-sized fonts, `height` pixels tall (the screen's), readable from the back of a room."""
    big = go.Figure(figure).update_layout(
        template=TEMPLATE, height=height,
        font={"family": FONT_FAMILY, "size": PRESENT_FONT},
        title={"font": {"family": FONT_FAMILY, "size": PRESENT_TITLE}},
        legend={"font": {"family": FONT_FAMILY, "size": PRESENT_FONT - 4}},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": PRESENT_FONT - 4}},
        margin={"t": 110},
    )
    for trace in big.data:
        if hasattr(trace, "textfont"):
            trace.textfont.size = PRESENT_FONT - 4
    return big
