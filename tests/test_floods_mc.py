"""The flood-effect estimator against panels with known answers: exact on a noiseless panel, equal to a dummy
regression, and a quick Monte Carlo (fixed seeds, few runs) of bias, coverage and false positives.
The full study (500 runs per design) is `python -m analysis.montecarlo floods`, quoted in data/README.md."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.floods import imputation as im
from analysis.floods.estimate import build_panel, choose_inference
from analysis.floods.montecarlo import DESIGNS, World, simulate
from analysis.montecarlo import floods as mc

DESIGN = {world.name: world for world in DESIGNS}


def test_a_noiseless_panel_gives_back_the_planted_effects_even_with_second_floods():
    world = World("exact", county_noise=0.0, second_flood_share=0.0, cohort_slope=0.01)
    d = simulate(world, np.random.default_rng(1))
    got = im.effects(d["y"], im.Design(d["weights"], d["adoption"][None]), range(3))[0]
    assert got == pytest.approx(d["truth"], abs=1e-9)


def test_the_estimate_equals_fixed_effects_fitted_on_untreated_county_years_by_statsmodels():
    d = simulate(World("check", second_flood_share=0.5), np.random.default_rng(2))
    n, years = d["y"].shape
    frame = pd.DataFrame({"county": np.repeat(np.arange(n), years), "year": np.tile(np.arange(years), n),
                          "y": d["y"].ravel(), "w": d["weights"].ravel()})
    frame["h"] = frame.year - d["adoption"][frame.county]
    untreated = frame[frame.h < 0]
    dummies = pd.get_dummies(frame[["county", "year"]].astype(str), drop_first=True).astype(float)
    dummies.insert(0, "const", 1.0)
    fit = sm.WLS(untreated.y, dummies.loc[untreated.index], weights=untreated.w).fit()
    imputable = frame.county.isin(untreated.county.unique())
    gap = frame.y - dummies @ fit.params
    design = im.Design(d["weights"], d["adoption"][None])
    for k, got in enumerate(im.effects(d["y"], design, range(3))[0]):
        at = (frame.h == k) & imputable
        assert got == pytest.approx(np.average(gap[at], weights=frame.w[at]), abs=1e-9)


def test_counties_flooded_before_the_income_years_are_left_out_and_the_first_flood_counts():
    panel = pd.DataFrame({"county_code": np.repeat(["620101", "620102", "620201"], 4),
                          "year": np.tile([2020, 2021, 2022, 2023], 3), "households": 10, "mean_log": 9.0})
    floods = pd.DataFrame({"county_code": ["620101", "620102", "620102"], "year": [2018, 2021, 2023],
                           "severity": [2, 3, 4]})
    p = build_panel(panel, floods)
    assert p.adoption.tolist() == [-2, 1, np.inf] and p.severity.tolist() == [2, 3, 0]
    assert p.flooded.tolist() == [False, True, False] and p.prefecture.tolist() == [0, 0, 1]


def test_few_flooded_counties_or_prefectures_use_randomization_inference():
    assert choose_inference(20, 40) == "cluster_t"
    assert choose_inference(20, 8) == choose_inference(6, 40) == "randomization"


@pytest.mark.parametrize("name", ["fading", "few_flooded", "by_flood_year", "no_effect_few"])
def test_quick_monte_carlo_bias_coverage_and_false_positives(name):
    result = mc.measure(DESIGN[name], runs=60, seed=7, permutations=99)
    assert abs(result["bias_pp"]) < 0.5
    assert result["coverage"] >= 0.85          # the full study: 92-96% (data/README.md)
    if DESIGN[name].effects[0] == 0:
        assert result["reject"] <= 0.12        # the full study: at most 6%
    else:
        assert result["reject"] >= 0.9
