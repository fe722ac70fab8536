"""Coverage of the income trend's growth and projection intervals (analysis.trends.fit_trend).

Designs for yearly log income with planted growth g: independent deviations around a trend; AR(1)
deviations (ρ = 0.5, 0.8) around a trend; a random walk with drift g; a lasting 10% drop in the newest
year on top of independent deviations (growth truth = the underlying g). The truth for the projection is
the simulated next year.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from analysis.trends import fit_trend

GROWTH = 0.07
SCALE = 0.03  # standard deviation of log deviations (trend designs) or of yearly steps (random walk)
LOG_GROWTH = math.log1p(GROWTH)
DESIGNS = ("independent", "ar1_0.5", "ar1_0.8", "random_walk", "lasting_drop")


def simulate_log_income(design: str, years: int, rng: np.random.Generator) -> np.ndarray:
    """`years + 1` log incomes (the last one is next year's truth) with planted yearly growth GROWTH."""
    t = np.arange(years + 1)
    if design == "random_walk":
        return np.log(10_000) + np.concatenate([[0.0], np.cumsum(LOG_GROWTH + rng.normal(0, SCALE, years))])
    if design.startswith("ar1_"):
        rho = float(design.removeprefix("ar1_"))
        shocks = rng.normal(0, SCALE * math.sqrt(1 - rho**2), years + 1)
        deviation = np.empty(years + 1)
        deviation[0] = rng.normal(0, SCALE)
        for i in range(1, years + 1):
            deviation[i] = rho * deviation[i - 1] + shocks[i]
    else:
        deviation = rng.normal(0, SCALE, years + 1)
    if design == "lasting_drop":
        deviation[years - 1:] += math.log(0.9)
    return np.log(10_000) + LOG_GROWTH * t + deviation


@dataclass(frozen=True)
class Coverage:
    design: str
    years: int
    runs: int
    growth_coverage: float
    projection_coverage: float
    growth_bias: float
    median_growth_width: float


def trend_coverage(design: str, years: int = 6, runs: int = 1000, seed: int = 0) -> Coverage:
    """Share of runs whose growth / projection interval holds the truth, mean error of the growth."""
    rng = np.random.default_rng(seed)
    growth_hits = projection_hits = 0
    errors, widths = [], []
    for _ in range(runs):
        logs = simulate_log_income(design, years, rng)
        fit = fit_trend(np.arange(2024 - years + 1, 2025), np.exp(logs[:-1]))
        growth_hits += fit.growth_low <= GROWTH <= fit.growth_high
        projection_hits += fit.projection_low <= math.exp(logs[-1]) <= fit.projection_high
        errors.append(fit.growth - GROWTH)
        widths.append(fit.growth_high - fit.growth_low)
    return Coverage(design, years, runs, growth_hits / runs, projection_hits / runs, float(np.mean(errors)),
                    float(np.median(widths)))


def report(runs: int = 2000) -> list[Coverage]:
    return [trend_coverage(design, years, runs) for years in (6, 10) for design in DESIGNS]


def show(rows: list[Coverage]) -> str:
    head = "design         years  runs  growth 95% covers  projection 95% covers  growth bias (pp)  median width (pp)"
    lines = [head] + [
        f"{r.design:<14} {r.years:>5} {r.runs:>5}  {r.growth_coverage:>17.1%}  {r.projection_coverage:>21.1%}  "
        f"{r.growth_bias * 100:>+16.2f}  {r.median_growth_width * 100:>17.1f}" for r in rows]
    return "\n".join(lines)
