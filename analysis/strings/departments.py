"""UI strings of the department warnings page (部门预警与帮扶): warnings, follow-through, the check before closing."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "dept_page": ("部门预警与帮扶", "Department warnings"),
    "dept_title": ("{region} · {year} 年部门预警、帮扶时效与风险消除核查",
                   "{region} · {year} department warnings, follow-through and closing check"),
    "dept_intro": ("医保、教育、民政、应急管理、住建、残联、人社数据按身份证号（加盐哈希）匹配到农户，按规则预警"
                   "（data/warning_rules.toml）；帮扶时效取自监测帮扶台账，时限见 data/case_deadlines.toml"
                   "（工作日只扣除周末，未扣除法定节假日）。",
                   "Medical insurance, education, civil affairs, emergency management, housing, disability and "
                   "human resources data are matched to households by hashed ID number and warn by rules "
                   "(data/warning_rules.toml); follow-through comes from the case export, with deadlines in "
                   "data/case_deadlines.toml (working days skip weekends only, not public holidays)."),
    "dept_rules_error": ("预警规则或时限文件有误：{error}", "The warning rules or deadlines file is wrong: {error}"),
    "dept_m_warned": ("部门预警户数", "Households warned"),
    "dept_m_not_enrolled": ("预警但未纳入监测", "Warned, not monitored"),
    "dept_m_overdue": ("超出时限的案件", "Cases past a deadline"),
    "dept_m_closed_failing": ("消除风险但条件未满足", "Closed, a criterion fails"),
    "dept_tab_warnings": ("部门预警", "Department warnings"),
    "dept_tab_cases": ("帮扶时效", "Follow-through"),
    "dept_tab_closing": ("风险消除核查", "Check before closing"),
    "dept_by_department": ("各部门预警户数", "Households warned, by department"),
    "dept_by_rule": ("各规则预警户数", "Households warned, by rule"),
    "dept_map_title": ("各县部门预警户占比", "Share of households warned by departments, by county"),
    "dept_townships": ("各乡镇预警户数", "Warned households by township"),
    "dept_unmatched": ("{n} 人未能匹配到任何农户（{departments}）：请登记农户或导入家庭成员。",
                       "{n} people matched no household ({departments}): register the household or load its members."),
    "dept_list_warned": ("预警户名单（含收入规则原因）", "Warned households (with the income rules' reasons)"),
    "dept_list_not_enrolled": ("应纳未纳：预警但尚未纳入监测", "Should be enrolled: warned, not yet monitored"),
    "dept_by_township_download": ("按乡镇分表下载（Excel）", "One sheet per township (Excel)"),
    "dept_none": ("没有符合条件的农户。", "No household meets this."),
    "dept_more_rows": ("显示前 {shown} 行，共 {total} 行；下载可得全部。", "Showing the first {shown} of {total} rows; "
                       "the downloads hold all."),
    "dept_cases_caption": ("台账截至 {date}：{cases} 件，未结 {open} 件；预警到县级审定中位 {decision} 天，到首次帮扶中位 "
                           "{support} 天。", "Case export as of {date}: {cases} cases, {open} open; median {decision} "
                           "days from warning to decision and {support} days to first support."),
    "dept_overdue_townships": ("各乡镇超期案件", "Overdue cases by township"),
    "dept_measures": ("帮扶措施（按类型）", "Support measures by type"),
    "dept_list_overdue": ("超期案件名单", "Overdue cases"),
    "dept_closing_caption": ("{monitored} 户监测对象，{year} 年风险消除 {closed} 户。", "{monitored} monitored "
                             "households; {closed} closed in {year}."),
    "dept_criteria_title": ("各项消除条件未满足户数", "Households failing each closing criterion"),
    "dept_list_closed_failing": ("已消除风险但条件未满足", "Closed although a criterion fails"),
    "dept_list_review": ("条件均满足、可评估消除", "Every criterion holds: could be reviewed for closing"),
    "dept_list_continued": ("无劳动能力：继续帮扶、不宜消除", "No labour capacity: keep supporting rather than close"),
    "dept_closing_townships": ("各乡镇风险消除核查", "Closing check by township"),
    "dept_failing_all": ("全部监测户", "All monitored"),
    "dept_failing_closed": ("当年已消除", "Closed this year"),
    "dept_households": ("户数", "Households"),
    "dept_department": ("部门", "Department"),
    "dept_rule": ("规则", "Rule"),
    "dept_all_provinces": ("其他省份（默认）", "Other provinces (default)"),
    "dept_rules_title": ("预警规则与参数", "Warning rules and parameters"),
    "dept_yes": ("是", "yes"),
    "dept_no": ("否", "no"),
    "dept_col_household": ("户编号", "Household"),
    "dept_col_township": ("乡镇", "Township"),
    "dept_col_village": ("村", "Village"),
    "dept_col_head": ("户主", "Head"),
    "dept_col_enrolled": ("已纳入监测", "Monitored"),
    "dept_col_first": ("最早预警", "First warning"),
    "dept_col_departments": ("预警部门", "Departments"),
    "dept_col_reasons": ("预警原因", "Reasons"),
    "dept_col_income_rules": ("收入规则原因", "Income rules"),
    "dept_col_warning_date": ("预警日期", "Warned"),
    "dept_col_decided": ("县级审定", "Decided"),
    "dept_col_first_support": ("首次帮扶", "First support"),
    "dept_col_closed": ("风险消除", "Closed"),
    "dept_col_working_days": ("至审定工作日", "Working days to decision"),
    "dept_col_days_support": ("至帮扶天数", "Days to support"),
    "dept_col_support_overdue": ("帮扶超期", "Support overdue"),
    "dept_col_decision_overdue": ("审定超期", "Decision overdue"),
    "dept_col_labour": ("劳动力人数", "Workers"),
    "dept_col_income": ("人均纯收入", "Per-capita income"),
    "dept_col_line": ("监测标准", "Monitoring line"),
    "dept_col_failing": ("未满足的条件", "Criteria failing"),
    "dept_col_cases": ("案件", "Cases"),
    "dept_col_open": ("未结", "Open"),
    "dept_col_overdue": ("超期", "Overdue"),
    "dept_col_median_support": ("至帮扶中位天数", "Median days to support"),
    "dept_criterion_income": ("收入稳定超过监测标准", "Income above the line"),
    "dept_criterion_rigid_spending": ("刚性支出已解决", "Rigid spending resolved"),
    "dept_criterion_education": ("义务教育有保障", "Compulsory education"),
    "dept_criterion_medical": ("基本医疗有保障", "Basic medical care"),
    "dept_criterion_housing": ("住房安全有保障", "Safe housing"),
    "dept_criterion_water": ("饮水安全有保障", "Safe drinking water"),
    "dept_criterion_no_warning": ("无未处理的部门预警", "No open department warning"),
    "brief_dept_heading": ("部门预警、帮扶时效与风险消除", "Department warnings, follow-through and closures"),
    "brief_dept_text": ("{year} 年部门数据预警 {warned} 户（{departments}），其中 {not_enrolled} 户尚未纳入监测。"
                        "监测帮扶台账 {cases} 件，超出时限 {overdue} 件，从预警到首次帮扶中位 {support} 天。"
                        "当年风险消除的农户中有 {closed_failing} 户仍有消除条件未满足，需复核。",
                        "In {year} other departments' data warned about {warned} households ({departments}); "
                        "{not_enrolled} of them are not monitored yet. Of {cases} cases, {overdue} passed a deadline; "
                        "the median time from warning to first support was {support} days. {closed_failing} "
                        "households closed that year still fail a closing criterion and need review."),
}
