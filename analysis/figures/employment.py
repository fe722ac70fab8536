"""Figures of the employment page: workers against target by month and county, and work against wages.

Builders take DataFrames or result objects and return plotly figures; they never query or render.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis import formatting
from analysis.employment import RelationFit
from analysis.figures.base import GRID, INK, MUTED, REMAINING, SOURCE_COLOURS, axis_name, new_figure
from analysis.i18n import region_name, t

WORKERS, RETURNED, WELFARE = SOURCE_COLOURS["wage_income"], "#e39b2d", "#3f9d6e"
MET, SHORT, BAND = "#3f9d6e", REMAINING, "rgba(42, 111, 176, 0.15)"
COLOUR_BAR_ROOM = 70  # pixels under the heatmap's months for its horizontal colour bar and its title


def _month_labels(months: pd.Series, lang: str) -> list[str]:
    """Within one year's chart the month alone ("3月" / "Mar"); the title names the year."""
    return [m.strftime("%b") if lang == "en" else f"{m.month}月" for m in pd.to_datetime(months)]


def _names(frame: pd.DataFrame, lang: str) -> list[str]:
    return [region_name(n, e, lang) for n, e in zip(frame["name"], frame["name_en"], strict=True)]


def monthly_figure(monthly: pd.DataFrame, extras: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Migrant workers against target per month (lines), returnees and public-welfare jobs (bars).

    `monthly`: month, migrant_workers, target (overview.employment_by_month); `extras`: month,
    returned, public_welfare_jobs (analysis.employment.monthly_totals)."""
    fig = new_figure(title, 420)
    months = _month_labels(monthly["month"], lang)
    for key, column, colour, dash in (("migrant_workers", "migrant_workers", WORKERS, None),
                                      ("target", "target", MUTED, "dash")):
        fig.add_scatter(x=months, y=monthly[column], mode="lines+markers", name=t(key, lang),
                        line={"color": colour, "dash": dash, "width": 3},
                        customdata=[formatting.count(v, lang) for v in monthly[column]],
                        hovertemplate="%{x} · " + t(key, lang) + ": %{customdata}<extra></extra>")
    extra_months = _month_labels(extras["month"], lang)
    for key, column, colour in (("emp_returned", "returned", RETURNED),
                                ("emp_welfare_jobs", "public_welfare_jobs", WELFARE)):
        fig.add_bar(x=extra_months, y=extras[column], name=t(key, lang), marker_color=colour, opacity=0.8,
                    customdata=[formatting.count(v, lang) for v in extras[column]],
                    hovertemplate="%{x} · " + t(key, lang) + ": %{customdata}<extra></extra>")
    fig.update_layout(barmode="group", xaxis={"type": "category", "tickangle": 0}, yaxis_rangemode="tozero")
    return fig


def share_figure(status: pd.DataFrame, lang: str, *, title: str = "", limit: int = 30) -> go.Figure:
    """Share of target met by county: bars for the latest month (red when short), a marker for the
    year's worst month (red when short then). The `limit` counties with the lowest worst month.

    `status`: analysis.employment.county_status."""
    data = status.dropna(subset=["share"]).head(limit).iloc[::-1]
    names = _names(data, lang)
    fig = new_figure(title, max(320, 24 * len(data) + 160))
    fig.add_bar(y=[axis_name(name) for name in names], x=data["share"] * 100, orientation="h",
                name=t("emp_latest_month", lang), marker_color=[SHORT if short else MET for short in data["share"] < 1],
                customdata=[[name, formatting.percent(s), formatting.count(w, lang), formatting.count(g, lang)]
                            for name, s, w, g in zip(names, data["share"], data["migrant_workers"], data["target"],
                                                     strict=True)],
                hovertemplate="%{customdata[0]}: %{customdata[1]} (%{customdata[2]} / %{customdata[3]})"
                              "<extra></extra>")
    fig.add_scatter(y=[axis_name(name) for name in names], x=data["lowest_share"] * 100, mode="markers",
                    name=t("emp_lowest_share", lang), customdata=names,
                    marker={"symbol": "line-ns-open", "size": 16, "line": {"width": 3},
                            "color": [SHORT if short else INK for short in data["lowest_share"] < 1]},
                    hovertemplate="%{customdata} · " + t("emp_lowest_share", lang) + ": %{x:.1f}%<extra></extra>")
    fig.add_vline(x=100, line={"color": INK, "dash": "dash"}, annotation_text=t("target", lang))
    low = min(data["lowest_share"].min(), data["share"].min()) * 100 if len(data) else 80
    high = max(data["share"].max(), 1.0) * 100 if len(data) else 120
    fig.update_xaxes(title=t("emp_share_axis", lang), ticksuffix="%", tickformat=".0f", showgrid=True,
                     gridcolor=GRID, range=[max(0.0, low - 10), high + 5])
    fig.update_yaxes(type="category", showgrid=False)
    return fig


def heatmap_figure(months: pd.DataFrame, codes: list[str], lang: str, *, title: str = "") -> go.Figure:
    """Share of target by county (rows, in the order of `codes`) and month; under 100% shades red.

    `months`: analysis.employment.county_months."""
    data = months[months["code"].isin(codes)]
    grid = data.pivot_table(index="code", columns="month", values="share", aggfunc="first").reindex(codes)
    names = data.drop_duplicates("code").set_index("code").reindex(codes)
    labels = [region_name(n, e, lang) for n, e in zip(names["name"], names["name_en"], strict=True)]
    # The colour bar lies under the months, so the county names and the twelve months share the width
    fig = new_figure(title, max(320, 22 * len(codes) + 160) + COLOUR_BAR_ROOM)
    fig.add_heatmap(
        z=grid.to_numpy() * 100, x=_month_labels(pd.Series(grid.columns), lang), y=[axis_name(n) for n in labels],
        colorscale=[[0, SHORT], [0.4999, "#fbe3e2"], [0.5, "#e3f1e8"], [1, MET]], zmin=80, zmax=120,
        colorbar={"title": {"text": t("emp_share_axis", lang), "side": "top"}, "ticksuffix": "%",
                  "orientation": "h", "thickness": 12, "len": 1, "lenmode": "fraction", "x": 0, "xanchor": "left",
                  "yref": "container", "y": 0, "yanchor": "bottom", "ypad": 6},
        customdata=[[name] * grid.shape[1] for name in labels],
        hovertemplate="%{customdata} · %{x}: %{z:.1f}%<extra></extra>", xgap=1, ygap=1)
    fig.update_layout(margin_b=50 + COLOUR_BAR_ROOM)
    fig.update_yaxes(autorange="reversed", type="category", showgrid=False)
    fig.update_xaxes(type="category", showgrid=False)
    return fig


def relation_figure(frame: pd.DataFrame, fit: RelationFit | None, lang: str, *, title: str = "") -> go.Figure:
    """Counties' migrant workers per 100 households against per-capita wage income, with the OLS line
    and its confidence band. `frame`: analysis.employment.wage_and_work."""
    fig = new_figure(title, 440)
    if fit is not None:
        level = formatting.percent(fit.confidence, decimals=0)
        grid = list(fit.grid)
        fig.add_scatter(x=grid + grid[::-1], y=list(fit.band_high) + list(fit.band_low)[::-1], fill="toself", mode="lines",
                        fillcolor=BAND, line={"width": 0}, hoverinfo="skip",
                        name=t("emp_fit_band", lang, level=level))
        fig.add_scatter(x=grid, y=fit.fitted, mode="lines", name=t("emp_fit_line", lang),
                        line={"color": WORKERS, "width": 2}, hoverinfo="skip")
    fig.add_scatter(
        x=frame["workers_per_100"], y=frame["wage_income"], mode="markers", name=t("emp_counties", lang),
        marker={"color": INK, "size": 8, "opacity": 0.7},
        customdata=[[n, formatting.yuan(w, lang), formatting.count(h, lang)]
                    for n, w, h in zip(_names(frame, lang), frame["wage_income"], frame["households"], strict=True)],
        hovertemplate="<b>%{customdata[0]}</b><br>%{x:.1f} · %{customdata[1]} · " + t("households", lang)
        + " %{customdata[2]}<extra></extra>")
    fig.update_xaxes(title=t("emp_workers_axis", lang), showgrid=True, gridcolor=GRID, rangemode="tozero")
    fig.update_yaxes(title=t("emp_wage_axis", lang), rangemode="tozero")
    return fig
