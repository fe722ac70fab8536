"""The overview page's numbers for one region and year.

Per-capita income is always total net income over total people (sum / sum), never a mean of
household ratios. Regions of a county or larger read the county_year sums; region filters come from
analysis.regioncodes.region_where (code ranges, bound).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from analysis import trends
from analysis.regioncodes import below_county, region_where
from analysis.summary import RegionSummary, region_summary

MONITORED_TYPES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
AT_RISK_LIMIT = 10


@dataclass(frozen=True)
class Headline:
    """The headline figures plus the previous year's per-capita income, for growth."""
    summary: RegionSummary
    previous_income_per_capita: float | None

    @property
    def growth(self) -> float | None:
        now, before = self.summary.income_per_capita, self.previous_income_per_capita
        return None if now is None or not before else now / before - 1

    @property
    def below_share(self) -> float | None:
        households = self.summary.households
        return self.summary.below_line_households / households if households else None

    @property
    def near_share(self) -> float | None:
        households = self.summary.households
        return self.summary.near_line_households / households if households else None


@dataclass(frozen=True)
class EmploymentStatus:
    """Migrant workers against target in the latest month of the year with data."""
    month: date
    migrant_workers: int
    target: int | None

    @property
    def target_share(self) -> float | None:
        return self.migrant_workers / self.target if self.target else None


def headline(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> Headline:
    previous = region_summary(cur, region_code, year - 1)
    return Headline(region_summary(cur, region_code, year), previous.income_per_capita)


_MONITORED = """
SELECT household_type,
       count(*) AS households,
       count(*) FILTER (WHERE risk_eliminated_on <= $year_end) AS eliminated
FROM households h
WHERE {region} AND household_type IN $types
  AND (monitored_since IS NULL OR monitored_since <= $year_end)
GROUP BY household_type
"""


def monitored_households(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> pd.DataFrame:
    """Monitored households by type as of the end of `year`: household_type, households, eliminated.

    A household counts from its 纳入监测日期 (or always, when the date is unknown) and as eliminated
    once its 风险消除日期 has passed. All three types are listed, with zeros where none.
    """
    region, params = region_where(region_code, "h")
    found = cur.execute(
        _MONITORED.format(region=region),
        {**params, "types": list(MONITORED_TYPES), "year_end": date(year, 12, 31)},
    ).df()
    frame = pd.DataFrame({"household_type": list(MONITORED_TYPES)}).merge(found, how="left", on="household_type")
    return frame.fillna({"households": 0, "eliminated": 0}).astype({"households": "int64", "eliminated": "int64"})


_EMPLOYMENT = """
SELECT month, sum(migrant_workers) AS migrant_workers, sum(target) AS target
FROM employment e
WHERE {region} AND month BETWEEN $year_start AND $year_end
GROUP BY month
ORDER BY month
"""


def employment_by_month(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> pd.DataFrame:
    """Migrant workers and target summed over the region's counties, per month of `year`.

    Employment is reported per county: a township or village has no rows (never its county's).
    """
    if below_county(region_code):
        return pd.DataFrame({"month": pd.Series(dtype="datetime64[us]"), "migrant_workers": pd.Series(dtype="int64"),
                             "target": pd.Series(dtype="float64")})
    region, params = region_where(region_code, "e")
    return cur.execute(
        _EMPLOYMENT.format(region=region),
        {**params, "year_start": date(year, 1, 1), "year_end": date(year, 12, 31)},
    ).df()


def employment_status(monthly: pd.DataFrame) -> EmploymentStatus | None:
    """The latest month of `employment_by_month`, or None when the year has no employment rows."""
    if monthly.empty:
        return None
    last = monthly.iloc[-1]
    target = None if pd.isna(last["target"]) else int(last["target"])
    return EmploymentStatus(pd.Timestamp(last["month"]).date(), int(last["migrant_workers"]), target)


def income_by_source(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> pd.DataFrame:
    """Per-capita income by source for every year up to `year`: wage, operating, property, transfer.

    The income page's sums (county sums, or household rows below a county) added up over the whole region.
    """
    series = trends.per_capita(trends.income_sums(cur, region_code, year), "national")
    return series[["year", *trends.SOURCES, "income_per_capita"]].reset_index(drop=True)


_AT_RISK = """
SELECT c.county_code, coalesce(n.name, c.county_code) AS name, n.name_en, c.households,
       c.below / c.households AS below_share,
       c.edge / c.households AS near_share,
       c.net_income / c.people AS income_per_capita,
       (c.net_income / c.people) / nullif(p.net_income / nullif(p.people, 0), 0) - 1 AS growth
FROM county_year c
LEFT JOIN county_year p ON p.county_code = c.county_code AND p.year = c.year - 1
LEFT JOIN regions n ON n.code = c.county_code
WHERE {region} AND c.year = $year AND c.households > 0
ORDER BY below_share DESC, c.county_code
LIMIT $limit
"""


_VILLAGES_AT_RISK = """
WITH v AS (
    SELECT i.village_code, i.year, count(*) AS households, sum(i.members) AS people, sum(i.net_income) AS net_income,
           count(*) FILTER (WHERE i.per_capita_net_income < pl.monitoring_line) AS below,
           count(*) FILTER (WHERE i.per_capita_net_income >= pl.monitoring_line
                            AND i.per_capita_net_income < 1.1 * pl.monitoring_line) AS edge
    FROM income_net i
    LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
    WHERE {region} AND i.year IN ($year, $year - 1)
    GROUP BY i.village_code, i.year
)
SELECT c.village_code, coalesce(n.name, c.village_code) AS name, n.name_en, c.households,
       c.below / c.households AS below_share,
       c.edge / c.households AS near_share,
       c.net_income / c.people AS income_per_capita,
       (c.net_income / c.people) / nullif(p.net_income / nullif(p.people, 0), 0) - 1 AS growth
FROM v c
LEFT JOIN v p ON p.village_code = c.village_code AND p.year = c.year - 1
LEFT JOIN regions n ON n.code = c.village_code
WHERE c.year = $year
ORDER BY below_share DESC, c.village_code
LIMIT $limit
"""


def counties_at_risk(cur: duckdb.DuckDBPyConnection, region_code: str, year: int,
                     limit: int = AT_RISK_LIMIT) -> pd.DataFrame:
    """Counties of the region (villages of a township) with the largest share of households below the line.

    Columns: county_code (village_code below a county), name, name_en, households, below_share, near_share,
    income_per_capita, growth (per-capita income against the previous year; NaN without a previous year).
    A township's villages are summed from household rows (county_year stops at counties).
    """
    if below_county(region_code):
        region, params = region_where(region_code, "i")
        return cur.execute(_VILLAGES_AT_RISK.format(region=region), {**params, "year": year, "limit": limit}).df()
    region, params = region_where(region_code, "c")
    return cur.execute(_AT_RISK.format(region=region), {**params, "year": year, "limit": limit}).df()
