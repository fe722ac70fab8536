"""Components: impossible values that slipped through, and crossings of the line carried by transfers alone.

A household crossed the line this year *only through transfers* when it was below last year's line, is at or above
this year's, and would still be below this year's line with last year's transfer income. Lawful support does this
too; a village where it is much more common than elsewhere in its province is worth a visit.

Our income files carry components only (net income and per-capita income are computed by the `income_net` view),
so the checks "components do not add up to a supplied total" and "per-capita × members ≠ household total" have no
supplied figure to compare with in this schema; they apply to files that bring totals (see the report).
"""
from __future__ import annotations

import duckdb
import pandas as pd

from analysis.credibility.panel import panel_sql
from analysis.credibility.settings import Settings
from analysis.regioncodes import region_where

# Checks on one income row: reason detail -> SQL condition (a whitelist; bound parameters only).
IMPOSSIBLE = {
    "negative_wage": "wage_income < 0",
    "negative_property": "property_income < 0",
    "negative_transfer": "transfer_income < 0",
    "negative_expense": "coalesce(medical_expense, 0) < 0 OR coalesce(education_expense, 0) < 0",
    "members_out_of_range": "members < 1 OR members > $max_members",
    "livestock_without_sales": "livestock_income > 0 AND coalesce(cattle_sold, 0) + coalesce(sheep_sold, 0) "
                               "+ coalesce(hogs_sold, 0) = 0 AND cattle_sold IS NOT NULL",
    "implausible_per_capita": "per_capita_net_income > $max_multiple * line",
}


def impossible_values(cur: duckdb.DuckDBPyConnection, scope: str, year: int, s: Settings) -> pd.DataFrame:
    """One row per household and impossible value: household_id, village_code, detail."""
    where, params = region_where(scope, "i")
    cases = " UNION ALL ".join(
        f"SELECT household_id, village_code, '{name}' AS detail FROM rows WHERE {condition}"
        for name, condition in IMPOSSIBLE.items())
    sql = (f"WITH rows AS (SELECT i.*, pl.monitoring_line AS line FROM income_net i JOIN province_lines pl "
           f"ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000' "
           f"WHERE i.year = $year AND {where}) {cases} ORDER BY household_id, detail")
    return cur.execute(sql, {**params, "year": year, "max_members": s("impossible", "max_members"),
                             "max_multiple": s("impossible", "max_per_capita_multiple")}).df()


_CROSSINGS = """
, crossed AS (
    SELECT *, pc >= line AND pc - (transfer - prev_transfer) / members < line AS by_transfer
    FROM panel WHERE prev_pc < prev_line
)
"""


def transfer_crossings(cur: duckdb.DuckDBPyConnection, scope: str, year: int, s: Settings) -> pd.DataFrame:
    """Households below last year's line: how far below they were, and whether transfers alone carried them over.

    Counties hit by a severe disaster in the year are left out: relief (救灾) carries households over the line there
    by design.
    """
    base, params = panel_sql(scope)
    return cur.execute(
        base + _CROSSINGS + "SELECT household_id, village_code, county_code, household_type, "
        "prev_pc / prev_line AS prev_ratio, pc / line AS ratio, transfer - prev_transfer AS transfer_change, "
        "by_transfer FROM crossed WHERE county_code NOT IN (SELECT county_code FROM disasters "
        "WHERE year(start_date) = $year AND severity >= $severity) ORDER BY household_id",
        {**params, "year": year, "severity": s("transfers", "relief_severity")}).df()


def region_households(cur: duckdb.DuckDBPyConnection, scope: str, year: int) -> pd.DataFrame:
    """Households with income in the year per village (the denominators of the village table)."""
    where, params = region_where(scope)
    return cur.execute(f"SELECT village_code, any_value(county_code) AS county_code, count(*) AS households "
                       f"FROM income WHERE year = $year AND {where} GROUP BY village_code ORDER BY 1",
                       {**params, "year": year}).df()
