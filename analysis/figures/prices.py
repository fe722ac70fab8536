"""Figures of the price monitoring page: series with trend, seasonal effect, alert score, forecast.

Builders take DataFrames and plain arguments and return plotly figures; they never query or render.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis.figures.base import MUTED, new_figure
from analysis.i18n import t
from analysis.prices.labels import band_name

PRICE, TREND, FORECAST = "#2a6fb0", "#e39b2d", "#8e6bbf"
BAND_COLOURS = {"normal": "#ffffff", "stress": "#fdf3d7", "alert": "#fbd9a5", "crisis": "#f4b3ae"}


def series_figure(series: pd.DataFrame, lang: str, title: str, trend: pd.DataFrame | None = None) -> go.Figure:
    """Price line (`series`: date, price) and, when given, the STL trend (`trend`: date, trend)."""
    fig = new_figure(title, 380)
    fig.add_scatter(x=series["date"], y=series["price"], mode="lines", name=t("price_price", lang),
                    line={"color": PRICE, "width": 2}, hovertemplate="%{x|%Y-%m-%d} · %{y:.2f}<extra></extra>")
    if trend is not None:
        fig.add_scatter(x=trend["date"], y=trend["trend"], mode="lines", name=t("price_trend", lang),
                        line={"color": TREND, "width": 2, "dash": "dash"}, hovertemplate="%{x|%Y-%m} · %{y:.2f}<extra></extra>")
    fig.update_yaxes(tickformat=",.0f")
    fig.update_xaxes(tickformat="%Y-%m")
    return fig


def seasonal_figure(parts: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """The STL seasonal effect averaged by calendar month, in % (`parts`: date, seasonal as a share)."""
    fig = new_figure(title, 280)
    by_month = parts.groupby(parts["date"].dt.month)["seasonal"].mean().reindex(range(1, 13))
    labels = [f"{m}月" if lang == "zh" else pd.Timestamp(2000, m, 1).strftime("%b") for m in by_month.index]
    fig.add_bar(x=labels, y=by_month.to_numpy() * 100, name=t("price_seasonal", lang), marker_color=TREND,
                hovertemplate="%{x} · %{y:+.1f}%<extra></extra>")
    fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat="+.1f", ticksuffix="%")
    return fig


def alert_figure(scores: pd.DataFrame, lang: str, title: str, bands: list[float]) -> go.Figure:
    """Alert score by month over shaded bands (stress, alert, crisis on both sides of zero)."""
    fig = new_figure(title, 320)
    scored = scores.dropna(subset=["score"])
    top = max(3.0, float(scored["score"].abs().max() or 0) + 0.5) if not scored.empty else 3.0
    edges = [0.0, *bands, top]
    for band, low, high in zip(("normal", "stress", "alert", "crisis"), edges[:-1], edges[1:], strict=True):
        for sign in (1, -1):
            fig.add_hrect(y0=sign * low, y1=sign * high, fillcolor=BAND_COLOURS[band], line_width=0, layer="below")
        if band != "normal":  # the normal band is too thin to carry a label
            fig.add_annotation(x=1.0, xref="paper", xanchor="left", y=-(low + high) / 2, text=band_name(band, lang),
                               showarrow=False, font={"size": 12, "color": MUTED})
    fig.add_scatter(x=scored["date"], y=scored["score"], mode="lines+markers", name=t("price_score", lang),
                    line={"color": PRICE}, marker={"size": 5},
                    customdata=[band_name(b, lang) for b in scored["band"]],
                    hovertemplate="%{x|%Y-%m} · %{y:+.2f} · %{customdata}<extra></extra>")
    fig.update_yaxes(range=[-top, top], tickformat="+.1f", zeroline=True, zerolinecolor=MUTED)
    fig.update_xaxes(tickformat="%Y-%m")
    fig.update_layout(margin={"r": 70}, showlegend=False)
    return fig


def forecast_figure(history: pd.DataFrame, forecast: pd.DataFrame, lang: str, title: str,
                    months_shown: int = 36) -> go.Figure:
    """Recent monthly prices, the forecast and its prediction interval (shaded)."""
    fig = new_figure(title, 360)
    recent = history.tail(months_shown)
    fig.add_scatter(x=recent["date"], y=recent["price"], mode="lines", name=t("price_price", lang),
                    line={"color": PRICE, "width": 2}, hovertemplate="%{x|%Y-%m} · %{y:.2f}<extra></extra>")
    band_x = list(forecast["date"]) + list(forecast["date"][::-1])
    band_y = list(forecast["upper"]) + list(forecast["lower"][::-1])
    fig.add_scatter(x=band_x, y=band_y, mode="lines", fill="toself", fillcolor="rgba(142,107,191,0.18)", line={"width": 0},
                    name=t("price_interval", lang), hoverinfo="skip")
    fig.add_scatter(x=forecast["date"], y=forecast["mean"], mode="lines+markers", name=t("price_forecast_mean", lang),
                    line={"color": FORECAST, "width": 2, "dash": "dot"},
                    hovertemplate="%{x|%Y-%m} · %{y:.2f}<extra></extra>")
    fig.update_yaxes(tickformat=",.0f")
    fig.update_xaxes(tickformat="%Y-%m")
    return fig
