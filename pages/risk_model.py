"""Risk model 返贫风险预测: who is likely below the line next year, and how well the model did out of sample."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import dataset, formatting, riskmodel
from analysis.figures import screening as figures
from analysis.i18n import household_type
from pages._common import income_page_shell

TOP_HOUSEHOLDS = 200
RANKING_NAMES = {"model": "risk_by_model", "distance": "risk_by_distance", "rule": "risk_by_rule"}


def note(text: str) -> dict:
    """A grey, arrowless note under a metric (an interval, not a change)."""
    return {"delta": text, "delta_color": "off", "delta_arrow": "off"}


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

st.subheader(shell.t("risk_visit_title", n=formatting.count(result.list_size, lang),
                     share=formatting.percent(result.list_share, decimals=0)))
level = formatting.percent(result.confidence, decimals=0)


def interval(low: float, high: float) -> str:
    return shell.t("risk_interval", level=level, low=formatting.percent(low), high=formatting.percent(high))


columns = st.columns(3)
for column, ranking in zip(columns, result.rankings, strict=True):
    with column.container(border=True):
        listed = shell.t("risk_listed", n=formatting.count(ranking.listed, lang))
        st.markdown(f"**{shell.t(RANKING_NAMES[ranking.name])}** · {listed}")
        st.metric(shell.t("risk_precision"), formatting.percent(ranking.precision),
                  **note(interval(ranking.precision_low, ranking.precision_high)))
        st.metric(shell.t("risk_recall"), formatting.percent(ranking.recall),
                  **note(interval(ranking.recall_low, ranking.recall_high)))
        st.metric(shell.t("risk_auc"), f"{ranking.auc:.3f}",
                  **note(shell.t("risk_interval", level=level, low=f"{ranking.auc_low:.3f}",
                                 high=f"{ranking.auc_high:.3f}")))
st.caption(shell.t("risk_eval_caption", households=formatting.count(result.households, lang),
                   positives=formatting.count(result.positives, lang), n=formatting.count(result.list_size, lang),
                   gain=f"{result.auc_gain:+.3f}", low=f"{result.auc_gain_low:+.3f}",
                   high=f"{result.auc_gain_high:+.3f}", level=level))
if shell.fetch(dataset.is_synthetic):
    st.info(shell.t("risk_demo_persistence"))

left, right = st.columns(2)
odds = result.model.odds_ratios()
with left:
    shell.chart(figures.calibration_figure(result.calibration, lang), key="risk-calibration")
with right:
    shell.chart(figures.odds_figure(odds, lang), key="risk-odds")
st.caption(shell.t("risk_fit_caption", observations=formatting.count(result.model.observations, lang),
                   positives=formatting.count(result.model.positives, lang), through=result.model.outcome_through))
ODDS = ("risk_odds_ratio", "risk_lower", "risk_upper")  # a model's estimates: three decimals, half-up
shell.table(pd.DataFrame({
    shell.t("risk_feature"): [figures.feature_label(name, lang) for name in odds["feature"]],
    **{shell.t(key): odds[column] for key, column in zip(ODDS, ("odds_ratio", "lower", "upper"), strict=True)},
}), dict.fromkeys(map(shell.t, ODDS), "odds_ratio"))

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
    shell.t("screen_score"): top["risk_score"],
})
shell.table(table, {shell.t("screen_members"): "count", shell.t("screen_score"): "percent"}, name="risk-households",
            key="risk-households")
