"""Foundation timings: import throughput (CSV, XLSX) and the headline summary at three levels."""
from __future__ import annotations

import os
import shutil
import statistics
import time
from pathlib import Path

import duckdb
import pandas as pd

from analysis.bench import OUT, YEAR, BenchContext, ms, timed
from analysis.store.connection import Database, connect_read_only
from analysis.store.ingest import ingest_files, prepare_file
from analysis.summary import region_summary

IMPORT_COLUMNS = ("household_id", "year", "wage_income", "crop_income", "livestock_income", "other_operating_income",
                  "property_income", "transfer_income")
PHASES = ("start", "read", "validate", "transfer", "check", "copy", "load", "summaries", "commit_swap")
CPU_PHASES = ("read", "validate", "child", "prepare", "check", "copy", "load", "summaries", "commit_swap")
REPEAT = 3


def income_file(db_path: Path, fmt: str) -> tuple[Path, int]:
    """The latest year's income of every household of the world (the demo's 200k), each wage one yuan
    higher so that every row really replaces its stored row; written as CSV or XLSX."""
    con = connect_read_only(db_path)
    try:
        frame = con.execute(f"SELECT {', '.join(IMPORT_COLUMNS)} FROM income WHERE year = $year"
                            " ORDER BY household_id", {"year": YEAR}).df()
    finally:
        con.close()
    frame["wage_income"] += 1
    source = OUT / f"income-{YEAR}-{len(frame)}.{fmt}"
    if fmt == "csv":
        frame.to_csv(source, index=False)
    else:
        frame.to_excel(source, index=False, engine="xlsxwriter")
    return source, len(frame)


def _ingest_once(db_path: Path, source: Path) -> tuple[float, float, dict[str, float], dict[str, float]]:
    """(wall seconds, CPU seconds of this process and the import child, seconds and CPU seconds per phase)."""
    work = OUT / f"import-{source.suffix[1:]}.duckdb"
    shutil.copyfile(db_path, work)
    start, cpu = time.perf_counter(), time.process_time()
    report = ingest_files(work, [source])
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if not report.ok or report.files[0].replaced != report.files[0].rows:
        raise RuntimeError(f"bench import refused or not replaced: {report.problems[:3]} {report.files}")
    work.unlink()
    return seconds, cpu + report.cpu.get("child", 0.0), report.timings, report.cpu


def _by_hand_once(db_path: Path, source: Path) -> tuple[float, float]:
    """The same replace-by-key load written directly for DuckDB, without validation, isolation or copy: the
    CSV read by read_csv, the workbook by pandas with calamine (DuckDB's excel extension needs the internet);
    closing the connection checkpoints, as the import's commit does."""
    work = OUT / "import-by-hand.duckdb"
    shutil.copyfile(db_path, work)
    start, cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect(str(work))
    if source.suffix == ".csv":
        con.execute("CREATE TEMP TABLE staged AS SELECT * FROM read_csv($path, header = true)", {"path": str(source)})
    else:
        con.register("sheet", pd.read_excel(source, engine="calamine", dtype={"household_id": str}))
        con.execute("CREATE TEMP TABLE staged AS SELECT * FROM sheet")
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM income t USING staged s WHERE t.household_id = s.household_id AND t.year = s.year")
    values = ", ".join(f"s.{c}" for c in IMPORT_COLUMNS)
    con.execute(f"INSERT INTO income ({', '.join(IMPORT_COLUMNS)}, county_code, village_code, members)"
                f" SELECT {values}, h.county_code, h.village_code, h.members FROM staged s"
                " JOIN households h USING (household_id) ORDER BY s.year, h.county_code, h.village_code, s.household_id")
    con.execute("COMMIT")
    con.close()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    work.unlink()
    return seconds, cpu


def import_throughput(db_path: Path, fmt: str, repeat: int = REPEAT) -> list[tuple[str, str]]:
    """Rows per second through ingest_files (isolated read and validation, checks, load, copy and swap) and by
    hand in DuckDB, medians of `repeat` runs each, the ratio, and the import's median seconds per phase."""
    source, rows = income_file(db_path, fmt)
    runs = [_ingest_once(db_path, source) for _ in range(repeat)]
    hand = [_by_hand_once(db_path, source) for _ in range(repeat)]
    source.unlink()
    seconds, by_hand = statistics.median(r[0] for r in runs), statistics.median(h[0] for h in hand)
    cpu, hand_cpu = statistics.median(r[1] for r in runs), statistics.median(h[1] for h in hand)
    label = f"import {fmt.upper()}, {rows:,} income rows of {YEAR}, replace by key"
    phases = "  ".join(f"{phase} {statistics.median(r[2].get(phase, 0.0) for r in runs):.2f}" for phase in PHASES)
    cpu_phases = "  ".join(f"{phase} {statistics.median(r[3].get(phase, 0.0) for r in runs):.2f}"
                           for phase in CPU_PHASES)
    return [(f"{label} (rows/s)", f"{rows / seconds:,.0f}"),
            (f"{label}: DuckDB by hand (rows/s)", f"{rows / by_hand:,.0f}"),
            (f"{label}: import time / by hand", f"{seconds / by_hand:.2f}x"),
            (f"{label}: CPU seconds, import (app + child) / by hand", f"{cpu:.2f} / {hand_cpu:.2f}"),
            (f"{label}: seconds per phase: {phases}", f"{seconds:.2f}"),
            (f"{label}: CPU seconds per phase (child: read, validate, all of it; app: the rest): {cpu_phases}",
             f"{cpu:.2f}"),
            ("machine load while measuring (1-minute load average, 2 cores)", f"{os.getloadavg()[0]:.2f}")]


def child_start_up() -> float:
    """Seconds to read and validate a two-row CSV in the import child (fork, limits, pickle back): the
    isolation's fixed cost per file."""
    data = "年度,省级区划代码,监测标准\n2024,620000,7600\n".encode()
    return timed(lambda: prepare_file("lines.csv", data))


def summary_timings(db_path: Path, label: str) -> list[tuple[str, str]]:
    db = Database(db_path)
    with db.cursor() as cur:
        county = cur.execute("SELECT county_code FROM households LIMIT 1").fetchone()[0]
    results = []
    for code in ("000000", county[:2] + "0000", county):
        def run(code=code):
            with db.cursor() as cur:
                region_summary(cur, code, YEAR)
        results.append(ms(f"summary {label} region={code}", timed(run)))
    db.close()
    return results


def run(ctx: BenchContext) -> list[tuple[str, str]]:
    rows = [row for fmt in ("csv", "xlsx") for row in import_throughput(ctx.demo, fmt)]
    rows.append(ms("import child start-up, one small file", child_start_up()))
    return rows + summary_timings(ctx.demo, "demo") + (
        summary_timings(ctx.large, f"national [{ctx.large_income_rows:,} rows]") if ctx.large else [])
