"""Maps as SVG on plotly's `geo` subplots: Mercator, no base map, drawn from our own outlines, offline.

Why `geo` and not MapLibre (`choroplethmap`): a MapLibre map costs 0.9–1.1 s to start in Chromium rendering WebGL
in software, whatever it shows; the same 2,851 national counties as SVG draw in 0.3 s, 34 provinces in 0.13 s
(2-core server, headless Chromium). A `geo` map also fits any plot size itself, on screen, on a slide or in a file.

Offline: plotly.js fetches its world topojson from the CDN for a geo subplot when the subplot's *first* trace has
a `locationmode` (geo.plot looks at the first trace only), and a choropleth always has one. So every geo subplot
opens with an empty Scattergeo (`anchor`), and base layers stay hidden.
"""
from __future__ import annotations

import plotly.graph_objects as go

from analysis.figures.base import new_figure

Bounds = tuple[float, float, float, float]  # lon0, lat0, lon1, lat1


def anchor(subplot: str = "geo") -> go.Scattergeo:
    """The empty first trace of a geo subplot that keeps plotly.js from fetching its CDN topojson."""
    return go.Scattergeo(lon=[], lat=[], geo=subplot, mode="markers", hoverinfo="skip", showlegend=False)


def geo_layout(bounds: Bounds | None = None, domain: dict | None = None) -> dict:
    """A `geo` layout without a base map, opening on `bounds`, or on the traces' locations when None."""
    layout: dict = {"visible": False, "projection": {"type": "mercator"}, "bgcolor": "rgba(0,0,0,0)"}
    if bounds is None:
        layout["fitbounds"] = "locations"
    else:
        layout |= {"lonaxis": {"range": [bounds[0], bounds[2]]}, "lataxis": {"range": [bounds[1], bounds[3]]}}
    if domain is not None:
        layout["domain"] = domain
    return layout


def map_figure(title: str, height: int) -> go.Figure:
    """A house-template figure holding one offline geo map that opens on its choropleths' locations."""
    fig = new_figure(title, height)
    fig.add_trace(anchor())
    # the whole plot area, stated: with a second geo subplot (an inset) plotly would lay the first one out smaller
    return fig.update_layout(geo=geo_layout(domain={"x": [0, 1], "y": [0, 1]}), dragmode="pan")
