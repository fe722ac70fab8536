"""What a price scenario does to household incomes, against the baseline, in one DuckDB query.

For household h and species s with heads sold n (income.<s>_sold), live weight w_s and the
baseline live price P (the year's mean price of the household's province, else the national
series, else `fallback_price`), the sales value is V = n · w_s · P. With the scenario's change x_s
over months whose share of the year's sales is f (a sales calendar), and the share k of a sales change
that reaches net income (`pass_to_net`, or a value given: analysis.simulate.ranges runs k from the margin
measured in the data up to 1):

    Δ income        = Σ_s k · f · x_s · V
    insurance       = Σ_s f · max(0, −x_s) · V · insured · payout
    per-head subsidy = Σ_s f · n · subsidy_s
    price floor     = Σ_s f · max(0, floor − (1 + x_s)) · V · bought

Insurance and the price floor pay on sales value, whatever share of it was net income, so k does not
scale them.

Households that sold no animals get Δ = 0 and no response. Responses are never negative, so
they never leave a household worse off. Per-capita income = net income / members, against the
monitoring line of the household's province (else the national line) for that year. One pass: households
are first counted in cells (county × 2%-wide income bucket × flags), then the cells are summed by county and
by bucket; buckets are gathered into deciles of baseline per-capita income.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analysis.prices.params import param, species_params
from analysis.regioncodes import region_where
from analysis.simulate.scenario import Scenario

RESPONSES = ("insurance", "subsidy", "price_floor")
HEADS_COLUMNS = frozenset({"cattle_sold", "sheep_sold", "hogs_sold"})  # whitelist: identifiers in SQL text
_NAME = re.compile(r"^[a-z_]+$")
DECILES = 10
BUCKETS_PER_LOG = 50  # income buckets 2% wide (in log per-capita income), from which deciles are put together

_HOUSEHOLDS = """
WITH live AS (
    SELECT region_code, {live_prices}
    FROM prices
    WHERE date BETWEEN $year_start AND $year_end AND commodity IN $commodities
    GROUP BY region_code
), county AS (  -- line and live prices per county: a small build side instead of four joins per household
    SELECT r.code AS county_code, pl.monitoring_line AS line,
           {county_prices}
    FROM (SELECT DISTINCT code FROM regions WHERE length(code) = 6) r
    LEFT JOIN province_lines pl ON pl.year = $year AND pl.province_code = substr(r.code, 1, 2) || '0000'
    LEFT JOIN live pp ON pp.region_code = substr(r.code, 1, 2) || '0000'
    LEFT JOIN live pn ON pn.region_code = '000000'
), hh AS (  -- income carries members, so no join to the 30 million households
    SELECT i.household_id, i.county_code, i.members, i.net_income AS net, c.line,
           {values}
    FROM income_net i
    LEFT JOIN county c ON c.county_code = i.county_code
    WHERE i.year = $year AND {income_filter}
), sim AS (
    SELECT household_id, county_code, members, line, net / members AS pc0,
           ({delta}) AS delta, ({insurance}) AS insurance, ({subsidy}) AS subsidy, ({floor}) AS price_floor,
           ({any_heads}) AS livestock
    FROM hh
)"""

_FLAGS = ("below0", "near0", "below1", "near1", "livestock")
_RESPONSE_FLAGS = (*(f"below_{r}" for r in RESPONSES), "below_all")  # only for a scenario with responses
_RESPONSE_FLAG_SQL = """,
           pc0 + (delta + insurance) / members < line AS below_insurance,
           pc0 + (delta + subsidy) / members < line AS below_subsidy,
           pc0 + (delta + price_floor) / members < line AS below_price_floor,
           pc0 + (delta + insurance + subsidy + price_floor) / members < line AS below_all"""
_FLAGS_CTE = """, flags AS (
    SELECT *,
           pc0 < line AS below0,
           pc0 >= line AND pc0 < $near * line AS near0,
           pc0 + delta / members < line AS below1,
           pc0 + delta / members >= line AND pc0 + delta / members < $near * line AS near1{response_flags}
    -- where no line is known, nobody counts as below or near it (-inf), so no flag is NULL
    FROM (SELECT * REPLACE (coalesce(line, '-infinity'::DOUBLE) AS line) FROM sim)
)"""
# With responses: households first counted in cells (many response sums per row, so fewer rows help).
_CELLS = """, cells AS (  -- households of a county with the same income bucket and flags, keyed by one integer
    -- (least: an income that overflowed to inf or NaN goes to the top bucket instead of failing the cast)
    SELECT county_code,
           CAST(floor(ln(least(greatest(pc0, 1), 1e300)) * $buckets_per_log) AS BIGINT) * 1024 + {flag_bits} AS cell,
           count(*) AS n, sum(members) AS m, sum(pc0 * members) AS income, sum(delta) AS delta{cell_responses}
    FROM flags
    GROUP BY county_code, cell
), decoded AS (
    SELECT *, cell // 1024 AS bucket, {flag_decode}
    FROM cells
)"""
# Price changes alone: the two groupings straight over the households (about half the time of the cells).
_HOUSEHOLD_ROWS = """, decoded AS (
    SELECT *, 1 AS n, members AS m, pc0 * members AS income,
           CAST(floor(ln(least(greatest(pc0, 1), 1e300)) * $buckets_per_log) AS BIGINT) AS bucket
    FROM flags
)"""
# Counts as BIGINT (a sum of integers is HUGEINT, which would arrive as float); county rows named here.
_SUMS = """
SELECT s.*, r.name, r.name_en FROM (
SELECT county_code, bucket, GROUPING(county_code) = 1 AS by_bucket,
       sum(n)::BIGINT AS households, sum(m)::BIGINT AS people,
       coalesce(sum(n) FILTER (WHERE livestock), 0)::BIGINT AS livestock_households,
       sum(income) AS baseline_income,
       -sum(delta) AS income_loss,
       coalesce(sum(n) FILTER (WHERE below0), 0)::BIGINT AS baseline_below_line,
       coalesce(sum(n) FILTER (WHERE below1), 0)::BIGINT AS scenario_below_line,
       coalesce(sum(n) FILTER (WHERE NOT below0 AND below1), 0)::BIGINT AS newly_below_line,
       coalesce(sum(m) FILTER (WHERE NOT below0 AND below1), 0)::BIGINT AS newly_below_people,
       coalesce(sum(n) FILTER (WHERE near1 AND NOT near0 AND NOT below0), 0)::BIGINT AS newly_near_line,
       coalesce(sum(m) FILTER (WHERE near1 AND NOT near0 AND NOT below0), 0)::BIGINT AS newly_near_people,
       coalesce(sum(n) FILTER (WHERE below0 AND NOT below1), 0)::BIGINT AS lifted_above_line,
       coalesce(sum(n) FILTER (WHERE NOT below0 AND {below_all}), 0)::BIGINT AS newly_below_with_responses{response_columns}
FROM decoded
GROUP BY GROUPING SETS ((county_code), (bucket))
) s LEFT JOIN (SELECT code, any_value(name) AS name, any_value(name_en) AS name_en FROM regions
               WHERE length(code) = 6 GROUP BY code) r ON r.code = s.county_code
"""

_HOUSEHOLD_EFFECTS = """
SELECT household_id, county_code, members, line, pc0, livestock, delta, insurance, subsidy, price_floor
FROM sim ORDER BY household_id
"""

_CELL_RESPONSES = ", sum({r}) AS {r}, count(*) FILTER (WHERE {r} > 0) AS reached_{r}"
_RESPONSE_COLUMNS = """,
       sum({r}) AS cost_{r},
       sum(reached_{r})::BIGINT AS reached_{r},
       coalesce(sum(n) FILTER (WHERE NOT below0 AND below1 AND NOT below_{r}), 0)::BIGINT AS kept_{r},
       coalesce(sum(m) FILTER (WHERE NOT below0 AND below1 AND NOT below_{r}), 0)::BIGINT AS kept_people_{r}"""

TOTAL_COLUMNS = ("households", "people", "livestock_households", "baseline_income", "income_loss",
                 "baseline_below_line", "scenario_below_line", "newly_below_line", "newly_below_people",
                 "newly_near_line", "newly_near_people", "lifted_above_line", "newly_below_with_responses")


@dataclass(frozen=True)
class SimulationResult:
    """A scenario against the baseline for one region and year."""
    scenario: Scenario
    region: str
    year: int
    totals: dict[str, float]
    by_county: pd.DataFrame    # county_code, name, name_en and the TOTAL_COLUMNS
    by_decile: pd.DataFrame    # decile 1..10 of baseline per-capita income, households, income_loss, ...
    responses: pd.DataFrame    # response, cost, reached, kept, kept_people (households kept above the line)
    notes: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain values for JSON (the command line)."""
        counties = self.by_county.rename(columns={"county_code": "code"})
        return {
            "scenario": self.scenario.name, "region": self.region, "year": self.year,
            **{k: _plain(v) for k, v in self.totals.items()},
            "by_county": [{k: _plain(v) for k, v in row.items()} for row in counties.to_dict("records")],
            "by_decile": [{k: _plain(v) for k, v in row.items()} for row in self.by_decile.to_dict("records")],
            "responses": [{k: _plain(v) for k, v in row.items()} for row in self.responses.to_dict("records")],
            "notes": self.notes,
        }


def _plain(value: object) -> object:
    if isinstance(value, float) and value != value:
        return None
    return value.item() if hasattr(value, "item") else value


def window_share(scenario: Scenario, weights: tuple[float, ...] | None = None) -> float:
    """Share of a year's livestock sales made in the scenario's months, under a sales calendar (12 monthly
    weights; default `sales_month_weights`)."""
    weights = [float(w) for w in (weights or param("simulation", "sales_month_weights"))]
    return sum(weights[m - 1] for m in scenario.months) / sum(weights)


def _species() -> dict[str, dict]:
    species = species_params()
    for name, spec in species.items():
        if not _NAME.match(name) or spec["heads_column"] not in HEADS_COLUMNS:
            raise ValueError(f"livestock.toml: species {name!r} or heads column not allowed")
    return species


def _sql(tail: str, responses: bool = True) -> str:
    """The query text; without responses the cells carry no response flags or sums (a scenario of price
    changes alone: fewer, smaller cells)."""
    species = _species()
    flags = (*_FLAGS, *_RESPONSE_FLAGS) if responses else _FLAGS
    value = "coalesce(i.{col}, 0) * $w_{s} * coalesce(c.p_{s}, $fallback_{s}) AS v_{s}, coalesce(i.{col}, 0) AS n_{s}"
    term = lambda prefix, kind: " + ".join(f"{prefix}_{s} * ${kind}_{s}" for s in species)  # noqa: E731
    return (_HOUSEHOLDS + tail).format(
        live_prices=", ".join(f"avg(price) FILTER (WHERE commodity = $c_{s}) AS p_{s}" for s in species),
        county_prices=", ".join(f"coalesce(pp.p_{s}, pn.p_{s}) AS p_{s}" for s in species),
        values=",\n           ".join(value.format(col=spec["heads_column"], s=s) for s, spec in species.items()),
        delta=term("v", "delta"), insurance=term("v", "insurance"), subsidy=term("n", "subsidy"),
        floor=term("v", "floor"), any_heads=" OR ".join(f"n_{s} > 0" for s in species),
        response_columns="".join(_RESPONSE_COLUMNS.format(r=r) for r in RESPONSES) if responses else "",
        cell_responses="".join(_CELL_RESPONSES.format(r=r) for r in RESPONSES) if responses else "",
        response_flags=_RESPONSE_FLAG_SQL if responses else "", below_all="below_all" if responses else "below1",
        flag_bits=" + ".join(f"{2 ** bit} * {flag}::INTEGER" for bit, flag in enumerate(flags)),
        flag_decode=", ".join(f"(cell & {2 ** bit}) <> 0 AS {flag}" for bit, flag in enumerate(flags)),
        income_filter="{income_filter}",
    )


def _coefficients(scenario: Scenario, k: float, f: float) -> dict[str, float]:
    """Bound parameters: per-species coefficients of the formulas in the module docstring."""
    insured = scenario.insured_pct / 100 * scenario.payout_pct / 100
    floor, bought = scenario.floor_pct / 100, scenario.bought_pct / 100
    out: dict[str, float] = {}
    for s, spec in _species().items():
        x = scenario.change(spec["commodity"])
        out |= {f"w_{s}": float(spec["live_weight_kg"]), f"fallback_{s}": float(spec["fallback_price"]),
                f"delta_{s}": k * f * x, f"insurance_{s}": f * max(0.0, -x) * insured,
                f"subsidy_{s}": f * scenario.subsidy(s),
                f"floor_{s}": f * max(0.0, floor - (1 + x)) * bought if bought else 0.0}
    return out


@dataclass(frozen=True)
class Setting:
    """The two assumed numbers of a run: k (share of a sales change reaching net income) and the sales
    calendar (12 monthly weights); None = the defaults in data/livestock.toml."""
    k: float | None = None
    calendar: tuple[float, ...] | None = None

    def resolved(self, scenario: Scenario) -> tuple[float, float]:
        """(k, f): k and the scenario window's share of the year's sales."""
        k = float(param("simulation", "pass_to_net")) if self.k is None else self.k
        return k, window_share(scenario, self.calendar)


DEFAULTS = Setting()


def _bound(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, scenario: Scenario,
           tail: str, setting: Setting = DEFAULTS, responses: bool = True) -> tuple[str, dict]:
    """SQL text (household CTEs over the year's income rows, then `tail`) and its parameters."""
    income_filter, params = region_where(region_code, "i")
    species = _species()
    bound = {**params, **_coefficients(scenario, *setting.resolved(scenario)), "year": year, "year_start": date(year, 1, 1),
             "year_end": date(year, 12, 31), "commodities": [spec["commodity"] for spec in species.values()],
             **{f"c_{s}": spec["commodity"] for s, spec in species.items()}}
    return _sql(tail, responses).format(income_filter=income_filter), bound


def household_effects(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, scenario: Scenario,
                      setting: Setting = DEFAULTS) -> pd.DataFrame:
    """Per household: household_id, county_code, members, line, pc0 (baseline per-capita income), livestock,
    delta (change of net income) and each response in yuan."""
    sql, bound = _bound(cur, region_code, year, scenario, _HOUSEHOLD_EFFECTS, setting)
    return cur.execute(sql, bound).df()


def _aggregates(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, scenario: Scenario,
                setting: Setting) -> pd.DataFrame:
    """The county and decile rows of the scenario."""
    near = {"near": 1 + float(param("simulation", "near_line_margin")), "buckets_per_log": BUCKETS_PER_LOG}
    responses = scenario.has_responses
    tail = _FLAGS_CTE + (_CELLS if responses else _HOUSEHOLD_ROWS) + _SUMS
    sql, bound = _bound(cur, region_code, year, scenario, tail, setting, responses)
    return cur.execute(sql, bound | near).df()


def simulate(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, scenario: Scenario,
             setting: Setting = DEFAULTS) -> SimulationResult:
    """The scenario's effect on every household of the region in `year` (the baseline: that year's incomes,
    not a forecast), by county, decile and response."""
    frame = _aggregates(cur, region_code, year, scenario, setting)
    k, share = setting.resolved(scenario)
    counties = frame[~frame.by_bucket].drop(columns=["bucket", "by_bucket"])
    deciles = _decile_of_buckets(frame[frame.by_bucket].drop(columns=["county_code", "by_bucket"]))
    return SimulationResult(
        scenario=scenario, region=region_code, year=year,
        totals={c: _plain(counties[c].sum()) for c in TOTAL_COLUMNS},
        by_county=_named(counties).sort_values(["newly_below_line", "county_code"], ascending=[False, True]),
        by_decile=_deciles(deciles),
        responses=_responses(counties),
        notes={"window_share": share, "pass_to_net": k},
    )


def _named(counties: pd.DataFrame) -> pd.DataFrame:
    out = counties[["county_code", "name", "name_en", *TOTAL_COLUMNS]].reset_index(drop=True)
    return out.assign(name=out["name"].fillna(out["county_code"]))


def _decile_of_buckets(buckets: pd.DataFrame) -> pd.DataFrame:
    """Income buckets (2% wide) gathered into tenths of households by baseline per-capita income.

    A bucket that straddles a decile boundary is shared between the two deciles in proportion to its
    households on each side (as if spread evenly within the bucket), so every decile holds 10% of households.
    """
    buckets = buckets.sort_values("bucket").drop(columns="bucket")
    if buckets.empty:
        return buckets.assign(decile=pd.Series(dtype="int64"))
    edges = np.r_[0.0, buckets["households"].cumsum().to_numpy()] / buckets["households"].sum()
    start, end = edges[:-1, None], edges[1:, None]
    low, high = np.arange(DECILES)[None, :] / DECILES, np.arange(1, DECILES + 1)[None, :] / DECILES
    weights = np.clip(np.minimum(end, high) - np.maximum(start, low), 0, None) / np.maximum(end - start, 1e-12)
    summed = pd.DataFrame(weights.T @ buckets.to_numpy(float), columns=buckets.columns)
    return summed.assign(decile=np.arange(1, DECILES + 1))


def _deciles(deciles: pd.DataFrame) -> pd.DataFrame:
    out = deciles[["decile", "households", "people", "livestock_households", "baseline_income", "income_loss",
                   "newly_below_line"]].copy()
    out["decile"] = out["decile"].astype("int64")
    out["loss_per_household"] = out["income_loss"] / out["households"]
    out["loss_share"] = out["income_loss"] / out["baseline_income"].where(out["baseline_income"] > 0)
    counts = ["households", "people", "livestock_households", "newly_below_line"]
    out[counts] = out[counts].round().astype("int64")  # shared boundary buckets make fractional counts
    return out.reset_index(drop=True)


def _responses(counties: pd.DataFrame) -> pd.DataFrame:
    if f"cost_{RESPONSES[0]}" not in counties.columns:  # a scenario without responses: none paid, none kept
        return pd.DataFrame({"response": list(RESPONSES), "cost": 0.0, "reached": 0, "kept": 0, "kept_people": 0})
    rows = [{"response": r, "cost": float(counties[f"cost_{r}"].sum()),
             "reached": int(counties[f"reached_{r}"].sum()), "kept": int(counties[f"kept_{r}"].sum()),
             "kept_people": int(counties[f"kept_people_{r}"].sum())} for r in RESPONSES]
    return pd.DataFrame(rows)


def simulate_toml(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, scenario_toml: str) -> SimulationResult:
    """`simulate` for a scenario given as TOML text (a plain, hashable argument for the page cache)."""
    from analysis.simulate.scenario import scenario_from_toml

    return simulate(cur, region_code, year, scenario_from_toml(scenario_toml))
