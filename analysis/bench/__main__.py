"""Run every bench module on the demo and national worlds and print one table."""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import time
from pathlib import Path

import analysis.bench as bench
from analysis import precompute
from analysis.bench import OUT, BenchContext, show
from analysis.demo import build_demo
from analysis.store.connection import Database


def world(name: str, households: int, provinces, rebuild: bool) -> tuple[Path, float | None]:
    """The world's file, and its build time when it was (re)built now."""
    path = OUT / f"{name}.duckdb"
    if path.exists() and not rebuild:
        return path, None
    start = time.perf_counter()
    build_demo(path, provinces=provinces, households=households)
    return path, time.perf_counter() - start


def national_world(args: argparse.Namespace) -> tuple[Path | None, int]:
    """The national world's file and income rows; built only with --rebuild (hours and 7 GB on a small machine)."""
    if args.large is None and args.rebuild:
        large, seconds = world("large", args.large_households, "all", rebuild=True)
        show([(f"national world build, {args.large_households:,} households (s)", f"{seconds:.1f}")])
    else:
        large = args.large or OUT / "large.duckdb"
    if not large.exists():
        show([("national world", "not here: national rows skipped (--large PATH, or --rebuild to build it)")])
        return None, 0
    with Database(large).cursor() as cur:
        income_rows = cur.execute("SELECT count(*) FROM income").fetchone()[0]
    show([("national world income rows", f"{income_rows:,}")])
    return large, income_rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m analysis.bench", description="Income Watch benchmarks")
    parser.add_argument("--rebuild", action="store_true", help="build (or rebuild) the national world")
    parser.add_argument("--large", type=Path, default=None,
                        help="an existing national world to measure (default: bench-out/large.duckdb if present)")
    parser.add_argument("--large-households", type=int, default=30_000_000,
                        help="households in the national world (x6 years of income rows)")
    parser.add_argument("--only", help="run only this bench module (e.g. foundation)")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    os.environ.setdefault(precompute.MODE_ENV, "off")  # no job computing beside the measurements

    demo, demo_seconds = world("demo", 200_000, ("620000", "640000"), rebuild=True)
    show([("demo build, 200k households (s)", f"{demo_seconds:.1f}")])
    large, income_rows = national_world(args)
    ctx = BenchContext(demo=demo, large=large, large_income_rows=income_rows)

    for module in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if module.name.startswith("_") or (args.only and module.name != args.only):
            continue
        show(importlib.import_module(f"analysis.bench.{module.name}").run(ctx))


if __name__ == "__main__":
    main()
