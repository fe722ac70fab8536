"""Monte Carlo worlds with a known flood effect, to measure the estimator's bias, coverage and false positives.

Each world is a county-year panel of mean log per-capita net income: county level + year level + a shock
shared by the prefecture that year + county-year noise + the flood effect of each flooded county at each
event time. Floods are staggered; the designs vary how the effect evolves and differs across flood years,
how many counties flood, whether shocks are shared, and whether counties flood twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analysis.floods.imputation import NEVER


@dataclass(frozen=True)
class World:
    """One panel design. `effects` is the effect on log income at event time 0, 1, 2, … (0 afterwards)."""
    name: str
    effects: tuple[float, ...] = (-0.10, -0.06, -0.03)
    prefectures: int = 20
    counties_per_prefecture: int = 6
    years: int = 8
    flooded_share: float = 0.35        # share of counties with at least one flood
    second_flood_share: float = 0.0    # share of flooded counties hit again 1–3 years later (same effect again)
    cohort_slope: float = 0.0          # the effect at every event time changes by this much per later flood year
    prefecture_shock: float = 0.0      # sd of the shock shared by a prefecture's counties in a year
    county_noise: float = 0.03         # sd of county-year noise (a mean over ~30 households)
    flooded_counties: int | None = None  # exactly this many flooded counties, when set
    clustered: bool = False            # floods hit a prefecture in a year and most of its counties with it
    households: tuple[int, int] = (20, 60)
    notes: str = field(default="", compare=False)


def true_effect(world: World, adoption: np.ndarray, horizon: int) -> np.ndarray:
    """(N,) the log effect at `horizon` of each county's first flood (0 for counties never flooded)."""
    base = world.effects[horizon] if horizon < len(world.effects) else 0.0
    flooded = np.isfinite(adoption)
    cohort = np.where(flooded, adoption - np.nanmean(np.where(flooded, adoption, np.nan)), 0.0)
    return np.where(flooded, base + world.cohort_slope * cohort * (base != 0), 0.0)


def _adoptions(world: World, rng: np.random.Generator) -> np.ndarray:
    n = world.prefectures * world.counties_per_prefecture
    if world.clustered:   # a flood year per prefecture; each of its counties is hit with probability 0.6
        year = rng.integers(1, world.years, world.prefectures).astype(float)
        hit = (rng.random(world.prefectures) < world.flooded_share / 0.6)[:, None] & (
            rng.random((world.prefectures, world.counties_per_prefecture)) < 0.6)
        return np.where(hit, year[:, None], NEVER).ravel()
    flooded = (np.isin(np.arange(n), rng.choice(n, world.flooded_counties, replace=False))
               if world.flooded_counties is not None else rng.random(n) < world.flooded_share)
    return np.where(flooded, rng.integers(1, world.years, n).astype(float), NEVER)


def simulate(world: World, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """y (N, T) log outcome, weights (N, T) households, adoption (N,), prefecture (N,), second floods (N,),
    and the realised household-weighted true effect at each event time (`truth`, weighted like the estimator)."""
    n, t = world.prefectures * world.counties_per_prefecture, world.years
    prefecture = np.repeat(np.arange(world.prefectures), world.counties_per_prefecture)
    adoption = _adoptions(world, rng)
    again = np.isfinite(adoption) & (rng.random(n) < world.second_flood_share)
    second = np.where(again, adoption + rng.integers(1, 4, n), NEVER)
    weights = rng.integers(*world.households, size=(n, 1)) * np.ones((1, t))
    h1 = np.arange(t)[None] - adoption[:, None]
    h2 = np.arange(t)[None] - second[:, None]
    effect = np.zeros((n, t))
    for k in range(len(world.effects)):
        size = true_effect(world, adoption, k)[:, None]
        effect += np.where(h1 == k, size, 0.0) + np.where(h2 == k, size, 0.0)
    y = (9.5 + rng.normal(0, 0.2, (n, 1)) + np.linspace(0, 0.4, t)[None] + rng.normal(0, 0.01, (1, t))
         + rng.normal(0, world.prefecture_shock, (world.prefectures, t))[prefecture]
         + rng.normal(0, world.county_noise, (n, t)) + effect)
    truth = []
    for k in range(3):
        at = (h1 == k) & (adoption[:, None] > 0)
        truth.append(float(np.sum(effect[at] * weights[at]) / np.sum(weights[at])) if at.any() else np.nan)
    return {"y": y, "weights": weights, "adoption": adoption, "prefecture": prefecture, "second": second,
            "truth": np.array(truth)}


DESIGNS = (
    World("fading", notes="staggered floods, effect −10/−6/−3% in years 0, +1, +2"),
    World("growing", effects=(-0.04, -0.08, -0.12), notes="losses that persist and grow"),
    World("by_flood_year", cohort_slope=0.02, notes="early floods worse: the effect differs by flood year"),
    World("shared_shocks", prefecture_shock=0.04, notes="prefecture-year shocks (sd 4%) shared by its counties"),
    World("twice", second_flood_share=0.5, notes="half the flooded counties flooded again 1–3 years later"),
    World("few_flooded", flooded_counties=8, prefecture_shock=0.02, notes="8 flooded counties, shared shocks"),
    World("clustered_floods", clustered=True, flooded_share=0.3, prefecture_shock=0.03,
          notes="floods hit a prefecture in one year (most of its counties), prefecture-year shocks"),
    World("many_clusters", prefectures=40, counties_per_prefecture=4, prefecture_shock=0.03,
          notes="40 prefectures: the clustered interval"),
    World("few_prefectures", prefectures=6, counties_per_prefecture=10, prefecture_shock=0.03,
          notes="6 prefectures of 10 counties, shared shocks: randomization inference"),
    World("fifteen_prefectures", prefectures=15, counties_per_prefecture=7, clustered=True, flooded_share=0.4,
          prefecture_shock=0.03, notes="15 prefectures (like Gansu), floods and shocks shared by prefecture"),
    World("no_effect", effects=(0.0, 0.0, 0.0), prefecture_shock=0.03, notes="no flood effect (false positives)"),
    World("no_effect_clustered", effects=(0.0, 0.0, 0.0), clustered=True, flooded_share=0.3, prefecture_shock=0.03,
          notes="no effect, floods and shocks shared by prefecture"),
    World("no_effect_fifteen", effects=(0.0, 0.0, 0.0), prefectures=15, counties_per_prefecture=7, clustered=True,
          flooded_share=0.4, prefecture_shock=0.03, notes="no effect, 15 prefectures, clustered floods"),
    World("no_effect_few", effects=(0.0, 0.0, 0.0), flooded_counties=4, prefecture_shock=0.03,
          notes="no effect, 4 flooded counties"),
)


def one_run(world: World, rng: np.random.Generator, permutations: int, confidence: float = 0.95) -> dict:
    """Estimate one simulated world both ways: the flood-year effect, its clustered-t and randomization
    intervals, and the truth they should cover."""
    from scipy import stats

    from analysis.floods import imputation as im

    d = simulate(world, rng)
    y, weights, adoption, prefecture = d["y"], d["weights"], d["adoption"], d["prefecture"]
    design = im.Design(weights, adoption[None])
    estimates = im.effects(y, design, range(world.years))[0]
    se = np.sqrt(im.cluster_variance(y, design, 0, prefecture))
    g = len(np.unique(prefecture))
    q = stats.t.ppf(0.5 + confidence / 2, g - 1)
    orders = im.permutations(prefecture, permutations, rng)
    low, high, p = im.randomization_interval(y, weights, adoption, 0, orders, confidence)
    return {"truth": d["truth"][0], "effect": estimates[0], "t_low": estimates[0] - q * se,
            "t_high": estimates[0] + q * se, "t_p": 2 * stats.t.sf(abs(estimates[0]) / se, g - 1),
            "ri_low": low, "ri_high": high, "ri_p": p,
            "flooded": int(np.sum(np.isfinite(adoption) & (adoption > 0))),
            "flooded_prefectures": len(np.unique(prefecture[np.isfinite(adoption) & (adoption > 0)]))}
