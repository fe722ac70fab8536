"""Duplicates: the same person (the stored ID hash, used as an opaque key) in two households, and splits.

The hash column is compared for equality only; it is never shown or exported. A *split* is a household below last
year's line that has no income row this year while its head's ID hash reappears in a household new this year, at
or above the line: the family was re-registered so that the part crosses the line.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from analysis.credibility.panel import panel_sql
from analysis.regioncodes import region_where

# The shared hashes first, with a plain count: DISTINCT counts over every one of 30 million heads kept a distinct
# set per head and spilled 6.8 GB in 47 s on the national world (the credibility audit then ran out of disk in the
# precompute job); counted for the few shared heads only, the query takes 11 s and spills nothing.
_DUPLICATES = """
WITH shared AS (
    SELECT id_number_hash FROM households WHERE id_number_hash IS NOT NULL GROUP BY id_number_hash HAVING count(*) > 1
), dup AS (
    SELECT id_number_hash, count(*) AS copies, count(DISTINCT village_code) AS villages,
           count(DISTINCT county_code) AS counties
    FROM households SEMI JOIN shared USING (id_number_hash) GROUP BY id_number_hash
)
SELECT h.household_id, h.village_code, h.county_code, dup.copies,
       CASE WHEN dup.counties > 1 THEN 'counties' WHEN dup.villages > 1 THEN 'villages' ELSE 'households' END
           AS spread,
       dense_rank() OVER (ORDER BY dup.id_number_hash) AS person
FROM households h JOIN dup USING (id_number_hash)
WHERE {where}
ORDER BY person, h.household_id
"""


def duplicate_people(cur: duckdb.DuckDBPyConnection, scope: str) -> pd.DataFrame:
    """Households in scope whose head's ID hash is held by another household anywhere; `person` groups them.

    spread: the widest the copies reach (households of one village, villages of one county, or counties).
    """
    where, params = region_where(scope, "h")
    return cur.execute(_DUPLICATES.format(where=where), params).df()


_SPLITS = """
, gone AS (
    SELECT p.household_id, p.village_code, h.members, h.id_number_hash, p.pc
    FROM prev p JOIN households h USING (household_id)
    WHERE p.pc < p.line AND household_id NOT IN (SELECT household_id FROM cur)
), new AS (
    SELECT c.household_id, c.village_code, c.members, h.id_number_hash, c.pc, c.line
    FROM cur c JOIN households h USING (household_id)
    WHERE c.pc >= c.line AND household_id NOT IN (SELECT household_id FROM prev)
)
SELECT new.household_id, new.village_code, gone.household_id AS former_household, gone.members AS former_members,
       new.members, new.pc / new.line AS ratio,
       (SELECT count(*) FROM new n2 WHERE n2.village_code = new.village_code) AS new_in_village
FROM gone JOIN new ON new.id_number_hash = gone.id_number_hash
ORDER BY new.household_id
"""


def splits(cur: duckdb.DuckDBPyConnection, scope: str, year: int) -> pd.DataFrame:
    """Households new this year, at or above the line, whose head headed a household below the line last year."""
    base, params = panel_sql(scope)
    return cur.execute(base + _SPLITS, {**params, "year": year}).df()
