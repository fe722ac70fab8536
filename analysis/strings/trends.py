"""UI strings of the income-trend page (收入趋势)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "trend_page": ("收入趋势", "Income trends"),
    "trend_title": ("{region} · 截至 {year} 年收入趋势", "{region} · income trends to {year}"),
    "trend_summary": (
        "**{year} 年人均纯收入 {income}，比上年 {change}。** {first}–{year} 年年均增长 {growth}（{interval}）。"
        "上年以来增长最多来自{driver}（{driver_pp} 个百分点）。",
        "**Net income per capita in {year}: {income}, {change} on the year before.** Average annual growth "
        "{first}–{year}: {growth} ({interval}). Most of the latest growth came from {driver} income ({driver_pp} "
        "points).",
    ),
    "trend_summary_counties": (
        "{counties} 个县中 **{low_slow} 个收入低且增长慢**（收入低于中位数，且前后两个时段的增长都低于中位数），收入最低的有：{examples}。",
        "Of {counties} counties, **{low_slow} are low and slow** (income below the median, and growth below the "
        "median in both of two periods); the lowest: "
        "{examples}.",
    ),
    "trend_interval": ("{level} 区间 {low} ～ {high}", "{level} interval {low} to {high}"),
    "trend_interval_short": ("{level}：{low} ～ {high}", "{level}: {low} to {high}"),
    "trend_line_multiple": ("相当于监测标准", "Multiple of the line"),
    "trend_line_note": ("监测标准 {line}", "line {line}"),
    "trend_growth": ("年均增长", "Average annual growth"),
    "trend_projection_metric": ("{year} 年预测", "Projection {year}"),
    "trend_projection_help": (
        "从最新一年的水平按年均增长外推一年（不从旧趋势线外推）；区间为预测区间，取两种模型（随机游走、稳健趋势）"
        "预测区间的并集，既含增长的不确定性，也含逐年波动。",
        "The latest year's level carried one year ahead at the average growth (not the old trend line); the "
        "interval is a prediction interval, the union of two models' (random walk, robust trend): the growth's "
        "uncertainty plus the years' ups and downs.",
    ),
    "trend_width": ("预测区间宽 {width}", "range {width} wide"),
    "trend_too_few": ("年度数据少于 3 年，无法拟合趋势。", "Fewer than 3 years of data: no trend can be fitted."),
    "trend_method": (
        "方法：年均增长 = 各年增长率的平均（带漂移的随机游走，即首末年复合增长）。区间取两种模型区间的并集："
        "随机游走（冲击持续时正确）与对数收入的稳健趋势线（statsmodels RLM，Huber T 权重，冲击一过即消失时正确；"
        "空心点 = 权重小于 1 的年份）。在序列相关、随机游走等模拟中，95% 区间覆盖真值 ≥ 95%（见 README）。"
        "不足 {min_years} 年不给区间。",
        "Method: average growth = the mean of the yearly growth rates (a random walk with drift, i.e. compound "
        "growth from first to last year). The interval is the union of two models' intervals: the random walk "
        "(right when shocks last) and a robust trend line on log income (statsmodels RLM, Huber T weights; right "
        "when shocks pass; hollow markers = years weighted below 1). In simulations with serial correlation and "
        "random walks the 95% interval held the truth ≥ 95% of the time (see README). No interval with fewer "
        "than {min_years} years.",
    ),
    "trend_no_interval": ("不足 {min_years} 年，不给区间", "no interval under {min_years} years"),
    "trend_latest_downweighted": (
        "稳健趋势线把 {year} 年当作部分异常值（权重 {weight:.2f}）：趋势线比最新一年高，但年均增长和预测都从"
        "最新一年的实际水平算起，没有按旧的增速外推。",
        "The robust trend line treated {year} as partly an outlier (weight {weight:.2f}): the line runs above "
        "the newest year, but the average growth and the projection start from that year's actual level, not "
        "from the old pace.",
    ),
    "trend_projection_point": ("预测（点估计）", "Projection (point)"),
    "trend_projection_caption": (
        "只有 {n} 个年度点，{year} 年预测区间为 {low} ～ {high}，请按区间而非单一数值理解。",
        "With only {n} yearly points the {year} projection ranges from {low} to {high}: read the interval, "
        "not the single number.",
    ),
    "trend_chart": ("{region} 人均纯收入、趋势与预测", "{region}: income, trend, projection"),
    "trend_children_chart": ("下级地区人均纯收入", "Income per capita of the areas below"),
    "trend_band": ("趋势 {level} 置信带", "Trend, {level} confidence band"),
    "trend_fitted": ("拟合趋势", "Fitted trend"),
    "trend_weight": ("稳健权重", "robust weight"),
    "trend_projection": ("预测（{level} 预测区间）", "Projection ({level} prediction interval)"),
    "trend_yuan_axis": ("元/人·年", "yuan/person/year"),
    "trend_sources_title": ("增长来自哪里", "Where the growth came from"),
    "trend_decomposition_chart": ("各来源对增长的贡献（百分点）", "Contributions to growth (points)"),
    "trend_waterfall_chart": ("{year} 年人均纯收入变化（元）", "Change into {year} (yuan per person)"),
    "trend_child_sources_chart": ("{year} 年各地区增长来源（百分点）", "Sources of growth by area, {year} (points)"),
    "trend_decomposition_caption": (
        "某来源的贡献 = 该来源人均收入的变化 ÷ 上年人均纯收入 × 100；四项贡献之和恰好等于人均纯收入增长率。",
        "A source's contribution = its change per person ÷ last year's income per capita × 100; the four "
        "contributions add up exactly to the growth of income per capita.",
    ),
    "trend_pp": ("个百分点", "points"),
    "trend_pp_axis": ("百分点", "percentage points"),
    "trend_total_growth": ("人均纯收入增长", "Growth of income per capita"),
    "trend_counties_title": ("哪些县收入低、增长慢", "Which counties are low and slow"),
    "trend_scatter_chart": ("{year} 年各县收入水平与增长", "Counties: income level against growth, {year}"),
    "trend_scatter_caption": (
        "横轴：人均纯收入相当于监测标准的倍数；纵轴：近 {span} 年年均增长（复合）。虚线为中位数，红色虚线为监测标准；"
        "点的大小表示农户数。红点 = 收入低于中位数，且近 {span} 年和此前一段的增长都低于中位数（只慢一段，常是去年受灾，不算）。"
        "表中列出各县两个时段内的洪灾年份。",
        "Across: income per capita as a multiple of the monitoring line; up: compound annual growth over the "
        "last {span} years. Dotted lines are the medians, the red dashed line the monitoring line; marker size "
        "shows households. Red = income below the median and growth below the median both over the last {span} "
        "years and over the period before (one slow period, often last year's flood, is not enough). The table "
        "lists each county's flood years in both periods.",
    ),
    "trend_low_slow": ("收入低且增长慢", "Low and slow"),
    "trend_other_counties": ("其他县", "Other counties"),
    "trend_median": ("中位数", "median"),
    "trend_level_axis": ("人均纯收入 ÷ 监测标准", "Income per capita ÷ monitoring line"),
    "trend_growth_axis": ("年均增长", "Annual growth"),
    "trend_growth_before_axis": ("此前一段年均增长", "Annual growth, period before"),
    "trend_flood_years": ("洪灾年份", "Flood years"),
    "trend_low_slow_table": ("**收入低且增长慢的县（{n} 个）**", "**Low and slow counties ({n})**"),
    "trend_no_counties": ("本地区没有可比较的多个县。", "This region has no several counties to compare."),
    "trend_bands_title": ("收入分布：离监测线有多远", "Distribution: how far from the line"),
    "trend_bands_chart": ("{year} 年农户人均纯收入分段（监测标准的倍数）",
                          "Households by income per capita, {year} (multiples of the line)"),
    "trend_band_axis": ("人均纯收入 ÷ 监测标准", "Income per capita ÷ monitoring line"),
    "trend_share_of_type": ("占该类农户", "Share of the type's households"),
    "trend_below_line_bands": ("低于监测线", "below the line"),
    "trend_bands_caption": ("低于监测线的农户 {below}（占 {share}）。每户按本户人均纯收入与所在省份监测标准之比分段。",
                            "{below} households below the line ({share}). Each household is placed by its own "
                            "income per capita over its province's line."),
}
