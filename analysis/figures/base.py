"""The house look shared by every figure, on screen and in exports.

Every figure gets `TEMPLATE` explicitly, because importing streamlit replaces plotly's default
template with one of placeholder colours (black exports). Pages show figures with
`st.plotly_chart(fig, theme=None, config=plotly_config(...))` so that Streamlit's own theme does
not override the CJK font. Domain builders live beside this module, one module per page family.
"""
from __future__ import annotations

import plotly.graph_objects as go

from analysis import formatting

FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
INK, MUTED, GRID = "#1f2933", "#52606d", "#e4e7eb"
SOURCE_COLOURS = {
    "wage_income": "#2a6fb0",
    "operating_income": "#e39b2d",
    "property_income": "#8e6bbf",
    "transfer_income": "#3f9d6e",
}
ELIMINATED, REMAINING = "#3f9d6e", "#d9534f"
EXPORT_SCALE = 3
IMAGE_FORMATS = ("png", "svg")

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT_FAMILY, "size": 15, "color": INK},
        title={"font": {"family": FONT_FAMILY, "size": 19, "color": INK}, "x": 0, "xanchor": "left"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=list(SOURCE_COLOURS.values()) + [ELIMINATED, REMAINING, "#7b8794"],
        separators=".,",
        margin={"l": 60, "r": 20, "t": 70, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0,
                "font": {"family": FONT_FAMILY, "size": 14}},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": 14}},
        xaxis={"showgrid": False, "linecolor": MUTED, "ticks": "outside", "tickcolor": MUTED,
               "automargin": True},
        yaxis={"gridcolor": GRID, "zeroline": False, "tickformat": ",d", "automargin": True},
    )
)

SOURCES = tuple(SOURCE_COLOURS)


def plotly_config(image_format: str = "png", filename: str = "incomewatch") -> dict:
    """Config for st.plotly_chart: the camera button downloads PNG at 3x, or SVG.

    plotly.js 4 has one image button whose format comes from toImageButtonOptions; custom
    modebar buttons need JavaScript callbacks, which a JSON config cannot carry. So SVG is
    a second config, chosen by the user, rather than a second button.
    """
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {IMAGE_FORMATS}, not {image_format!r}")
    options: dict = {"format": image_format, "filename": filename}
    if image_format == "png":
        options["scale"] = EXPORT_SCALE
    return {
        "displaylogo": False,
        "toImageButtonOptions": options,
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def count_axis(fig: go.Figure, axis: str, high: float, lang: str, low: float = 0.0) -> go.Figure:
    """Label a count axis ("xaxis" or "yaxis") with 万/亿 in Chinese, as the cards are (plotly knows only k/M)."""
    if high == high and high > low:  # not NaN, not empty
        fig.update_layout({axis: formatting.axis_ticks(float(high), lang, float(low))})
    return fig


def new_figure(title: str, height: int) -> go.Figure:
    """An empty figure in the house template."""
    return go.Figure(layout={"template": TEMPLATE, "title": {"text": title}, "height": height})
