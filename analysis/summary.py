"""Headline figures for one region and year: the numbers the overview and `summary` command print."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb

from analysis.regioncodes import province_of, region_level, region_where

# Regions of a county or larger are sums of county_year rows; townships and villages read their income rows.
_COUNTY_SUMS = """
SELECT coalesce(sum(households), 0), coalesce(sum(people), 0), sum(net_income) / nullif(sum(people), 0),
       coalesce(sum(below), 0), coalesce(sum(edge), 0)
FROM county_year c
WHERE c.year = $year AND {filter}
"""
_HOUSEHOLD_INCOME = """
WITH hh AS (
    SELECT i.household_id, i.members, i.net_income, i.per_capita_net_income AS per_capita,
           pl.monitoring_line AS line
    FROM income_net i
    LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
    WHERE i.year = $year AND {income_filter}
)
SELECT count(*) AS households,
       coalesce(sum(members), 0) AS people,
       sum(net_income) / nullif(sum(members), 0) AS income_per_capita,
       count(*) FILTER (WHERE per_capita < line) AS below_line_households,
       count(*) FILTER (WHERE per_capita >= line AND per_capita < 1.1 * line) AS near_line_households
FROM hh
"""

_LINE = """
SELECT monitoring_line FROM province_lines WHERE year = $year AND province_code = $province
"""


@dataclass(frozen=True)
class RegionSummary:
    region: str
    year: int
    households: int
    people: int
    income_per_capita: float | None
    monitoring_line: float | None
    below_line_households: int
    near_line_households: int

    def to_dict(self) -> dict:
        return asdict(self)


def monitoring_line(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> float | None:
    """The line that applies to a region: its province's, else the national default."""
    province = province_of(region_code)  # 000000 (China) for the whole country
    row = cur.execute(_LINE, {"year": year, "province": province}).fetchone()
    return None if row is None else float(row[0])


def region_summary(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> RegionSummary:
    """Households, people, income and households below/near the line for a region and year."""
    if region_level(region_code) in ("township", "village"):
        income_filter, params = region_where(region_code, "i")
        sql = _HOUSEHOLD_INCOME.format(income_filter=income_filter)
    else:
        county_filter, params = region_where(region_code, "c")
        sql = _COUNTY_SUMS.format(filter=county_filter)
    households, people, per_capita, below, near = cur.execute(sql, {**params, "year": year}).fetchone()
    return RegionSummary(
        region=region_code,
        year=year,
        households=int(households),
        people=int(people),
        income_per_capita=None if per_capita is None else float(per_capita),
        monitoring_line=monitoring_line(cur, region_code, year),
        below_line_households=int(below),
        near_line_households=int(near),
    )
