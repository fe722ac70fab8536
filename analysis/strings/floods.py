"""UI strings of the disasters page (family `floods`, keys `flood_*`)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "flood_page": ("灾情与返贫风险", "Disasters and relapse risk"),
    "flood_title": ("{region} · 灾情、洪涝影响与绿色通道", "{region} · disasters, flood impact and the green channel"),
    "flood_tab_events": ("灾情分布", "Events"),
    "flood_tab_impact": ("洪涝影响测算", "Measured flood impact"),
    "flood_tab_whatif": ("假如发生洪涝 · 绿色通道", "What if a flood hits · green channel"),
    # Events
    "flood_no_events": ("{region} 没有灾情记录。", "No disaster events recorded in {region}."),
    "flood_no_match": ("没有符合筛选条件的灾情。", "No events match these filters."),
    "flood_events": ("灾情次数", "Events"),
    "flood_affected": ("受灾人口", "People affected"),
    "flood_crop_damage": ("农作物受灾面积（公顷）", "Crops damaged (ha)"),
    "flood_loss": ("直接经济损失", "Direct loss"),
    "flood_map_title": ("各县灾情次数", "Events by county"),
    "flood_timeline_title": ("灾情时间线（点的大小 = 受灾人口）", "Timeline of events (marker size = people affected)"),
    "flood_severity_1": ("1 一般", "1 Minor"),
    "flood_severity_2": ("2 较大", "2 Large"),
    "flood_severity_3": ("3 重大", "3 Major"),
    "flood_severity_4": ("4 特别重大", "4 Extreme"),
    "flood_col_start": ("开始日期", "Start"),
    "flood_col_county": ("县(区)", "County"),
    "flood_col_village": ("村", "Village"),
    "flood_col_hazard": ("灾种", "Hazard"),
    "flood_col_severity": ("等级", "Severity"),
    "flood_col_event_id": ("灾情编号", "Event ID"),
    # Measured impact
    "flood_effect_metric": ("洪涝当年人均收入变化", "Income change, flood year"),
    "flood_ci": ("置信区间 {ci}", "interval {ci}"),
    "flood_households_behind": ("来自 {n} 户·年", "from {n} household-years"),
    "flood_clusters": ("县数（聚类）", "Counties (clusters)"),
    "flood_flooded_counties": ("涉及 {n} 个县", "in {n} counties"),
    "flood_method_caption": (
        "估计范围：{region}。方法：双向固定效应（县、年）双重差分，因变量为县·年户均对数人均纯收入（按户数加权），"
        "标准误按县聚类，{level}% 置信区间（t 分布，自由度 = 县数 − 1）。假设：若无洪涝，受灾县与未受灾县收入走势相同"
        "（见下方事件研究图的灾前年份），洪涝影响不波及邻县。",
        "Estimated on: {region}. Method: two-way fixed effects (county, year) difference-in-differences on the "
        "county-year mean of log per-capita net income (weighted by households), standard errors clustered by "
        "county, {level}% intervals (t with counties − 1 degrees of freedom). Assumes flooded and other counties "
        "would have moved alike without the flood (see the years before the flood below) and no spill-over to "
        "neighbouring counties."),
    "flood_event_title": ("洪涝前后各年人均纯收入变化（参照：洪涝前一年）",
                          "Per-capita income in the years around a flood (reference: the year before)"),
    "flood_years_from_flood": ("距洪涝年份（0 = 洪涝当年）", "Years from the flood (0 = flood year)"),
    "flood_estimate": ("估计值", "Estimate"),
    "flood_pretrend": ("灾前各年系数联合为零的检验 p = {p}（p 较小说明灾前走势已不同，结论需谨慎）。",
                       "Joint test that the years before the flood are zero: p = {p} (a small p means flooded "
                       "counties were already on a different path; read the effect with care)."),
    "flood_by_severity": ("按灾情等级", "By severity"),
    "flood_by_mix": ("按收入结构", "By income composition"),
    "flood_mix_farm": ("种养殖为主", "Farm-heavy"),
    "flood_mix_mixed": ("混合", "Mixed"),
    "flood_mix_wage": ("务工为主", "Wage-heavy"),
    "flood_mix_caption": ("种养殖为主：种植和养殖收入占纯收入 ≥ {farm}；务工为主：工资性收入 ≥ {wage}"
                          "（均按无洪涝年份平均）。", "Farm-heavy: crop and livestock income ≥ {farm} of net income; "
                          "wage-heavy: wages ≥ {wage} (averaged over years without a flood)."),
    "flood_n_label": ("受灾县·年 {flooded}/{obs}", "{flooded}/{obs} county-years flooded"),
    "flood_estimates": ("洪涝影响估计", "Flood effect estimates"),
    "flood_col_term": ("项", "Term"),
    "flood_col_event_year": ("距洪涝 {k} 年", "{k} years from the flood"),
    "flood_col_effect": ("人均纯收入变化（%）", "Change in per-capita income (%)"),
    "flood_col_ci_low": ("区间下限（%）", "Interval low (%)"),
    "flood_col_ci_high": ("区间上限（%）", "Interval high (%)"),
    "flood_col_p": ("p 值", "p-value"),
    "flood_col_n_obs": ("县·年观测数", "County-years"),
    "flood_col_n_flooded": ("受灾县·年", "Flooded county-years"),
    "flood_status_no_data": ("{region} 没有收入数据，无法估计洪涝影响。",
                             "No income data in {region}: the flood effect cannot be estimated."),
    "flood_status_no_floods": ("{region} 在收入数据年份内没有洪涝记录，无法估计洪涝影响。",
                               "No floods in {region} during the income years: the flood effect cannot be estimated."),
    "flood_status_few_clusters": ("{region} 只有 {clusters} 个县有数据（至少需要 {min_clusters} 个），"
                                  "按县聚类的误差无法可靠估计。",
                                  "{region} has data for {clusters} counties (at least {min_clusters} needed): "
                                  "county-clustered errors cannot be estimated reliably."),
    "flood_status_few_flooded": ("{region} 只有 {flooded} 个县受过洪涝（至少需要 {min_flooded} 个），数据太少。",
                                 "Only {flooded} counties of {region} were flooded (at least {min_flooded} "
                                 "needed): too little data."),
    "flood_status_too_large": ("按收入结构拆分需要逐户计算，{region} 数据超过 {max_rows} 户·年，请在侧栏选择一个省份。",
                               "The income-mix split works household by household; {region} has more than "
                               "{max_rows} household-years: choose a province in the sidebar."),
    "flood_scope_fallback": ("以下使用 {scope} 的估计。", "Showing the estimate for {scope} instead."),
    # What-if and green channel
    "flood_whatif_needs_estimate": ("没有可用的洪涝影响估计，无法模拟。",
                                    "No flood effect could be measured, so there is nothing to apply."),
    "flood_pick_counties": ("假设受灾的县", "Counties hit"),
    "flood_pick_hint": ("请选择至少一个县。默认列出洪涝最频繁的县。",
                        "Choose at least one county (the most flood-prone are suggested)."),
    "flood_severity_fallback": ("{severity} 级洪涝没有单独的估计，使用全部洪涝的平均影响。",
                                "Severity {severity} was never measured on its own: using the average flood effect."),
    "flood_whatif_caption": (
        "以 {year} 年收入为基准，每户人均纯收入按实测影响 {effect}（区间 {ci}，{region} 估计）下降；"
        "区间两端分别给出较坏和较好的情形。实测影响是平均值：以种养殖为主的农户损失可能更大。",
        "Per-capita net income of {year} changed by the measured effect {effect} (interval {ci}, estimated on "
        "{region}); the two ends of the interval give the worse and milder cases. The effect is an average: "
        "farm-heavy households are likely to lose more."),
    "flood_newly_below": ("新增低于监测线户数", "Newly below the line"),
    "flood_near_after": ("灾后临界户（线上10%内）", "Near the line after"),
    "flood_range": ("区间 {low}–{high}", "range {low}–{high}"),
    "flood_whatif_chart": ("各县新增低于监测线户数（误差线 = 较好–较坏情形）",
                           "Households newly below the line by county (bars: milder–worse case)"),
    "flood_col_below_now": ("现已低于监测线", "Already below"),
    "flood_col_range": ("新增区间", "Newly below, range"),
    "flood_green_count": ("绿色通道名单", "Green-channel list"),
    "flood_green_title": ("因灾返贫风险 · 绿色通道名单", "Green-channel list: risk of relapse into poverty"),
    "flood_green_caption": (
        "先帮扶、后补手续。名单按原因排序：灾后预计跌破监测线、较坏情形下可能跌破、现已低于监测线、灾后处于监测线以上"
        "10% 以内；同一原因内按灾后收入与监测线之比从低到高。仅含脱敏姓名和身份证号。",
        "Help first, paperwork later. Ordered by reason: expected to fall below the line, may fall below in the "
        "worse case, already below, within 10% above after the flood; within a reason, lowest income after the "
        "flood relative to the line first. Only masked names and ID numbers."),
    "flood_green_sheet": ("绿色通道名单", "Green channel"),
    "flood_col_priority": ("优先级", "Priority"),
    "flood_col_reason": ("原因", "Reason"),
    "flood_col_household_id": ("户编号", "Household code"),
    "flood_col_head": ("户主姓名（脱敏）", "Head of household (masked)"),
    "flood_col_id_masked": ("身份证号（脱敏）", "ID number (masked)"),
    "flood_col_members": ("家庭人口", "Members"),
    "flood_col_income_now": ("现人均纯收入（元）", "Per-capita income now (yuan)"),
    "flood_col_income_after": ("灾后预计（元）", "Expected after (yuan)"),
    "flood_col_income_worse": ("较坏情形（元）", "Worse case (yuan)"),
    "flood_col_line": ("监测标准（元）", "Monitoring line (yuan)"),
    "flood_col_farm_share": ("种养殖收入占比（%）", "Crop and livestock share (%)"),
    "flood_reason_falls_below": ("灾后预计跌破监测线", "Expected to fall below the line"),
    "flood_reason_may_fall_below": ("较坏情形下可能跌破监测线", "May fall below the line (worse case)"),
    "flood_reason_already_below": ("现已低于监测线", "Already below the line"),
    "flood_reason_near_after": ("灾后处于监测线以上10%以内", "Within 10% above the line after the flood"),
}
