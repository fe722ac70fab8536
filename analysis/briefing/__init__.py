"""Briefing reports (汇报材料) for a region and year: Word document, PowerPoint deck, presentation mode.

`build_briefing` gathers the numbers, auto-written paragraphs, charts and tables as a `Briefing`
(sections come from analysis/briefing/sections/, one module per page family); `render_charts` turns
its charts into PNGs once; `to_docx` and `to_pptx` write them. Progress goes to an optional
`progress(fraction, message)` callback, as elsewhere in analysis/.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb

from analysis import dataset, export, formatting, overview
from analysis.briefing.model import Briefing, Chart, Context, KeyFigure, Section, Table
from analysis.briefing.narrative import region_label
from analysis.briefing.sections import section_functions, section_page
from analysis.briefing.slides import slide_picture, to_pptx
from analysis.briefing.word import print_picture, to_docx
from analysis.i18n import t

Progress = Callable[[float, str], None]

WRITERS = {"docx": to_docx, "pptx": to_pptx}
__all__ = ["WRITERS", "Briefing", "Chart", "Context", "KeyFigure", "Progress", "Section", "Table", "build_briefing",
           "documents", "key_figures", "render_charts"]


def key_figures(ctx: Context) -> tuple[KeyFigure, ...]:
    """The headline numbers, formatted as the overview page shows them."""
    head = ctx.query(overview.headline, ctx.region, ctx.year)
    summary, lang = head.summary, ctx.lang
    growth = None if head.growth is None else formatting.signed_percent(head.growth)
    return (
        KeyFigure(ctx.t("households"), formatting.count(summary.households, lang)),
        KeyFigure(ctx.t("people"), formatting.count(summary.people, lang)),
        KeyFigure(ctx.t("income_per_capita"), formatting.yuan(summary.income_per_capita, lang), growth),
        KeyFigure(ctx.t("monitoring_line"), formatting.yuan(summary.monitoring_line, lang)),
        KeyFigure(ctx.t("below_line"), formatting.count(summary.below_line_households, lang)),
        KeyFigure(ctx.t("near_line"), formatting.count(summary.near_line_households, lang)),
    )


def build_briefing(cur: duckdb.DuckDBPyConnection, region: str, year: int, lang: str = "zh",
                   fetch: Callable[..., Any] | None = None) -> Briefing:
    """Every registered section for the region and year (no images yet: see `render_charts`).

    Without income data for the region and year there is nothing to brief on: no sections. `fetch(function,
    *args)` answers the sections' queries when given (the precompute job: results it stored already).
    """
    ctx = Context(cur, region, region_label(cur, region, lang), year, lang, fetch)
    synthetic = dataset.is_synthetic(cur)
    has_data = ctx.query(overview.headline, region, year).summary.households > 0
    sections, left_out = _sections(ctx) if has_data else ((), ())
    caveats = ((ctx.t("brief_caveat_synthetic"),) if synthetic else ()) + (ctx.t("brief_caveat_auto"),) \
        + ((ctx.t("brief_caveat_left_out", pages=ctx.t("brief_list_sep").join(left_out)),) if left_out else ())
    dataset_name = ctx.t("brief_dataset_demo" if synthetic else "brief_dataset_imported")
    as_of = ctx.t("brief_as_of", year=year)
    figure_source = ctx.t("brief_figure_source", dataset=dataset_name, as_of=as_of)
    return Briefing(
        title=ctx.t("brief_title", region=ctx.region_name, year=year),
        region=region, region_name=ctx.region_name, year=year, lang=lang, synthetic=synthetic,
        source=ctx.t("brief_source", dataset=dataset_name),
        caveats=caveats, key_figures=key_figures(ctx), sections=sections, as_of=as_of,
        figure_source=figure_source + (" " + ctx.t("brief_demo_label") if synthetic else ""),
    )


def _sections(ctx: Context) -> tuple[tuple[Section, ...], tuple[str, ...]]:
    """The sections, and the titles of the pages whose section ran out of memory (the national credibility
    audit needs ≈6 GB of DuckDB memory on the 30-million world): the deck goes without them and says so."""
    sections, left_out = [], []
    for function in section_functions():
        try:
            section = function(ctx)
        except duckdb.OutOfMemoryException:
            left_out.append(ctx.t(section_page(function)))
            continue
        if section:
            sections.append(section)
    return tuple(sections), tuple(dict.fromkeys(left_out))


def render_charts(briefing: Briefing, progress: Progress | None = None,
                  share: tuple[float, float] = (0.0, 0.8), *, for_slides: bool = False) -> dict[str, bytes]:
    """PNG bytes per chart key, rendered once per look; empty when this server cannot export.

    Print (Word) pictures are laid out for the text width of an A4 page; slide pictures take the shape of the space under a
    slide's title, with presentation mode's fonts. `share` is the part of the overall progress bar this step fills.
    """
    charts = briefing.charts
    if not export.available():
        return {}
    start, end = share
    images = {}
    for number, chart in enumerate(charts, start=1):
        if progress:
            progress(start + (end - start) * (number - 1) / len(charts),
                     t("brief_progress_charts", briefing.lang, n=number, total=len(charts)))
        images[chart.key] = slide_picture(chart.figure) if for_slides else print_picture(chart.figure)
    return images


def documents(briefing: Briefing, formats: tuple[str, ...] = tuple(WRITERS),
              progress: Progress | None = None) -> dict[str, bytes]:
    """The briefing's files by extension ("docx", "pptx"), each look of the charts rendered once."""
    looks = sorted({fmt == "pptx" for fmt in formats})
    images = {}
    for number, for_slides in enumerate(looks):
        share = (0.05 + 0.8 * number / len(looks), 0.05 + 0.8 * (number + 1) / len(looks))
        images[for_slides] = render_charts(briefing, progress, share, for_slides=for_slides)
    files = {}
    for number, fmt in enumerate(formats):
        if progress:
            key = "brief_progress_word" if fmt == "docx" else "brief_progress_slides"
            progress(0.85 + 0.15 * number / len(formats), t(key, briefing.lang))
        files[fmt] = WRITERS[fmt](briefing, images[fmt == "pptx"])
    if progress:
        progress(1.0, t("brief_progress_done", briefing.lang))
    return files
