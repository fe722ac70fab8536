"""Figure builders: the house template survives streamlit's import; downloads as PNG x3 or SVG."""
import pandas as pd
import pytest
import streamlit  # noqa: F401  (importing it replaces plotly's default template: the case to guard)

from analysis.figures import base
from analysis.figures import overview as figures

SOURCES = pd.DataFrame({
    "year": [2022, 2023], "wage_income": [5000.0, 5400.0], "operating_income": [3000.0, -200.0],
    "property_income": [300.0, 320.0], "transfer_income": [2500.0, 2600.0],
    "income_per_capita": [10800.0, 8120.0],
})
MONITORED = pd.DataFrame({"household_type": ["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"],
                          "households": [30, 20, 5], "eliminated": [20, 10, 0]})
EMPLOYMENT = pd.DataFrame({"month": pd.to_datetime(["2023-01-01", "2023-02-01"]),
                           "migrant_workers": [1000, 1100], "target": [1050, 1050]})


@pytest.mark.parametrize("build", [
    lambda lang: figures.income_sources_figure(SOURCES, lang),
    lambda lang: figures.monitored_figure(MONITORED, lang),
    lambda lang: figures.employment_figure(EMPLOYMENT, lang),
])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_figure_carries_the_house_template_with_a_cjk_font(build, lang):
    fig = build(lang)
    assert fig.layout.template.layout.font.family == base.FONT_FAMILY
    assert fig.layout.template.layout.paper_bgcolor == "white"
    assert fig.layout.title.text
    assert "Noto Sans CJK SC" in base.FONT_FAMILY


def test_income_sources_stack_to_the_total_and_label_it():
    fig = figures.income_sources_figure(SOURCES, "zh")
    bars = [trace for trace in fig.data if trace.type == "bar"]
    assert [trace.name for trace in bars] == ["工资性收入", "经营性收入", "财产性收入", "转移性收入"]
    assert fig.layout.barmode == "relative"  # a negative operating income goes below zero
    totals = next(trace for trace in fig.data if trace.type == "scatter")
    assert list(totals.text) == ["10,800 元", "8,120 元"]
    assert fig.layout.yaxis.range[0] < 0


def test_monitored_figure_splits_eliminated_from_remaining():
    fig = figures.monitored_figure(MONITORED, "en")
    eliminated, remaining = fig.data
    assert list(eliminated.x) == [20, 10, 0] and list(remaining.x) == [10, 10, 5]
    assert list(eliminated.y) == ["Formerly poor, unstable", "Marginal, at risk", "Sudden severe hardship"]


def test_plotly_config_downloads_png_at_three_times_or_svg():
    png = base.plotly_config()
    assert png["toImageButtonOptions"] == {"format": "png", "filename": "incomewatch", "scale": 3}
    assert png["displaylogo"] is False
    svg = base.plotly_config("svg", filename="x")
    assert svg["toImageButtonOptions"] == {"format": "svg", "filename": "x"}
    with pytest.raises(ValueError, match="image format"):
        base.plotly_config("pdf")


def test_a_long_title_is_wrapped_for_the_screen_and_the_legend_moves_under_it():
    """Plotly never wraps a title: the screen copy is broken between words (or Chinese characters) to fit the
    narrowest place, its top margin and legend move down a line; the builder's own figure keeps one line."""
    title = "Share of target by county: 2024-12 and the year's worst month (lowest counties)"
    fig = base.new_figure(title, 400)
    shown = base.fit_title(fig, base.COLUMN_WIDTH)
    lines = shown.layout.title.text.split("<br>")
    assert " ".join(lines) == title and len(lines) == 3
    assert all(base.text_width(line) <= base.COLUMN_WIDTH for line in lines)
    assert shown.layout.margin.t == base.TEMPLATE.layout.margin.t + 2 * base.TITLE_LINE
    assert shown.layout.legend.y == pytest.approx(fig.layout.legend.y - 2 * base.TITLE_LINE / 400)
    assert fig.layout.title.text == title  # exports and Word captions use the builder's one line
    assert base.fit_title(base.new_figure("Households warned, by rule", 400), base.COLUMN_WIDTH).layout.title.text \
        == "Households warned, by rule"
    chinese = base.wrapped_lines("各县完成目标任务比例：2024-12 与全年最低月（最低的县）", 300)
    assert "".join(chinese).replace(" ", "") == "各县完成目标任务比例：2024-12与全年最低月（最低的县）"
    assert len(chinese) == 2 and not chinese[1].startswith("）")


def test_a_long_place_name_is_shortened_on_an_axis_only():
    assert base.axis_name("Jishishan Bonan, Dongxiang and Salar Autonomous County") == "Jishishan … Autonomous County"
    assert base.axis_name("Zhangjiachuan Hui Autonomous County") == "Zhangjiachuan Hui Autonomous County"
    assert base.axis_name("积石山保安族东乡族撒拉族自治县") == "积石山保安族东乡族撒拉族自治县"
