"""UI strings of the employment page (务工就业)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "emp_page": ("务工就业", "Employment"),
    "emp_title": ("{region} · {year} 年脱贫劳动力务工就业", "{region} · employment of formerly poor workers, {year}"),
    "emp_summary": (
        "**{month} 务工 {workers}，完成目标任务 {share}。** 有目标任务的 {counties} 个县中，当月 **{short} 个未完成**，"
        "全年有 {short_any} 个县至少一个月未完成。全国目标：脱贫劳动力务工规模稳定在 {target}人以上。",
        "**{month}: {workers} in work, {share} of the target.** Of {counties} counties with a target, **{short} "
        "fall short this month**; {short_any} fell short in at least one month of the year. National target: "
        "more than {target} formerly poor workers in work.",
    ),
    "emp_national_note": ("全国目标：脱贫劳动力务工规模 {target}人以上。", "National target: more than {target} formerly poor workers in work."),
    "emp_counties_short": ("未完成目标县数", "Counties short"),
    "emp_short_list": ("{month} 未完成务工目标的县：{names}。", "Counties short of the work target in {month}: {names}."),
    "emp_short_any": ("全年曾未完成 {n} 个", "{n} at some point"),
    "emp_returned": ("返乡回流人数", "Returnees"),
    "emp_returned_help": ("本年度各月返乡回流（回流）人数之和。", "Workers who came back home (回流), summed over the year."),
    "emp_year_total": ("{year} 年合计", "total {year}"),
    "emp_welfare_jobs": ("公益性岗位", "Public-welfare jobs"),
    "emp_national_caption": (
        "全国合计 {workers}，相当于全国目标 {target} 的 {share}（演示数据只是抽样，规模远小于全国）。",
        "Total {workers}, {share} of the national target of {target} (the demo world is a sample, far smaller "
        "than the country).",
    ),
    "emp_monthly_chart": ("{year} 年各月务工人数与目标（各县合计）", "Workers and target by month, {year} (sum of counties)"),
    "emp_share_chart": ("各县完成目标任务比例：{month} 与全年最低月（最低的县）",
                        "Share of target by county: {month} and the year's worst month (lowest counties)"),
    "emp_heatmap_chart": ("{year} 年各月完成比例（全年最低的县）", "Share of target by month, {year} (lowest counties)"),
    "emp_latest_month": ("最近月份", "Latest month"),
    "emp_share_axis": ("完成比例", "Share of target"),
    "emp_table_title": ("各县务工情况", "Counties"),
    "emp_share": ("{month} 完成比例", "Share of target, {month}"),
    "emp_months_below": ("未完成月数", "Months short"),
    "emp_lowest_share": ("全年最低完成比例", "Lowest monthly share"),
    "emp_table_caption": ("红色：当月未完成目标任务；橙色：本年度曾有月份未完成。按全年最低完成比例排序。",
                          "Red: short of target this month; amber: short in some month of the year. Sorted by "
                          "the lowest monthly share."),
    "emp_relation_title": ("务工与工资性收入", "Migrant work and wage income"),
    "emp_relation_chart": ("{year} 年各县：每百户务工人数与人均工资性收入",
                           "Counties in {year}: workers per 100 households and wage income per capita"),
    "emp_relation_caption": (
        "最小二乘（OLS）拟合：每百户多 1 名务工人员，人均工资性收入变化 {slope} 元（{level} 区间 {low} ～ {high} 元），"
        "R² = {r2}，n = {n} 个县。这是县与县之间的相关关系，不代表因果。",
        "Ordinary least squares: one more worker per 100 households goes with {slope} yuan of wage income per "
        "person ({level} interval {low} to {high} yuan), R² = {r2}, n = {n} counties. An association across "
        "counties, not a cause.",
    ),
    "emp_relation_too_few": ("县数不足 3 个，无法拟合。", "Fewer than 3 counties: no fit."),
    "emp_fit_band": ("拟合 {level} 置信带", "Fit, {level} confidence band"),
    "emp_fit_line": ("OLS 拟合", "OLS fit"),
    "emp_counties": ("县", "Counties"),
    "emp_workers_axis": ("每百户务工人数（全年月均）", "Workers per 100 households (monthly average)"),
    "emp_wage_axis": ("人均工资性收入（元）", "Wage income per capita (yuan)"),
}
