"""What is loaded: table sizes, coverage and whether the data is the synthetic demo."""
from __future__ import annotations

import duckdb

from analysis.store.connection import schema_gaps

# Whitelist: the only identifiers that reach SQL text here.
DATA_TABLES = ("regions", "households", "income", "prices", "disasters", "employment", "thresholds", "import_log")


def meta(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(cur.execute("SELECT key, value FROM meta").fetchall())


def is_synthetic(cur: duckdb.DuckDBPyConnection) -> bool:
    """True when the database holds the demo world, so pages must say so."""
    return meta(cur).get("dataset") == "synthetic_demo"


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
        "meta": info,
        "tables": table_counts(cur),
        "income_years": income_years(cur),
        "prices_from": first_price,
        "prices_to": last_price,
    }
