"""Risk model: the AUC and its friends against brute force, no look-ahead, scores from SQL equal the model,
the out-of-year AUC on the demo world beats the below-line rule, and the page in both languages."""
from __future__ import annotations

import math
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

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


def test_out_of_year_evaluation_leads_with_the_visit_list_against_two_baselines(cur, record_property):
    result = riskmodel.evaluate(cur, NATIONAL, 2023)
    model, distance, rule = (result.ranking(name) for name in ("model", "distance", "rule"))
    record_property("auc_model_2023_to_2024", round(model.auc, 4))
    record_property("auc_income_over_line", round(distance.auc, 4))
    print(f"demo_db out-of-year AUC 2023→2024: model {model.auc:.4f}, income ÷ line {distance.auc:.4f}, rule "
          f"{rule.auc:.4f}; top-{result.list_size} precision/recall model {model.precision:.3f}/{model.recall:.3f},"
          f" distance {distance.precision:.3f}/{distance.recall:.3f}, rule {rule.precision:.3f}/{rule.recall:.3f}")
    assert result.model.outcome_through == 2023 and result.households > 2000 and result.positives >= 30
    assert result.list_size == math.ceil(0.05 * result.households)
    assert model.listed == distance.listed == result.list_size and rule.listed > 0
    for ranking in result.rankings:
        assert ranking.auc_low < ranking.auc < ranking.auc_high
        assert ranking.precision_low < ranking.precision < ranking.precision_high
        assert ranking.recall_low < ranking.recall < ranking.recall_high
        assert ranking.recall == ranking.hits / result.positives
    assert model.auc > rule.auc + 0.1 and distance.auc > rule.auc + 0.1  # a 0/1 rule cannot rank
    assert result.auc_gain_low < model.auc - distance.auc < result.auc_gain_high
    assert result.calibration["observed"].iloc[-1] > result.calibration["observed"].iloc[:5].mean()


def test_delong_auc_equals_the_pairwise_auc_and_its_interval_holds_the_truth():
    rng = np.random.default_rng(3)
    truth = stats.norm.cdf(1 / np.sqrt(2))  # AUC of N(1,1) against N(0,1)
    hits = []
    for _ in range(300):
        labels = rng.random(400) < 0.2
        score = rng.normal(labels.astype(float), 1)
        other = score + rng.normal(0, 1, 400)
        aucs, cov = riskmodel.delong([score, other], labels)
        assert aucs[0] == pytest.approx(riskmodel.auc(score, labels), abs=1e-12)
        hits.append(abs(aucs[0] - truth) <= 1.96 * np.sqrt(cov[0, 0]))
    assert 0.91 <= np.mean(hits) <= 0.98  # measured: 95% interval, 300 worlds
    labels = rng.random(2000) < 0.2
    score = rng.normal(labels.astype(float), 1)
    boot = [riskmodel.auc(score[i], labels[i]) for i in (rng.integers(0, 2000, 2000) for _ in range(300))]
    assert np.sqrt(riskmodel.delong([score], labels)[1][0, 0]) == pytest.approx(np.std(boot), rel=0.2)


def test_household_type_is_read_as_it_stood_at_the_end_of_the_feature_year(demo_db, tmp_path):
    path = tmp_path / "types.duckdb"
    shutil.copyfile(demo_db, path)
    with duckdb.connect(str(path)) as con:
        ids = [row[0] for row in con.execute("SELECT household_id FROM households WHERE household_type = '一般农户' "
                                             "ORDER BY household_id LIMIT 3").fetchall()]
        con.execute("UPDATE households SET household_type = '边缘易致贫户', monitored_since = DATE '2023-05-01' "
                    "WHERE household_id = $a", {"a": ids[0]})
        con.execute("UPDATE households SET household_type = '脱贫不稳定户', monitored_since = NULL "
                    "WHERE household_id = $b", {"b": ids[1]})
        rows = riskmodel.transitions(con, NATIONAL, 2021, 2023).set_index(["household_id", "year"])
    assert rows.loc[(ids[0], 2022), "type_edge"] == 0 and rows.loc[(ids[0], 2023), "type_edge"] == 1
    undated = rows.loc[(ids[1], 2023)]  # no 纳入监测 date: only what it was before, a 脱贫户
    assert undated["type_unstable"] == 0 and undated["type_formerly_poor"] == 1


def test_a_poorer_household_against_the_line_is_riskier(model):
    odds = model.odds_ratios().set_index("feature")
    assert odds.loc["log_income_ratio", "upper"] < 1  # richer against the line, safer
    assert (odds["lower"] <= odds["odds_ratio"]).all() and (odds["odds_ratio"] <= odds["upper"]).all()


def test_too_few_years_are_refused(cur):
    with pytest.raises(riskmodel.NotEnoughData, match="at least three years"):
        riskmodel.evaluation_year(cur, 2019)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_runs_in_both_languages(open_app, cur, lang):
    at = open_app("pages/risk_model.py", lang=lang, year="2024")
    assert [e.value for e in at.exception] == []
    result = riskmodel.evaluate(cur, NATIONAL, 2023)
    aucs = [m.value for m in at.metric if m.label == t("risk_auc", lang)]
    assert aucs == [f"{r.auc:.3f}" for r in result.rankings]
    assert any(t("risk_demo_persistence", lang)[:20] in i.value for i in at.info)
    households = at.dataframe[-1].value
    assert len(households) == 200 and households[t("screen_score", lang)].is_monotonic_decreasing
