"""The `county_year` sums: refreshed inside every write transaction for the counties it touched.

National views (all counties of China on one map) cannot join 180 million income rows to 30 million
households on every data version; these sums make them a read of a few thousand rows. Refreshing goes
one province at a time so the household join stays within memory at national scale (a database of up to
ONE_PASS_HOUSEHOLDS households in one statement).
"""
from __future__ import annotations

from collections.abc import Iterable

import duckdb

from analysis.overview import MONITORED_TYPES

_REFRESH = """
INSERT INTO county_year
SELECT county_code, year,
       count(*), sum(members),
       count(*) FILTER (WHERE per_capita < line),
       count(*) FILTER (WHERE per_capita >= line AND per_capita < 1.1 * line),
       sum(net), sum(wage_income), sum(crop_income), sum(livestock_income), sum(other_operating_income),
       sum(property_income), sum(transfer_income),
       count(*) FILTER (WHERE monitored),
       count(*) FILTER (WHERE monitored AND risk_eliminated_on <= year_end)
FROM (
    SELECT i.county_code, i.year, i.members, h.risk_eliminated_on, make_date(i.year, 12, 31) AS year_end,
           i.wage_income, i.crop_income, i.livestock_income, i.other_operating_income, i.property_income,
           i.transfer_income, i.net_income AS net, i.per_capita_net_income AS per_capita,
           pl.monitoring_line AS line,
           h.household_type IN $types AND coalesce(h.monitored_since <= make_date(i.year, 12, 31), TRUE)
               AS monitored
    FROM income_net i
    JOIN households h ON h.household_id = i.household_id
    LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
    WHERE i.county_code IN (SELECT code FROM refresh_counties)
      AND h.county_code IN (SELECT code FROM refresh_counties){years}
)
GROUP BY county_code, year
"""


def refresh_county_year(con: duckdb.DuckDBPyConnection, counties: Iterable[str] | None = None,
                        years: Iterable[int] | None = None) -> None:
    """Recompute the sums of `counties` (every county with data when None) in `years` (every year when None),
    inside the caller's transaction."""
    if counties is None:
        counties = [code for (code,) in con.execute(
            "SELECT DISTINCT county_code FROM households UNION SELECT DISTINCT county_code FROM county_year"
        ).fetchall()]
    params = {} if years is None else {"years": sorted(set(years))}
    for codes in _passes(con, counties):
        con.execute("CREATE OR REPLACE TEMP TABLE refresh_counties AS SELECT unnest($codes::VARCHAR[]) AS code",
                    {"codes": codes})
        con.execute("DELETE FROM county_year WHERE county_code IN (SELECT code FROM refresh_counties)"
                    + _only_years("year", years), params)
        con.execute(_REFRESH.format(years=_only_years("i.year", years)), {"types": list(MONITORED_TYPES), **params})
    con.execute("DROP TABLE IF EXISTS refresh_counties")


# A database of up to this many households is refreshed in one statement for all its counties (the demo's 200k:
# one join instead of one per province, ≈0.01 CPU-s less per import); a larger one province by province.
ONE_PASS_HOUSEHOLDS = 1_000_000


def _passes(con: duckdb.DuckDBPyConnection, counties: Iterable[str]) -> list[list[str]]:
    """The counties refreshed by each statement."""
    codes = sorted(set(counties))
    if con.execute("SELECT count(*) FROM households").fetchone()[0] <= ONE_PASS_HOUSEHOLDS:  # from metadata
        return [codes] if codes else []
    by_province: dict[str, list[str]] = {}
    for code in codes:
        by_province.setdefault(code[:2], []).append(code)
    return list(by_province.values())


def _only_years(column: str, years: Iterable[int] | None) -> str:
    return "" if years is None else f" AND {column} IN (SELECT unnest($years::INTEGER[]))"


def keep_current(con: duckdb.DuckDBPyConnection, touched: Iterable[str], years: Iterable[int] | None = None) -> None:
    """After a load: refresh the touched counties in the touched years (an income file changes only its own years;
    None: every year), or everything for a database written before the sums existed."""
    missing = con.execute("SELECT NOT EXISTS (FROM county_year) AND EXISTS (FROM income)").fetchone()[0]
    if missing:
        refresh_county_year(con)
    else:
        refresh_county_year(con, touched, years)
