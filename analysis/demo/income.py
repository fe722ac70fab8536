"""Yearly income of the demo households, with the planted effects.

Per-capita level = group target (data/demo_world.toml, calibrated to published figures)
× county level × household level × year noise. Components split that level by the group's
shares; livestock income instead comes from animals: heads sold × live weight × the province's
annual mean live price × margin, so it follows prices. Floods (planted) cut crop income and
heads sold in the county-year by severity.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.demo.households import EDGE, ORDINARY, SUDDEN, UNSTABLE, Households
from analysis.demo.params import Params

COMPONENTS = ("wage", "crop", "other_operating", "property", "transfer")
SPECIES = ("cattle", "sheep", "hogs")


@dataclass
class CountyInputs:
    """What a chunk's households take from their county: arrays by county, or by (county, year)."""

    poor: np.ndarray                    # 脱贫县
    income_effect: np.ndarray           # county income level (mean one)
    flood: np.ndarray                   # worst flood severity 0..4 by year
    line: np.ndarray                    # monitoring line by year
    live_price: dict[str, np.ndarray]   # annual mean live price by species and year


def _mean_one(rng: np.random.Generator, sigma: float, shape) -> np.ndarray:
    return np.exp(sigma * rng.standard_normal(shape) - sigma**2 / 2)


def _year(dates: np.ndarray, missing: int) -> np.ndarray:
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    return np.where(np.isnat(dates), missing, years)


def per_capita_level(hh: Households, poor_county: np.ndarray, years: list[int], p: Params) -> np.ndarray:
    """(household, year) target per-capita net income of the household's group, before noise."""
    i = "income"
    formerly_poor = np.array(p.by_year(i, "target_formerly_poor"))
    rural = np.array(p.by_year(i, "target_poor_county_rural"))
    ordinary = rural[None, :] * np.where(poor_county[hh.county], p(i, "ordinary_factor_poor_county"),
                                         p(i, "ordinary_factor_other_county"))[:, None]
    factor = p(i, "monitored_factor")
    year = np.asarray(years)[None, :]
    since, eliminated = _year(hh.since, 9999)[:, None], _year(hh.eliminated, 9999)[:, None]
    during = np.where(hh.kind == SUDDEN, factor["sudden_during"], factor["during"])[:, None]
    monitored = np.where(year < since, factor["before"], np.where(year <= eliminated, during, factor["after"]))
    level = np.where(np.isin(hh.kind, (UNSTABLE, EDGE, SUDDEN))[:, None], formerly_poor * monitored,
                     formerly_poor[None, :])
    return np.where((hh.kind == ORDINARY)[:, None], ordinary, level)


def _livestock(hh: Households, cy: CountyInputs, p: Params, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Heads sold per species and the resulting income, (household, year)."""
    lv = "livestock"
    n, n_years = len(hh.kind), cy.flood.shape[1]
    keep = 1 + np.concatenate([[0.0], p("effects", "flood_livestock_heads")])[cy.flood[hh.county]]
    income = np.zeros((n, n_years))
    out = {}
    for species in SPECIES:
        raises = rng.random(n) < p(lv, "raise_share")[species]
        intensity = p(lv, "heads_sold")[species] * rng.gamma(2.0, 0.5, n) * raises
        heads = rng.binomial(rng.poisson(intensity[:, None], (n, n_years)), keep)
        value = heads * p(lv, "live_weight_kg")[species] * cy.live_price[species][hh.county] * p(lv, "margin")[species]
        income += value * _mean_one(rng, p("income", "component_sigma")["livestock"], (n, n_years))
        out[species] = heads
    out["income"] = income
    return out


def _components(hh: Households, cy: CountyInputs, base: np.ndarray, p: Params,
                rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Wage, crop, other operating, property and transfer income from the household's income level.

    The shares leave out livestock (≈9%), which comes from the animals instead.
    """
    i = "income"
    ordinary = hh.kind == ORDINARY
    share = {c: np.where(ordinary, p(i, "shares_ordinary")[c], p(i, "shares_formerly_poor")[c])[:, None]
             for c in COMPONENTS}
    noise = {c: _mean_one(rng, p(i, "component_sigma")[c], base.shape) for c in COMPONENTS}
    # Wage follows the household's workers; transfers make up part of what is missing.
    labour = hh.labour / hh.members / p("households", "labour_probability")
    labour = np.clip(labour, 0, p(i, "labour_factor_cap"))[:, None]
    flood = 1 + np.concatenate([[0.0], p("effects", "flood_crop_income")])[cy.flood[hh.county]]
    transfer = base * (share["transfer"] + p(i, "transfer_offset") * share["wage"] * (1 - labour))
    return {
        "wage": base * share["wage"] * labour * noise["wage"],
        "crop": base * share["crop"] * noise["crop"] * flood,
        "other_operating": base * share["other_operating"] * noise["other_operating"],
        "property": base * share["property"] * noise["property"],
        "transfer": np.maximum(transfer, p(i, "transfer_floor") * base) * noise["transfer"],
    }


def draw_income(hh: Households, cy: CountyInputs, years: list[int], p: Params,
                rng: np.random.Generator) -> pd.DataFrame:
    """income rows for every household and year, sorted by household then year."""
    i = "income"
    n, n_years = len(hh.kind), len(years)
    level = per_capita_level(hh, cy.poor, years, p) * cy.income_effect[hh.county][:, None]
    level *= _mean_one(rng, p(i, "household_sigma"), (n, 1)) * _mean_one(rng, p(i, "year_sigma"), (n, n_years))
    money = _components(hh, cy, level * hh.members[:, None], p, rng)
    animals = _livestock(hh, cy, p, rng)
    money["livestock"] = animals["income"]
    money["transfer"] += _minimum_support(money, hh.members, cy.line[hh.county], p, rng)
    expenses = _expenses(hh, years, p, rng)
    columns = {"number": np.repeat(hh.number, n_years), "year": np.tile(np.asarray(years, "int32"), n),
               "members": np.repeat(hh.members, n_years).astype("int32")}
    for column in ("wage", "crop", "livestock", "other_operating", "property", "transfer"):
        columns[f"{column}_income"] = np.round(money[column]).ravel()
    columns.update({column: np.round(values).ravel() for column, values in expenses.items()})
    columns.update({f"{s}_sold": animals[s].ravel().astype("int32") for s in SPECIES})
    return pd.DataFrame(columns, copy=False)


def _minimum_support(money: dict[str, np.ndarray], members: np.ndarray, line: np.ndarray, p: Params,
                     rng: np.random.Generator) -> np.ndarray:
    """Extra transfers (低保/兜底) lifting some households below the line to just above it."""
    support = p("income", "minimum_support")
    per_capita = sum(money.values()) / members[:, None]
    lifted = (per_capita < line) & (rng.random(line.shape) < support["probability"])
    goal = line * rng.uniform(support["low"], support["high"], line.shape)
    return np.where(lifted, (goal - per_capita) * members[:, None], 0.0)


def _lognormal(rng: np.random.Generator, median: float, sigma: float, shape) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(shape))


def _expenses(hh: Households, years: list[int], p: Params, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Medical and education spending: large for 因病 and 因学 households; a few large bills elsewhere."""
    e = "expenses"
    causes = list(p("households", "risk_causes"))
    shape = (len(hh.kind), len(years))
    medical = _lognormal(rng, p(e, "medical")["median"], p(e, "medical")["sigma"], shape)
    large = p(e, "medical_large")
    medical += np.where(rng.random(shape) < large["probability"],
                        _lognormal(rng, large["median"], large["sigma"], shape), 0.0)
    illness = p(e, "medical_illness")
    onset = _year(hh.since, 0)[:, None] == np.asarray(years)[None, :]
    ill = _lognormal(rng, 1.0, illness["sigma"], shape) * np.where(onset, illness["onset_median"], illness["median"])
    medical = np.where((hh.cause == causes.index("因病"))[:, None], ill, medical)
    edu = p(e, "education")
    studies = (hh.members >= 3) & (rng.random(len(hh.kind)) < edu["probability"])
    study_cause = hh.cause == causes.index("因学")
    median = np.where(study_cause, edu["study_median"], np.where(studies, edu["median"], 0.0))[:, None]
    return {"medical_expense": medical, "education_expense": _lognormal(rng, 1.0, edu["sigma"], shape) * median}
