"""The house look shared by every figure, on screen and in exports.

Every figure gets `TEMPLATE` explicitly, because importing streamlit replaces plotly's default
template with one of placeholder colours (black exports). Pages show figures with
`st.plotly_chart(fig, theme=None, config=plotly_config(...))` so that Streamlit's own theme does
not override the CJK font. Domain builders live beside this module, one module per page family.
"""
from __future__ import annotations

import re

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
TITLE_SIZE = 19
IMAGE_FORMATS = ("png", "svg")

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT_FAMILY, "size": 15, "color": INK},
        # The title keeps the top of the figure (new_figure puts the legend under it).
        title={"font": {"family": FONT_FAMILY, "size": TITLE_SIZE, "color": INK}, "x": 0, "xanchor": "left",
               "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 8}, "automargin": True},
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


# plotly.js's toolbar and hover texts in Chinese. The plotly.js that Streamlit ships registers no locales
# and the Python package carries none, so the dictionary travels in each chart's config (config.locales).
ZH_CN_LOCALE = {
    "dictionary": {
        "Autoscale": "自动缩放", "Box Select": "矩形框选择", "Lasso Select": "套索选择", "Pan": "平移",
        "Download plot as a png": "下载图表（PNG）", "Download plot as a PNG": "下载图表（PNG）",
        "Download plot as an SVG": "下载图表（SVG）", "Download plot": "下载图表", "Reset axes": "重置坐标轴",
        "Reset view": "重置视图", "Reset views": "重置视图", "Zoom": "缩放", "Zoom in": "放大", "Zoom out": "缩小",
        "Toggle Spike Lines": "显示/隐藏辅助线", "Toggle show closest data on hover": "切换悬停时显示最近的数据",
        "Show closest data on hover": "悬停时显示最近的数据", "Compare data on hover": "悬停时比较数据",
        "Produced with Plotly.js": "由 Plotly.js 生成", "Taking snapshot - this may take a few seconds":
        "正在生成图片，请稍候", "Snapshot succeeded": "图片已生成", "Sorry, there was a problem downloading your snapshot!":
        "抱歉，下载图片时出错！", "Double-click to zoom back out": "双击还原", "Reset camera to default": "重置视角",
        "Reset camera to last save": "重置为上次保存的视角", "Orbital rotation": "轨道旋转", "Turntable rotation": "转盘旋转",
        "Double-click on legend to isolate one trace": "双击图例只显示该项",
        "Click to enter Plot title": "点击输入图表标题", "Click to enter X axis title": "点击输入X轴标题",
        "Click to enter Y axis title": "点击输入Y轴标题", "Click to enter Colorscale title": "点击输入颜色标尺标题",
        "Click to enter Component A title": "点击输入A分量标题", "Click to enter Component B title": "点击输入B分量标题",
        "Click to enter Component C title": "点击输入C分量标题", "Click to enter radial axis title": "点击输入径向轴标题",
        "Reset": "重置", "new text": "新文本", "trace": "数据", "lower fence": "下界", "upper fence": "上界",
        "median": "中位数", "mean": "均值", "min": "最小值", "max": "最大值", "q1": "下四分位数", "q3": "上四分位数",
    },
    "format": {
        "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
        "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
        "months": [f"{m}月" for m in range(1, 13)], "shortMonths": [f"{m}月" for m in range(1, 13)],
        "date": "%Y-%m-%d", "decimal": ".", "thousands": ",",
    },
}


def plotly_config(image_format: str = "png", filename: str = "incomewatch", lang: str = "zh") -> dict:
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
    locale = {"locale": "zh-CN", "locales": {"zh-CN": ZH_CN_LOCALE}} if lang == "zh" else {}
    return {
        "displaylogo": False,
        "toImageButtonOptions": options,
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    } | locale


def count_axis(fig: go.Figure, axis: str, high: float, lang: str, low: float = 0.0) -> go.Figure:
    """Label a count axis ("xaxis" or "yaxis") with 万/亿 in Chinese, as the cards are (plotly knows only k/M)."""
    if high == high and high > low:  # not NaN, not empty
        fig.update_layout({axis: formatting.axis_ticks(float(high), lang, float(low), whole=True)})
    return fig


TITLE_ROOM = 40  # pixels at the top of a figure for its one-line title


def new_figure(title: str, height: int) -> go.Figure:
    """An empty figure in the house template; its legend hangs from just under the title, so a legend that
    wraps onto more lines in a narrow column pushes the plot down instead of running over the title."""
    return go.Figure(layout={"template": TEMPLATE, "title": {"text": title}, "height": height,
                             "legend": {"yref": "container", "y": 1 - TITLE_ROOM / height, "yanchor": "top"}})


# The narrowest a chart is drawn on screen, in pixels: the main area at 1024 wide (sidebar open), and a column
# of a row (pages/_common.py's CSS moves a chart column narrower than 340 px below its neighbour).
FULL_WIDTH, COLUMN_WIDTH = 560, 340
TITLE_LINE = 24  # pixels each further title line takes (19 px text)
# Advance widths in em, above Noto Sans's (about 0.5 for a lowercase letter) so that a Windows font's wider
# letters still fit: an estimate errs towards a break.
_WIDE_CHARS = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
# A break may come after a space or between two Chinese characters; closing punctuation stays on its line.
_PIECES = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff][\u3000-\u303f\uff00-\uffef]*|[^\s\u2e80-\u9fff\uf900-\ufaff]+\s*|\s+")


def _char_em(char: str) -> float:
    if _WIDE_CHARS.match(char):
        return 1.0
    if char == " ":
        return 0.26
    if char.isupper() or char in "%&@MW":
        return 0.68
    if char.isdigit():
        return 0.58
    return 0.56 if char.isalpha() else 0.34


def text_width(text: str, size: float = TITLE_SIZE) -> float:
    """Estimated pixels `text` takes at `size` px (plotly measures only in the browser)."""
    return size * sum(_char_em(char) for char in text)


def wrapped_lines(text: str, width: float, size: float = TITLE_SIZE) -> list[str]:
    """`text` broken between words (or Chinese characters) into lines no wider than `width` pixels."""
    lines, line = [], ""
    for piece in _PIECES.findall(text):
        if line.strip() and text_width((line + piece).rstrip(), size) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    return [*lines, line.rstrip()] if line.strip() else lines


def fit_title(fig: go.Figure, width: float = FULL_WIDTH) -> go.Figure:
    """A copy of `fig` whose title is broken onto lines that fit a chart `width` pixels wide (plotly never
    wraps a title), with the top margin and a legend hung under the title moved down by the added lines.

    For the screen only: exports are drawn wide enough, and the Word captions reuse the title's one line.
    """
    title = fig.layout.title.text or ""
    size = fig.layout.title.font.size or TITLE_SIZE
    lines = wrapped_lines(title, width - 8, size)  # 8: the title's own padding
    if len(lines) < 2:
        return fig
    added = (len(lines) - 1) * round(TITLE_LINE * size / TITLE_SIZE)
    out = go.Figure(fig)
    top = out.layout.margin.t if out.layout.margin.t is not None else TEMPLATE.layout.margin.t
    pad = out.layout.title.pad.t if out.layout.title.pad.t is not None else TEMPLATE.layout.title.pad.t
    # plotly.js raises a title of several lines anchored at its top by about 0.7 of a line: pad it back down
    out.update_layout(title_text="<br>".join(lines), title_pad_t=pad + round(0.75 * size), margin_t=top + added)
    legend, height = out.layout.legend, out.layout.height
    if legend.yref == "container" and legend.yanchor == "top" and legend.y is not None and height:
        out.update_layout(legend_y=legend.y - added / height)
    return out


def axis_name(name: str, limit: int = 40) -> str:
    """A place name short enough for a category axis beside a plot on a laptop: a longer name keeps its first
    and last two words ("Jishishan … Autonomous County"); hovers and tables keep the whole name."""
    words = name.split()
    if len(name) <= limit or len(words) < 4:
        return name
    return f"{words[0]} … {' '.join(words[-2:])}"
