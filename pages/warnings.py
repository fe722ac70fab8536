"""Department warnings 部门预警与帮扶: who departments warn about, how fast cases are followed, which closures fail."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import cases, closing, formatting, screening, tables
from analysis import department_warnings as dw
from analysis.figures import departments as figures
from analysis.figures import screening as screening_figures
from analysis.i18n import region_name
from analysis.regioncodes import below_county
from analysis.regions import county_outlines, real_regions
from analysis.store.department_formats import DEPARTMENTS, MEASURE_TYPES
from pages._common import income_page_shell, lazy_tabs

SHOWN_ROWS = dw.SHOWN_ROWS

shell = income_page_shell()
lang, region, year = shell.lang, shell.region, shell.year
st.title(shell.t("dept_title", region=shell.region_name, year=year))
st.caption(shell.t("dept_intro"))
try:
    rules, deadlines = dw.load_warning_rules(), cases.load_deadlines()
    income_rules = screening.load_rules()
except (dw.RulesError, screening.RulesError, ValueError) as exc:
    st.error(shell.t("dept_rules_error", error=exc))
    st.stop()

counts = shell.fetch(dw.warning_counts, region, year, rules)
followed = shell.fetch(cases.case_summary, region, deadlines)
closure = shell.fetch(closing.closing_summary, region, year, rules, deadlines)
department_names = {code: names[1 if lang == "en" else 0] for code, names in DEPARTMENTS.items()}
measure_names = {code: (code if lang == "en" else zh) for zh, code in MEASURE_TYPES.items()}

columns = st.columns(4)
for column, key, value in zip(columns, ("dept_m_warned", "dept_m_not_enrolled", "dept_m_overdue",
                                        "dept_m_closed_failing"),
                              (counts.totals.warned_households, counts.totals.not_enrolled,
                               followed.totals.overdue, closure.closed_failing), strict=True):
    column.metric(shell.t(key), formatting.count(value, lang), border=True)


def kinds_of(frame: pd.DataFrame) -> dict[str, str]:
    """Income and line columns in yuan, every other number a count (households, people, cases, days)."""
    yuan = {shell.t("dept_col_income"), shell.t("dept_col_line")}
    return {column: "yuan" if column in yuan else "count" for column in frame.columns
            if frame[column].dtype.kind in "iuf"}


def household_table(frame: pd.DataFrame, name: str, key: str) -> None:
    """A masked list: the first rows on screen, all of them in the downloads."""
    if frame.empty:
        st.info(shell.t("dept_none"))
        return
    shown_rows(frame, name, key)


def shown_rows(frame: pd.DataFrame, name: str, key: str, largest_first: str | None = None,
               table_key: str | None = None) -> None:
    """At most SHOWN_ROWS rows on screen, the first ones or, when cut, those largest in `largest_first` (the
    country's 64,000 townships took 4.6 CPU-s a first view to send); the downloads have every row in order."""
    shown = frame
    if len(frame) > SHOWN_ROWS:
        total = formatting.count(len(frame), lang)
        if largest_first is None:
            st.caption(shell.t("dept_more_rows", shown=SHOWN_ROWS, total=total))
        else:
            st.caption(shell.t("dept_more_rows_largest", shown=SHOWN_ROWS, total=total, column=largest_first))
            shown = frame.sort_values(largest_first, ascending=False, kind="stable")
        shown = shown.head(SHOWN_ROWS)
    shell.table(shown, kinds_of(frame), key=table_key)
    shell.table_downloads(frame, name, key=key, kinds=kinds_of(frame))


def township_workbook(frame: pd.DataFrame, townships: pd.Series, names: dict, name: str, key: str) -> None:
    """One Excel sheet per township, so each township can be handed its own list."""
    if frame.empty or not shell.allows("export"):
        return
    stem = shell.file_stem(name)

    def workbook() -> bytes:  # built on click: splitting and writing thousands of rows takes seconds
        return tables.to_excel_bytes(cases.by_township_sheets(frame.assign(_township=townships.to_numpy()),
                                                              "_township", pd.Series(names)))

    st.download_button(shell.t("dept_by_township_download"), key=key, on_click="ignore",
                       file_name=f"{stem}-townships.xlsx",
                       data=shell.logged_export(workbook, f"{stem}-townships.xlsx", len(frame)),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/table_view:")


def warnings_tab() -> None:
    totals = counts.totals
    left, right = st.columns(2)
    with left:
        by_department = pd.DataFrame({"reason": [department_names[d] for d in totals.by_department],
                                      "households": list(totals.by_department.values())})
        shell.chart(screening_figures.reasons_figure(by_department, lang, title=shell.t("dept_by_department")),
                    key="dept-departments", in_column=True)
        names = {rule.id: rule.name(lang) for rule in rules}
        by_rule = pd.DataFrame({"reason": [names[r] for r in totals.by_rule],
                                "households": list(totals.by_rule.values())})
        shell.chart(screening_figures.reasons_figure(by_rule, lang, title=shell.t("dept_by_rule")), key="dept-rules",
                    in_column=True)
    if not below_county(region):  # a county map has nothing to show inside a township (its table is below)
        with right:
            outlines = county_outlines(counts.by_county["county_code"].tolist())
            shell.chart(screening_figures.county_map_figure(counts.by_county, outlines, lang,
                                                            title=shell.t("dept_map_title")), key="dept-map",
                        in_column=True)
    if totals.unmatched_persons:
        st.warning(shell.t("dept_unmatched", n=formatting.count(sum(totals.unmatched_persons.values()), lang),
                           departments="、".join(department_names[d] for d in totals.unmatched_persons)))
    st.subheader(shell.t("dept_townships"))
    townships = counts.by_township.rename(columns={"name": shell.t("dept_col_township"),
                                                   "township_code": shell.t("map_code"),
                                                   "households": shell.t("dept_households"),
                                                   "not_enrolled": shell.t("dept_m_not_enrolled"),
                                                   **department_names}).drop(columns=["county_code"])
    shown_rows(townships, "department-warnings-townships", key="dept-townships",
               largest_first=shell.t("dept_households"), table_key="dept-townships")
    if totals.warned_households > screening.LIST_LIMIT:  # a national list is millions of rows: narrow first
        st.info(shell.t("dept_list_too_long", region=shell.region_name, count=formatting.count(
            totals.warned_households, lang), limit=formatting.count(screening.LIST_LIMIT, lang)))
        return
    if not shell.allows("households"):
        st.info(shell.t("access_households_needed"))
        return
    warned = shell.derive(dw.warned_households, dw.department_warnings, (region, year, rules), rules, lang)
    flagged = shell.fetch(screening.flagged_households, region, year, income_rules)
    income_names = {rule.id: rule.name(lang) for rule in income_rules}
    income_reasons = flagged.set_index("household_id")["reasons"].map(
        lambda text: "；".join(income_names[r] for r in text.split(";")))
    table = dw.warning_list(warned, income_reasons, lang)
    st.subheader(shell.t("dept_list_warned"))
    household_table(table, "department-warnings", key="dept-warned")
    township_workbook(table, warned["township_code"], dict(zip(counts.by_township["township_code"],
                                                               counts.by_township["name"], strict=True)),
                      "department-warnings", key="dept-warned-townships")
    st.subheader(shell.t("dept_list_not_enrolled"))
    household_table(table[~warned["enrolled"].to_numpy()], "department-warnings-not-enrolled", key="dept-enrol")


def cases_tab() -> None:
    totals = followed.totals
    st.caption(shell.t("dept_cases_caption", date=followed.export_date or "-", cases=formatting.count(totals.cases, lang),
                       open=formatting.count(totals.open, lang), decision=totals.median_days_to_decision or "-",
                       support=totals.median_days_to_support or "-"))
    left, right = st.columns(2)
    with left:
        st.subheader(shell.t("dept_overdue_townships"))
        townships = followed.by_township.rename(columns={
            "township_name": shell.t("dept_col_township"), "township_code": shell.t("map_code"),
            "cases": shell.t("dept_col_cases"),
            "open": shell.t("dept_col_open"), "overdue": shell.t("dept_col_overdue"),
            "support_overdue": shell.t("dept_col_support_overdue"),
            "decision_overdue": shell.t("dept_col_decision_overdue"),
            "median_days_to_support": shell.t("dept_col_median_support")}).drop(columns=["county_code"])
        shell.table(townships, kinds_of(townships), name="cases-townships", key="dept-case-townships")
    with right:
        measures = followed.measures.assign(reason=lambda f: f["measure_type"].map(measure_names),
                                            households=lambda f: f["measures"])
        if not measures.empty:
            shell.chart(screening_figures.reasons_figure(measures, lang, title=shell.t("dept_measures")),
                        key="dept-measures", in_column=True)
    if not shell.allows("households"):
        st.info(shell.t("access_households_needed"))
        return
    frame = shell.fetch(cases.follow_through, region, deadlines)
    overdue = frame[frame["overdue"]]
    st.subheader(shell.t("dept_list_overdue"))
    table = cases.case_list(overdue, lang)
    household_table(table, "cases-overdue", key="dept-overdue")
    township_workbook(table, overdue["township_code"], dict(zip(overdue["township_code"], overdue["township_name"],
                                                                strict=True)), "cases-overdue",
                      key="dept-overdue-townships")


def closing_tab() -> None:
    st.caption(shell.t("dept_closing_caption", monitored=formatting.count(closure.monitored, lang),
                       closed=formatting.count(closure.closed_in_year, lang), year=year))
    criteria = closure.by_criterion.assign(
        criterion=lambda f: [shell.t(closing.CRITERION_LABELS[c]) for c in f["criterion"]])
    shell.chart(figures.criteria_figure(criteria, lang), key="dept-criteria")
    st.subheader(shell.t("dept_closing_townships"))
    townships = closure.by_township.rename(columns={
        "name": shell.t("dept_col_township"), "township_code": shell.t("map_code"),
        "households": shell.t("dept_households"), "closed_failing": shell.t("dept_list_closed_failing"), "review": shell.t("dept_list_review"),
        "continued": shell.t("dept_list_continued")})
    shell.table(townships, kinds_of(townships), name="closing-townships", key="dept-closing-townships")
    if not shell.allows("households"):
        st.info(shell.t("access_households_needed"))
        return
    check = shell.fetch(closing.closing_check, region, year, rules, deadlines)
    lists = (("dept_list_closed_failing", closing.closed_failing(check), "closing-failing"),
             ("dept_list_review", closing.review_for_closing(check), "closing-review"),
             ("dept_list_continued", closing.continued_support(check), "closing-continued"))
    lazy_tabs([key for key, *_ in lists],
              [lambda frame=frame, name=name: household_table(closing.closing_list(frame, lang), name, key=name)
               for _, frame, name in lists],
              key="tabs-dept-closing", label=shell.t)


lazy_tabs(["dept_tab_warnings", "dept_tab_cases", "dept_tab_closing"], [warnings_tab, cases_tab, closing_tab],
          key="tabs-dept", label=shell.t)
with st.expander(shell.t("dept_rules_title")):
    regions = real_regions()
    province_names = {code: region_name(zh, en, lang)
                      for code, zh, en in zip(regions["code"], regions["name"], regions["name_en"], strict=True)}
    rules_shown = dw.rules_table(rules, lang)
    rules_shown["province"] = [shell.t("dept_all_provinces") if code == "000000" else province_names.get(code, code)
                               for code in rules_shown["province"]]
    rules_shown["value"] = [formatting.as_written(value) for value in rules_shown["value"]]  # units differ by row
    headers = {"rule": "dept_rule", "rule_id": "dept_col_rule_id", "department": "dept_department",
               "province": "dept_col_province", "years": "dept_col_years", "parameter": "dept_col_parameter",
               "value": "dept_col_value", "unit": "dept_col_unit", "source": "dept_col_source"}
    st.dataframe(rules_shown.rename(columns={column: shell.t(key) for column, key in headers.items()}), hide_index=True)
