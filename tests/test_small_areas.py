"""Small areas (issue 14): village shares shrunk toward the county, counts beside shares, low and slow over two spans."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import riskmap, trends


def _villages(rng: np.random.Generator, true_shares: np.ndarray, sizes: np.ndarray) -> pd.DataFrame:
    households = sizes
    below = rng.binomial(households, true_shares)
    frame = pd.DataFrame({"code": [f"620102101{i:03d}" for i in range(len(sizes))], "households": households,
                          "below": below, "edge": 0, "monitored": households, "eliminated": 0})
    frame["below_share"] = frame["below"] / frame["households"]
    frame["edge_share"] = 0.0
    frame["eliminated_share"] = 0.0
    return frame


@pytest.mark.parametrize("spread", [0.0, 0.03])
def test_shrunk_village_shares_are_closer_to_the_truth_than_the_observed(spread):
    """Planted truth: 40 villages of 5–60 households, true shares around 8% (equal, or spread by village)."""
    rng = np.random.default_rng(4)
    errors_raw, errors_shrunk = [], []
    for _ in range(40):
        sizes = rng.integers(5, 60, 40)
        truth = np.clip(0.08 + spread * rng.standard_normal(40), 0.001, 0.999)
        frame = riskmap.shrunk_toward_county(_villages(rng, truth, sizes))
        errors_raw.append(np.mean((frame["below_share"] - truth) ** 2))
        errors_shrunk.append(np.mean((frame["below_share_shrunk"] - truth) ** 2))
    assert np.mean(errors_shrunk) < 0.7 * np.mean(errors_raw)


def test_one_household_no_longer_moves_a_small_village_across_a_class():
    rng = np.random.default_rng(5)
    sizes = np.r_[6, rng.integers(30, 80, 30)]
    frame = _villages(rng, np.full(31, 0.08), sizes)
    frame.loc[0, "below"] = 0
    before = riskmap.shrunk_toward_county(frame.assign(below_share=frame["below"] / frame["households"]))
    frame.loc[0, "below"] = 1  # one household of six falls below the line
    after = riskmap.shrunk_toward_county(frame.assign(below_share=frame["below"] / frame["households"]))
    raw_jump = 1 / 6
    shrunk_jump = after.loc[0, "below_share_shrunk"] - before.loc[0, "below_share_shrunk"]
    assert 0 <= shrunk_jump < raw_jump / 3


def test_shares_are_ranked_with_their_counts(demo_con):
    county = demo_con.execute("SELECT county_code FROM households ORDER BY county_code LIMIT 1").fetchone()[0]
    villages = riskmap.ranked(riskmap.unit_metrics(demo_con, county, 2024, "village"), "below_share")
    assert (villages["count"] == villages["below"]).all() and (villages["base"] == villages["households"]).all()
    assert (villages["value"] == villages["below_share_shrunk"]).all()
    assert (villages["raw_value"] == villages["below_share"]).all()
    counties = riskmap.ranked(riskmap.class_basis(demo_con, 2024), "eliminated_share")
    assert (counties["count"] == counties["eliminated"]).all() and (counties["base"] == counties["monitored"]).all()
    assert counties["value"].equals(counties["eliminated_share"])  # counties are large: no shrinking
    assert riskmap.ranked(counties, "growth")["count"].isna().all()


def test_a_county_slow_only_in_its_flood_year_is_not_low_and_slow():
    """Planted: 20 counties growing 8% a year; county 0 is poor and grows 3% throughout; county 1 is poor and
    loses 12% in a 2024 flood after growing 8%."""
    years = np.arange(2018, 2025)
    rows = []
    for c in range(20):
        level = 8_000 if c < 2 else 10_000 + 100 * c
        growth = np.full(len(years), 0.08 if c != 0 else 0.03)
        path = level * np.cumprod(np.r_[1.0, 1 + growth[1:]])
        if c == 1:
            path[-1] = path[-2] * 0.88
        rows += [{"code": f"62{c:02d}00", "name": str(c), "name_en": str(c), "year": y, "households": 100,
                  "income_per_capita": v, "wage_income": 0.0} for y, v in zip(years, path, strict=True)]
    floods = pd.DataFrame({"county_code": ["620100", "620100"], "year": [2024, 2010]})
    out = trends.county_growth(pd.DataFrame(rows), pd.Series({"000000": 7_000.0}), 2024, 3, floods).set_index("code")
    assert bool(out.loc["620000", "low_and_slow"]) and not bool(out.loc["620100", "low_and_slow"])
    assert out.loc["620100", "flood_years"] == "2024" and out.loc["620000", "flood_years"] == ""
    assert out.loc["620100", "growth"] < out["growth"].median()  # slow in the recent span, but only there
