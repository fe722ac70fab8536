"""Risk model 返贫风险预测: who is likely below the line next year, and how well the model did out of sample."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import formatting, riskmodel
from analysis.figures import screening as figures
from analysis.i18n import household_type
from pages._common import income_page_shell

TOP_HOUSEHOLDS = 200

shell = income_page_shell()
lang, region, year = shell.lang, shell.region, shell.year

st.title(shell.t("risk_page_title", region=shell.region_name))
try:
    judged = shell.fetch(riskmodel.evaluation_year, year)
    result = shell.fetch(riskmodel.evaluate, region, judged)
except riskmodel.NotEnoughData as exc:
    st.info(shell.t("risk_not_enough", reason=exc))
    st.stop()
st.caption(shell.t("risk_intro", through=judged, year=judged, next=judged + 1))

columns = st.columns(4)
columns[0].metric(shell.t("risk_auc_model"), f"{result.auc_model:.3f}", border=True)
columns[1].metric(shell.t("risk_auc_rule"), f"{result.auc_rule:.3f}", border=True)
columns[2].metric(shell.t("risk_precision_model", k=formatting.count(result.k, lang)),
                  formatting.percent(result.precision_model), border=True)
columns[3].metric(shell.t("risk_precision_rule", k=formatting.count(result.k, lang)),
                  formatting.percent(result.precision_rule), border=True)
st.caption(shell.t("risk_eval_caption", households=formatting.count(result.households, lang),
                   positives=formatting.count(result.positives, lang)))

left, right = st.columns(2)
odds = result.model.odds_ratios()
with left:
    shell.chart(figures.calibration_figure(result.calibration, lang), key="risk-calibration")
with right:
    shell.chart(figures.odds_figure(odds, lang), key="risk-odds")
st.caption(shell.t("risk_fit_caption", observations=formatting.count(result.model.observations, lang),
                   positives=formatting.count(result.model.positives, lang), through=result.model.outcome_through))
st.dataframe(pd.DataFrame({
    shell.t("risk_feature"): [figures.feature_label(name, lang) for name in odds["feature"]],
    shell.t("risk_odds_ratio"): odds["odds_ratio"].round(3),
    shell.t("risk_lower"): odds["lower"].round(3),
    shell.t("risk_upper"): odds["upper"].round(3),
}), hide_index=True)

try:
    model = shell.fetch(riskmodel.fit_risk_model, year)
except riskmodel.NotEnoughData as exc:
    st.info(shell.t("risk_not_enough", reason=exc))
    st.stop()
if not shell.allows("households"):
    st.info(shell.t("access_households_needed"))
    st.stop()
top = shell.fetch(riskmodel.highest_risk, region, year, model, TOP_HOUSEHOLDS)
st.subheader(shell.t("risk_scores_title", year=year, n=len(top)))
table = pd.DataFrame({
    shell.t("screen_household_id"): top["household_id"],
    shell.t("screen_village"): top["village_name"],
    shell.t("screen_head"): top["head_name_masked"],
    shell.t("household_type"): [household_type(name, lang) for name in top["household_type"]],
    shell.t("screen_members"): top["members"],
    shell.t("screen_score"): top["risk_score"].round(4),
})
st.dataframe(table, hide_index=True)
shell.table_downloads(table, "risk-households", key="risk-households")
