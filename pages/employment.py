"""Employment 务工就业: formerly poor workers against target by county and month, and work against wages."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import employment, formatting, overview, trends
from analysis.figures import employment as figures
from analysis.i18n import region_name
from analysis.overview import employment_status
from analysis.regioncodes import NATIONAL, below_county
from pages._common import income_page_shell

SHORT_ROW, WATCH_ROW = "background-color: #fbe3e2", "background-color: #fff4e0"

shell = income_page_shell()
lang, region, year = shell.lang, shell.region, shell.year

st.title(shell.t("emp_title", region=shell.region_name, year=year))
if below_county(region):  # the monthly records are per county
    st.info(shell.t("access_county_only", what=shell.t("access_what_employment"), region=shell.region_name),
            icon=":material/info:")
    st.stop()
months = shell.fetch(employment.county_months, region, year)
monthly = shell.fetch(overview.employment_by_month, region, year)
status_now = employment_status(monthly)
if months.empty or status_now is None:
    st.info(shell.t("no_employment"))
    st.stop()
status = employment.county_status(months)
extras = employment.monthly_totals(months)
with_target = status.dropna(subset=["share"])
short_now, short_any = int(status["below_target"].sum()), int((status["months_below"] > 0).sum())
month_text = status_now.month.strftime("%Y-%m")


def note(text: str) -> dict:
    """A grey, arrowless note under a metric (context, not a change)."""
    return {"delta": text, "delta_color": "off", "delta_arrow": "off"}


national_target = employment.national_target()
st.markdown(shell.t(
    "emp_summary", month=month_text, workers=formatting.count(status_now.migrant_workers, lang),
    share=formatting.percent(status_now.target_share), short=short_now, counties=len(with_target),
    short_any=short_any, target=formatting.count(national_target, lang, decimals=0)))

if short_now:  # name them: "two counties fell short" is not something a meeting can act on
    short = status[status["below_target"].astype(bool)]
    names = [region_name(n, e, lang) for n, e in zip(short["name"], short["name_en"], strict=True)]
    st.warning(shell.t("emp_short_list", month=month_text, names="、".join(names) if lang == "zh" else ", ".join(names)),
               icon=":material/warning:")

cols = st.columns(5)
cols[0].metric(shell.t("migrant_workers"), formatting.count(status_now.migrant_workers, lang), border=True,
               help=shell.t("employment_caption", month=month_text),
               **note(shell.t("target_done", share=formatting.percent(status_now.target_share))))
cols[1].metric(shell.t("target"), formatting.count(status_now.target, lang), border=True,
               help=shell.t("emp_national_note", target=formatting.count(national_target, lang, decimals=0)),
               **note(month_text))
cols[2].metric(shell.t("emp_counties_short"), f"{short_now} / {len(with_target)}", border=True,
               **note(shell.t("emp_short_any", n=short_any)))
cols[3].metric(shell.t("emp_returned"), formatting.count(extras["returned"].sum(), lang), border=True,
               help=shell.t("emp_returned_help"), **note(shell.t("emp_year_total", year=year)))
cols[4].metric(shell.t("emp_welfare_jobs"), formatting.count(extras["public_welfare_jobs"].iloc[-1], lang),
               border=True, **note(month_text))
if region == NATIONAL:
    st.caption(shell.t("emp_national_caption", workers=formatting.count(status_now.migrant_workers, lang),
                       share=formatting.percent(status_now.migrant_workers / national_target, decimals=3),
                       target=formatting.count(national_target, lang, decimals=0)))

shell.chart(figures.monthly_figure(monthly, extras, lang, title=shell.t("emp_monthly_chart", year=year)),
            key="emp-monthly")

limit = int(employment.parameters()["employment"]["low_counties_shown"])
shell.chart(figures.share_figure(status, lang, title=shell.t("emp_share_chart", month=month_text), limit=limit),
            key="emp-share")
shell.chart(figures.heatmap_figure(months, with_target["code"].head(limit).tolist(), lang,
                                   title=shell.t("emp_heatmap_chart", year=year)), key="emp-heatmap")

st.subheader(shell.t("emp_table_title"))
table = pd.DataFrame({
    "county": [region_name(n, e, lang) for n, e in zip(status["name"], status["name_en"], strict=True)],
    "migrant_workers": status["migrant_workers"], "target": status["target"], "share": status["share"],
    "months_below": status["months_below"], "lowest_share": status["lowest_share"],
    "returned": status["returned"], "public_welfare_jobs": status["public_welfare_jobs"],
}).reset_index(drop=True)
HEADERS = {"county": "county_name", "migrant_workers": "migrant_workers", "target": "target", "share": "emp_share",
           "months_below": "emp_months_below", "lowest_share": "emp_lowest_share", "returned": "emp_returned",
           "public_welfare_jobs": "emp_welfare_jobs"}
KINDS = {"migrant_workers": "count", "target": "count", "share": "percent", "months_below": "count",
         "lowest_share": "percent", "returned": "count", "public_welfare_jobs": "count"}
headers = {column: shell.t(key, month=month_text) for column, key in HEADERS.items()}
# Red: short of target in the latest month; amber: short in some month of the year (from the unrounded shares).
colours = pd.Series([SHORT_ROW if share < 1 else WATCH_ROW if below > 0 else ""
                     for share, below in zip(table["share"], table["months_below"], strict=True)])
st.dataframe(formatting.for_display(table, KINDS).style.apply(lambda row: [colours[row.name]] * len(row), axis=1),
             hide_index=True, column_config={"county": st.column_config.TextColumn(headers["county"])} | {
                 column: st.column_config.NumberColumn(headers[column], format=formatting.printf(kind, lang))
                 for column, kind in KINDS.items()})
st.caption(shell.t("emp_table_caption"))
# The files carry the headers shown and shares as fractions, rounded and formatted by their kinds
shell.table_downloads(table.rename(columns=headers), "employment-by-county", key="emp-table",
                      kinds={headers[column]: kind for column, kind in KINDS.items()})

st.subheader(shell.t("emp_relation_title"))
work = employment.wage_and_work(shell.fetch(trends.income_view, region, year).counties,
                                shell.fetch(employment.workers_by_county, region, year))
fit = employment.fit_relation(work)
shell.chart(figures.relation_figure(work, fit, lang, title=shell.t("emp_relation_chart", year=year)),
            key="emp-relation")
if fit is None:
    st.info(shell.t("emp_relation_too_few"))
else:
    st.caption(shell.t("emp_relation_caption", slope=f"{fit.slope:+,.0f}", low=f"{fit.slope_low:+,.0f}",
                       high=f"{fit.slope_high:+,.0f}", level=formatting.percent(fit.confidence, decimals=0),
                       r2=f"{fit.r_squared:.2f}", n=fit.n))
