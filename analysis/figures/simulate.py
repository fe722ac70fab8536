"""Figures of the what-if simulator: a county choropleth that renders offline, income loss by decile.

The map is an SVG choropleth on an offline `geo` subplot (analysis.figures.geomap), drawn with the GeoJSON
of analysis.regions alone.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis import formatting
from analysis.figures.base import TEMPLATE, new_figure
from analysis.figures.geomap import map_figure
from analysis.i18n import region_name, t

LOSS = "#d9534f"
MAP_COLOURS = [[0.0, "#fff5eb"], [0.5, "#fd8d3c"], [1.0, "#a63603"]]
COMPARE_COLOURS = ("#3f9d6e", "#e39b2d", "#2a6fb0")


def county_map(counties: pd.DataFrame, geojson: dict, lang: str, title: str, value: str = "newly_below_line") -> go.Figure:
    """Choropleth of `value` by county (`counties`: county_code, name, name_en, value)."""
    fig = map_figure(title, 520)
    names = [region_name(zh, en, lang) for zh, en in zip(counties["name"], counties["name_en"], strict=True)]
    high = max(1, float(counties[value].max() or 0))
    fig.add_trace(go.Choropleth(
        geojson=geojson, locations=counties["county_code"], z=counties[value], featureidkey="id",
        colorscale=MAP_COLOURS, zmin=0, zmax=high, marker_line_width=0.5, marker_line_color="#7b8794", text=names,
        colorbar={"title": {"text": ""}, "thickness": 14, "tickformat": ",d", "dtick": max(1, int(high) // 5)},
        customdata=[formatting.count(v, lang) for v in counties[value]],
        hovertemplate="%{text} · %{customdata}<extra></extra>",
    ))
    fig.update_layout(margin={"l": 0, "r": 0, "b": 0})
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


def comparison_figure(numbers: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Scenarios side by side: households kept above the line, cost, and yuan per household kept.

    `numbers`: scenario, kept, cost, per_household (analysis.simulate.summary.comparison_numbers). One row of
    horizontal bars per measure, scenarios named on each: three narrow columns squeezed the labels at 1024 wide.
    """
    panels = (("kept", "sim_compare_kept", formatting.count), ("cost", "sim_compare_cost", formatting.yuan_total),
              ("per_household", "sim_compare_per_household", formatting.yuan))
    row_height = 40 * len(numbers) + 60
    fig = make_subplots(rows=len(panels), cols=1, subplot_titles=[t(key, lang) for _, key, _ in panels],
                        vertical_spacing=min(0.5, 70 / (row_height * len(panels))))
    fig.update_layout(template=TEMPLATE, title={"text": title}, height=row_height * len(panels) + 80,
                      showlegend=False, margin={"t": 80, "l": 10, "r": 20, "b": 10})
    for row, (field, _, text) in enumerate(panels, start=1):
        values = numbers[field]
        fig.add_bar(y=numbers["scenario"], x=values.fillna(0), orientation="h", marker_color=COMPARE_COLOURS[row - 1],
                    text=[text(v, lang) for v in values], textposition="outside", constraintext="none",
                    textfont={"size": 15}, cliponaxis=False, hovertemplate="%{y}: %{text}<extra></extra>",
                    row=row, col=1)
        # room right of the longest bar for its label
        fig.update_xaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False, row=row, col=1,
                         range=[0, max(float(values.max() or 0), 1.0) * 1.6])
        fig.update_yaxes(type="category", autorange="reversed", automargin=True, row=row, col=1)
    fig.update_annotations(xanchor="left", x=0, font={"size": 15})  # the subplot titles, over the scenario names
    return fig
