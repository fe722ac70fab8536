"""Where a tile-free map opens: its centre and zoom, computed from the outlines it shows.

Plotly's `map.fitbounds` ignores choroplethmap traces, so every map would open on the world without this.
Web Mercator, with a 512-pixel world at zoom 0.
"""
from __future__ import annotations

import math
from collections.abc import Collection

import numpy as np

MAP_WIDTH_PX = 500  # the width the initial zoom is fitted to (maps stretch with the page)
CHINA = (73.0, 18.0, 135.0, 54.0)  # lon0, lat0, lon1, lat1: the fallback when no outline matches


def outline_bounds(outlines: dict, codes: Collection[str] | None = None) -> tuple[float, float, float, float]:
    """lon0, lat0, lon1, lat1 over the exterior rings of the features whose id is in `codes` (all when None)."""
    points = []
    for feature in outlines["features"]:
        if codes is not None and feature["id"] not in codes:
            continue
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        points += [np.asarray(polygon[0])[:, :2] for polygon in polygons]
    if not points:
        return CHINA
    stacked = np.concatenate(points)
    return (*map(float, stacked.min(axis=0)), *map(float, stacked.max(axis=0)))


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def view_of(bounds: tuple[float, float, float, float], width: float, height: float) -> dict:
    """center and zoom that fit a lon/lat box into width × height pixels."""
    lon0, lat0, lon1, lat1 = bounds
    zoom_x = math.log2(width * 360 / (512 * max(lon1 - lon0, 1e-3)))
    zoom_y = math.log2(height * 2 * math.pi / (512 * max(_mercator_y(lat1) - _mercator_y(lat0), 1e-4)))
    middle = math.degrees(2 * math.atan(math.exp((_mercator_y(lat0) + _mercator_y(lat1)) / 2)) - math.pi / 2)
    return {"center": {"lon": (lon0 + lon1) / 2, "lat": middle}, "zoom": min(zoom_x, zoom_y) - 0.15}


def fit_view(outlines: dict, height: float, codes: Collection[str] | None = None, width: float = MAP_WIDTH_PX) -> dict:
    """`map` layout (white background, no tiles) opening on the given features."""
    return {"style": "white-bg", **view_of(outline_bounds(outlines, codes), width, height)}


def refit(figure, width: float, height: float):
    """A copy of `figure` whose main map opens on its outlines in a plot area of width × height pixels.

    Maps are fitted to a page's narrow column (MAP_WIDTH_PX); a slide or a full screen needs its own zoom.
    Figures without a tile-free map come back unchanged.
    """
    import plotly.graph_objects as go

    copy = go.Figure(figure)
    if copy.layout.map.zoom is None:
        return copy
    traces = [trace for trace in copy.data
              if getattr(trace, "geojson", None) and (getattr(trace, "subplot", None) or "map") == "map"]
    features = [feature for trace in traces for feature in trace.geojson["features"]]
    codes = {str(code) for trace in traces if trace.locations is not None for code in trace.locations}
    view = view_of(outline_bounds({"features": features}, codes or None), width, height)
    return copy.update_layout(map=view)
