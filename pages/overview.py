"""Overview 总览: headline figures, monitored households, migrant work, income sources, counties at risk."""
from __future__ import annotations

import streamlit as st

from analysis import formatting, overview
from analysis.figures import overview as figures
from analysis.i18n import region_name
from analysis.overview import employment_status
from analysis.regioncodes import below_county
from pages._common import income_page_shell

shell = income_page_shell()
lang, region, year = shell.lang, shell.region, shell.year

st.title(shell.t("overview_title", region=shell.region_name, year=year))
head = shell.fetch(overview.headline, region, year)
if head.summary.households == 0:
    st.info(shell.t("no_data_region", region=shell.region_name, year=year))
    st.stop()
summary = head.summary
monitored = shell.fetch(overview.monitored_households, region, year)
monthly = shell.fetch(overview.employment_by_month, region, year)
status = employment_status(monthly)
sources = shell.fetch(overview.income_by_source, region, year)
at_risk = shell.fetch(overview.counties_at_risk, region, year)


def share_note(key: str, share: float | None) -> dict:
    """A grey, arrowless note under a metric (shares are context, not changes)."""
    return {"delta": shell.t(key, share=formatting.percent(share)), "delta_color": "off", "delta_arrow": "off"}


top, bottom = st.columns(4), st.columns(4)
top[0].metric(shell.t("households"), formatting.count(summary.households, lang), border=True)
top[1].metric(shell.t("people"), formatting.count(summary.people, lang), border=True)
top[2].metric(shell.t("income_per_capita"), formatting.yuan(summary.income_per_capita, lang), border=True,
              delta=None if head.growth is None else formatting.signed_percent(head.growth),
              delta_description=shell.t("vs_previous"))
top[3].metric(shell.t("monitoring_line"), formatting.yuan(summary.monitoring_line, lang), border=True)
bottom[0].metric(shell.t("below_line"), formatting.count(summary.below_line_households, lang), border=True,
                 **share_note("share_of_households", head.below_share))
bottom[1].metric(shell.t("near_line"), formatting.count(summary.near_line_households, lang), border=True,
                 **share_note("share_of_households", head.near_share))
total, eliminated = int(monitored["households"].sum()), int(monitored["eliminated"].sum())
bottom[2].metric(shell.t("monitored_total"), formatting.count(total, lang), border=True,
                 **share_note("eliminated_share_note", eliminated / total if total else None))
if status is None:
    bottom[3].metric(shell.t("migrant_workers"), formatting.MISSING, border=True,
                     help=shell.t("access_county_only", what=shell.t("access_what_employment"), region=shell.region_name)
                     if below_county(region) else shell.t("no_employment"))
else:
    bottom[3].metric(shell.t("migrant_workers"), formatting.count(status.migrant_workers, lang), border=True,
                     help=shell.t("employment_caption", month=status.month.strftime("%Y-%m")),
                     **share_note("target_done", status.target_share))
st.caption(shell.t("line_caption", line=formatting.yuan(summary.monitoring_line, lang)))

left, right = st.columns([3, 2])
with left:
    shell.chart(figures.income_sources_figure(sources, lang, title=f"{shell.region_name} · {shell.t('sources_title')}"),
                key="sources")
with right:
    shell.chart(figures.monitored_figure(monitored, lang), key="monitored")
    if status is not None:
        shell.chart(figures.employment_figure(monthly, lang, title=shell.t("employment_chart", year=year)),
                    key="employment")

st.subheader(shell.t("access_villages_at_risk" if below_county(region) else "risk_title"))
unit_label = "access_village_name" if below_county(region) else "county_name"
kinds = {"households": "count", "below_share": "percent", "near_share": "percent", "income_per_capita": "yuan",
         "growth": "percent"}
at_risk = at_risk.assign(
    county=[region_name(zh, en, lang) for zh, en in zip(at_risk["name"], at_risk["name_en"], strict=True)]
)[["county", *kinds]]
st.dataframe(
    formatting.for_display(at_risk, kinds),  # rounded once, as the cards and the briefing round
    hide_index=True,
    column_config={"county": st.column_config.TextColumn(shell.t(unit_label), pinned=True)} | {
        column: st.column_config.NumberColumn(shell.t(column), format=formatting.printf(kind, lang,
                                                                                          signed=column == "growth"))
        for column, kind in kinds.items()},
)
labels = {"county": shell.t(unit_label)} | {column: shell.t(column) for column in kinds}
shell.table_downloads(at_risk.rename(columns=labels), "counties-at-risk", key="overview-counties",
                      kinds={labels[column]: kind for column, kind in kinds.items()})
