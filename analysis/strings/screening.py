"""UI strings of the screening (筛查预警) and risk model (返贫风险预测) pages."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # Screening
    "screen_page": ("筛查预警", "Screening"),
    "screen_title": ("{region} · {year} 年筛查预警", "{region} · {year} screening"),
    "screen_intro": ("按规则筛查每户：低于或接近监测标准、收入骤降、刚性支出大、受灾、搬迁户收入偏低、消除风险后收入再降。"
                     "一户可有多条原因。规则和参数见页面底部（data/screening_rules.toml）。",
                     "Every household is screened by rules: below or near the monitoring line, sharp income drop, "
                     "high rigid spending, disaster, relocated with low income, income falling again after the risk "
                     "was eliminated. A household may have several reasons. Rules and parameters are listed at the "
                     "bottom (data/screening_rules.toml)."),
    "screen_rules_error": ("筛查规则文件有误，未能筛查：{error}", "The screening rules file is wrong; nothing was screened: "
                           "{error}"),
    "screen_screened": ("筛查户数", "Households screened"),
    "screen_flagged": ("触发预警户数", "Households flagged"),
    "screen_not_enrolled": ("应纳未纳户数", "Flagged, not enrolled"),
    "screen_check": ("消除风险待核查户数", "Eliminated, still flagged"),
    "screen_share_note": ("占筛查户 {share}", "{share} of households"),
    "screen_by_reason": ("各预警原因户数", "Households by reason"),
    "screen_map_title": ("各县触发预警户占比", "Share of households flagged, by county"),
    "screen_map_share": ("预警户占比", "Share flagged"),
    "screen_county_table": ("各县预警户数（按原因）", "Flagged households by county and reason"),
    "screen_lists": ("入户核查名单", "Lists for village teams"),
    "screen_tab_visit": ("全部预警户（按风险排序）", "All flagged (ranked by risk)"),
    "screen_tab_enrol": ("应纳未纳", "Should be enrolled"),
    "screen_tab_check": ("消除前再核查", "Check before closing"),
    "screen_visit_caption": ("按下一年低于监测线的预测概率排序（风险预测页的模型），同分按原因条数。",
                             "Ranked by the predicted chance of being below the line next year (the risk model "
                             "page), then by number of reasons."),
    "screen_enrol_caption": ("触发预警、但不是监测对象（户类型不是三类监测对象，或纳入监测日期在年底之后）。",
                             "Flagged, yet not monitored (not one of the three monitored types, or enrolled only "
                             "after the end of the year)."),
    "screen_check_caption": ("已标注风险消除、但本年仍触发预警的户：消除风险前请再核查。",
                             "Risk marked eliminated, yet flagged this year: check before the case stays closed."),
    "screen_none": ("没有符合条件的农户。", "No households on this list."),
    "screen_more_rows": ("仅显示前 {shown} 户，共 {total} 户；下载文件含全部。",
                         "Showing the first {shown} of {total}; the download has all."),
    "screen_list_too_long": ("{region}共有 {count} 户被标记，超过名单上限 {limit} 户。请在左侧选择一个省、市或县查看和导出名单。",
                             "{count} households are flagged in {region}, more than a list holds ({limit}). Choose a "
                             "province, city or county in the sidebar to see and export the lists."),
    "screen_rules_title": ("筛查规则与参数", "Screening rules and parameters"),
    "screen_no_score": ("风险预测不可用（{reason}），名单按原因条数排序。",
                        "Risk scores unavailable ({reason}); lists ranked by number of reasons."),
    "screen_household_id": ("户编号", "Household ID"),
    "screen_head": ("户主（脱敏）", "Head (masked)"),
    "screen_village": ("村", "Village"),
    "screen_members": ("人口", "Members"),
    "screen_income": ("人均纯收入（元）", "Income per capita (yuan)"),
    "screen_prev_income": ("上年人均纯收入（元）", "Last year (yuan)"),
    "screen_line": ("监测标准（元）", "Line (yuan)"),
    "screen_reasons": ("预警原因", "Reasons"),
    "screen_n_reasons": ("原因条数", "Reasons (n)"),
    "screen_rigid": ("医疗+教育支出（元）", "Medical + education (yuan)"),
    "screen_score": ("下一年低于监测线概率", "Chance below the line next year"),
    "screen_rule": ("规则", "Rule"),
    "screen_parameter": ("参数", "Parameter"),
    "screen_unit": ("单位", "Unit"),
    "screen_source": ("来源", "Source"),
    "screen_rule_id": ("规则编号", "Rule ID"),
    "screen_flagged_col": ("预警户", "Flagged"),
    # Risk model
    "risk_page": ("返贫风险预测", "Risk model"),
    "risk_page_title": ("{region} · 返贫风险预测", "{region} · risk of falling below the line"),
    "risk_intro": ("逻辑回归模型：用本年特征（收入与监测标准之比、收入构成、人口与劳动力、刚性支出、养殖、灾情、户类型、搬迁）"
                   "预测下一年人均纯收入是否低于监测标准；户类型按当年年底的状态（纳入监测日期之前不算监测户）。模型只用 {through} 年及以前的结果拟合，在 {year}→{next} 年上检验"
                   "（未参与拟合），并与只看收入离监测线多远、以及规则“本年低于监测标准”比较。",
                   "A logistic regression predicts whether a household's per-capita income is below the line next "
                   "year from this year's features (income against the line, composition, size and labour, rigid "
                   "spending, livestock, disasters, type as it stood at that year's end, relocation). It is fitted only on outcomes up to "
                   "{through} and judged on {year}→{next}, which it never saw, against income ÷ line alone and the "
                   "rule \"below the line this year\"."),
    "risk_not_enough": ("数据不足，无法拟合或检验模型：{reason}", "Not enough data to fit or judge the model: {reason}"),
    "risk_visit_title": ("走访名单：{n} 户（本地区农户的 {share}）", "The visit list: {n} households ({share} of the region's)"),
    "risk_by_model": ("模型得分最高", "Highest model score"),
    "risk_by_distance": ("收入离监测线最近（收入 ÷ 监测标准最低）", "Closest to the line (lowest income ÷ line)"),
    "risk_by_rule": ("规则：本年低于监测线", "Rule: below the line this year"),
    "risk_listed": ("列入 {n} 户", "{n} listed"),
    "risk_precision": ("命中率（名单中下一年低于线的占比）", "Precision (listed who fall below)"),
    "risk_recall": ("查全率（下一年低于线者被列入的占比）", "Recall (those who fall below who are listed)"),
    "risk_auc": ("AUC（全部农户的排序）", "AUC (ranking of all households)"),
    "risk_interval": ("{level} 区间 {low} ～ {high}", "{level} interval {low} to {high}"),
    "risk_eval_caption": ("检验：{households} 户，其中 {positives} 户下一年低于监测线。模型和“离线距离”各列出得分最高的"
                          " {n} 户；规则列出本年低于线的全部农户。命中率和查全率的区间为 Wilson 区间，AUC 的区间为 DeLong 区间。"
                          "模型 AUC 减去“离线距离”AUC：{gain}（{level} 区间 {low} ～ {high}）：区间含 0 时，模型并不比只看"
                          "收入与监测标准之比更会排序。",
                          "Judged on {households} households, {positives} of them below the line the next year. The "
                          "model and the distance to the line each list their {n} highest; the rule lists everyone "
                          "below the line this year. Precision and recall carry Wilson intervals, AUC a DeLong "
                          "interval. Model AUC minus distance AUC: {gain} ({level} interval {low} to {high}): when it "
                          "holds 0 the model ranks no better than income ÷ line alone."),
    "risk_demo_persistence": ("演示数据中，各户收入年年围绕一个固定的户水平波动（假定的持续性），所以本年收入离监测线多远"
                              "几乎决定下一年是否低于线，AUC 因而很高。真实数据中收入变化更难预料，AUC 会更低：请用本地数据检验。",
                              "In the demo each household's income varies around a fixed level of its own (an assumed "
                              "persistence), so this year's distance to the line nearly decides next year and the AUC "
                              "is high. Real incomes move less predictably and the AUC will be lower: judge it on "
                              "your own data."),
    "risk_calibration_title": ("校准：按预测概率十等分", "Calibration by decile of predicted risk"),
    "risk_predicted": ("预测概率", "Predicted"),
    "risk_observed": ("实际比例", "Observed"),
    "risk_decile": ("十分位组", "Decile"),
    "risk_odds_title": ("优势比（95% 置信区间，对数轴）", "Odds ratios (95% intervals, log scale)"),
    "risk_odds_ratio": ("优势比", "Odds ratio"),
    "risk_lower": ("下限", "Lower"),
    "risk_upper": ("上限", "Upper"),
    "risk_feature": ("特征", "Feature"),
    "risk_fit_caption": ("拟合：{observations} 个户·年（{positives} 个下一年低于线），结果年份至 {through} 年。",
                         "Fitted on {observations} household-years ({positives} below the line the next year), "
                         "outcomes up to {through}."),
    "risk_scores_title": ("{year} 年各户下一年低于监测线的预测概率（前 {n} 户）",
                          "Households most likely below the line in the year after {year} (top {n})"),
    "risk_f_log_income_ratio": ("人均收入/监测标准（对数）", "Income / line (log)"),
    "risk_f_below_line": ("本年低于监测线", "Below the line now"),
    "risk_f_wage_share": ("工资性收入占比", "Wage share"),
    "risk_f_transfer_share": ("转移性收入占比", "Transfer share"),
    "risk_f_livestock_share": ("养殖收入占比", "Livestock share"),
    "risk_f_members": ("家庭人口", "Members"),
    "risk_f_labour_share": ("劳动力占人口比", "Workers per member"),
    "risk_f_rigid_share": ("刚性支出/收入", "Rigid spending / income"),
    "risk_f_disaster_severity": ("所在县灾情等级", "County disaster severity"),
    "risk_f_relocated": ("易地搬迁", "Relocated"),
    "risk_f_type_formerly_poor": ("脱贫户", "Formerly poor"),
    "risk_f_type_unstable": ("脱贫不稳定户", "Formerly poor, unstable"),
    "risk_f_type_edge": ("边缘易致贫户", "Marginal, at risk"),
    "risk_f_type_sudden": ("突发严重困难户", "Sudden severe hardship"),
}
