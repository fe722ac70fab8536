"""Building the demo world: plan, generate county chunk by chunk, and write it as one atomic swap."""
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.demo.departments import write_department_extracts
from analysis.demo.events import disaster_rows, employment_rows, flood_severity, plan_hazards
from analysis.demo.households import FORMERLY_POOR, UNSTABLE, draw_households, households_frame
from analysis.demo.income import SPECIES, CountyInputs, draw_income
from analysis.demo.markets import annual_means, weekly_prices
from analysis.demo.params import Params, line_lookup, load_monitoring_lines, load_params
from analysis.demo.places import chosen_provinces, plan_counties, plan_villages, synthetic_region_rows
from analysis.demo.planted import plant_manipulations
from analysis.privacy import ID_CHECK
from analysis.regions import ensure_real_regions, real_regions
from analysis.store.connection import write_transaction
from analysis.store.summaries import refresh_county_year

STREAM_HOUSEHOLDS = 10
Progress = Callable[[float, str], None]

# Strings (ids, codes, hashes, masks) are made in SQL from numbers: cheaper than Python strings.
_INSERT_HOUSEHOLDS = """
INSERT INTO households (household_id, village_code, county_code, household_type, members, labor_count,
    relocated, monitored_since, risk_eliminated_on, risk_cause, head_name_masked, id_number_hash, id_number_masked)
SELECT CAST(number AS VARCHAR), CAST(number // 10000 AS VARCHAR), CAST(number // 10000000000 AS VARCHAR),
    CAST(kind AS VARCHAR), members, labour, relocated, CAST(since AS DATE), CAST(eliminated AS DATE),
    CAST(cause AS VARCHAR), CAST(name AS VARCHAR),
    sha256($salt || CAST(id_body AS VARCHAR) || substr($check, id_check + 1, 1)),
    left(CAST(id_body AS VARCHAR), 3) || '***********' || right(CAST(id_body AS VARCHAR), 3)
        || substr($check, id_check + 1, 1)
FROM frame
"""
_INSERT_INCOME = """
INSERT INTO income (household_id, year, county_code, village_code, members, wage_income, crop_income, livestock_income,
    other_operating_income, property_income, transfer_income, medical_expense, education_expense,
    cattle_sold, sheep_sold, hogs_sold)
SELECT CAST(number AS VARCHAR), year, CAST(number // 10000000000 AS VARCHAR), CAST(number // 10000 AS VARCHAR),
    members, wage_income, crop_income, livestock_income, other_operating_income, property_income, transfer_income,
    medical_expense, education_expense, cattle_sold, sheep_sold, hogs_sold
FROM read_parquet($path)
"""
_INSERT_FRAME = {  # table -> columns, in the frame's order
    "regions": ("code", "name", "name_en", "level", "parent_code", "synthetic"),
    "prices": ("date", "commodity", "region_code", "price"),
    "disasters": ("event_id", "hazard", "county_code", "start_date", "end_date", "severity", "affected_people",
                  "crop_damage_ha", "direct_loss"),
    "employment": ("county_code", "month", "migrant_workers", "target", "returned", "public_welfare_jobs"),
    "thresholds": ("year", "province_code", "monitoring_line"),
}


@dataclass(frozen=True)
class DemoStats:
    households: int
    people: int
    income_rows: int
    price_rows: int
    disaster_rows: int
    employment_rows: int
    seconds: float


def _insert(con: duckdb.DuckDBPyConnection, sql: str, frame: pd.DataFrame, **params) -> None:
    """Run an INSERT whose SQL reads this function's `frame` argument by name (a DuckDB replacement scan).

    A registered view would keep every chunk's frame alive until the transaction commits.
    """
    con.execute(sql, params)


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    columns = ", ".join(_INSERT_FRAME[table])
    _insert(con, f"INSERT INTO {table} ({columns}) SELECT {columns} FROM frame", frame)


def _county_inputs(counties: pd.DataFrame, events: pd.DataFrame, prices: pd.DataFrame, years: list[int],
                   p: Params) -> CountyInputs:
    lines = load_monitoring_lines()
    by_province = {prov: line_lookup(lines, prov, years) for prov in counties.province.unique()}
    commodity = p("livestock", "price_commodity")
    means = annual_means(prices, list(commodity.values()), years)
    return CountyInputs(
        poor=counties.poor.to_numpy(),
        income_effect=counties.income_effect.to_numpy(),
        flood=flood_severity(events, len(counties), years),
        line=np.array([by_province[prov] for prov in counties.province]),
        live_price={s: means.loc[counties.province, commodity[s]].to_numpy() for s in SPECIES},
    )


def _chunks(sizes: np.ndarray, limit: int) -> list[slice]:
    """Consecutive runs of counties holding at most `limit` households (or one county if larger)."""
    out, start, total = [], 0, 0
    for i, size in enumerate(sizes):
        if total and total + size > limit:
            out.append(slice(start, i))
            start, total = i, 0
        total += size
    out.append(slice(start, len(sizes)))
    return out


def _slice_inputs(cy: CountyInputs, part: slice) -> CountyInputs:
    return CountyInputs(cy.poor[part], cy.income_effect[part], cy.flood[part], cy.line[part],
                        {s: v[part] for s, v in cy.live_price.items()})


class _IncomeByYear:
    """Income rows parked in one Parquet file per year while households are generated chunk by chunk.

    The income table is then written a year at a time, so each year's rows fill their own row groups and a
    one-year query (the price what-if over 30 million households) skips the other years' blocks.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.writers: dict[int, pq.ParquetWriter] = {}

    def add(self, income: pd.DataFrame) -> None:
        for year, rows in income.groupby("year", sort=True):
            table = pa.Table.from_pandas(rows, preserve_index=False)
            if year not in self.writers:
                self.writers[year] = pq.ParquetWriter(self.folder / f"{year}.parquet", table.schema)
            self.writers[year].write_table(table)

    def insert_into(self, con: duckdb.DuckDBPyConnection) -> None:
        for year, writer in sorted(self.writers.items()):
            writer.close()
            con.execute(_INSERT_INCOME, {"path": str(self.folder / f"{year}.parquet")})


def _write_households(con: duckdb.DuckDBPyConnection, counties: pd.DataFrame, villages: pd.DataFrame,
                      inputs: CountyInputs, p: Params, seed: int, report: Progress,
                      scratch: Path) -> tuple[np.ndarray, np.ndarray]:
    """Households, then income year by year; returns people and formerly poor labour by county.

    `scratch` is a folder on the database's disk for the parked income files.
    """
    with tempfile.TemporaryDirectory(prefix=".income-", dir=scratch) as folder:
        income_by_year = _IncomeByYear(Path(folder))
        people, labour = _generate(con, counties, villages, inputs, p, seed, report, income_by_year)
        report(0.88, "income, year by year")
        income_by_year.insert_into(con)
    return people, labour


def _generate(con: duckdb.DuckDBPyConnection, counties: pd.DataFrame, villages: pd.DataFrame, inputs: CountyInputs,
              p: Params, seed: int, report: Progress, income_by_year: _IncomeByYear) -> tuple[np.ndarray, np.ndarray]:
    """Households into the database and their income into `income_by_year`, chunk by chunk of counties."""
    people = np.zeros(len(counties), dtype=np.int64)
    labour = np.zeros(len(counties), dtype=np.int64)
    total, done = int(counties.households.sum()), 0
    village_county = villages.county_idx.to_numpy()
    for part in _chunks(counties.households.to_numpy(), p("world", "chunk_households")):
        rows = slice(*np.searchsorted(village_county, [part.start, part.stop]))
        # A random stream per chunk, keyed by its first county.
        rng = np.random.default_rng([seed, STREAM_HOUSEHOLDS, int(counties.code.iloc[part.start])])
        hh = draw_households(counties.iloc[part], villages.iloc[rows], p, rng)
        income = draw_income(hh, _slice_inputs(inputs, part), p.years(), p, rng)
        _insert(con, _INSERT_HOUSEHOLDS, households_frame(hh, p), salt=p("world", "id_salt"), check=ID_CHECK)
        income_by_year.add(income)
        n = part.stop - part.start
        people[part] = np.bincount(hh.county, hh.members, minlength=n)
        formerly_poor = np.isin(hh.kind, (FORMERLY_POOR, UNSTABLE))
        labour[part] = np.bincount(hh.county, hh.labour * formerly_poor, minlength=n)
        done += len(hh.kind)
        report(0.05 + 0.8 * done / total, f"households {done:,} of {total:,}")
    return people, labour


def build_demo(db_path: str | Path, *, provinces: str | Sequence[str] = ("620000", "640000"),
               households: int = 200_000, seed: int = 20231, progress: Progress | None = None,
               plant: bool = True) -> DemoStats:
    """Write the synthetic demo world to db_path, replacing whatever was there, in one atomic swap.

    provinces: 6-digit province codes, or "all" (every province but 710000, 810000, 820000).
    plant: apply the manipulations of data/demo_planted.toml (False gives a clean world for the audit's tests).
    """
    started = time.perf_counter()
    report = progress or (lambda fraction, message: None)
    if households < 1:
        raise ValueError("households must be at least 1")
    p = load_params()
    years = p.years()
    report(0.0, "planning counties, villages, floods and prices")
    regions = real_regions()
    chosen = chosen_provinces(regions, provinces, p)
    counties = plan_counties(regions, chosen, households, p, seed)
    villages = plan_villages(counties, p, seed)
    events = plan_hazards(counties, years, p, seed)
    prices = weekly_prices(chosen, p, seed)
    inputs = _county_inputs(counties, events, prices, years, p)
    with write_transaction(Path(db_path), fresh=True) as con:
        # Cached table blocks are evictable: a cap keeps a 30-million-household build within memory.
        con.execute("SET memory_limit = $limit", {"limit": p("world", "duckdb_memory_limit")})
        ensure_real_regions(con)
        _insert_frame(con, "regions", synthetic_region_rows(villages, seed))
        people, labour = _write_households(con, counties, villages, inputs, p, seed, report,
                                           scratch=Path(db_path).resolve().parent)
        report(0.92, "prices, disasters, employment, monitoring lines")
        disasters = disaster_rows(events, people, p, seed)
        employment = employment_rows(counties, labour, p, seed)
        _insert_frame(con, "prices", prices)
        _insert_frame(con, "disasters", disasters)
        _insert_frame(con, "employment", employment)
        _insert_frame(con, "thresholds", load_monitoring_lines())
        report(0.93, "department extracts and case histories")
        write_department_extracts(con, seed, p("world", "as_of"))
        if plant:
            plant_manipulations(con)
        report(0.94, "county sums")
        refresh_county_year(con)
        con.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("dataset", "synthetic_demo"), ("demo_seed", str(seed)), ("demo_provinces", ",".join(chosen)),
            ("demo_households", str(households)), ("built_at", datetime.now(UTC).isoformat(timespec="seconds")),
        ])
        report(0.96, "writing the database file")
    report(1.0, "demo world ready")
    return DemoStats(
        households=households, people=int(people.sum()), income_rows=households * len(years),
        price_rows=len(prices), disaster_rows=len(disasters), employment_rows=len(employment),
        seconds=round(time.perf_counter() - started, 2),
    )
