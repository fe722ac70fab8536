"""Figures of the credibility audit: flags per county on a map, flags by reason, and the evidence behind a flag
(histogram around the line with its counterfactual, digits against Benford and the county, jumps).

Builders take DataFrames and plain arguments and return plotly figures; they never query or render.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis import formatting
from analysis.figures.base import GRID, MUTED, REMAINING, count_axis, new_figure
from analysis.figures.geomap import map_figure
from analysis.i18n import region_name, t

FLAG_COLOURS = [[0, "#f5f7fa"], [0.01, "#fde0c5"], [1, "#b3401b"]]
LINE_COLOUR, PEER_COLOUR, BENFORD_COLOUR = "#1f2933", "#7b8794", "#2a6fb0"


def flag_map_figure(frame: pd.DataFrame, outlines: dict, lang: str) -> go.Figure:
    """Counties shaded by their number of flags. `frame`: county_code, name, name_en, flags."""
    fig = map_figure(t("cred_map_title", lang), 520)
    names = [region_name(a, b, lang) for a, b in zip(frame["name"], frame["name_en"], strict=True)]
    fig.add_trace(go.Choropleth(
        geojson=outlines, locations=frame["county_code"], z=frame["flags"], featureidkey="id",
        colorscale=FLAG_COLOURS, zmin=0, zmax=max(int(frame["flags"].max()), 1),
        marker={"line": {"width": 0.6, "color": "white"}},
        colorbar={"title": {"text": t("cred_map_flags", lang)}, "tickformat": ",d",  # whole flags, no 0.2 steps
                  "dtick": max(1, int(frame["flags"].max()) // 5)},
        text=[f"{n}: {formatting.count(f, lang)}" for n, f in zip(names, frame["flags"], strict=True)],
        hovertemplate="%{text}<extra></extra>"))
    fig.update_layout(margin={"l": 0, "r": 0})
    return fig


def reasons_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Bars of flagged units per reason. `frame`: reason (display name), units."""
    fig = new_figure(t("cred_by_reason", lang), 120 + 40 * max(len(frame), 1))
    labels = [formatting.count(v, lang) for v in frame["units"]]
    fig.add_bar(y=frame["reason"], x=frame["units"], orientation="h", marker_color=REMAINING, text=labels,
                textposition="outside", cliponaxis=False, customdata=labels,
                hovertemplate="%{y}: %{customdata}<extra></extra>")
    room = max(float(frame["units"].max()), 1.0) * 1.2
    fig.update_layout(xaxis={"showgrid": True, "gridcolor": GRID, "range": [0, room]},
                      yaxis={"autorange": "reversed", "showgrid": False}, margin={"r": 60})
    return count_axis(fig, "xaxis", room, lang)


def histogram_figure(frame: pd.DataFrame, lang: str, *, name: str) -> go.Figure:
    """Households per bin around the line, the counterfactual, the line and the band just above it.

    `frame`: low, high, households, counterfactual, band (from analysis.credibility.density.county_histogram).
    """
    fig = new_figure(t("cred_hist_title", lang, name=name), 440)
    centers = (frame["low"] + frame["high"]) / 2
    colours = [REMAINING if band else "#9aa5b1" for band in frame["band"]]
    fig.add_bar(x=centers, y=frame["households"], width=frame["high"] - frame["low"], marker_color=colours,
                name=t("cred_hist_households", lang), hovertemplate="%{x:.2f}: %{y}<extra></extra>")
    fig.add_scatter(x=centers, y=frame["counterfactual"], mode="lines", line={"color": LINE_COLOUR, "width": 2.5},
                    name=t("cred_hist_counterfactual", lang), hovertemplate="%{x:.2f}: %{y:.1f}<extra></extra>")
    band = frame[frame["band"]]
    if len(band):
        fig.add_vrect(x0=float(band["low"].min()), x1=float(band["high"].max()), fillcolor=REMAINING, opacity=0.08,
                      line_width=0, annotation_text=t("cred_hist_band", lang), annotation_position="top left")
    fig.add_vline(x=1.0, line={"color": LINE_COLOUR, "dash": "dash"})
    fig.update_layout(xaxis={"title": t("cred_hist_x", lang)}, yaxis={"title": t("cred_hist_households", lang)},
                      bargap=0.05)
    return fig


def digits_figure(frame: pd.DataFrame, lang: str, *, name: str, kind: str = "first") -> go.Figure:
    """A village's digit shares as bars against its county's other villages (and Benford for first digits).

    `frame`: kind, digit, village, county, benford (from analysis.credibility.digits.village_digit_profile).
    """
    rows = frame[frame["kind"] == kind]
    title = "cred_digits_title" if kind == "first" else "cred_last_digits_title"
    fig = new_figure(t(title, lang, name=name), 400)
    fig.add_bar(x=rows["digit"], y=rows["village"], name=t("cred_this_village", lang), marker_color=REMAINING,
                hovertemplate="%{x}: %{y:.1%}<extra></extra>")
    fig.add_scatter(x=rows["digit"], y=rows["county"], mode="lines+markers", name=t("cred_county_peers", lang),
                    line={"color": PEER_COLOUR, "width": 2}, hovertemplate="%{x}: %{y:.1%}<extra></extra>")
    if kind == "first":
        fig.add_scatter(x=rows["digit"], y=rows["benford"], mode="lines+markers", name=t("cred_benford", lang),
                        line={"color": BENFORD_COLOUR, "width": 2, "dash": "dot"},
                        hovertemplate="%{x}: %{y:.1%}<extra></extra>")
    fig.update_layout(xaxis={"title": t("cred_digit", lang), "dtick": 1},
                      yaxis={"title": t("cred_share", lang), "tickformat": ".0%"})
    return fig


def jumps_figure(frame: pd.DataFrame, lang: str, *, name: str, threshold: float) -> go.Figure:
    """Last year's against this year's per-capita income over the line, jumps marked.

    `frame`: prev_ratio, ratio, z (from analysis.credibility.jumps.village_jumps).
    """
    fig = new_figure(t("cred_jumps_title", lang, name=name), 440)
    big = frame["z"].abs() > threshold
    for mask, label, colour in ((~big, t("cred_jump_other", lang), "#9aa5b1"),
                                (big, t("cred_jump_big", lang, z=threshold), REMAINING)):
        part = frame[mask]
        fig.add_scatter(x=part["prev_ratio"], y=part["ratio"], mode="markers", name=label,
                        marker={"color": colour, "size": 8}, customdata=part["z"].round(1),
                        hovertemplate="%{x:.2f} → %{y:.2f} (z=%{customdata})<extra></extra>")
    fig.add_hline(y=1.0, line={"color": LINE_COLOUR, "dash": "dash"})
    fig.add_vline(x=1.0, line={"color": MUTED, "dash": "dot"})
    fig.update_layout(xaxis={"title": t("cred_jumps_prev", lang), "type": "log"},
                      yaxis={"title": t("cred_jumps_now", lang), "type": "log", "tickformat": ".1f"})
    return fig
