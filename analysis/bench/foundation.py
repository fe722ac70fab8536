"""Foundation timings: import throughput (CSV, XLSX) and the headline summary at three levels."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from analysis.bench import OUT, YEAR, BenchContext, ms, timed
from analysis.store.connection import Database
from analysis.store.ingest import ingest_files, prepare_file
from analysis.summary import region_summary


def import_throughput(db_path: Path, fmt: str, rows: int = 100_000) -> float:
    """Rows per second to validate and load `rows` income rows written as CSV or XLSX."""
    work = OUT / f"import-{fmt}.duckdb"
    shutil.copyfile(db_path, work)
    with Database(work).cursor() as cur:
        frame = cur.execute(
            "SELECT household_id, year, wage_income, crop_income, livestock_income, other_operating_income,"
            " property_income, transfer_income FROM income ORDER BY household_id, year LIMIT $n", {"n": rows}
        ).df()
    frame["wage_income"] += 1  # a real change, so every row is replaced rather than skipped
    source = OUT / f"income-{rows}.{fmt}"
    if fmt == "csv":
        frame.to_csv(source, index=False)
    else:
        frame.to_excel(source, index=False, engine="xlsxwriter")
    start = time.perf_counter()
    report = ingest_files(work, [source])
    seconds = time.perf_counter() - start
    if not report.ok:
        raise RuntimeError(f"bench import refused: {report.problems[:3]}")
    work.unlink()
    return rows / seconds


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
    rows = [(f"import throughput {fmt.upper()}, 100k income rows (rows/s)", f"{import_throughput(ctx.demo, fmt):,.0f}")
            for fmt in ("csv", "xlsx")]
    rows.append(ms("import child start-up, one small file", child_start_up()))
    return rows + summary_timings(ctx.demo, "demo") + summary_timings(ctx.large, f"national [{ctx.large_income_rows:,} rows]")
