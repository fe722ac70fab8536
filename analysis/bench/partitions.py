"""Write path: a county's 1,000-row income import into one file against province files, and the headline reads.

Measured on a world of its own (every province, INCOMEWATCH_BENCH_PARTITION_HOUSEHOLDS households, default
3 million; built once into bench-out/ and reused), copied twice: as one file, and kept in province files
(`python -m analysis partition`). The national 30-million world is not copied: twice 7 GB would not fit.
Run alone: `python -m analysis.bench.partitions`.

`python -m analysis.bench.partitions --db COPY [--national]` measures a database you copied instead (it is
changed: partitioned if it is not yet, then written): per import of a county's 1,000 income rows and of its
1,000 households, the wall and CPU time, the load, the bytes written and the main file's size, and the latency
of a reader in another process querying that county throughout; `--national` adds `refresh` and a national
monitoring line, which rewrite every province.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from analysis.bench import OUT, YEAR, BenchContext, show, timed
from analysis.demo import build_demo
from analysis.overview import counties_at_risk, headline, monitored_households
from analysis.store.connection import Database, connect_read_only, partition, write_transaction
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


def _county_income_csv(db: Path, bump: float, county: str) -> tuple[str, bytes]:
    """ROWS income rows of the county's latest year, wage raised by `bump` (so each run changes data)."""
    with connect_read_only(db) as con:
        rows = con.execute(
            "SELECT household_id, year, wage_income + $bump, crop_income, livestock_income, property_income,"
            " transfer_income FROM income WHERE year = $year AND county_code = $c ORDER BY household_id LIMIT $n",
            {"bump": bump, "year": YEAR, "c": county, "n": ROWS}).fetchall()
    text = HEADER + "".join(",".join(str(v) for v in row) + "\n" for row in rows)
    return f"county-{bump:.0f}.csv", text.encode()


def _import_seconds(db: Path, bump: float) -> float:
    name, data = _county_income_csv(db, bump, _busiest_gansu_county(db))
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


# ---------------------------------------------------------------- one database, in place (--db)

HOUSEHOLD_HEADER = "household_id,village_code,household_type,members,labor_count,relocated,monitored_since," \
                   "risk_eliminated_on,risk_cause\n"
READER_SQL = ("SELECT count(*), avg(per_capita_net_income) FROM household_year WHERE county_code = $c AND year = $y")


def _busiest_gansu_county(db: Path) -> str:
    with connect_read_only(db) as con:
        return con.execute("SELECT county_code FROM county_year WHERE county_code LIKE '62%' AND year = $y"
                           " ORDER BY households DESC LIMIT 1", {"y": YEAR}).fetchone()[0]


def _county_households_csv(db: Path, county: str, run_no: int) -> tuple[str, bytes]:
    """ROWS of the county's households as stored, `relocated` flipped, in an order of this run's own (a file
    imported before, byte for byte, would be skipped)."""
    with connect_read_only(db) as con:
        rows = con.execute(
            "SELECT household_id, village_code, household_type, members, labor_count,"
            " CASE WHEN coalesce(relocated, false) THEN '否' ELSE '是' END, monitored_since, risk_eliminated_on,"
            " risk_cause FROM (FROM households WHERE county_code = $c ORDER BY household_id LIMIT $n)"
            " ORDER BY md5(household_id || $stamp)", {"c": county, "n": ROWS, "stamp": str(time.time_ns())}).fetchall()
    text = HOUSEHOLD_HEADER + "".join(",".join("" if v is None else str(v) for v in row) + "\n" for row in rows)
    return f"households-{run_no}.csv", text.encode()


def _national_line_csv(db: Path, run_no: int) -> tuple[str, bytes]:
    with connect_read_only(db) as con:
        line = con.execute("SELECT monitoring_line FROM thresholds WHERE year = $y AND province_code = '000000'",
                           {"y": YEAR}).fetchone()[0]
    return f"line-{run_no}.csv", f"year,province_code,monitoring_line\n{YEAR},000000,{line + run_no}\n".encode()


def _written_bytes() -> int:
    """Bytes this process has sent to storage (/proc/self/io write_bytes; copies through the page cache count)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("write_bytes:"):
            return int(line.split()[1])
    return 0


def _cpu_seconds() -> float:
    """This process and its finished children (the import's validating child), user + system."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _files(db: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in parts_dir(db).iterdir()} if parts_dir(db).is_dir() else {}


def _reader_loop(db: Path, county: str) -> None:
    """Child process: query the county over and over through an app reader; print start and end times."""
    database = Database(db)
    while True:
        start = time.time()
        with database.cursor() as cur:
            cur.execute(READER_SQL, {"c": county, "y": YEAR}).fetchall()
        print(f"{start:.4f} {time.time():.4f}", flush=True)


class _Reader:
    """The reader process and the latencies it reported."""

    def __init__(self, db: Path, county: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "analysis.bench.partitions", "--reader", str(db), county],
            stdout=subprocess.PIPE, text=True)
        for _ in range(3):  # opened and warm
            self.process.stdout.readline()

    def stop(self) -> list[tuple[float, float]]:
        self.process.terminate()
        out, _ = self.process.communicate()
        return [tuple(map(float, line.split())) for line in out.splitlines() if line.count(" ") == 1]


def _latency(samples: list[tuple[float, float]], start: float, end: float) -> str:
    """Queries that ran during [start, end]: count, median and slowest latency."""
    during = [b - a for a, b in samples if b >= start and a <= end]
    if not during:
        return "no query finished"
    return f"{len(during)} queries, median {statistics.median(during) * 1000:.0f} ms, max {max(during) * 1000:.0f} ms"


def _measure_write(db: Path, label: str, write: Callable[[], None]) -> list[tuple[str, str]]:
    load = os.getloadavg()[0]
    files_before, main_before = _files(db), db.stat().st_size
    cpu, written, start = _cpu_seconds(), _written_bytes(), time.time()
    write()
    end = time.time()
    cpu, written = _cpu_seconds() - cpu, _written_bytes() - written
    new_files = {n: s for n, s in _files(db).items() if n not in files_before}
    return [(f"{label}: wall · CPU (s), load average at start", f"{end - start:.1f} · {cpu:.1f} · {load:.0f}"),
            (f"{label}: bytes written (MB): process · new main file + {len(new_files)} new part files",
             f"{written / 1e6:.0f} · {db.stat().st_size / 1e6:.0f} + {sum(new_files.values()) / 1e6:.0f}"),
            (f"{label}: main file before · after (MB)", f"{main_before / 1e6:.0f} · {db.stat().st_size / 1e6:.0f}")]


def _ingesting(db: Path, file: tuple[str, bytes]) -> Callable[[], None]:
    def ingest() -> None:
        report = ingest_files(db, [file], today=date(YEAR + 1, 6, 30))
        if not report.ok:
            raise RuntimeError(f"bench import refused: {report.problems[:3]}")
    return ingest


def _refresh(db: Path) -> None:
    from analysis.store.summaries import refresh_county_year

    with write_transaction(db) as con:
        refresh_county_year(con)


def measure_in_place(db: Path, national: bool) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if not parts_dir(db).is_dir():
        rows += _measure_write(db, "python -m analysis partition", lambda: partition(db))
        show(rows)
    rows.append(("main file + part files (MB)", f"{db.stat().st_size / 1e6:.0f} + {sum(_files(db).values()) / 1e6:.0f}"))
    county = _busiest_gansu_county(db)
    # (label, the write's input, made before the clock starts)
    writes: list[tuple[str, Callable[[], Callable[[], None]]]] = [
        (f"{ROWS:,}-row income import, county {county}, run {n}",
         lambda n=n: _ingesting(db, _county_income_csv(db, n, county))) for n in (1, 2)]
    writes += [(f"{ROWS:,}-household import, county {county}, run {n}",
                lambda n=n: _ingesting(db, _county_households_csv(db, county, n))) for n in (1, 2)]
    if national:
        writes += [("national monitoring line import (every province)",
                    lambda: _ingesting(db, _national_line_csv(db, 1))),
                   ("refresh (every province and the extracts)", lambda: lambda: _refresh(db))]
    reader = _Reader(db, county)
    windows = []
    try:
        start = time.time()
        time.sleep(10)
        windows.append(("reader, no write running (10 s)", start, time.time()))
        for label, prepare in writes:
            write = prepare()
            start = time.time()
            rows += _measure_write(db, label, write)
            windows.append((f"{label}: reader in another process during it", start, time.time()))
            show(rows[-3:])
    finally:
        samples = reader.stop()
    rows += [(label, _latency(samples, start, end)) for label, start, end in windows]
    return rows


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="measure this database in place (a copy: it is changed)")
    parser.add_argument("--national", action="store_true", help="also refresh and a national line import")
    parser.add_argument("--reader", nargs=2, metavar=("DB", "COUNTY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:
        _reader_loop(Path(args.reader[0]), args.reader[1])
    elif args.db:
        show(measure_in_place(args.db, args.national))
    else:
        OUT.mkdir(exist_ok=True)
        show(run())


if __name__ == "__main__":
    _main()
