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
    "flood_lasting_metric": ("灾后第 {k} 年（持续损失）", "Year +{k} (lasting loss)"),
    "flood_lasting_hidden": ("受灾县太少，不显示", "too few flooded counties to show"),
    "flood_ci": ("置信区间 {ci}", "interval {ci}"),
    "flood_prefectures": ("涉及市（州）数", "Prefectures (cities)"),
    "flood_placebo_term": ("灾前一年（安慰剂检验）", "Year before the flood (placebo)"),
    "flood_col_inference": ("区间方法", "Interval from"),
    "flood_inference_cluster_t": (
        "区间：按市（州）聚类的稳健方差，t 分布（自由度 = 市州数 − 1）。",
        "Interval: variance clustered by prefecture (city), t with prefectures − 1 degrees of freedom."),
    "flood_inference_randomization": (
        "受灾县或市（州）较少，区间由随机化推断得到：在每个市（州）内把各县的受灾历史随机互换 {n} 次，"
        "看实际估计是否异常（检验反推区间）；“无影响”的随机化 p = {p}。",
        "Few flooded counties or prefectures: the interval comes from randomization inference — each prefecture's "
        "flood histories shuffled among its counties {n} times, the interval by inverting those tests; "
        "randomization p of no effect = {p}."),
    "flood_terms_hidden": ("受灾县·年少于 {n} 个的分组不显示。", "Groups with fewer than {n} flooded county-years are not shown."),
    "flood_households_behind": ("来自 {n} 户·年", "from {n} household-years"),
    "flood_clusters": ("县数", "Counties"),
    "flood_flooded_counties": ("涉及 {n} 个县", "in {n} counties"),
    "flood_method_caption": (
        "估计范围：{region}。方法：插补估计（Borusyak、Jaravel、Spiess 2024），适用于各县在不同年份受灾："
        "只用尚未受灾和从未受灾的县·年拟合县、年效应，推算受灾县若未受灾的收入，与实际对比；"
        "因变量为县·年户均对数人均纯收入（按户数加权）；以首次洪涝为准，再次受灾计入其后各年。{level}% 区间。"
        "假设：若无洪涝，受灾县与其他县收入走势相同（见灾前一年的安慰剂检验），洪涝影响不波及邻县。"
        "这是受灾县的平均影响，不是每一户的影响。",
        "Estimated on: {region}. Method: the imputation estimator (Borusyak, Jaravel & Spiess 2024) for floods "
        "that hit counties in different years: county and year effects are fitted on county-years not (yet) "
        "flooded, the income a flooded county would have had without the flood is imputed from them and compared "
        "with what it had; outcome the county-year mean of log per-capita net income (household-weighted); a "
        "county's first flood counts, a second one is part of the years after it. {level}% intervals. Assumes "
        "flooded and other counties would have moved alike without the flood (see the placebo the year before) "
        "and no spill-over to neighbouring counties. An average over flooded counties, not each household's loss."),
    "flood_event_title": ("洪涝当年及其后各年人均纯收入变化（空心点：灾前一年的安慰剂检验）",
                          "Per-capita income in the flood year and after (hollow: placebo the year before)"),
    "flood_years_from_flood": ("距洪涝年份（0 = 洪涝当年）", "Years from the flood (0 = flood year)"),
    "flood_estimate": ("估计值", "Estimate"),
    "flood_pretrend": ("安慰剂检验：假设洪涝提前一年发生，估计值 {effect}，随机化 p = {p}"
                       "（p 较小说明受灾县灾前走势已不同，结论需谨慎）。",
                       "Placebo: as if each flood had come a year early, {effect}, randomization p = {p} (a small p "
                       "means flooded counties were already on a different path; read the effect with care)."),
    "flood_by_severity": ("按灾情等级", "By severity"),
    "flood_by_mix": ("按收入结构", "By income composition"),
    "flood_mix_crop": ("种植为主", "Crop-heavy"),
    "flood_mix_livestock": ("养殖为主", "Livestock-heavy"),
    "flood_mix_mixed": ("混合", "Mixed"),
    "flood_mix_wage": ("务工为主", "Wage-heavy"),
    "flood_mix_caption": ("种植或养殖为主：种植和养殖收入合计占纯收入 ≥ {farm}，按两者中较大者归类；务工为主：工资性"
                          "收入 ≥ {wage}（均按无洪涝年份平均）。各组分别估计洪涝当年影响。",
                          "Crop- or livestock-heavy: crop and livestock income together ≥ {farm} of net income, named "
                          "after the larger; wage-heavy: wages ≥ {wage} (averaged over years without a flood). Each "
                          "group's flood-year effect is estimated on its own."),
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
                                  "无法用未受灾县推算受灾县的收入。",
                                  "{region} has data for {clusters} counties (at least {min_clusters} needed): too "
                                  "few to impute what flooded counties would have earned."),
    "flood_status_few_flooded": ("{region} 只有 {flooded} 个县在收入数据年份内（首年之后）首次受灾（至少需要 "
                                 "{min_flooded} 个），数据太少。",
                                 "Only {flooded} counties of {region} had their first flood in the income years "
                                 "after the first (at least {min_flooded} needed): too little data."),
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
        "以 {year} 年收入为基准，每户人均纯收入按受灾县平均影响 {effect} 变化（{region} 估计，估计区间 {ci}）。"
        "较坏/较好情形取不同收入结构农户的影响 {worse} 至 {milder}（种植、养殖、务工为主），"
        "反映农户之间的差异，与估计区间是两回事。所有户数均为低保、兜底等帮扶措施生效之前。",
        "Per-capita net income of {year} changed by the average effect on flooded counties, {effect} (estimated "
        "on {region}, estimation interval {ci}). The worse and milder cases use the effects on households of "
        "different income mix, {worse} to {milder} (crop-, livestock-, wage-heavy): how households differ, not "
        "the estimation interval. All counts are before 低保 (minimum living allowance) and 兜底 support respond."),
    "flood_whatif_no_mix": ("没有按收入结构的估计：较坏/较好情形只用估计区间的两端。",
                            "No estimate by income mix: the worse and milder cases use the ends of the estimation "
                            "interval instead."),
    "flood_newly_below": ("新增低于监测线户数（帮扶前）", "Newly below the line (before support)"),
    "flood_near_after": ("灾后临界户（线上10%内，帮扶前）", "Near the line after (before support)"),
    "flood_range": ("农户差异 {range}", "household range {range}"),
    "flood_whatif_chart": ("各县新增低于监测线户数，低保/兜底帮扶前（误差线 = 不同收入结构的较好–较坏情形）",
                           "Households newly below the line by county, before 低保/兜底 support (bars: milder–worse "
                           "income mix)"),
    "flood_col_below_now": ("现已低于监测线", "Already below"),
    "flood_col_range": ("新增（农户差异范围）", "Range by household"),
    # the what-if's village table: short headers (the cards above it say "before support")
    "flood_col_newly_below": ("新增低于线", "Newly below"),
    "flood_col_near_after": ("灾后临界", "Near after"),
    "flood_green_count": ("绿色通道名单", "Green-channel list"),
    "flood_green_title": ("因灾返贫风险 · 绿色通道名单", "Green-channel list: risk of relapse into poverty"),
    "flood_green_caption": (
        "先帮扶、后补手续。名单按原因排序：灾后预计跌破监测线、较坏情形下可能跌破、现已低于监测线、灾后处于监测线以上"
        "10% 以内；同一原因内按灾后收入与监测线之比从低到高。收入为低保、兜底等帮扶生效之前的测算。仅含脱敏姓名和身份证号。",
        "Help first, paperwork later. Ordered by reason: expected to fall below the line, may fall below in the "
        "worse case, already below, within 10% above after the flood; within a reason, lowest income after the "
        "flood relative to the line first. Incomes are before 低保/兜底 support responds. Only masked names and ID "
        "numbers."),
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
    "flood_reason_may_fall_below": ("较坏情形（受影响最重的收入结构）下可能跌破监测线",
                                    "May fall below the line (worse case: the hardest-hit income mix)"),
    "flood_reason_already_below": ("现已低于监测线", "Already below the line"),
    "flood_reason_near_after": ("灾后处于监测线以上10%以内", "Within 10% above the line after the flood"),
}
