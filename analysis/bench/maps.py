"""Risk map and drill-down timings: a province's county map, the national class basis, a county's drill-down,
a village's household list and a household card, on the demo and the national world."""
from __future__ import annotations

import time
from pathlib import Path

from analysis import drilldown, riskmap
from analysis.bench import YEAR, BenchContext, ms, timed
from analysis.selection import regions_with_data
from analysis.store.connection import Database

PROVINCE = "620000"  # in both worlds, so the numbers compare


def _sample_places(db: Database) -> tuple[str, str, str]:
    """A county of PROVINCE, a village of it and a household of that village."""
    with db.cursor() as cur:
        county = cur.execute("SELECT county_code FROM households WHERE county_code BETWEEN '620000' AND '629999' "
                             "LIMIT 1").fetchone()[0]
        village, household = cur.execute(
            "SELECT village_code, household_id FROM households WHERE county_code = $c LIMIT 1", {"c": county}
        ).fetchone()
    return county, village, household


def _county_drilldown(db: Database, county: str) -> None:
    with db.cursor() as cur:
        riskmap.county_units(cur, county, YEAR)  # townships and villages in one query, as the page
        drilldown.income_trend(cur, county, YEAR)
        drilldown.households_by_type(cur, county, YEAR)


def timings(path: Path, label: str) -> list[tuple[str, str]]:
    db = Database(path)
    county, village, household = _sample_places(db)

    def query(fn, *args):
        def run() -> None:
            with db.cursor() as cur:
                fn(cur, *args)
        return run

    start = time.perf_counter()
    with db.cursor() as cur:
        counties = riskmap.class_basis(cur, YEAR)
        names = regions_with_data(cur)
    basis_seconds = time.perf_counter() - start
    rows = [
        ms(f"maps {label}: all-county table, once per data version and year (class basis; cached)", basis_seconds),
        ms(f"maps {label}: county map data of {PROVINCE} from the cached table",
           timed(lambda: riskmap.units_from_counties(counties, names, PROVINCE, "county"))),
        ms(f"maps {label}: national province map data from the cached table",
           timed(lambda: riskmap.units_from_counties(counties, names, "000000", "province"))),
        ms(f"maps {label}: county map data of {PROVINCE}, direct query",
           timed(query(riskmap.unit_metrics, PROVINCE, YEAR, "county"), repeat=3)),
        ms(f"maps {label}: county drill-down {county} (3 queries)", timed(lambda: _county_drilldown(db, county))),
        ms(f"maps {label}: village household list {village}", timed(query(drilldown.village_households, village, YEAR))),
        ms(f"maps {label}: household card {household}", timed(query(drilldown.household_card, household))),
    ]
    db.close()
    return rows


def run(ctx: BenchContext) -> list[tuple[str, str]]:
    return timings(ctx.demo, "demo") + (timings(ctx.large, f"national [{ctx.large_income_rows:,} rows]") if ctx.large
                                        else [])
