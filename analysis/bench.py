"""`make bench`: measured timings, printed as a table (never asserted in tests).

Worlds are built once into bench-out/ and reused: the demo (200k households) and a large world of
about 10 million income rows across all provinces.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from analysis.config import PROJECT_ROOT
from analysis.demo import build_demo
from analysis.store.connection import Database
from analysis.store.ingest import ingest_files
from analysis.summary import region_summary

OUT = PROJECT_ROOT / "bench-out"
YEAR = 2024


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time in seconds of `repeat` warm runs (one unmeasured warm-up)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def world(name: str, households: int, provinces, rebuild: bool) -> tuple[Path, float | None]:
    path = OUT / f"{name}.duckdb"
    if path.exists() and not rebuild:
        return path, None
    start = time.perf_counter()
    build_demo(path, provinces=provinces, households=households)
    return path, time.perf_counter() - start


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


def summary_timings(db_path: Path, label: str) -> list[tuple[str, float]]:
    db = Database(db_path)
    with db.cursor() as cur:
        county = cur.execute("SELECT county_code FROM households LIMIT 1").fetchone()[0]
    results = []
    for code in ("000000", county[:2] + "0000", county):
        def run(code=code):
            with db.cursor() as cur:
                region_summary(cur, code, YEAR)
        results.append((f"summary {label} region={code}", timed(run)))
    db.close()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Income Watch benchmarks")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the benchmark worlds")
    parser.add_argument("--large-households", type=int, default=1_700_000,
                        help="households in the large world (x6 years of income rows)")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    rows: list[tuple[str, str]] = []

    demo, demo_seconds = world("demo", 200_000, ("620000", "640000"), rebuild=True)
    rows.append(("demo build, 200k households (s)", f"{demo_seconds:.1f}"))
    for fmt in ("csv", "xlsx"):
        rows.append((f"import throughput {fmt.upper()}, 100k income rows (rows/s)",
                     f"{import_throughput(demo, fmt):,.0f}"))
    rows += [(name + " (ms)", f"{s * 1000:.1f}") for name, s in summary_timings(demo, "demo")]

    large, large_seconds = world("large", args.large_households, "all", rebuild=args.rebuild)
    with Database(large).cursor() as cur:
        income_rows = cur.execute("SELECT count(*) FROM income").fetchone()[0]
    if large_seconds is not None:
        rows.append((f"large world build, {args.large_households:,} households (s)", f"{large_seconds:.1f}"))
    rows += [(f"{name} [{income_rows:,} income rows] (ms)", f"{s * 1000:.1f}")
             for name, s in summary_timings(large, "large")]

    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:>12}")


if __name__ == "__main__":
    main()
