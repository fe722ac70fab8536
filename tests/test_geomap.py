"""Every map builder draws SVG choropleths on geo subplots that plotly.js can draw offline.

plotly.js fetches its world topojson from the CDN for a geo subplot whose first trace has a locationmode (it
looks at the first trace only); the browser tests refuse any such request, these tests catch it without a browser.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import shapely
import shapely.geometry

from analysis import regions, riskmap
from analysis.figures import credibility, floods, maps, screening, simulate

OUTLINES = regions.county_boundaries("620000")
CODES = [feature["id"] for feature in OUTLINES["features"]][:12]


def _counties(**columns) -> pd.DataFrame:
    frame = pd.DataFrame({"county_code": CODES, "name": [f"县{i}" for i in range(len(CODES))],
                          "name_en": [f"County {i}" for i in range(len(CODES))]})
    return frame.assign(**{name: values(len(CODES)) for name, values in columns.items()})


def _risk_map(lang: str) -> go.Figure:
    frame = pd.DataFrame({"code": CODES, "name": CODES, "name_en": CODES, "value": np.linspace(0.01, 0.2, len(CODES)),
                          "rank": range(1, len(CODES) + 1), "households": 100})
    return maps.region_risk_map_figure("620000", "county", frame, "below_share", (0.05, 0.1), lang, title="t")


BUILDERS = {
    "risk map": _risk_map,
    "national risk map": lambda lang: maps.region_risk_map_figure(
        "000000", "province", pd.DataFrame({"code": ["620000"], "name": ["甘肃省"], "name_en": ["Gansu"],
                                            "value": [0.1], "rank": [1], "households": [5]}),
        "below_share", (0.05,), lang, title="t"),
    "credibility flags": lambda lang: credibility.flag_map_figure(_counties(flags=np.arange), OUTLINES, lang),
    "what-if": lambda lang: simulate.county_map(_counties(newly_below_line=np.arange), OUTLINES, lang, "t"),
    "floods": lambda lang: floods.event_map_figure(
        _counties(events=np.arange, severity=np.ones, affected_people=np.ones, direct_loss=np.ones).rename(
            columns={"name": "county_name", "name_en": "county_name_en"}), OUTLINES, lang),
    "screening": lambda lang: screening.county_map_figure(
        _counties(households=lambda n: np.full(n, 10), flagged=np.arange), OUTLINES, lang),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_map_draws_offline_on_geo_subplots(name):
    fig = BUILDERS[name]("zh")
    assert {trace.type for trace in fig.data} <= {"choropleth", "scattergeo"}
    subplots = {trace.geo or "geo" for trace in fig.data}
    for subplot in subplots:
        traces = [trace for trace in fig.data if (trace.geo or "geo") == subplot]
        assert traces[0].type == "scattergeo" and traces[0].locationmode is None, subplot
        assert fig.layout[subplot].visible is False and fig.layout[subplot].projection.type == "mercator"
    for trace in fig.data:
        if trace.type == "choropleth":
            assert set(trace.locations) <= {feature["id"] for feature in trace.geojson["features"]}
            assert trace.featureidkey == "id"


@pytest.mark.parametrize("level", ["province", "county"])
def test_national_map_opens_on_the_mainland_and_the_inset_on_the_sea(level):
    fig = maps.region_risk_map_figure("000000", level, pd.DataFrame(columns=["code", "name", "name_en", "value", "rank",
                                                                             "households"]),
                                      "below_share", (0.05,), "zh", title="t")
    main = [trace for trace in fig.data if trace.type == "choropleth" and trace.geo == "geo"]
    shapes = [shapely.geometry.shape(f["geometry"]) for trace in main for f in trace.geojson["features"]]
    lon0, lat0, lon1, lat1 = shapely.GeometryCollection(shapes).bounds
    box = riskmap.NATIONAL_MAIN_BOUNDS  # the map fits its outlines: the mainland, not the sea down to 3°N
    assert lon0 >= box[0] and lat0 >= box[1] and lon1 <= box[2] and lat1 <= box[3]
    assert lat0 < 18.5 and lat1 > 53  # Hainan's main island and the Heilongjiang's north stay whole
    assert all(shape.is_valid and not shape.is_empty for shape in shapes)
    assert all(shapely.orient_polygons(shape, exterior_cw=True).equals_exact(shape, 0) for shape in shapes)
    assert fig.layout.geo.fitbounds == "locations"
    assert tuple(fig.layout.geo2.lonaxis.range) == riskmap.SOUTH_CHINA_SEA["lon"]
    assert fig.layout.geo2.domain.x == tuple(maps.INSET_DOMAIN["x"])
    inset = {f["id"] for trace in fig.data if trace.type == "choropleth" and trace.geo == "geo2"
             for f in trace.geojson["features"]}
    drawn = {f["id"] for trace in main for f in trace.geojson["features"]} | inset
    assert drawn == {f["id"] for f in riskmap.map_outlines("000000", level)["features"]}  # every unit somewhere


def test_province_map_fits_its_counties():
    assert BUILDERS["risk map"]("zh").layout.geo.fitbounds == "locations"
