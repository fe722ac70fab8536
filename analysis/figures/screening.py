"""Figures of the screening and risk model pages: reasons, county map, calibration, odds ratios.

Builders take DataFrames and plain arguments and return plotly figures; they never query or render.
The map is an SVG choropleth on an offline `geo` subplot (analysis.figures.geomap).
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import formatting
from analysis.figures.base import GRID, MUTED, REMAINING, SOURCE_COLOURS, count_axis, new_figure
from analysis.figures.geomap import map_figure
from analysis.i18n import region_name, t

FEATURE_LABELS = {
    "log_income_ratio": "risk_f_log_income_ratio", "below_line": "risk_f_below_line",
    "wage_share": "risk_f_wage_share", "transfer_share": "risk_f_transfer_share",
    "livestock_share": "risk_f_livestock_share", "members": "risk_f_members", "labour_share": "risk_f_labour_share",
    "rigid_share": "risk_f_rigid_share", "disaster_severity": "risk_f_disaster_severity",
    "relocated": "risk_f_relocated", "type_formerly_poor": "risk_f_type_formerly_poor",
    "type_unstable": "risk_f_type_unstable", "type_edge": "risk_f_type_edge", "type_sudden": "risk_f_type_sudden",
}
MAP_COLOURS = [[0, "#fff5eb"], [0.5, "#f3a05a"], [1, "#b3401b"]]


def feature_label(name: str, lang: str) -> str:
    return t(FEATURE_LABELS[name], lang) if name in FEATURE_LABELS else name


def reasons_figure(frame: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Horizontal bars of households per reason. `frame`: reason (display name), households."""
    fig = new_figure(title or t("screen_by_reason", lang), 120 + 42 * max(len(frame), 1))
    fig.add_bar(y=frame["reason"], x=frame["households"], orientation="h", marker_color=REMAINING,
                customdata=[formatting.count(v, lang) for v in frame["households"]],
                text=[formatting.count(v, lang) for v in frame["households"]], textposition="outside",
                cliponaxis=False, hovertemplate="%{y}: %{customdata}<extra></extra>")
    room = max(float(frame["households"].max()), 1.0) * 1.18  # space for the number after the longest bar
    # plotly never wraps a tick label: long English reasons go on two lines so a laptop-width column keeps them.
    labels = ["<br>".join(textwrap.wrap(r, 28)) if " " in r else r for r in frame["reason"]]
    fig.update_layout(xaxis={"showgrid": True, "gridcolor": GRID, "range": [0, room]},
                      yaxis={"autorange": "reversed", "showgrid": False, "tickmode": "array",
                             "tickvals": list(frame["reason"]), "ticktext": labels}, margin={"r": 60})
    return count_axis(fig, "xaxis", room, lang)


def county_map_figure(frame: pd.DataFrame, geojson: dict, lang: str, *, title: str = "") -> go.Figure:
    """Counties shaded by the share of households flagged.

    `frame`: county_code, name, name_en, households, flagged. `geojson`: from analysis.regions
    (feature id = 6-digit county code).
    """
    fig = map_figure(title or t("screen_map_title", lang), 520)
    share = frame["flagged"] / frame["households"]
    names = [region_name(zh, en, lang) for zh, en in zip(frame["name"], frame["name_en"], strict=True)]
    hover = [f"{name}: {formatting.percent(s)} ({formatting.count(f, lang)} / {formatting.count(h, lang)})"
             for name, s, f, h in zip(names, share, frame["flagged"], frame["households"], strict=True)]
    fig.add_trace(go.Choropleth(
        geojson=geojson, locations=frame["county_code"], z=share * 100, featureidkey="id",
        colorscale=MAP_COLOURS, zmin=0, marker={"line": {"width": 0.6, "color": "white"}},
        colorbar={"title": {"text": t("screen_map_share", lang)}, "ticksuffix": "%"}, text=hover, hovertemplate="%{text}<extra></extra>",
    ))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return fig


def calibration_figure(frame: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Predicted against observed share below the line next year, by decile of predicted risk.

    `frame`: bin, households, predicted, observed (shares).
    """
    fig = new_figure(title or t("risk_calibration_title", lang), 380)
    deciles = frame["bin"].astype(str)
    for key, column, colour in (("risk_predicted", "predicted", MUTED),
                                ("risk_observed", "observed", SOURCE_COLOURS["wage_income"])):
        fig.add_bar(x=deciles, y=frame[column] * 100, name=t(key, lang), marker_color=colour,
                    customdata=[formatting.percent(v) for v in frame[column]],
                    hovertemplate=t("risk_decile", lang) + " %{x} · " + t(key, lang) + ": %{customdata}<extra></extra>")
    fig.update_layout(barmode="group", xaxis={"title": {"text": t("risk_decile", lang)}, "type": "category"},
                      yaxis={"ticksuffix": "%", "tickformat": ".0f"})
    return fig


def odds_figure(frame: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Odds ratios with 95% intervals on a log axis. `frame`: feature, odds_ratio, lower, upper."""
    frame = frame.iloc[::-1]
    labels = [feature_label(name, lang) for name in frame["feature"]]
    fig = new_figure(title or t("risk_odds_title", lang), 140 + 30 * len(frame))
    fig.add_scatter(
        x=frame["odds_ratio"], y=labels, mode="markers", marker={"size": 9, "color": REMAINING}, showlegend=False,
        error_x={"type": "data", "symmetric": False, "array": frame["upper"] - frame["odds_ratio"],
                 "arrayminus": frame["odds_ratio"] - frame["lower"], "color": MUTED},
        customdata=np.column_stack([frame["lower"], frame["upper"]]),
        hovertemplate="%{y}: %{x:.3g} (%{customdata[0]:.3g} – %{customdata[1]:.3g})<extra></extra>",
    )
    fig.add_vline(x=1, line={"color": MUTED, "dash": "dash", "width": 1})
    bounds = np.log10(frame[["lower", "upper"]].to_numpy(dtype=float))
    bounds = bounds[np.isfinite(bounds)]
    low, high = (bounds.min(), bounds.max()) if bounds.size else (0.0, 0.0)
    ticks = 10.0 ** np.arange(np.floor(min(low, 0)), np.ceil(max(high, 0)) + 1)
    fig.update_layout(xaxis={"type": "log", "showgrid": True, "gridcolor": GRID, "tickvals": ticks,
                             "ticktext": [f"{tick:,g}" for tick in ticks],
                             "title": {"text": t("risk_odds_ratio", lang)}},
                      yaxis={"showgrid": False})
    return fig
