"""Screening 筛查预警: who the rules flag, who should be enrolled, whom to check before closing."""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from analysis import formatting, riskmodel, screening
from analysis.figures import screening as figures
from analysis.i18n import region_name
from analysis.regioncodes import below_county
from analysis.regions import county_outlines
from pages._common import income_page_shell, lazy_tabs

SHOWN_ROWS = 500

shell = income_page_shell()
lang, region, year = shell.lang, shell.region, shell.year

st.title(shell.t("screen_title", region=shell.region_name, year=year))
st.caption(shell.t("screen_intro"))
try:
    rules = screening.load_rules()
except screening.RulesError as exc:
    st.error(shell.t("screen_rules_error", error=exc))
    st.stop()

counts = shell.fetch(screening.screening_counts, region, year, rules)
if counts.empty:
    st.info(shell.t("no_data_region", region=shell.region_name, year=year))
    st.stop()
totals = screening.screening_totals(counts, rules)


def show_rules() -> None:
    """The rules' parameters as their file writes them ("10,000", "0.3"): units differ by row, so the value column
    is text (formatting.as_written), not a kind of amount, as on the department-warnings page."""
    with st.expander(shell.t("screen_rules_title")):
        shown = screening.rules_table(rules, lang)
        shown["value"] = [formatting.as_written(value) for value in shown["value"]]
        st.dataframe(shown.rename(columns={
            "rule": shell.t("screen_rule"), "rule_id": shell.t("screen_rule_id"), "parameter": shell.t("screen_parameter"),
            "value": shell.t("value"), "unit": shell.t("screen_unit"), "source": shell.t("screen_source")}),
            hide_index=True)


def share_note(part: int) -> dict:
    share = part / totals.households if totals.households else None
    return {"delta": shell.t("screen_share_note", share=formatting.percent(share)), "delta_color": "off",
            "delta_arrow": "off"}


columns = st.columns(4)
columns[0].metric(shell.t("screen_screened"), formatting.count(totals.households, lang), border=True)
columns[1].metric(shell.t("screen_flagged"), formatting.count(totals.households_flagged, lang), border=True,
                  **share_note(totals.households_flagged))
columns[2].metric(shell.t("screen_not_enrolled"), formatting.count(totals.not_enrolled, lang), border=True,
                  **share_note(totals.not_enrolled))
columns[3].metric(shell.t("screen_check"), formatting.count(totals.check_before_closing, lang), border=True,
                  **share_note(totals.check_before_closing))

villages = below_county(region)  # a township's counts are by village (no village outlines: no map)
left, right = st.columns(2)
with left:
    reasons = pd.DataFrame({"reason": [rule.name(lang) for rule in rules],
                            "households": [totals.by_reason[rule.id] for rule in rules]})
    shell.chart(figures.reasons_figure(reasons, lang), key="screen-reasons")
if not villages:
    with right:
        outlines = county_outlines(counts["county_code"].tolist())
        shell.chart(figures.county_map_figure(counts, outlines, lang), key="screen-map")

st.subheader(shell.t("access_screen_village_table" if villages else "screen_county_table"))
by_county = pd.DataFrame({
    shell.t("access_village_name" if villages else "county_name"): [region_name(zh, en, lang) for zh, en in zip(counts["name"], counts["name_en"],
                                                                          strict=True)],
    shell.t("screen_screened"): counts["households"],
    shell.t("screen_flagged_col"): counts["flagged"],
    shell.t("screen_not_enrolled"): counts["not_enrolled"],
    shell.t("screen_check"): counts["check_before_closing"],
    **{rule.name(lang): counts[rule.id] for rule in rules},
})
shell.table(by_county, {column: "count" for column in by_county.columns[1:]}, name="screening-counties",
            key="screen-counties")

st.subheader(shell.t("screen_lists"))
if totals.households_flagged > screening.LIST_LIMIT:
    st.info(shell.t("screen_list_too_long", region=shell.region_name, count=formatting.count(
        totals.households_flagged, lang), limit=formatting.count(screening.LIST_LIMIT, lang)))
    show_rules()
    st.stop()
if not shell.allows("households"):
    st.info(shell.t("access_households_needed"))
    show_rules()
    st.stop()
flagged = shell.fetch(screening.flagged_households, region, year, rules)
try:
    model = shell.fetch(riskmodel.fit_risk_model, year)
    scores = shell.fetch(riskmodel.risk_scores, region, year, model)
except riskmodel.NotEnoughData as exc:
    scores = None
    st.caption(shell.t("screen_no_score", reason=exc))
visit = screening.ranked(flagged, scores)
lists = (("screen_tab_visit", "screen_visit_caption", visit, "screening-visit"),
         ("screen_tab_enrol", "screen_enrol_caption", screening.should_enrol(visit), "screening-enrol"),
         ("screen_tab_check", "screen_check_caption", screening.check_before_closing(visit), "screening-check"))


def show_list(caption: str, frame: pd.DataFrame, name: str) -> None:
    st.caption(shell.t(caption))
    if frame.empty:
        st.info(shell.t("screen_none"))
        return
    table = screening.household_list(frame, rules, lang)
    if len(table) > SHOWN_ROWS:
        st.caption(shell.t("screen_more_rows", shown=SHOWN_ROWS, total=formatting.count(len(table), lang)))
    kinds = screening.list_kinds(lang)
    shell.table(table.head(SHOWN_ROWS), kinds)
    shell.table_downloads(table, name, key=name, kinds=kinds)


lazy_tabs([key for key, *_ in lists], [partial(show_list, *rest) for _, *rest in lists], key="tabs-screen",
          label=shell.t)
show_rules()
