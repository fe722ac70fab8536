"""Figures of the overview page: income by source, monitored households, migrant work.

Builders take DataFrames and plain arguments and return plotly figures; they never query or render.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis import formatting
from analysis.figures.base import (
    ELIMINATED,
    FONT_FAMILY,
    GRID,
    INK,
    MUTED,
    REMAINING,
    SOURCE_COLOURS,
    SOURCES,
    count_axis,
    new_figure,
)
from analysis.i18n import household_type, t


def income_sources_figure(frame: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Stacked bars of per-capita income by source and year, with the total above each bar.

    `frame`: one row per year with columns year, wage_income, operating_income, property_income,
    transfer_income (yuan per person) and income_per_capita.
    """
    fig = new_figure(title or t("sources_title", lang), 420)
    years = frame["year"].astype(str)
    for source in SOURCES:
        values = frame[source]
        fig.add_bar(
            x=years, y=values, name=t(source, lang), marker_color=SOURCE_COLOURS[source],
            customdata=[formatting.yuan(v, lang) for v in values],
            hovertemplate="%{x} · " + t(source, lang) + ": %{customdata}<extra></extra>",
        )
    fig.add_scatter(
        x=years, y=frame["income_per_capita"], mode="text", showlegend=False, hoverinfo="skip",
        text=[formatting.yuan(v, lang) for v in frame["income_per_capita"]], textposition="top center",
        textfont={"family": FONT_FAMILY, "size": 14, "color": INK}, cliponaxis=False,
    )
    fig.update_layout(barmode="relative", xaxis_type="category")
    # Room above the tallest bar for its total.
    fig.update_yaxes(range=[min(0.0, frame[list(SOURCES)].clip(upper=0).sum(axis=1).min() * 1.1),
                            frame["income_per_capita"].max() * 1.15])
    return fig


def monitored_figure(frame: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Horizontal bars of monitored households by type, split into risk eliminated and not.

    `frame`: household_type, households, eliminated.
    """
    fig = new_figure(title or t("monitored_title", lang), 320)
    labels = [household_type(name, lang) for name in frame["household_type"]]
    parts = (("risk_eliminated", frame["eliminated"], ELIMINATED),
             ("risk_remaining", frame["households"] - frame["eliminated"], REMAINING))
    for key, values, colour in parts:
        fig.add_bar(
            y=labels, x=values, orientation="h", name=t(key, lang), marker_color=colour,
            customdata=[formatting.count(v, lang) for v in values],
            hovertemplate="%{y} · " + t(key, lang) + ": %{customdata}<extra></extra>",
        )
    # Long type names narrow the plot: the legend goes below it, under the axis labels (not over them), so it
    # never runs into the title either.
    fig.update_layout(barmode="stack", legend={"traceorder": "normal", "y": 0, "yref": "container", "yanchor": "bottom"},
                      margin={"b": 70},
                      xaxis={"showgrid": True, "gridcolor": GRID}, yaxis={"autorange": "reversed", "showgrid": False})
    return count_axis(fig, "xaxis", float(frame["households"].max() if len(frame) else 0), lang)


def _month_label(month: pd.Timestamp, lang: str) -> str:
    """Within one year's chart the month alone: "3月" / "Mar" (the title names the year)."""
    return month.strftime("%b") if lang == "en" else f"{month.month}月"


def employment_figure(frame: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Monthly migrant workers against the target, summed over counties.

    `frame`: month (date), migrant_workers, target.
    """
    fig = new_figure(title or t("employment_title", lang), 300)
    months = [_month_label(month, lang) for month in pd.to_datetime(frame["month"])]
    for key, column, colour, dash in (("migrant_workers", "migrant_workers", SOURCE_COLOURS["wage_income"], None),
                                      ("target", "target", MUTED, "dash")):
        values = frame[column]
        fig.add_scatter(
            x=months, y=values, mode="lines+markers", name=t(key, lang),
            line={"color": colour, "dash": dash, "width": 3},
            customdata=[formatting.count(v, lang) for v in values],
            hovertemplate="%{x} · " + t(key, lang) + ": %{customdata}<extra></extra>",
        )
    fig.update_layout(xaxis={"type": "category", "tickangle": 0}, yaxis_rangemode="tozero")
    return count_axis(fig, "yaxis", float(frame[["migrant_workers", "target"]].max().max()), lang)
