"""Employment of formerly poor workers against target, by county and month, and its link to wage income.

Monthly totals for the whole region come from analysis.overview.employment_by_month; this module
adds the county view (share of target met, returnees 回流, public-welfare jobs 公益性岗位) and the
county-level relation between migrant work and per-capita wage income.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analysis.regioncodes import region_where
from analysis.trends import parameters

_COUNTY_MONTHS = """
SELECT e.county_code AS code, coalesce(n.name, e.county_code) AS name, n.name_en, e.month,
       e.migrant_workers, e.target, e.returned, e.public_welfare_jobs
FROM employment e LEFT JOIN regions n ON n.code = e.county_code
WHERE {region} AND e.month BETWEEN $year_start AND $year_end
ORDER BY e.county_code, e.month
"""


def county_months(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> pd.DataFrame:
    """One row per county and month of `year`: migrant_workers, target, returned, public_welfare_jobs,
    and share (workers / target; NaN without a target)."""
    region, params = region_where(region_code, "e")
    frame = cur.execute(_COUNTY_MONTHS.format(region=region),
                        {**params, "year_start": date(year, 1, 1), "year_end": date(year, 12, 31)}).df()
    frame["share"] = frame["migrant_workers"] / frame["target"].where(frame["target"] > 0)
    return frame


def county_status(months: pd.DataFrame) -> pd.DataFrame:
    """Each county in its latest month of `county_months`, with the year's returnees and months short.

    Columns: code, name, name_en, month, migrant_workers, target, share, below_target,
    public_welfare_jobs, returned (sum over the year), months_below (months under target),
    lowest_share (the year's worst month). Sorted by lowest_share, then share (no target: last).
    """
    if months.empty:
        return months.assign(below_target=pd.Series(dtype=bool), months_below=pd.Series(dtype=int),
                             lowest_share=pd.Series(dtype=float))
    ordered = months.sort_values(["code", "month"])
    latest = ordered.groupby("code").last(skipna=False)
    latest = latest.drop(columns="returned")
    latest["returned"] = ordered.groupby("code")["returned"].sum(min_count=1)
    latest["months_below"] = ordered.assign(short=ordered["share"] < 1).groupby("code")["short"].sum()
    latest["lowest_share"] = ordered.groupby("code")["share"].min()
    latest["below_target"] = latest["share"] < 1
    return (latest.reset_index().sort_values(["lowest_share", "share", "code"], na_position="last")
            .reset_index(drop=True))


def monthly_totals(months: pd.DataFrame) -> pd.DataFrame:
    """Returnees and public-welfare jobs summed over counties, per month (workers and target come from
    overview.employment_by_month)."""
    return months.groupby("month", as_index=False)[["returned", "public_welfare_jobs"]].sum(min_count=1)


_WORKERS = """
SELECT e.county_code AS code, avg(e.migrant_workers) AS migrant_workers
FROM employment e
WHERE {region} AND e.month BETWEEN $year_start AND $year_end
GROUP BY e.county_code
"""


def workers_by_county(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> pd.DataFrame:
    """Migrant workers per county, averaged over the months of `year`: code, migrant_workers."""
    region, params = region_where(region_code, "e")
    return cur.execute(_WORKERS.format(region=region),
                       {**params, "year_start": date(year, 1, 1), "year_end": date(year, 12, 31)}).df()


def wage_and_work(counties: pd.DataFrame, workers: pd.DataFrame) -> pd.DataFrame:
    """Counties with both income and employment: migrant workers per 100 households and per-capita
    wage income. `counties`: analysis.trends.IncomeView.counties; `workers`: workers_by_county.
    Columns: code, name, name_en, households, workers_per_100, wage_income."""
    frame = counties.merge(workers, on="code", how="inner")
    frame["workers_per_100"] = frame["migrant_workers"] / frame["households"] * 100
    return frame[["code", "name", "name_en", "households", "workers_per_100", "wage_income"]]


@dataclass(frozen=True)
class RelationFit:
    """OLS of per-capita wage income on migrant workers per 100 households, across counties.

    `slope` is yuan of wage income per person for one more worker per 100 households; the band is the
    confidence band of the fitted line over `grid`.
    """
    n: int
    confidence: float
    slope: float
    slope_low: float
    slope_high: float
    intercept: float
    r_squared: float
    p_value: float
    grid: tuple[float, ...]
    fitted: tuple[float, ...]
    band_low: tuple[float, ...]
    band_high: tuple[float, ...]

    def to_dict(self) -> dict:
        return asdict(self)


def fit_relation(frame: pd.DataFrame, confidence: float | None = None, points: int = 40) -> RelationFit | None:
    """OLS fit of `wage_and_work`; None with fewer than 3 counties or no spread in workers."""
    # lazy: statsmodels costs ~1.5 s of start-up to every importer
    import statsmodels.api as sm

    confidence = parameters()["trend"]["confidence"] if confidence is None else confidence
    data = frame.dropna(subset=["workers_per_100", "wage_income"])
    if len(data) < 3 or data["workers_per_100"].nunique() < 2:
        return None
    result = sm.OLS(data["wage_income"].to_numpy(), sm.add_constant(data["workers_per_100"].to_numpy())).fit()
    low, high = result.conf_int(alpha=1 - confidence)[1]
    grid = np.linspace(data["workers_per_100"].min(), data["workers_per_100"].max(), points)
    band = result.get_prediction(sm.add_constant(grid, has_constant="add")).summary_frame(alpha=1 - confidence)
    return RelationFit(
        n=len(data), confidence=confidence, slope=float(result.params[1]), slope_low=float(low),
        slope_high=float(high), intercept=float(result.params[0]), r_squared=float(result.rsquared),
        p_value=float(result.pvalues[1]) if not math.isnan(result.pvalues[1]) else math.nan,
        grid=tuple(float(v) for v in grid), fitted=tuple(float(v) for v in band["mean"]),
        band_low=tuple(float(v) for v in band["mean_ci_lower"]),
        band_high=tuple(float(v) for v in band["mean_ci_upper"]),
    )


def national_target() -> int:
    """The annual national target of formerly poor workers in work (data/trends.toml)."""
    return int(parameters()["employment"]["national_target"])
