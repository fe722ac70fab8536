"""Briefing 汇报材料: Word and PowerPoint for the chosen region and year, and presentation mode (?present=1)."""
from __future__ import annotations

import time

import streamlit as st

from analysis import export
from analysis.briefing import Briefing, build_briefing, documents
from analysis.briefing.word import heading_number
from pages._common import income_page_shell, presenting, set_presenting

FILES = "brief_files"  # session state: (view, {"docx": bytes, "pptx": bytes}, seconds)
LABELS = {"docx": "brief_download_docx", "pptx": "brief_download_pptx"}
SLIDE = "brief_slide"  # session state: the slide shown in presentation mode
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}

shell = income_page_shell()
lang, region, year = shell.lang, shell.region, shell.year
export.warm_up()  # starts the export browser while the numbers load, so the first build does not wait
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


def move(step: int, total: int) -> None:
    st.session_state[SLIDE] = min(max(st.session_state.get(SLIDE, 0) + step, 0), total - 1)


def presentation() -> None:
    """One screen per slide: the key figures, then each chart at projector size."""
    slides = [None, *[(section.heading, chart) for section in briefing.sections for chart in section.charts]]
    current = min(st.session_state.get(SLIDE, 0), len(slides) - 1)
    left, middle, back, forward = st.columns([3, 2, 1, 1], vertical_alignment="center")
    left.toggle(shell.t("brief_present"), value=True, key="brief_present_exit",
                on_change=set_presenting, args=(False,))
    heading = "" if slides[current] is None else slides[current][0] + " · "
    middle.caption(heading + shell.t("brief_slide_of", n=current + 1, total=len(slides)))
    back.button(shell.t("brief_previous"), icon=":material/arrow_back:", disabled=current == 0,
                on_click=move, args=(-1, len(slides)), width="stretch")
    forward.button(shell.t("brief_next"), icon=":material/arrow_forward:", disabled=current == len(slides) - 1,
                   on_click=move, args=(1, len(slides)), type="primary", width="stretch")
    if slides[current] is None:
        st.title(briefing.title)
        key_figures()
        return
    chart = slides[current][1]
    shell.chart(export.presentation_figure(chart.figure), key=f"present-{chart.key}", downloads=False)


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
                                data=data, file_name=f"{stem}.{fmt}", mime=MIME[fmt], key=f"brief-download-{fmt}",
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
            shell.table_downloads(table.frame, table.key, key=f"brief-{table.key}", kinds=table.kinds)


if presenting():
    presentation()
    st.stop()
st.title(shell.t("brief_page_title", region=shell.region_name, year=year))
st.caption(shell.t("brief_intro"))
downloads()
preview()
