"""County-year panels for the flood models, aggregated in DuckDB.

The outcome is the mean over households of log per-capita net income, with the household count
as weight: with county fixed effects this is the household regression of a balanced panel, at
a few thousand rows even for the whole country. Households with net income <= 0 have no log and
are left out (counted in `dropped`). A county-year is flooded when a flood event starts in it that
year; several floods count as the worst severity (0 when the file gave none).
"""
from __future__ import annotations

import duckdb
import pandas as pd

from analysis.floods.params import flood_params
from analysis.regioncodes import region_level, region_where

ESTIMATION_LEVELS = ("national", "province", "city", "county")

_FLOODS = """
SELECT county_code, CAST(year(start_date) AS INTEGER) AS year, coalesce(max(severity), 0) AS severity
FROM disasters d
WHERE hazard = 'flood' AND {region}
GROUP BY ALL
"""

_PANEL = """
SELECT county_code, year,
       count(*) FILTER (WHERE net_income > 0) AS households,
       avg(ln(per_capita_net_income)) FILTER (WHERE net_income > 0) AS mean_log,
       count(*) FILTER (WHERE net_income <= 0) AS dropped
FROM income_net i
WHERE {region}
GROUP BY ALL
"""

_PANEL_BY_MIX = """
WITH floods AS ({floods}),
hh AS (
    SELECT i.household_id, i.county_code, i.year, i.per_capita_net_income AS per_capita, i.wage_income,
           i.crop_income, i.livestock_income, i.net_income AS net,
           f.severity IS NOT NULL AS flooded
    FROM income_net i
    LEFT JOIN floods f ON f.county_code = i.county_code AND f.year = i.year
    WHERE {region} AND i.year IS NOT NULL
), mix AS (
    -- shares in years without a flood, so the flood itself does not move a household between groups
    SELECT household_id,
           coalesce(avg(crop_income / net) FILTER (WHERE NOT flooded), avg(crop_income / net)) AS crop_share,
           coalesce(avg(livestock_income / net) FILTER (WHERE NOT flooded), avg(livestock_income / net))
               AS livestock_share,
           coalesce(avg(wage_income / net) FILTER (WHERE NOT flooded), avg(wage_income / net)) AS wage_share
    FROM hh WHERE net > 0
    GROUP BY household_id
)
SELECT hh.county_code, hh.year,
       CASE WHEN crop_share + livestock_share >= $farm_share AND crop_share >= livestock_share THEN 'crop'
            WHEN crop_share + livestock_share >= $farm_share THEN 'livestock'
            WHEN wage_share >= $wage_share THEN 'wage'
            ELSE 'mixed' END AS income_mix,
       count(*) AS households,
       avg(ln(per_capita)) AS mean_log
FROM hh JOIN mix USING (household_id)
WHERE net > 0
GROUP BY ALL
"""


def check_estimation_region(region_code: str) -> None:
    """Floods are recorded by county: estimates are for a county or anything larger."""
    if region_level(region_code) not in ESTIMATION_LEVELS:
        raise ValueError(f"flood effects are estimated for a county or larger, not {region_code!r}")


def flood_county_years(cur: duckdb.DuckDBPyConnection, region_code: str) -> pd.DataFrame:
    """county_code, year, severity (worst flood of the year) for every flooded county-year of the region."""
    check_estimation_region(region_code)
    region, params = region_where(region_code, "d")
    return cur.execute(_FLOODS.format(region=region), params).df()


def county_year_panel(cur: duckdb.DuckDBPyConnection, region_code: str) -> pd.DataFrame:
    """county_code, year, households, mean_log, dropped: one row per county and income year."""
    check_estimation_region(region_code)
    region, params = region_where(region_code, "i")
    return cur.execute(_PANEL.format(region=region), params).df()


def county_year_panel_by_mix(cur: duckdb.DuckDBPyConnection, region_code: str) -> pd.DataFrame:
    """As county_year_panel, split by income mix: crop- or livestock-heavy (crop + livestock income at least
    `farm_heavy_share` of net income; the larger of the two names it), wage-heavy, mixed; see data/floods.toml."""
    check_estimation_region(region_code)
    region, params = region_where(region_code, "i")
    flood_region, flood_params_ = region_where(region_code, "d")
    p = flood_params()
    sql = _PANEL_BY_MIX.format(region=region, floods=_FLOODS.format(region=flood_region))
    return cur.execute(sql, {**params, **flood_params_, "farm_share": p.farm_heavy_share,
                             "wage_share": p.wage_heavy_share}).df()


def household_years(cur: duckdb.DuckDBPyConnection, region_code: str) -> int:
    """Income rows of the region (cheap: one column, pruned by zone maps)."""
    region, params = region_where(region_code, "i")
    return int(cur.execute(f"SELECT count(*) FROM income i WHERE {region}", params).fetchone()[0])
