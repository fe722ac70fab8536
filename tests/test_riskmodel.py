"""Risk model: the AUC and its friends against brute force, no look-ahead, scores from SQL equal the model,
the out-of-year AUC on the demo world beats the below-line rule, and the page in both languages."""
from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis import riskmodel
from analysis.config import PROJECT_ROOT
from analysis.i18n import t
from analysis.regioncodes import NATIONAL

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture(scope="module")
def cur(demo_con):
    return demo_con


@pytest.fixture(scope="module")
def model(cur) -> riskmodel.RiskModel:
    return riskmodel.fit_risk_model(cur, 2023)


def _pairwise_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    positive, negative = scores[labels], scores[~labels]
    wins = (positive[:, None] > negative[None, :]) + 0.5 * (positive[:, None] == negative[None, :])
    return float(wins.mean())


@pytest.mark.parametrize("seed", range(5))
def test_auc_equals_the_pairwise_definition_with_ties(seed):
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 6, 300).astype(float)  # many ties
    labels = rng.random(300) < 0.2 + 0.1 * seed
    assert riskmodel.auc(scores, labels) == pytest.approx(_pairwise_auc(scores, labels), abs=1e-12)


def test_auc_edges_precision_and_calibration():
    labels = np.array([False, False, True, True])
    assert riskmodel.auc(np.array([0.1, 0.2, 0.3, 0.4]), labels) == 1.0
    assert riskmodel.auc(np.array([0.4, 0.3, 0.2, 0.1]), labels) == 0.0
    assert riskmodel.auc(np.ones(4), labels) == 0.5
    assert np.isnan(riskmodel.auc(np.ones(4), np.zeros(4, bool)))
    assert riskmodel.precision_at_k(np.array([0.9, 0.8, 0.1, 0.7]), np.array([1, 0, 1, 1], bool), 2) == 0.5
    scores = np.linspace(0, 1, 100)
    table = riskmodel.calibration(scores, scores > 0.5)
    assert list(table["bin"]) == list(range(1, 11)) and (table["households"] == 10).all()
    assert table["observed"].is_monotonic_increasing


def test_the_model_sees_no_outcome_after_its_year(demo_db, tmp_path, model):
    """Fitted through 2023 on every earlier transition; rewriting 2024 changes nothing."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        households = con.execute("SELECT count(*) FROM households").fetchone()[0]
    assert model.outcome_through == 2023 and model.observations == households * 4  # 2019→20 … 2022→23
    changed = tmp_path / "changed.duckdb"
    shutil.copyfile(demo_db, changed)
    with duckdb.connect(str(changed)) as con:
        con.execute("UPDATE income SET wage_income = 0, transfer_income = 0 WHERE year = 2024")
        refitted = riskmodel.fit_risk_model(con, 2023)
    assert refitted.coefficients == pytest.approx(model.coefficients, rel=1e-9, abs=1e-9)


def test_scores_from_sql_equal_the_fitted_model(cur, model):
    region = "620000"
    scores = riskmodel.risk_scores(cur, region, 2023, model)
    assert list(scores.columns) == ["household_id", "risk_score"]
    assert scores["household_id"].is_unique and scores["household_id"].str.startswith("62").all()
    assert scores["risk_score"].between(0, 1).all()
    features = riskmodel.transitions(cur, region, 2023, 2023).set_index("household_id")
    expected = model.predict(features.loc[scores["household_id"]])
    assert scores["risk_score"].to_numpy() == pytest.approx(expected, abs=1e-12)


def test_risk_scores_keeps_the_card_signature(cur):
    """The household card calls risk_scores(cur, region, year); the model is then fitted through that year."""
    county = cur.execute("SELECT county_code FROM households LIMIT 1").fetchone()[0]
    alone = riskmodel.risk_scores(cur, county, 2024)
    given = riskmodel.risk_scores(cur, county, 2024, riskmodel.fit_risk_model(cur, 2024))
    assert len(alone) > 0
    pd.testing.assert_frame_equal(alone, given, rtol=1e-9)  # two fits: parallel sums may differ in the last bits


def test_out_of_year_auc_beats_the_below_line_rule(cur, record_property):
    result = riskmodel.evaluate(cur, NATIONAL, 2023)
    record_property("auc_model_2023_to_2024", round(result.auc_model, 4))
    record_property("auc_below_line_rule", round(result.auc_rule, 4))
    print(f"demo_db out-of-year AUC 2023→2024: model {result.auc_model:.4f}, below-line rule {result.auc_rule:.4f},"
          f" precision top-{result.k}: model {result.precision_model:.3f}, rule {result.precision_rule:.3f}")
    assert result.model.outcome_through == 2023 and result.households > 2000 and result.positives >= 30
    assert result.auc_model > result.auc_rule + 0.1
    assert result.auc_model > 0.85
    assert result.calibration["observed"].iloc[-1] > result.calibration["observed"].iloc[:5].mean()


def test_the_monitored_types_carry_more_risk(model):
    odds = model.odds_ratios().set_index("feature")
    assert odds.loc["log_income_ratio", "upper"] < 1  # richer against the line, safer
    assert odds.loc["type_edge", "odds_ratio"] > 1 and (odds["lower"] <= odds["odds_ratio"]).all()


def test_too_few_years_are_refused(cur):
    with pytest.raises(riskmodel.NotEnoughData, match="at least three years"):
        riskmodel.evaluation_year(cur, 2019)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_runs_in_both_languages(open_app, cur, lang):
    at = open_app("pages/risk_model.py", lang=lang, year="2024")
    assert [e.value for e in at.exception] == []
    result = riskmodel.evaluate(cur, NATIONAL, 2023)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("risk_auc_model", lang)] == f"{result.auc_model:.3f}"
    assert metrics[t("risk_auc_rule", lang)] == f"{result.auc_rule:.3f}"
    households = at.dataframe[-1].value
    assert len(households) == 200 and households[t("screen_score", lang)].is_monotonic_decreasing
