"""Two consecutive years of each household side by side, with the line of each year: the base of several checks."""
from __future__ import annotations

from analysis.regioncodes import region_where

_YEAR = """
    SELECT i.household_id, i.village_code, i.county_code, i.members, i.per_capita_net_income AS pc,
           i.transfer_income AS transfer, pl.monitoring_line AS line
    FROM income_net i
    JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
    WHERE i.year = {year} AND {where}
"""


def panel_sql(scope: str) -> tuple[str, dict]:
    """`WITH panel AS (...)`: households with income in $year and $year - 1 (pc, transfer, line; prev_*), in scope.

    Also defines `cur` and `prev` (each year alone), for checks about households that appear or disappear.
    """
    where, params = region_where(scope, "i")
    sql = (f"WITH cur AS ({_YEAR.format(year='$year', where=where)}), "
           f"prev AS ({_YEAR.format(year='$year - 1', where=where)}), "
           "panel AS (SELECT c.*, h.household_type, p.pc AS prev_pc, p.line AS prev_line, "
           "p.transfer AS prev_transfer FROM cur c JOIN prev p USING (household_id) "
           "JOIN households h USING (household_id)) ")
    return sql, params
