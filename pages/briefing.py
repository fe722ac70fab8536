"""Briefing 汇报材料: Word and PowerPoint for the chosen region and year, and presentation mode (?present=1)."""
from __future__ import annotations

import time

import streamlit as st

from analysis import export
from analysis.briefing import Briefing, build_briefing, documents
from analysis.briefing.word import heading_number
from pages._common import income_page_shell, presenting, set_presenting, viewport_height

FILES = "brief_files"  # session state: (view, {"docx": bytes, "pptx": bytes}, seconds)
LABELS = {"docx": "brief_download_docx", "pptx": "brief_download_pptx"}
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}

shell = income_page_shell()
lang, region, year = shell.lang, shell.region, shell.year
briefing: Briefing = shell.fetch(build_briefing, region, year, lang)
if not briefing.sections:
    st.info(shell.t("no_data_region", region=shell.region_name, year=year))
    st.stop()
view = (region, year, lang, shell.version)


def key_figures() -> None:
    """The headline numbers as large metrics, three to a row."""
    figures = briefing.key_figures
    for start in range(0, len(figures), 3):
        for column, figure in zip(st.columns(3), figures[start:start + 3], strict=False):
            column.metric(figure.label, figure.value, border=True, delta=figure.change,
                          delta_description=shell.t("vs_previous") if figure.change else None)


DEFAULT_SCREEN, SLIDE_FRAME, MIN_CHART = 768, 250, 320  # px: window before the browser reports; banner,
# controls and source line around a chart; the least a chart gets
SLIDE_PARAM = "slide"  # ?present=1&slide=3: the slide is in the link, so Back and a shared link keep it
# A presenter's clicker sends PageDown/PageUp (some send arrows or Space): each key is a button shortcut
# (Streamlit's own keyboard handling, no script); the extra buttons are hidden, the arrows are visible.
EXTRA_KEYS = (("PageDown", 1), ("Space", 1), ("Down", 1), ("PageUp", -1), ("Up", -1))
PRESENT_CSS = """<style>
.st-key-present-keys { display: none !important; }
.st-key-present-slide [data-testid="stTable"] td, .st-key-present-slide [data-testid="stTable"] th { font-size: 1.1rem; }
</style>"""


def slide_from_link(total: int) -> int:
    """The slide the link asks for (1-based); anything else opens the first slide with a warning."""
    value = st.query_params.get(SLIDE_PARAM, "1")
    if value.isdigit() and 1 <= int(value) <= total:
        return int(value)
    st.warning(shell.t("brief_bad_slide", value=value[:20], total=total), icon=":material/link_off:")
    return 1


def go_to(number: int) -> None:
    st.query_params[SLIDE_PARAM] = str(number)


def slide_controls(current: int, total: int, heading: str) -> None:
    left, middle, back, forward = st.container(key="present-controls").columns([2, 3, 2, 2],
                                                                                vertical_alignment="center")
    left.toggle(shell.t("brief_present"), value=True, key="brief_present_exit",
                on_change=set_presenting, args=(False,))
    middle.caption(f"{heading} · " + shell.t("brief_slide_of", n=current, total=total) + f" · {briefing.as_of}")
    before, after = max(current - 1, 1), min(current + 1, total)
    back.button(shell.t("brief_previous"), disabled=current == 1, shortcut="Left",
                on_click=go_to, args=(before,), width="stretch", key="present-previous")
    forward.button(shell.t("brief_next"), disabled=current == total,
                   shortcut="Right", on_click=go_to, args=(after,), type="primary", width="stretch",
                   key="present-next")
    with st.container(key="present-keys"):
        for key, step in EXTRA_KEYS:
            st.button(key, key=f"present-{key}", shortcut=key, on_click=go_to,
                      args=(min(max(current + step, 1), total),))


def presentation() -> None:
    """One screen per slide, in the deck's order: map, counties of concern, key figures, then the story."""
    st.html(PRESENT_CSS)
    slides = briefing.slides
    current = slide_from_link(len(slides))
    slide = slides[current - 1]
    slide_controls(current, len(slides), slide.heading)
    with st.container(key="present-slide"):
        if slide.chart is not None:
            height = max(MIN_CHART, (viewport_height() or DEFAULT_SCREEN) - SLIDE_FRAME)
            shell.chart(export.presentation_figure(slide.chart.figure, height=height), key=f"present-{slide.key}",
                        downloads=False)
        elif slide.table is not None:
            st.subheader(slide.table.title)
            st.table(slide.table.text.set_index(slide.table.text.columns[0]))
            if slide.table.note:
                st.caption(slide.table.note)
        else:
            st.title(briefing.title)
            key_figures()
    st.caption(briefing.figure_source)  # the data date, source and demo label on every slide


def build_files() -> None:
    """Render the charts once and write both files, with progress on the page."""
    bar = st.progress(0.0, text=shell.t("brief_progress_data"))
    start = time.perf_counter()
    files = documents(briefing, progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message))
    st.session_state[FILES] = (view, files, time.perf_counter() - start)


def downloads() -> None:
    if not export.available():
        st.warning(shell.t("brief_no_export") + " " + shell.t("export_unavailable", command=export.INSTALL_HINT),
                   icon=":material/warning:")
    if st.button(shell.t("brief_build"), type="primary", icon=":material/description:"):
        build_files()
    stored = st.session_state.get(FILES)
    if not stored or stored[0] != view:
        return
    _, files, seconds = stored
    st.success(shell.t("brief_ready", seconds=f"{seconds:.1f}"), icon=":material/check_circle:")
    stem = f"incomewatch-briefing-{region}-{year}-{lang}"
    columns = st.columns(len(files))
    for column, (fmt, data) in zip(columns, files.items(), strict=True):
        column.download_button(shell.t(LABELS[fmt]),
                                data=shell.logged_export(lambda data=data: data, f"{stem}.{fmt}", None),
                                file_name=f"{stem}.{fmt}", mime=MIME[fmt], key=f"brief-download-{fmt}",
                                on_click="ignore", icon=":material/download:", width="stretch")


def preview() -> None:
    """The briefing as the document will read: numbered sections, paragraphs, charts and tables."""
    st.subheader(shell.t("brief_preview"))
    st.caption(briefing.source + " " + " ".join(briefing.caveats))
    key_figures()
    for position, section in enumerate(briefing.sections, start=1):
        st.markdown(f"#### {heading_number(position, lang)}{section.heading}")
        for paragraph in section.paragraphs:
            st.text(paragraph)
        for chart in section.charts:
            shell.chart(chart.figure, key=f"brief-{chart.key}")
        for table in section.tables:
            st.caption(table.title)
            st.dataframe(table.text, hide_index=True)
            if table.note:
                st.caption(table.note)
            shell.table_downloads(table.frame, table.key, key=f"brief-{table.key}", kinds=table.kinds)


if presenting():
    presentation()
    st.stop()
st.title(shell.t("brief_page_title", region=shell.region_name, year=year))
st.caption(shell.t("brief_intro"))
downloads()
preview()
