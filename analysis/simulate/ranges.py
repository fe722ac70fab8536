"""The what-if as a range over its two assumed numbers: k, the share of a change in sales value that reaches
net income, from the margin measured in the data up to 1; and the sales calendar (when animals are sold).

The margin is the slope of the year-on-year change in a household's net livestock income on the change in
its sales value (heads sold × live weight × the year's mean live price), by OLS with county-clustered errors,
on consecutive years up to the chosen one. Where net livestock income moves one for one with sales value
(costs sunk), it is near 1; where costs move with prices, it is the net margin.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analysis.prices.params import param, section, species_params
from analysis.simulate.engine import HEADS_COLUMNS, Setting, SimulationResult, simulate
from analysis.simulate.scenario import Scenario, scenario_from_toml

MAX_PAIRS = 200_000  # household-years read at most; larger worlds are hash-sampled by household
RANGE_COLUMNS = ("newly_below_line", "newly_below_people", "newly_near_line", "newly_below_with_responses",
                 "income_loss")

_SALES = """
WITH live AS (
    SELECT region_code, year(date) AS year, {prices}
    FROM prices WHERE commodity IN $commodities GROUP BY ALL
), hy AS (
    SELECT i.household_id, i.county_code, i.year, i.livestock_income AS net,
           {value} AS sales
    FROM income i
    LEFT JOIN live pp ON pp.region_code = substr(i.county_code, 1, 2) || '0000' AND pp.year = i.year
    LEFT JOIN live pn ON pn.region_code = '000000' AND pn.year = i.year
    WHERE i.year <= $year AND hash(i.household_id) % $sample_mod::UBIGINT = 0
), steps AS (
    SELECT county_code, net - lag(net) OVER w AS d_net, sales - lag(sales) OVER w AS d_sales,
           year - lag(year) OVER w AS gap, sales > 0 OR lag(sales) OVER w > 0 AS sold
    FROM hy WINDOW w AS (PARTITION BY household_id ORDER BY year)
)
SELECT county_code, d_net, d_sales FROM steps WHERE gap = 1 AND sold
"""


@dataclass(frozen=True)
class Margin:
    """k measured in the data: slope, its 95% interval (county-clustered) and the pairs it rests on."""
    k: float
    low: float
    high: float
    pairs: int

    @property
    def k_for_range(self) -> float:
        """The slope kept inside [0, 1], the lower end of the range."""
        return float(min(max(self.k, 0.0), 1.0))


def _sales_sql() -> tuple[str, dict]:
    species = species_params()
    for spec in species.values():
        if spec["heads_column"] not in HEADS_COLUMNS:
            raise ValueError("livestock.toml: heads column not allowed")
    prices = ", ".join(f"avg(price) FILTER (WHERE commodity = $c_{s}) AS p_{s}" for s in species)
    value = " + ".join(f"coalesce(i.{spec['heads_column']}, 0) * $w_{s} * coalesce(pp.p_{s}, pn.p_{s}, $f_{s})"
                       for s, spec in species.items())
    params = {"commodities": [spec["commodity"] for spec in species.values()]}
    for s, spec in species.items():
        params |= {f"c_{s}": spec["commodity"], f"w_{s}": float(spec["live_weight_kg"]),
                   f"f_{s}": float(spec["fallback_price"])}
    return _SALES.format(prices=prices, value=value), params


def estimate_margin(cur: duckdb.DuckDBPyConnection, year: int) -> Margin | None:
    """The margin k from every region's households, years up to `year`; None with too few pairs."""
    households = cur.execute("SELECT count(*) FROM households").fetchone()[0]
    years = cur.execute("SELECT count(DISTINCT year) FROM income WHERE year <= $year", {"year": year}).fetchone()[0]
    sql, params = _sales_sql()
    mod = max(1, math.ceil(households * max(years, 1) / MAX_PAIRS))
    steps = cur.execute(sql, params | {"year": year, "sample_mod": mod}).df()
    if len(steps) < int(param("simulation", "min_margin_pairs")) or steps["d_sales"].std() == 0:
        return None
    # lazy: statsmodels costs ~1.5 s of start-up to every importer
    import statsmodels.api as sm

    design = sm.add_constant(steps["d_sales"].to_numpy(float))
    groups = pd.factorize(steps["county_code"])[0]
    fit = sm.OLS(steps["d_net"].to_numpy(float), design).fit(cov_type="cluster", cov_kwds={"groups": groups})
    low, high = fit.conf_int(0.05)[1]
    return Margin(float(fit.params[1]), float(low), float(high), len(steps))


@dataclass(frozen=True)
class ScenarioRange:
    """The scenario under every combination of k (margin measured … 1) and sales calendar.

    runs: k, calendar, window_share and the RANGE_COLUMNS per combination; low / high: the smallest and
    largest of each; margin: the estimate (None when the data cannot give one: then k runs over 1 only).
    """
    margin: Margin | None
    runs: pd.DataFrame
    low: dict[str, float]
    high: dict[str, float]


def _calendars() -> dict[str, tuple[float, ...]]:
    calendars = {name: tuple(float(w) for w in weights) for name, weights in section("sales_calendars").items()}
    for name, weights in calendars.items():
        if len(weights) != 12 or min(weights) < 0 or sum(weights) <= 0:
            raise ValueError(f"livestock.toml: sales calendar {name!r} needs 12 non-negative weights")
    return calendars


def scenario_range(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, scenario: Scenario) -> ScenarioRange:
    """Run the scenario at both ends of k and under each sales calendar; the range of each headline number."""
    margin = estimate_margin(cur, year)
    ks = sorted({1.0, margin.k_for_range}) if margin else [1.0]
    rows = []
    for k in ks:
        for name, calendar in _calendars().items():
            result: SimulationResult = simulate(cur, region_code, year, scenario, Setting(k, calendar))
            rows.append({"k": k, "calendar": name, "window_share": result.notes["window_share"],
                         **{c: result.totals[c] for c in RANGE_COLUMNS}})
    runs = pd.DataFrame(rows)
    return ScenarioRange(margin, runs, {c: _plain(runs[c].min()) for c in RANGE_COLUMNS},
                         {c: _plain(runs[c].max()) for c in RANGE_COLUMNS})


def _plain(value: object) -> float:
    return float(value) if isinstance(value, float | np.floating) else int(value)


def scenario_range_toml(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, text: str) -> ScenarioRange:
    """`scenario_range` for a scenario given as TOML text (a hashable argument for the page cache)."""
    return scenario_range(cur, region_code, year, scenario_from_toml(text))
