"""Price monitoring: alerts on planted falls and spikes without look-ahead, forecasts, pass-through, command, page."""
from __future__ import annotations

import json
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis.commands import main as cli
from analysis.config import PROJECT_ROOT
from analysis.prices import (
    alert_scores,
    available_commodities,
    backtest,
    backtest_forecasts,
    decompose,
    estimate_pass_through,
    forecast_series,
    harmful_direction,
    latest_alerts,
    meeting_alerts,
    month_label,
    price_forecast,
    price_region,
    price_series,
)

APP = str(PROJECT_ROOT / "app.py")
MONTHS = pd.date_range("2018-01-01", periods=72, freq="MS")
SEASON = 0.04 * np.cos(2 * np.pi * (MONTHS.month.to_numpy() - 1) / 12)  # peak in January, as before 春节


def synthetic(seed: int, noise: float = 0.005, trend: float = 0.002) -> pd.Series:
    """A monthly price: 30 yuan, a slow trend, a seasonal swing and small noise, in logs."""
    rng = np.random.default_rng(seed)
    logs = np.log(30) + trend * np.arange(len(MONTHS)) + SEASON + noise * rng.standard_normal(len(MONTHS))
    return pd.Series(np.exp(logs), index=MONTHS)


def test_a_planted_fall_is_flagged_and_a_plain_series_stays_quiet():
    quiet = alert_scores(synthetic(1))
    assert quiet["score"].notna().sum() == len(MONTHS) - 35
    assert set(quiet["band"]) <= {"normal", "stress"}
    fallen = synthetic(1)
    fallen.iloc[-4:] *= 0.75  # a 25% fall over the last four months
    scores = alert_scores(fallen)
    last = scores.iloc[-1]
    assert (last["band"], last["direction"]) == ("crisis", "fall")
    assert set(scores["band"].iloc[:-4]) <= {"normal", "stress"}  # nothing before the fall


def test_a_planted_spike_is_a_spike():
    spiked = synthetic(2)
    spiked.iloc[-1] *= 1.3
    last = alert_scores(spiked).iloc[-1]
    assert (last["band"], last["direction"]) == ("crisis", "spike")


def test_scores_never_look_ahead():
    series = synthetic(3, noise=0.03)
    full = alert_scores(series)
    cut = alert_scores(series.iloc[:50])
    pd.testing.assert_frame_equal(full.iloc[:50].reset_index(drop=True), cut)


def test_forecast_interval_contains_the_truth():
    history, future = synthetic(4).iloc[:60], synthetic(4, noise=0.0).iloc[60:66]
    forecast = forecast_series(history, 6, 0.9)
    assert list(forecast["date"]) == list(future.index)
    assert ((forecast["lower"].to_numpy() <= future.to_numpy()) & (future.to_numpy() <= forecast["upper"].to_numpy())).all()
    assert (forecast["lower"] < forecast["mean"]).all() and (forecast["mean"] < forecast["upper"]).all()
    assert np.abs(forecast["mean"].to_numpy() / future.to_numpy() - 1).max() < 0.03


def test_backtest_error_is_small_on_a_regular_series_and_counts_origins():
    errors = backtest(synthetic(5), horizon=3, origins=3, min_months=36)
    assert list(errors["horizon"]) == [1, 2, 3]
    assert list(errors["origins"]) == [3, 2, 1]
    assert (errors["mape"] < 0.03).all()


def test_backtest_fills_gaps_inside_each_window_only_and_skips_missing_prices():
    prices = synthetic(8)
    prices.iloc[50] = np.nan  # the last month of the window that forecasts month 51 onwards
    prices.iloc[60] = np.nan  # a missing actual
    rows = backtest_forecasts(prices, horizon=2, origins=22, min_months=36)
    jumped = prices.copy()
    jumped.iloc[51:] *= 1.5  # had the whole series been filled first, month 50 would look ahead to this
    again = backtest_forecasts(jumped, horizon=2, origins=22, min_months=36)
    at = rows["origin"] == 51
    np.testing.assert_allclose(rows.loc[at, "mean"], again.loc[at, "mean"], rtol=1e-9)
    np.testing.assert_allclose(rows.loc[at, "mean"].iloc[0],
                               forecast_series(prices.iloc[:51], 1, 0.9)["mean"].iloc[0], rtol=5e-3)  # warm vs cold start
    assert rows.loc[rows["origin"] + rows["horizon"] - 1 == 60, "log_error"].isna().all()
    summary = backtest(prices, horizon=2, origins=22, min_months=36)
    assert list(summary["origins"]) == [20, 20]  # 22 origins; months 50 and 60 (h=1), 60 and beyond the end (h=2)


def test_skill_is_positive_where_a_trend_beats_no_change_and_the_band_is_widened_to_the_errors():
    rng = np.random.default_rng(9)
    steps = 0.01 + 0.03 * rng.standard_normal(len(MONTHS))  # a random walk with drift: ETS is right
    trending = pd.Series(30 * np.exp(np.cumsum(steps) + SEASON), index=MONTHS)
    summary = backtest(trending, horizon=6, origins=30, min_months=36)
    assert summary["skill"].iloc[-1] > 0
    assert (summary["empirical_half"] > 0).all() and summary["coverage"].iloc[-1] >= 0.8
    widened = forecast_series(trending, 6, 0.9, summary["empirical_half"].to_numpy() * 3)
    assert (widened["upper"] > widened["model_upper"]).all() and (widened["lower"] < widened["model_lower"]).all()


@pytest.fixture(scope="module")
def demo_forecasts(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        return {c: price_forecast(con, "620000", c) for c in available_commodities(con, "620000")}


def test_the_90_percent_band_covers_at_least_80_percent_six_months_ahead_on_every_demo_series(demo_forecasts):
    assert len(demo_forecasts) >= 6
    for commodity, forecast in demo_forecasts.items():
        six = forecast.backtest.set_index("horizon").loc[6]
        assert six["coverage"] >= 0.8, commodity
        assert six["origins"] >= 30 and np.isfinite(six["skill"]) and np.isfinite(six["coverage_sequential"])
        assert (forecast.forecast["upper"] >= forecast.forecast["model_upper"]).all()


def test_pass_through_interval_covers_the_planted_value():
    rng = np.random.default_rng(6)
    live = pd.Series(np.exp(np.log(30) + np.cumsum(0.04 * rng.standard_normal(120))),
                     index=pd.date_range("2015-01-01", periods=120, freq="MS"))
    retail_changes = 0.6 * np.log(live).diff().fillna(0) + 0.01 * rng.standard_normal(120)
    retail = np.exp(np.log(70) + retail_changes.cumsum())
    result = estimate_pass_through(live, retail, "live_cattle", "beef", lags=2, hac_lags=3, confidence=0.95)
    assert result.lower < 0.6 < result.upper
    assert result.upper - result.lower < 0.2 and result.months == 117 and result.p_value < 0.001


FESTIVALS = pd.to_datetime(["2019-02-05", "2020-01-25", "2021-02-12", "2022-02-01", "2023-01-22", "2024-02-10",
                            "2025-01-29", "2026-02-17"])


def festival_pair(seed: int, months: int = 84) -> tuple[pd.Series, pd.Series]:
    """Two independent random walks that share only a bump before each Spring Festival (as the demo plants it)."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2019-01-01", "2025-12-31", freq="D")
    peaks = (FESTIVALS - pd.Timedelta(days=12)).to_numpy()
    distance = (days.to_numpy()[:, None] - peaks[None, :]) / pd.Timedelta(days=1)
    bump = pd.Series(np.exp(-0.5 * (distance / 25) ** 2).sum(axis=1), index=days).resample("MS").mean()
    walk = lambda level: np.exp(np.log(level) + np.cumsum(rng.normal(0, 0.02, len(bump))) + 0.05 * bump)  # noqa: E731
    return pd.Series(walk(30), index=bump.index), pd.Series(walk(70), index=bump.index)


def test_a_shared_spring_festival_bump_alone_is_no_pass_through():
    """Before the month and festival terms these pairs showed ≈0.23 and 27% significant at 5% (README)."""
    results = [estimate_pass_through(*festival_pair(seed), lags=2, hac_lags=3, confidence=0.95) for seed in range(60)]
    assert abs(np.mean([r.estimate for r in results])) < 0.05
    assert np.mean([r.p_value < 0.05 for r in results]) <= 0.15
    one = results[0]
    assert one.lower < 0 < one.upper and one.p_value > 0.05


def test_decomposition_recovers_the_seasonal_swing():
    parts = decompose(synthetic(7))
    january = parts.loc[parts["date"].dt.month == 1, "seasonal"].mean()
    july = parts.loc[parts["date"].dt.month == 7, "seasonal"].mean()
    assert january == pytest.approx(0.04, abs=0.015) and july == pytest.approx(-0.04, abs=0.015)


def test_series_follow_the_province_or_the_country(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert price_region(con, "620102") == "620000"
        assert price_region(con, "110000") == "000000"
        assert "live_cattle" in available_commodities(con, "640000")
        weekly = price_series(con, "620000", "beef", "week")
        monthly = price_series(con, "620000", "beef", "month")
        assert len(weekly) > 4 * len(monthly) - 20 and len(monthly) == 84
        latest = latest_alerts(con, "620000")
    assert set(latest["band"]) <= {"normal", "stress", "alert", "crisis"} and latest["current"].all()


def test_only_the_direction_that_hurts_is_listed_and_a_partial_month_says_to_date(demo_db, tmp_path):
    path = tmp_path / "partial.duckdb"
    shutil.copyfile(demo_db, path)
    with duckdb.connect(str(path)) as con:
        con.execute("DELETE FROM prices WHERE date > DATE '2025-12-10'")  # December has only its first weeks
        con.execute("UPDATE prices SET price = price * 0.6 WHERE commodity IN ('maize', 'live_cattle') "
                    "AND date >= DATE '2025-11-01'")  # a deep fall: it hurts herders' sales, not their feed bill
        latest = latest_alerts(con, "620000").set_index("commodity")
        told = meeting_alerts(con, "620000")
        listed = set(told.loc[told["told"], "commodity"])
    assert latest.loc["maize", "band"] == latest.loc["live_cattle", "band"] == "crisis"
    assert latest.loc["maize", "direction"] == latest.loc["live_cattle", "direction"] == "fall"
    assert "live_cattle" in listed and "maize" not in listed
    assert harmful_direction("maize") == "rise" and harmful_direction("live_sheep") == "fall"
    assert latest["to_date"].all() and (latest["through"] <= pd.Timestamp("2025-12-10")).all()
    assert month_label(latest.loc["beef", "date"], latest.loc["beef", "through"], True, "en").startswith(
        "2025-12 (to date, through 12-")
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert not latest_alerts(con, "620000")["to_date"].any()  # the demo's December runs to the 31st


def test_price_alerts_command(demo_db, capsys):
    assert cli(["price-alerts", "--db", str(demo_db), "--region", "620000", "--all", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["price_series"] == "620000"
    assert {a["commodity"] for a in payload["alerts"]} >= {"live_cattle", "beef", "mutton"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_prices_page_runs(open_app, lang):
    at = open_app("pages/prices.py", lang=lang, region="620000")
    assert [e.value for e in at.exception] == []
    assert at.title[0].value == ("畜产品价格监测 · 甘肃省" if lang == "zh" else "Livestock prices · Gansu")
    at.segmented_control(key="price_freq").set_value("week").run()
    at.selectbox(key="price_commodity").set_value("live_sheep").run()
    assert [e.value for e in at.exception] == []
    assert any(m.label in ("回测误差（MAPE）", "Backtest error (MAPE)") for m in at.metric)


def test_a_past_year_ends_every_series_in_its_december(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert price_series(con, "620000", "beef", "month", 2022)["date"].max() == pd.Timestamp("2022-12-01")
        as_then = latest_alerts(con, "620000", 2022)
        assert (as_then["date"] == pd.Timestamp("2022-12-01")).all()
        assert (as_then["through"] <= pd.Timestamp("2022-12-31")).all()
        assert price_forecast(con, "620000", "beef", 3, 2022).history["date"].max() == pd.Timestamp("2022-12-01")
        assert latest_alerts(con, "620000")["date"].max() == pd.Timestamp("2025-12-01")  # no year: every price


def test_the_prices_page_follows_the_sidebar_year(open_app):
    at = open_app("pages/prices.py", lang="en", region="620000")
    newest = [c.value for c in at.caption if c.value.startswith("Prices through")]
    at.selectbox(key="year").set_value(2022).run()
    assert [e.value for e in at.exception] == []
    past = [c.value for c in at.caption if c.value.startswith("Prices through")]
    assert newest[0].startswith("Prices through 2025-12") and past[0].startswith("Prices through 2022-12")
    assert all("2022-12" in month for month in at.dataframe[0].value["Month"])
    at.selectbox(key="year").set_value(2019).run()  # one year of prices: no season, no alerts, no pass-through
    assert [e.value for e in at.exception] == []
    assert any("Less than two years" in i.value for i in at.info)
