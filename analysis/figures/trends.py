"""Figures of the income page: trend with band and projection, growth by source, counties, income bands.

Builders take DataFrames or result objects and return plotly figures; they never query or render.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis import formatting
from analysis.figures.base import GRID, INK, MUTED, REMAINING, SOURCE_COLOURS, SOURCES, new_figure
from analysis.i18n import household_type, region_name, t
from analysis.trends import TrendFit

FIT, BAND, LINE = "#2a6fb0", "rgba(42, 111, 176, 0.15)", "#d9534f"
TYPE_COLOURS = ("#2a6fb0", "#e39b2d", "#d9534f", "#8e6bbf", "#7b8794")
LOW_SLOW, OTHER = REMAINING, "#9aa5b1"


def _yuan(values, lang: str) -> list[str]:
    return [formatting.yuan(v, lang) for v in values]


def _line_trace(fig: go.Figure, lines: pd.DataFrame, lang: str) -> None:
    fig.add_scatter(x=lines["year"], y=lines["monitoring_line"], mode="lines", name=t("monitoring_line", lang),
                    line={"color": LINE, "dash": "dash", "width": 2, "shape": "hv"},
                    customdata=_yuan(lines["monitoring_line"], lang),
                    hovertemplate="%{x} · " + t("monitoring_line", lang) + ": %{customdata}<extra></extra>")


def _projection_trace(fig: go.Figure, fit: TrendFit, lang: str, level: str) -> None:
    """Next year's projection from the latest level, with its prediction interval when there is one."""
    point = formatting.yuan(fit.projection, lang)
    if fit.projection_low is None:
        fig.add_scatter(x=[fit.next_year], y=[fit.projection], mode="markers", name=t("trend_projection_point", lang),
                        marker={"size": 12, "symbol": "diamond", "color": FIT}, customdata=[point],
                        hovertemplate="%{x} · %{customdata}<extra></extra>")
        return
    fig.add_scatter(
        x=[fit.next_year], y=[fit.projection], mode="markers", name=t("trend_projection", lang, level=level),
        marker={"size": 12, "symbol": "diamond", "color": FIT},
        error_y={"type": "data", "symmetric": False, "array": [fit.projection_high - fit.projection],
                 "arrayminus": [fit.projection - fit.projection_low], "color": FIT, "thickness": 2, "width": 8},
        customdata=[[point, formatting.yuan(fit.projection_low, lang), formatting.yuan(fit.projection_high, lang)]],
        hovertemplate="%{x} · %{customdata[0]} (%{customdata[1]} – %{customdata[2]})<extra></extra>")


def trend_figure(fit: TrendFit, lines: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Yearly per-capita income, the robust log-linear trend with its confidence band, next year's
    projection (from the latest level) with its prediction interval, and the monitoring line; bands and
    intervals only when the fit has them (enough years). `lines`: year, monitoring_line."""
    fig = new_figure(title, 440)
    level = formatting.percent(fit.confidence, decimals=0)
    years = list(fit.years)
    if fit.band_low is not None:
        fig.add_scatter(x=years + years[::-1], y=list(fit.band_high) + list(fit.band_low)[::-1], fill="toself",
                        mode="lines", fillcolor=BAND, line={"width": 0}, hoverinfo="skip",
                        name=t("trend_band", lang, level=level))
    fig.add_scatter(x=years, y=fit.fitted, mode="lines", name=t("trend_fitted", lang),
                    line={"color": FIT, "width": 2, "dash": "dot"}, customdata=_yuan(fit.fitted, lang),
                    hovertemplate="%{x} · " + t("trend_fitted", lang) + ": %{customdata}<extra></extra>")
    symbols = ["circle" if w > 0.99 else "circle-open" for w in fit.weights]
    fig.add_scatter(x=years, y=fit.income, mode="lines+markers", name=t("income_per_capita", lang),
                    line={"color": INK, "width": 3}, marker={"size": 10, "symbol": symbols, "color": INK},
                    customdata=[[y, f"{w:.2f}"] for y, w in zip(_yuan(fit.income, lang), fit.weights, strict=True)],
                    hovertemplate="%{x} · %{customdata[0]} · " + t("trend_weight", lang)
                    + " %{customdata[1]}<extra></extra>")
    _projection_trace(fig, fit, lang, level)
    _line_trace(fig, lines[lines["year"].between(years[0], fit.next_year)], lang)
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_yaxes(rangemode="tozero", title=t("trend_yuan_axis", lang))
    return fig


def child_income_figure(frame: pd.DataFrame, lines: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Per-capita income of each area one level down, by year, against the monitoring line.

    `frame`: code, name, name_en, year, income_per_capita (analysis.trends.per_capita)."""
    fig = new_figure(title, 420)
    for _, area in frame.groupby("code", sort=True):
        name = region_name(area["name"].iloc[0], area["name_en"].iloc[0], lang)
        fig.add_scatter(x=area["year"], y=area["income_per_capita"], mode="lines+markers", name=name,
                        line={"width": 2}, marker={"size": 6}, customdata=_yuan(area["income_per_capita"], lang),
                        hovertemplate=name + " · %{x}: %{customdata}<extra></extra>")
    _line_trace(fig, lines[lines["year"].between(frame["year"].min(), frame["year"].max())], lang)
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_yaxes(rangemode="tozero", title=t("trend_yuan_axis", lang))
    return fig


def _pp_bars(fig: go.Figure, x: list, frame: pd.DataFrame, lang: str, horizontal: bool = False) -> None:
    for source in SOURCES:
        values = frame[source]
        text = [f"{v:+.1f}" for v in values]
        coords = {"y": x, "x": values, "orientation": "h"} if horizontal else {"x": x, "y": values}
        fig.add_bar(**coords, name=t(source, lang), marker_color=SOURCE_COLOURS[source],
                    customdata=text, hovertemplate="%{" + ("y" if horizontal else "x") + "} · " + t(source, lang)
                    + ": %{customdata} " + t("trend_pp", lang) + "<extra></extra>")
    total = {"y": x, "x": frame["total_pp"]} if horizontal else {"x": x, "y": frame["total_pp"]}
    fig.add_scatter(**total, mode="markers+text", name=t("trend_total_growth", lang),
                    marker={"symbol": "diamond", "size": 11, "color": INK},
                    text=[f"{v:+.1f}" for v in frame["total_pp"]],
                    textposition="middle right" if horizontal else "top center",
                    hovertemplate=t("trend_total_growth", lang) + ": %{text} " + t("trend_pp", lang)
                    + "<extra></extra>")
    fig.update_layout(barmode="relative")


def decomposition_figure(frame: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Stacked contributions of the four sources to each year's growth, in percentage points, with
    the total growth marked. `frame`: analysis.trends.growth_decomposition."""
    fig = new_figure(title, 420)
    _pp_bars(fig, [str(y) for y in frame["year"]], frame, lang)
    parts = frame[list(SOURCES)]
    top = max(parts.clip(lower=0).sum(axis=1).max(), frame["total_pp"].max(), 0)
    bottom = min(parts.clip(upper=0).sum(axis=1).min(), frame["total_pp"].min(), 0)
    fig.update_xaxes(type="category")
    # Room above the tallest bar for the total's label.
    fig.update_yaxes(title=t("trend_pp_axis", lang), tickformat=".0f", zeroline=True, zerolinecolor=MUTED,
                     range=[bottom - 0.1 * (top - bottom), top + 0.18 * (top - bottom)])
    return fig


def waterfall_figure(row: pd.Series, lang: str, *, title: str = "") -> go.Figure:
    """From last year's per-capita income to this year's, one step per source (yuan per person).

    `row`: one row of growth_decomposition (pp contributions, previous_income, income_per_capita, year)."""
    fig = new_figure(title, 420)
    steps = [row[source] * row["previous_income"] / 100 for source in SOURCES]
    labels = [str(int(row["year"]) - 1), *(t(s, lang) for s in SOURCES), str(int(row["year"]))]
    values = [row["previous_income"], *steps, row["income_per_capita"]]
    fig.add_waterfall(
        x=labels, y=values, measure=["absolute", *["relative"] * len(SOURCES), "total"],
        text=[formatting.yuan(values[0], lang), *(f"{v:+,.0f}" for v in steps),
              formatting.yuan(values[-1], lang)],
        textposition="outside", connector={"line": {"color": GRID}},
        increasing={"marker": {"color": SOURCE_COLOURS["transfer_income"]}},
        decreasing={"marker": {"color": REMAINING}}, totals={"marker": {"color": MUTED}},
        hovertemplate="%{x}: %{text}<extra></extra>", showlegend=False)
    base = min(row["previous_income"], row["income_per_capita"])
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[base * 0.9, max(row["previous_income"], row["income_per_capita"]) * 1.06],
                     title=t("trend_yuan_axis", lang))
    return fig


def child_decomposition_figure(frame: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Each area's growth in one year split by source (horizontal stacked bars, percentage points).

    `frame`: analysis.trends.child_decomposition."""
    ordered = frame.sort_values("total_pp")
    names = [region_name(n, e, lang) for n, e in zip(ordered["name"], ordered["name_en"], strict=True)]
    fig = new_figure(title, max(320, 28 * len(ordered) + 140))
    _pp_bars(fig, names, ordered, lang, horizontal=True)
    fig.update_xaxes(title=t("trend_pp_axis", lang), tickformat=".0f", showgrid=True, gridcolor=GRID,
                     zeroline=True, zerolinecolor=MUTED)
    fig.update_yaxes(type="category", showgrid=False)
    return fig


def county_scatter_figure(frame: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Counties' income level (multiple of the line) against annual growth; quadrant lines at the
    medians and at the line; low-and-slow counties in red. `frame`: analysis.trends.county_growth."""
    fig = new_figure(title, 480)
    data = frame.dropna(subset=["level", "growth"])
    size = (data["households"] / max(data["households"].max(), 1)) ** 0.5 * 26 + 6
    for flag, key, colour in ((True, "trend_low_slow", LOW_SLOW), (False, "trend_other_counties", OTHER)):
        part, part_size = data[data["low_and_slow"] == flag], size[data["low_and_slow"] == flag]
        names = [region_name(n, e, lang) for n, e in zip(part["name"], part["name_en"], strict=True)]
        fig.add_scatter(
            x=part["level"], y=part["growth"] * 100, mode="markers", name=t(key, lang),
            marker={"color": colour, "size": part_size, "line": {"color": "white", "width": 1}, "opacity": 0.85},
            customdata=[[n, formatting.yuan(v, lang), formatting.signed_percent(g), formatting.count(h, lang)]
                        for n, v, g, h in zip(names, part["income_per_capita"], part["growth"], part["households"],
                                              strict=True)],
            hovertemplate="<b>%{customdata[0]}</b><br>" + t("income_per_capita", lang) + ": %{customdata[1]} "
            "(%{x:.2f}×)<br>" + t("trend_growth_axis", lang) + ": %{customdata[2]}<br>" + t("households", lang)
            + ": %{customdata[3]}<extra></extra>")
    if not data.empty:
        fig.add_vline(x=data["level"].median(), line={"color": MUTED, "dash": "dot"},
                      annotation_text=t("trend_median", lang), annotation_position="top")
        fig.add_hline(y=data["growth"].median() * 100, line={"color": MUTED, "dash": "dot"},
                      annotation_text=t("trend_median", lang), annotation_position="top left")
    fig.add_vline(x=1.0, line={"color": LINE, "dash": "dash"}, annotation_text=t("monitoring_line", lang),
                  annotation_position="bottom right")
    fig.update_xaxes(title=t("trend_level_axis", lang), tickformat=".1f", ticksuffix="×", showgrid=True,
                     gridcolor=GRID, rangemode="tozero")
    fig.update_yaxes(title=t("trend_growth_axis", lang), tickformat=".0f", ticksuffix="%")
    return fig


def bands_figure(frame: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Share of each household type's households in each income band (multiples of the line), as
    grouped bars, so small monitored types compare with the large ones; counts on hover.

    `frame`: analysis.trends.income_bands (household_type, band, label, below_line, households)."""
    fig = new_figure(title, 420)
    labels = frame.drop_duplicates("band").sort_values("band")["label"].tolist()
    for colour, (name, part) in zip(TYPE_COLOURS * 2, frame.groupby("household_type", sort=False), strict=False):
        label = household_type(name, lang)
        part = part.sort_values("band")
        shares = part["households"] / max(int(part["households"].sum()), 1) * 100
        fig.add_bar(x=part["label"], y=shares, name=label, marker_color=colour,
                    customdata=[[formatting.count(v, lang), f"{s:.1f}%"] for v, s in
                                zip(part["households"], shares, strict=True)],
                    hovertemplate=label + " · %{x}: %{customdata[1]} (%{customdata[0]})<extra></extra>")
    below = frame.loc[frame["below_line"], "band"].nunique()
    if below:  # shade the bands under the line
        fig.add_vrect(x0=-0.5, x1=below - 0.5, fillcolor=LINE, opacity=0.07, line_width=0,
                      annotation_text=t("trend_below_line_bands", lang), annotation_position="top left")
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels, title=t("trend_band_axis", lang))
    fig.update_yaxes(title=t("trend_share_of_type", lang), ticksuffix="%", tickformat=".0f")
    return fig
