"""Figures of the what-if simulator: a county choropleth that renders offline, income loss by decile.

The map uses `go.Choroplethmap` on map_style "white-bg": no tiles and no CDN topojson, so it draws
with the GeoJSON of analysis.regions alone (see /work/shared/stack-notes.md).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis import formatting
from analysis.figures.base import new_figure
from analysis.figures.mapview import fit_view
from analysis.i18n import region_name, t

LOSS = "#d9534f"
MAP_COLOURS = [[0.0, "#fff5eb"], [0.5, "#fd8d3c"], [1.0, "#a63603"]]


def county_map(counties: pd.DataFrame, geojson: dict, lang: str, title: str, value: str = "newly_below_line") -> go.Figure:
    """Choropleth of `value` by county (`counties`: county_code, name, name_en, value)."""
    fig = new_figure(title, 520)
    names = [region_name(zh, en, lang) for zh, en in zip(counties["name"], counties["name_en"], strict=True)]
    fig.add_trace(go.Choroplethmap(
        geojson=geojson, locations=counties["county_code"], z=counties[value], featureidkey="id",
        colorscale=MAP_COLOURS, zmin=0, zmax=max(1, float(counties[value].max() or 0)), marker_line_width=0.5,
        marker_line_color="#7b8794", text=names, colorbar={"title": {"text": ""}, "thickness": 14},
        customdata=[formatting.count(v, lang) for v in counties[value]],
        hovertemplate="%{text} · %{customdata}<extra></extra>",
    ))
    fig.update_layout(map=fit_view(geojson, height=460, codes=set(counties["county_code"])),
                      margin={"l": 0, "r": 0, "b": 0})
    return fig


def decile_figure(deciles: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Bars of income lost per household by decile of baseline per-capita income (1 = poorest)."""
    fig = new_figure(title, 340)
    fig.add_bar(x=deciles["decile"].astype(str), y=deciles["loss_per_household"], marker_color=LOSS,
                name=t("sim_loss_per_household", lang),
                customdata=[[formatting.yuan(v, lang), formatting.percent(s)]
                            for v, s in zip(deciles["loss_per_household"], deciles["loss_share"], strict=True)],
                hovertemplate="%{x} · %{customdata[0]} · %{customdata[1]}<extra></extra>")
    fig.update_xaxes(title_text=t("sim_decile", lang), type="category")
    return fig
