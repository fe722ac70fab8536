"""Write path: a county's 1,000-row income import into one file against province files, and the headline reads.

Measured on a world of its own (every province, INCOMEWATCH_BENCH_PARTITION_HOUSEHOLDS households, default
3 million; built once into bench-out/ and reused), copied twice: as one file, and kept in province files
(`python -m analysis partition`). The national 30-million world is not copied: twice 7 GB would not fit.
Run alone: `python -m analysis.bench.partitions`.
"""
from __future__ import annotations

import os
import shutil
import time
from datetime import date
from pathlib import Path

from analysis.bench import OUT, YEAR, BenchContext, show, timed
from analysis.demo import build_demo
from analysis.overview import counties_at_risk, headline, monitored_households
from analysis.store.connection import connect_read_only, partition
from analysis.store.ingest import ingest_files
from analysis.store.partitions import parts_dir

HOUSEHOLDS = int(os.environ.get("INCOMEWATCH_BENCH_PARTITION_HOUSEHOLDS", "3000000"))
ROWS = 1000
HEADER = "household_id,year,wage_income,crop_income,livestock_income,property_income,transfer_income\n"


def _world() -> Path:
    path = OUT / f"partition-world-{HOUSEHOLDS}.duckdb"
    if not path.exists():
        build_demo(path, provinces="all", households=HOUSEHOLDS)
    return path


def _copies(world: Path) -> tuple[Path, Path, float]:
    single, split = OUT / "partition-single.duckdb", OUT / "partition-split.duckdb"
    for path in (single, split):
        shutil.rmtree(parts_dir(path), ignore_errors=True)
        shutil.copyfile(world, path)
    start = time.perf_counter()
    partition(split)
    return single, split, time.perf_counter() - start


def _county_income_csv(db: Path, bump: float) -> tuple[str, bytes]:
    """ROWS income rows of the busiest Gansu county's latest year, wage raised by `bump` (so each run changes data)."""
    with connect_read_only(db) as con:
        rows = con.execute(
            "SELECT household_id, year, wage_income + $bump, crop_income, livestock_income, property_income,"
            " transfer_income FROM income WHERE year = $year AND county_code = ("
            "  SELECT county_code FROM households WHERE county_code LIKE '62%' GROUP BY 1 ORDER BY count(*) DESC"
            "  LIMIT 1) ORDER BY household_id LIMIT $n", {"bump": bump, "year": YEAR, "n": ROWS}).fetchall()
    text = HEADER + "".join(",".join(str(v) for v in row) + "\n" for row in rows)
    return f"county-{bump:.0f}.csv", text.encode()


def _import_seconds(db: Path, bump: float) -> float:
    name, data = _county_income_csv(db, bump)
    start = time.perf_counter()
    report = ingest_files(db, [(name, data)], today=date(YEAR + 1, 6, 30))
    seconds = time.perf_counter() - start
    if not report.ok:
        raise RuntimeError(f"bench import refused: {report.problems[:3]}")
    return seconds


def _reads(db: Path) -> dict[str, float]:
    start = time.perf_counter()
    con = connect_read_only(db)
    opened = time.perf_counter() - start
    county = con.execute("SELECT county_code FROM county_year WHERE county_code LIKE '62%' ORDER BY households DESC"
                         " LIMIT 1").fetchone()[0]
    try:
        return {
            "open a reader": opened,
            "headline, national": timed(lambda: headline(con, "000000", YEAR)),
            "headline, Gansu": timed(lambda: headline(con, "620000", YEAR)),
            "monitored households, Gansu": timed(lambda: monitored_households(con, "620000", YEAR)),
            "counties at risk, national": timed(lambda: counties_at_risk(con, "000000", YEAR)),
            "one county's households (household_year)": timed(lambda: con.execute(
                "SELECT * FROM household_year WHERE county_code = $c AND year = $y", {"c": county, "y": YEAR}
            ).df(), repeat=3),
            "national income by year (income_net, every row)": timed(lambda: con.execute(
                "SELECT year, sum(net_income) FROM income_net GROUP BY year").fetchall(), repeat=3),
            "national below-line count (household_year join)": timed(lambda: con.execute(
                "SELECT count(*) FROM household_year WHERE year = $y AND below_line", {"y": YEAR}).fetchall(),
                repeat=3),
        }
    finally:
        con.close()


def run(ctx: BenchContext | None = None) -> list[tuple[str, str]]:
    world = _world()
    with connect_read_only(world) as con:
        households, income = con.execute("SELECT (SELECT count(*) FROM households), (SELECT count(*) FROM income)"
                                         ).fetchone()
    single, split, partition_seconds = _copies(world)
    size = sum(f.stat().st_size for f in parts_dir(split).iterdir())
    rows = [(f"partition world: {households:,} households, {income:,} income rows, one file (MB)",
             f"{world.stat().st_size / 1e6:.0f}"),
            ("  kept in province files: main file + 31 province files (MB)",
             f"{split.stat().st_size / 1e6:.0f} + {size / 1e6:.0f}"),
            ("  python -m analysis partition (s)", f"{partition_seconds:.1f}")]
    for run_no in (1, 2):
        rows.append((f"{ROWS:,}-row county income import, run {run_no}: one file · province files (s)",
                     f"{_import_seconds(single, run_no):.2f} · {_import_seconds(split, run_no):.2f}"))
    before, after = _reads(single), _reads(split)
    rows += [(f"{name}: one file · province files (ms)", f"{before[name] * 1000:.1f} · {after[name] * 1000:.1f}")
             for name in before]
    return rows


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    show(run())
