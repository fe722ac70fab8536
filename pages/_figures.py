"""The risk map's and drill-down's figures, built once per process for the same inputs and shared by sessions.

Building a plotly figure validates and copies every value (the province map copies its county outlines); many
visitors open the same map and county, so the built figure is kept (st.cache_resource, frames hashed by their
content) instead of built again on every run. The builders stay the ones in analysis.figures (screen and export
alike). Shared figures are only shown and exported, which copy them; nothing may change them after building.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from analysis.figures import maps as figures
from analysis.figures.overview import income_sources_figure

# A province's county map holds its outlines (≈200 KB of GeoJSON, a few MB as Python objects); China's more.
MAPS_KEPT = 24
CHARTS_KEPT = 512


@st.cache_resource(show_spinner=False, max_entries=MAPS_KEPT)
def risk_map(map_region: str, level: str, frame: pd.DataFrame, metric: str, breaks: tuple[float, ...], lang: str,
             title: str) -> Any:
    return figures.region_risk_map_figure(map_region, level, frame, metric, breaks, lang, title=title)


@st.cache_resource(show_spinner=False, max_entries=CHARTS_KEPT)
def units_bars(frame: pd.DataFrame, metric: str, breaks: tuple[float, ...], lang: str, title: str) -> Any:
    return figures.units_bar_figure(frame, metric, breaks, lang, title=title)


@st.cache_resource(show_spinner=False, max_entries=CHARTS_KEPT)
def income_trend(trend: pd.DataFrame, lang: str, title: str) -> Any:
    return figures.trend_figure(trend, lang, title=title)


@st.cache_resource(show_spinner=False, max_entries=CHARTS_KEPT)
def household_types(frame: pd.DataFrame, lang: str, title: str) -> Any:
    return figures.types_figure(frame, lang, title=title)


@st.cache_resource(show_spinner=False, max_entries=CHARTS_KEPT)
def income_sources(trend: pd.DataFrame, lang: str, title: str) -> Any:
    return income_sources_figure(trend, lang, title=title)
