"""Figures of the disasters page: event map and timeline, event study, effects with intervals, what-if.

Builders take frames (from analysis.floods) and plain arguments and return plotly figures; they never query.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import formatting
from analysis.figures.base import ELIMINATED, GRID, INK, MUTED, REMAINING, axis_name, new_figure
from analysis.figures.geomap import map_figure
from analysis.floods.labels import hazard_label, severity_label, term_label
from analysis.i18n import region_name, t

HAZARD_COLOURS = {"flood": "#2a6fb0", "drought": "#e39b2d", "hail": "#8e6bbf", "frost": "#5fb3c8",
                  "landslide": "#8b5e3c", "earthquake": "#d9534f"}
MAP_SCALE = [[0.0, "#f5f7fa"], [0.001, "#d6e6f5"], [1.0, "#1d4f8c"]]


def _names(frame: pd.DataFrame, prefix: str, lang: str) -> list[str]:
    return [region_name(zh, en, lang) for zh, en in zip(frame[f"{prefix}_name"], frame[f"{prefix}_name_en"],
                                                         strict=True)]


def event_map_figure(by_county: pd.DataFrame, outlines: dict, lang: str, *, title: str = "") -> go.Figure:
    """Counties coloured by number of events (white where none), hover with affected people and loss.

    `by_county`: county_code, county_name, county_name_en, events, severity, affected_people, direct_loss.
    `outlines`: GeoJSON FeatureCollection with 6-digit county codes as feature ids; drawn offline
    (analysis.figures.geomap).
    """
    fig = map_figure(title or t("flood_map_title", lang), 520)
    if not outlines["features"]:
        return fig
    codes = [str(f["id"]) for f in outlines["features"]]
    names = {str(f["id"]): region_name(f["properties"].get("name", f["id"]), f["properties"].get("name_en"), lang)
             for f in outlines["features"]}
    data = pd.DataFrame({"county_code": codes}).merge(by_county, on="county_code", how="left")
    events = data["events"].fillna(0).astype(int)
    hover = [f"{names[c]}<br>{t('flood_events', lang)}: {n}<br>{t('flood_affected', lang)}: "
             f"{formatting.count(a, lang)}<br>{t('flood_loss', lang)}: {formatting.yuan_total(loss, lang)}"
             for c, n, a, loss in zip(codes, events, data["affected_people"], data["direct_loss"], strict=True)]
    fig.add_trace(go.Choropleth(
        geojson=outlines, locations=codes, featureidkey="id", z=events, colorscale=MAP_SCALE, zmin=0,
        zmax=max(1, events.max()),
        marker={"line": {"width": 0.6, "color": "#9aa5b1"}}, text=hover, hovertemplate="%{text}<extra></extra>",
        colorbar={"title": {"text": t("flood_events", lang)}, "thickness": 12, "tickformat": ",d",
                  "dtick": max(1, int(events.max()) // 5)},
    ))
    fig.update_layout(margin={"l": 0, "r": 0, "t": 60, "b": 0})
    return fig


def event_timeline_figure(events: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """One marker per event: start date across, county down, colour by hazard, size by affected people."""
    events = events.assign(county=_names(events, "county", lang))
    counties = sorted(set(events["county"]))
    fig = new_figure(title or t("flood_timeline_title", lang), min(1400, max(320, 120 + 22 * len(counties))))
    largest = max(1.0, float(events["affected_people"].fillna(0).max()))
    for hazard, group in events.groupby("hazard", sort=False):
        affected = group["affected_people"].fillna(0)
        hover = [f"{c} · {hazard_label(hazard, lang)} · {severity_label(s, lang)}<br>{d:%Y-%m-%d}<br>"
                 f"{t('flood_affected', lang)}: {formatting.count(a, lang)}<br>"
                 f"{t('flood_crop_damage', lang)}: {formatting.count(None if pd.isna(ha) else round(ha), lang)} ha<br>"
                 f"{t('flood_loss', lang)}: {formatting.yuan_total(loss, lang)}"
                 for c, s, d, a, ha, loss in zip(group.county, group.severity, pd.to_datetime(group.start_date),
                                                 affected, group.crop_damage_ha, group.direct_loss, strict=True)]
        fig.add_scatter(
            x=pd.to_datetime(group.start_date), y=[axis_name(c) for c in group.county], mode="markers",
            name=hazard_label(hazard, lang),
            marker={"color": HAZARD_COLOURS.get(hazard, MUTED), "size": 8 + 22 * np.sqrt(affected / largest),
                    "line": {"width": 1, "color": "white"}, "opacity": 0.85},
            text=hover, hovertemplate="%{text}<extra></extra>",
        )
    fig.update_yaxes(categoryorder="array", categoryarray=[axis_name(c) for c in counties[::-1]], showgrid=True,
                     gridcolor=GRID)
    fig.update_xaxes(showgrid=True, gridcolor=GRID)
    return fig


def _percent_axis(fig: go.Figure) -> None:
    fig.update_yaxes(tickformat="+.1%", zeroline=True, zerolinecolor=INK, zerolinewidth=1)


def event_study_figure(effects: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Effect on per-capita income in the flood year (k = 0) and after it, with intervals; a hollow marker at
    k = −1 for the placebo (no interval: its randomization p-value is in the caption).

    `effects`: k, effect, ci_low, ci_high (proportional changes; NaN interval for the placebo).
    """
    fig = new_figure(title or t("flood_event_title", lang), 400)
    reference = effects["ci_low"].isna()
    fig.add_scatter(
        x=effects.k, y=effects.effect, mode="lines+markers", name=t("flood_estimate", lang),
        line={"color": REMAINING, "width": 2}, marker={"size": 10, "color": np.where(reference, "white", REMAINING),
                                                       "line": {"width": 2, "color": REMAINING}},
        error_y={"type": "data", "symmetric": False, "array": effects.ci_high - effects.effect,
                 "arrayminus": effects.effect - effects.ci_low, "color": REMAINING, "thickness": 1.5},
        customdata=[[formatting.signed_percent(e), formatting.signed_percent(lo), formatting.signed_percent(hi)]
                    for e, lo, hi in zip(effects.effect, effects.ci_low, effects.ci_high, strict=True)],
        hovertemplate="k = %{x}: %{customdata[0]} [%{customdata[1]}, %{customdata[2]}]<extra></extra>",
    )
    fig.add_vline(x=-0.5, line={"dash": "dash", "color": MUTED, "width": 1})
    fig.update_xaxes(title_text=t("flood_years_from_flood", lang), dtick=1)
    _percent_axis(fig)
    return fig


def effects_figure(effects: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Point and interval per term (severity levels, or income mixes), labelled with the estimate and the
    flooded county-years behind it. `effects`: term, effect, ci_low, ci_high, n_flooded, n_obs."""
    fig = new_figure(title, 120 + 70 * max(1, len(effects)))
    counts = [t("flood_n_label", lang, flooded=int(f), obs=int(n))
              for f, n in zip(effects.n_flooded, effects.n_obs, strict=True)]
    labels = [f"<b>{term_label(term, lang)}</b> {formatting.signed_percent(e)}<br>"
              f"<sub>[{formatting.signed_percent(lo)}, {formatting.signed_percent(hi)}] · {n}</sub>"
              for term, e, lo, hi, n in zip(effects.term, effects.effect, effects.ci_low, effects.ci_high, counts,
                                            strict=True)]
    fig.add_scatter(
        y=labels, x=effects.effect, mode="markers", name=t("flood_estimate", lang), showlegend=False,
        marker={"size": 12, "color": REMAINING},
        error_x={"type": "data", "symmetric": False, "array": effects.ci_high - effects.effect,
                 "arrayminus": effects.effect - effects.ci_low, "color": REMAINING, "thickness": 2, "width": 8},
        hovertemplate="%{y}<extra></extra>",
    )
    fig.update_yaxes(type="category", autorange="reversed", showgrid=False)
    fig.update_xaxes(tickformat="+.1%", showgrid=True, gridcolor=GRID, zeroline=True, zerolinecolor=INK,
                     rangemode="tozero")
    return fig


def what_if_figure(by_county: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Households newly below the line per county (central), with the worse–milder range, and near the line."""
    fig = new_figure(title or t("flood_whatif_chart", lang), 380)
    counties = _names(by_county, "county", lang)
    central = by_county.newly_below_central
    fig.add_bar(
        x=counties, y=central, name=t("flood_newly_below", lang), marker_color=REMAINING,
        error_y={"type": "data", "symmetric": False, "array": by_county.newly_below_worse - central,
                 "arrayminus": central - by_county.newly_below_milder, "color": INK},
        customdata=np.column_stack([by_county.newly_below_milder, by_county.newly_below_worse]),
        hovertemplate="%{x}: %{y} [%{customdata[0]}–%{customdata[1]}]<extra></extra>",
    )
    fig.add_bar(x=counties, y=by_county.near_after_central, name=t("flood_near_after", lang),
                marker_color=ELIMINATED, hovertemplate="%{x}: %{y}<extra></extra>")
    # Household counts tick whole numbers: a maximum of 1 read "0, 0, 0, 1, 1, 1" on the screen
    top = max(by_county.newly_below_worse.max(), by_county.near_after_central.max(), 0)
    fig.update_layout(barmode="group", xaxis={"type": "category"},
                      yaxis={"tickformat": ",d", "rangemode": "tozero", **({"dtick": 1} if top <= 5 else {})})
    return fig
