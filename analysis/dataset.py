"""What is loaded: table sizes, coverage and whether the data is the synthetic demo."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb

from analysis.regioncodes import region_where
from analysis.store.connection import schema_gaps

# Whitelist: the only identifiers that reach SQL text here.
DATA_TABLES = ("regions", "households", "income", "prices", "disasters", "employment", "thresholds", "import_log")


def meta(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(cur.execute("SELECT key, value FROM meta").fetchall())


def is_synthetic(cur: duckdb.DuckDBPyConnection) -> bool:
    """True when the database holds the demo world, so pages must say so."""
    return meta(cur).get("dataset") == "synthetic_demo"


@dataclass(frozen=True)
class DemoStatus:
    """How much of the database is the synthetic demo: pages say so while any of it remains."""
    demo: bool             # built as the demo world: its households, prices, floods and jobs are invented
    imports: int           # files loaded since (real data mixed in)
    demo_households: int   # households in the demo's invented villages
    demo_counties: int

    @property
    def mixed(self) -> bool:
        return self.demo and self.imports > 0

    def to_dict(self) -> dict:
        return {"demo": self.demo, "mixed": self.mixed, "imports": self.imports,
                "demo_households": self.demo_households, "demo_counties": self.demo_counties}


# Demo households live in villages the demo invented (regions.synthetic); imported ones in real codes.
_DEMO_HOUSEHOLDS = """SELECT count(*), count(DISTINCT h.county_code) FROM households h
    WHERE h.village_code IN (SELECT code FROM regions WHERE synthetic) AND {region}"""


def demo_status(cur: duckdb.DuckDBPyConnection) -> DemoStatus:
    households, counties = cur.execute(_DEMO_HOUSEHOLDS.format(region="TRUE")).fetchone()
    imports = cur.execute("SELECT count(*) FROM import_log").fetchone()[0]
    return DemoStatus(is_synthetic(cur), int(imports), int(households), int(counties))


def region_has_demo_households(cur: duckdb.DuckDBPyConnection, region: str) -> bool:
    where, params = region_where(region, "h")
    return bool(cur.execute(_DEMO_HOUSEHOLDS.format(region=where), params).fetchone()[0])


def needs_refresh(cur: duckdb.DuckDBPyConnection) -> bool:
    """True for a database written before the county sums or an added column existed: pages would fail on it."""
    tables = {name for (name,) in cur.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "county_year" not in tables or schema_gaps(cur):
        return True
    return bool(cur.execute("SELECT NOT EXISTS (FROM county_year) AND EXISTS (FROM income)").fetchone()[0])


def table_counts(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
    union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in DATA_TABLES)
    return {name: int(n) for name, n in cur.execute(union).fetchall()}


def income_years(cur: duckdb.DuckDBPyConnection) -> list[int]:
    """Years with income data (from the county sums: a few thousand rows, not every income row)."""
    return [int(y) for (y,) in cur.execute("SELECT DISTINCT year FROM county_year ORDER BY year").fetchall()]


def dataset_info(cur: duckdb.DuckDBPyConnection) -> dict:
    first_price, last_price = cur.execute("SELECT min(date), max(date) FROM prices").fetchone()
    info = meta(cur)
    return {
        "dataset": info.get("dataset", "imported"),
        "synthetic": info.get("dataset") == "synthetic_demo",
        "demo_status": demo_status(cur).to_dict(),
        "meta": info,
        "tables": table_counts(cur),
        "income_years": income_years(cur),
        "prices_from": first_price,
        "prices_to": last_price,
    }
