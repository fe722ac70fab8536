"""Employment against target: county status, the wage relation fit, the command and the page."""
from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis import employment, formatting, trends
from analysis.commands import main as cli
from analysis.config import PROJECT_ROOT
from analysis.i18n import t
from analysis.overview import employment_by_month

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture(scope="module")
def months(demo_db) -> pd.DataFrame:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        return employment.county_months(con, "000000", 2020)


def test_county_status_flags_counties_short_of_target(months):
    status = employment.county_status(months)
    assert len(status) == months["code"].nunique()
    assert (status["below_target"] == (status["share"] < 1)).all()
    short_months = months.assign(short=months["share"] < 1).groupby("code")["short"].sum()
    assert (status.set_index("code")["months_below"] == short_months.reindex(status["code"])).all()
    assert status.set_index("code")["returned"].sum() == months["returned"].sum()
    assert status["months_below"].sum() > 0  # 2020 has its lockdown months short of target
    lowest = status["lowest_share"].dropna()
    assert lowest.is_monotonic_increasing


def test_monthly_totals_add_up_the_counties(months):
    totals = employment.monthly_totals(months)
    assert len(totals) == 12
    assert totals["public_welfare_jobs"].sum() == months["public_welfare_jobs"].sum()


def test_relation_fit_recovers_a_planted_slope():
    rng = np.random.default_rng(3)
    workers = rng.uniform(0, 80, 120)
    frame = pd.DataFrame({"workers_per_100": workers, "wage_income": 4_000 + 50 * workers + rng.normal(0, 400, 120)})
    fit = employment.fit_relation(frame)
    assert fit.n == 120 and fit.slope_low < 50 < fit.slope_high
    assert fit.r_squared > 0.8
    assert all(lo <= mid <= hi for lo, mid, hi in zip(fit.band_low, fit.fitted, fit.band_high, strict=True))
    assert employment.fit_relation(frame.head(2)) is None


def test_wage_and_work_per_county_matches_pandas(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        frame = employment.wage_and_work(trends.income_view(con, "640000", 2024).counties,
                                         employment.workers_by_county(con, "640000", 2024))
        income, households = con.table("income").df(), con.table("households").df()
        jobs = con.table("employment").df()
    row = frame.iloc[0]
    rows = income[(income["county_code"] == row["code"]) & (income["year"] == 2024)].drop(columns="members").merge(
        households[["household_id", "members"]], on="household_id")  # members as the household states them
    assert row["wage_income"] == pytest.approx(rows["wage_income"].sum() / rows["members"].sum())
    county_jobs = jobs[(jobs["county_code"] == row["code"]) & (pd.to_datetime(jobs["month"]).dt.year == 2024)]
    assert row["workers_per_100"] == pytest.approx(county_jobs["migrant_workers"].mean() / len(rows) * 100)


def test_employment_command_json_matches_the_monthly_totals(demo_db, capsys):
    assert cli(["employment", "--region", "620000", "--year", "2020", "--json", "--db", str(demo_db)]) == 0
    payload = json.loads(capsys.readouterr().out)
    with duckdb.connect(str(demo_db), read_only=True) as con:
        monthly = employment_by_month(con, "620000", 2020)
    assert [m["migrant_workers"] for m in payload["monthly"]] == monthly["migrant_workers"].tolist()
    assert payload["national_target"] == 30_000_000
    assert len(payload["counties_short_in_some_month"]) > 0


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("region", ["000000", "620000"])
def test_employment_page_runs_in_both_languages(demo_db, open_app, lang, region):
    at = open_app("pages/employment.py", lang=lang, region=region, year="2020")
    assert [e.value for e in at.exception] == []
    with duckdb.connect(str(demo_db), read_only=True) as con:
        latest = employment_by_month(con, region, 2020).iloc[-1]
        counties = employment.county_months(con, region, 2020)["code"].nunique()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("migrant_workers", lang)] == formatting.count(latest["migrant_workers"], lang)
    assert len(at.dataframe[0].value) == counties
    national = formatting.count(employment.national_target(), lang, decimals=0)
    assert national in at.markdown[0].value  # 3,000万 / 30 million, the national target
