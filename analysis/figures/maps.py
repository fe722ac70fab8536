"""Figures of the risk map and the drill-down: the classed choropleth, unit bars, trends, a household's incomes.

Maps are SVG choropleths on offline `geo` subplots (analysis.figures.geomap).
One colour per class; the same breaks (fitted on all counties) colour the map and the bars at every level.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from analysis import formatting, riskmap
from analysis.figures.base import FONT_FAMILY, INK, MUTED, SOURCE_COLOURS, count_axis, new_figure
from analysis.figures.geomap import anchor, geo_layout, map_figure
from analysis.i18n import household_type, region_name, t
from analysis.regioncodes import NATIONAL
from analysis.riskmap import METRICS, SOUTH_CHINA_SEA, classify, display_scale

NO_DATA = "#e4e7eb"
MAP_HEIGHT = 640
INSET_DOMAIN = {"x": [0.80, 1.0], "y": [0.0, 0.34]}
# UI string keys of the values the pages offer (listed so every key is findable in the code).
METRIC_LABELS = {
    "below_share": "map_metric_below_share", "edge_share": "map_metric_edge_share", "growth": "map_metric_growth",
    "monitored_per_1000": "map_metric_monitored_per_1000", "eliminated_share": "map_metric_eliminated_share",
    "livestock_share": "map_metric_livestock_share", "flood_share": "map_metric_flood_share",
}
DEFINITIONS = {
    "below_share": "map_define_below_share", "edge_share": "map_define_edge_share", "growth": "map_define_growth",
    "monitored_per_1000": "map_define_monitored_per_1000", "eliminated_share": "map_define_eliminated_share",
    "livestock_share": "map_define_livestock_share", "flood_share": "map_define_flood_share",
}
UNIT_LABELS = {"share": "map_unit_share", "growth": "map_unit_growth", "per_mille": "map_unit_per_mille"}
METHOD_LABELS = {"quantile": "map_method_quantile", "equal": "map_method_equal", "jenks": "map_method_jenks",
                 "manual": "map_method_manual"}
LEVEL_LABELS = {"province": "map_level_province", "city": "map_level_city", "county": "map_level_county",
                "township": "map_level_township", "village": "map_level_village"}
SEVERITY_LABELS = {0: "map_severity_0", 1: "map_severity_1", 2: "map_severity_2", 3: "map_severity_3",
                   4: "map_severity_4"}


def metric_value_text(value: float | None, metric: str, lang: str) -> str:
    """A metric value as people read it: 12.3%, +4.5%, 23.4‰."""
    kind = METRICS[metric].kind
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return formatting.MISSING
    if kind == "growth":
        return formatting.signed_percent(value)
    if kind == "per_mille":
        return f"{value:,.1f}‰"
    return formatting.percent(value)


def class_colours(classes: int, metric: str) -> list[str]:
    """Yellow → red with risk: reversed for metrics where a higher value is better."""
    colours = sample_colorscale("YlOrRd", [0.12 + 0.83 * i / max(classes - 1, 1) for i in range(classes)])
    return colours if METRICS[metric].higher_is_worse else colours[::-1]


def class_labels(breaks: tuple[float, ...], metric: str, lang: str) -> list[str]:
    """"< 2.0%", "2.0% – 5.0%", "≥ 5.0%" for the classes the breaks make."""
    texts = [metric_value_text(b, metric, lang) for b in breaks]
    if not texts:
        return [t("map_all_values", lang)]
    return [f"< {texts[0]}", *(f"{a} – {b}" for a, b in zip(texts, texts[1:], strict=False)), f"≥ {texts[-1]}"]


def legend_title(metric: str, lang: str) -> str:
    return f"{t(METRIC_LABELS[metric], lang)}（{t(UNIT_LABELS[METRICS[metric].kind], lang)}）" if lang == "zh" \
        else f"{t(METRIC_LABELS[metric], lang)} ({t(UNIT_LABELS[METRICS[metric].kind], lang)})"


def _names(frame: pd.DataFrame, lang: str) -> list[str]:
    return [region_name(zh, en, lang) for zh, en in zip(frame["name"], frame["name_en"], strict=True)]


def _subset(outlines: dict, codes: set[str]) -> dict:
    return {"type": "FeatureCollection", "features": [f for f in outlines["features"] if f["id"] in codes]}


def _choropleth(outlines: dict, frame: pd.DataFrame, metric: str, breaks: tuple[float, ...], lang: str,
                subplot: str, colorbar: bool) -> list[go.Choropleth]:
    """The classed units and, in grey, the outlines without data."""
    colours = class_colours(len(breaks) + 1, metric)
    k = len(colours)
    scale = [[pos, colour] for i, colour in enumerate(colours) for pos in (i / k, (i + 1) / k)]
    valued = frame["value"].notna()
    outline_ids = {f["id"] for f in outlines["features"]}
    known = frame[valued & frame["code"].isin(outline_ids)]  # an inset holds only some of the units
    rank_text = [t("map_rank_of", lang, rank=int(r), n=int(valued.sum())) for r in known["rank"]]
    custom = np.column_stack([_names(known, lang), known["code"],
                              [metric_value_text(v, metric, lang) for v in known["value"]], rank_text,
                              [formatting.count(h, lang) for h in known["households"]]])
    traces = [go.Choropleth(
        geojson=_subset(outlines, set(known["code"])), locations=known["code"], featureidkey="id",
        z=classify(known["value"], breaks), zmin=-0.5, zmax=k - 0.5, colorscale=scale, geo=subplot,
        marker={"line": {"color": "white", "width": 0.5}}, customdata=custom, showscale=colorbar,
        hovertemplate=("<b>%{customdata[0]}</b> %{customdata[1]}<br>" + t(METRIC_LABELS[metric], lang)
                       + ": %{customdata[2]}<br>%{customdata[3]}<br>" + t("households", lang)
                       + ": %{customdata[4]}<extra></extra>"),
        colorbar={"title": {"text": legend_title(metric, lang), "side": "right"}, "tickvals": list(range(k)),
                  "ticktext": class_labels(breaks, metric, lang), "len": 0.6, "y": 0.62, "thickness": 16},
    )]
    missing = outline_ids - set(known["code"])
    if missing:
        ids = sorted(missing)
        names = {f["id"]: region_name(f["properties"]["name"], f["properties"]["name_en"], lang)
                 for f in outlines["features"] if f["id"] in missing}
        traces.insert(0, go.Choropleth(
            geojson=_subset(outlines, missing), locations=ids, featureidkey="id", z=[0] * len(ids), showscale=False,
            geo=subplot,
            colorscale=[[0, NO_DATA], [1, NO_DATA]], marker={"line": {"color": "white", "width": 0.5}},
            customdata=np.column_stack([[names[i] for i in ids], ids]),
            hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>" + t("map_no_data", lang) + "<extra></extra>",
        ))
    return traces


def risk_map_figure(outlines: dict, frame: pd.DataFrame, metric: str, breaks: tuple[float, ...], lang: str, *,
                    title: str, inset: dict | None = None, maritime: tuple | None = None,
                    islands: tuple | None = None) -> go.Figure:
    """Classed choropleth of `frame` (code, name, name_en, value, rank, households) over `outlines`.

    inset: outlines for a South China Sea inset (national maps), drawn with `maritime` (lon, lat) lines and
    `islands` (lon, lat) as dots, since most islands are smaller than a pixel at that scale.
    The main map opens on its outlines.
    """
    fig = map_figure(title, MAP_HEIGHT)
    for trace in _choropleth(outlines, frame, metric, breaks, lang, "geo", colorbar=True):
        fig.add_trace(trace)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 60, "b": 10}, clickmode="event+select")
    if inset is not None:
        sea = SOUTH_CHINA_SEA
        fig.add_trace(anchor("geo2"))
        for trace in _choropleth(inset, frame, metric, breaks, lang, "geo2", colorbar=False):
            fig.add_trace(trace)
        if maritime is not None:
            fig.add_trace(go.Scattergeo(lon=maritime[0], lat=maritime[1], mode="lines", geo="geo2",
                                        line={"color": MUTED, "width": 1.2}, hoverinfo="skip", showlegend=False))
        if islands is not None:
            fig.add_trace(go.Scattergeo(lon=islands[0], lat=islands[1], mode="markers", geo="geo2",
                                        marker={"size": 3, "color": MUTED}, hoverinfo="skip", showlegend=False))
        fig.update_layout(geo2=geo_layout((sea["lon"][0], sea["lat"][0], sea["lon"][1], sea["lat"][1]),
                                          domain=INSET_DOMAIN))
        fig.add_shape(type="rect", xref="paper", yref="paper", x0=INSET_DOMAIN["x"][0], x1=INSET_DOMAIN["x"][1],
                      y0=INSET_DOMAIN["y"][0], y1=INSET_DOMAIN["y"][1], line={"color": MUTED, "width": 1})
        fig.add_annotation(text=t("map_inset_title", lang), xref="paper", yref="paper", showarrow=False,
                           x=INSET_DOMAIN["x"][0] + 0.005, y=INSET_DOMAIN["y"][0] + 0.005, xanchor="left",
                           yanchor="bottom", font={"family": FONT_FAMILY, "size": 11, "color": MUTED})
    return fig


def region_risk_map_figure(map_region: str, level: str, frame: pd.DataFrame, metric: str,
                           breaks: tuple[float, ...], lang: str, *, title: str) -> go.Figure:
    """The risk map of a province's counties, or of China's provinces or counties with the South China Sea inset."""
    if map_region != NATIONAL:
        return risk_map_figure(riskmap.map_outlines(map_region, level), frame, metric, breaks, lang, title=title)
    return risk_map_figure(riskmap.main_outlines(level), frame, metric, breaks, lang, title=title,
                           inset=riskmap.inset_outlines(riskmap.map_outlines(map_region, level)),
                           maritime=riskmap.maritime_line(), islands=riskmap.island_points())


def units_bar_figure(frame: pd.DataFrame, metric: str, breaks: tuple[float, ...], lang: str, *, title: str,
                     limit: int = 30) -> go.Figure:
    """Horizontal bars of the metric per unit, coloured by the map's classes; the `limit` highest values."""
    shown = frame[frame["value"].notna()].sort_values("value", ascending=False).head(limit)
    colours = class_colours(len(breaks) + 1, metric)
    scale = display_scale(metric)
    fig = new_figure(title, max(260, 90 + 24 * len(shown)))
    fig.add_bar(
        y=_names(shown, lang), x=shown["value"] * scale, orientation="h",
        marker_color=[colours[c] for c in classify(shown["value"], breaks)],
        customdata=[metric_value_text(v, metric, lang) for v in shown["value"]],
        hovertemplate="%{y}: %{customdata}<extra></extra>", showlegend=False,
    )
    fig.update_layout(xaxis={"title": {"text": legend_title(metric, lang)}, "tickformat": ",.1f", "showgrid": True},
                      yaxis={"autorange": "reversed", "showgrid": False, "type": "category"})
    return fig


def trend_figure(trend: pd.DataFrame, lang: str, *, title: str) -> go.Figure:
    """Per-capita net income by year against the monitoring line (`analysis.drilldown.income_trend`)."""
    fig = new_figure(title, 340)
    years = trend["year"].astype(str)
    for key, column, colour, dash in (("income_per_capita", "income_per_capita", SOURCE_COLOURS["wage_income"], None),
                                      ("monitoring_line", "monitoring_line", "#d9534f", "dash")):
        fig.add_scatter(x=years, y=trend[column], mode="lines+markers", name=t(key, lang),
                        line={"color": colour, "width": 3, "dash": dash},
                        customdata=[formatting.yuan(v, lang) for v in trend[column]],
                        hovertemplate="%{x} · " + t(key, lang) + ": %{customdata}<extra></extra>")
    fig.update_layout(xaxis_type="category", yaxis_rangemode="tozero")
    return fig


def types_figure(frame: pd.DataFrame, lang: str, *, title: str) -> go.Figure:
    """Households by type (`analysis.drilldown.households_by_type`)."""
    fig = new_figure(title, 300)
    fig.add_bar(y=[household_type(n, lang) for n in frame["household_type"]], x=frame["households"],
                orientation="h", marker_color=MUTED, showlegend=False,
                customdata=[formatting.count(v, lang) for v in frame["households"]],
                hovertemplate="%{y}: %{customdata}<extra></extra>")
    fig.update_layout(yaxis={"autorange": "reversed", "showgrid": False}, xaxis={"showgrid": True})
    return count_axis(fig, "xaxis", float(frame["households"].max() if len(frame) else 0), lang)


def household_income_figure(years: pd.DataFrame, lang: str, *, title: str) -> go.Figure:
    """A household's per-capita income by source and year, stacked, with the monitoring line.

    `years`: year, <source>_per_capita for wage, operating, property and transfer income, monitoring_line.
    """
    fig = new_figure(title, 380)
    labels = years["year"].astype(str)
    for source, colour in SOURCE_COLOURS.items():
        values = years[f"{source}_per_capita"]
        fig.add_bar(x=labels, y=values, name=t(source, lang), marker_color=colour,
                    customdata=[formatting.yuan(v, lang) for v in values],
                    hovertemplate="%{x} · " + t(source, lang) + ": %{customdata}<extra></extra>")
    fig.add_scatter(x=labels, y=years["monitoring_line"], mode="lines+markers", name=t("monitoring_line", lang),
                    line={"color": INK, "dash": "dash", "width": 2},
                    customdata=[formatting.yuan(v, lang) for v in years["monitoring_line"]],
                    hovertemplate="%{x} · " + t("monitoring_line", lang) + ": %{customdata}<extra></extra>")
    fig.update_layout(barmode="relative", xaxis_type="category")
    return fig
