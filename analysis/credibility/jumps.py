"""Jumps: implausible year-over-year changes, especially those landing just above the line.

The change in log per-capita net income is scored by a modified z within village × household type (median and
1.4826 × MAD; the county × household type when the village group is small). A jump *to the line* is a household
below last year's line, at or in the band just above this year's, with z above the threshold.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from analysis.credibility.panel import panel_sql
from analysis.credibility.settings import Settings
from analysis.regioncodes import region_level

_SCORED = """
, d AS (SELECT *, ln(pc) - ln(prev_pc) AS dlog FROM panel WHERE pc > 0 AND prev_pc > 0),
vg AS (SELECT village_code, household_type, median(dlog) AS med, count(*) AS n FROM d GROUP BY ALL),
cg AS (SELECT county_code, household_type, median(dlog) AS med FROM d GROUP BY ALL),
vm AS (SELECT d.village_code, d.household_type, median(abs(d.dlog - vg.med)) AS mad
       FROM d JOIN vg USING (village_code, household_type) GROUP BY ALL),
cm AS (SELECT d.county_code, d.household_type, median(abs(d.dlog - cg.med)) AS mad
       FROM d JOIN cg USING (county_code, household_type) GROUP BY ALL),
scored AS (
    SELECT d.*, CASE WHEN vg.n >= $min_group AND vm.mad > 0 THEN (d.dlog - vg.med) / (1.4826 * vm.mad)
                     ELSE (d.dlog - cg.med) / (1.4826 * nullif(cm.mad, 0)) END AS z
    FROM d JOIN vg USING (village_code, household_type) JOIN vm USING (village_code, household_type)
    JOIN cg USING (county_code, household_type) JOIN cm USING (county_code, household_type)
),
flagged AS (
    SELECT *, z > $z AND prev_pc < prev_line AND pc >= line AND pc < $band_hi * line AS to_line FROM scored
)
"""


def _params(year: int, s: Settings) -> dict:
    return {"year": year, "min_group": s("jumps", "min_group"), "z": s("jumps", "robust_z"),
            "band_hi": s("bunching", "band")[1]}


def jumps(cur: duckdb.DuckDBPyConnection, scope: str, year: int, s: Settings) -> pd.DataFrame:
    """Households below last year's line: how far below, their z, and whether they jumped to the line.

    The country is scored one province at a time: every group (village or county × household type) lies within a
    province, and at once the medians of 30 million changes ran out of DuckDB memory at 5.5 GiB on the national
    world. A household that moved to another province between the two years is left out, as a province's own audit
    leaves it out.
    """
    if region_level(scope) != "national":
        return scored_jumps(cur, scope, year, s)
    provinces = [code for (code,) in cur.execute(_PROVINCES, {"year": year}).fetchall()]
    parts = [scored_jumps(cur, province, year, s) for province in provinces]
    if not parts:
        return scored_jumps(cur, scope, year, s)
    return pd.concat(parts, ignore_index=True).sort_values("household_id", ignore_index=True)  # as one query sorts


_PROVINCES = "SELECT DISTINCT substr(county_code, 1, 2) || '0000' FROM income WHERE year = $year ORDER BY 1"


def scored_jumps(cur: duckdb.DuckDBPyConnection, scope: str, year: int, s: Settings) -> pd.DataFrame:
    """`jumps` for `scope` in one query."""
    base, params = panel_sql(scope)
    return cur.execute(
        base + _SCORED + "SELECT household_id, village_code, county_code, household_type, prev_pc / prev_line "
        "AS prev_ratio, pc / line AS ratio, z, coalesce(to_line, FALSE) AS to_line FROM flagged "
        "WHERE prev_pc < prev_line ORDER BY household_id", {**params, **_params(year, s)}).df()


def village_jumps(cur: duckdb.DuckDBPyConnection, village: str, year: int,
                  settings: Settings | None = None) -> pd.DataFrame:
    """Evidence for one village: every household's change with its z (scored among its county, as in the audit)."""
    from analysis.credibility.settings import load_settings

    s = settings or load_settings()
    base, params = panel_sql(village[:6])
    return cur.execute(
        base + _SCORED + "SELECT household_id, household_type, prev_pc / prev_line AS prev_ratio, pc / line AS ratio, "
        "dlog, z, to_line FROM flagged WHERE village_code = $village ORDER BY z DESC",
        {**params, **_params(year, s), "village": village}).df()
