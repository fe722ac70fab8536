"""Figures of the what-if simulator: a county choropleth that renders offline, income loss by decile.

The map uses `go.Choroplethmap` on map_style "white-bg": no tiles and no CDN topojson, so it draws
with the GeoJSON of analysis.regions alone (see /work/shared/stack-notes.md).
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import formatting
from analysis.figures.base import new_figure
from analysis.i18n import region_name, t

LOSS = "#d9534f"
MAP_COLOURS = [[0.0, "#fff5eb"], [0.5, "#fd8d3c"], [1.0, "#a63603"]]


def _points(coordinates) -> Iterator[tuple[float, float]]:
    if isinstance(coordinates[0], int | float):
        yield coordinates[0], coordinates[1]
        return
    for part in coordinates:
        yield from _points(part)


def map_view(geojson: dict, codes: set[str]) -> tuple[dict, float]:
    """Centre and zoom that fit the features with these codes (all features when none match)."""
    features = [f for f in geojson["features"] if f["id"] in codes] or geojson["features"]
    points = np.array([p for f in features for p in _points(f["geometry"]["coordinates"])])
    (lon0, lat0), (lon1, lat1) = points.min(axis=0), points.max(axis=0)
    span = max(lon1 - lon0, (lat1 - lat0) * 1.3, 0.05)
    zoom = float(np.clip(np.log2(360 / span) - 0.6, 2, 10))
    return {"lon": float((lon0 + lon1) / 2), "lat": float((lat0 + lat1) / 2)}, zoom


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
    center, zoom = map_view(geojson, set(counties["county_code"]))
    fig.update_layout(map={"style": "white-bg", "center": center, "zoom": zoom}, margin={"l": 0, "r": 0, "b": 0})
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
