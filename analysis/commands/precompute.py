"""`python -m analysis precompute`: compute and store the expensive results for the live data version.

Every write starts it in the background (analysis.precompute.after_write); run it by hand after copying a
database in, or to see what it costs: it prints every step's time, the job's peak memory and the DuckDB
settings it ran with (`--json` for all of it as JSON). It lowers its own priority (nice 10), as the
background job does, and resumes where a killed run stopped.
"""
from __future__ import annotations

import argparse
import os
import sys

from analysis.commands import emit

NICE = 10  # visitors' pages come before the job


def cmd_precompute(args: argparse.Namespace) -> int:
    from analysis import precompute

    os.nice(max(0, NICE - os.nice(0)))
    report = precompute.run(args.db, progress=None if args.json else lambda line: print(line, file=sys.stderr,
                                                                                          flush=True))
    payload = {"version": report.version, "stored": report.stored, "not_stored": report.failed,
               "resumed": report.resumed, "seconds": round(report.seconds, 2), "skipped": report.skipped,
               "peak_rss_mb": report.peak_rss_mb, "settings": report.settings,
               "steps": [{"call": step["label"], "seconds": step["seconds"], "rss_mb": step["rss_mb"]}
                         | ({"read_ms": round(precompute.read_ms(args.db, report.version, step["key"]), 1)}
                            if args.read_times else {}) for step in report.steps]}
    slowest = sorted(report.steps, key=lambda step: -step["seconds"])[:5]
    text = (f"not computed: {report.skipped}" if report.skipped else
            f"stored {report.stored} results for data version {report.version} in {report.seconds:.1f} s"
            + (f", {report.resumed} kept from an interrupted run" if report.resumed else "")
            + (f" ({report.failed} not stored: not enough data)" if report.failed else "")
            + f"; peak memory {report.peak_rss_mb:.0f} MB, DuckDB {report.settings}\nslowest: "
            + ", ".join(f"{step['label']} {step['seconds']:.1f} s" for step in slowest))
    emit(args, payload, text)
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("precompute", parents=[common],
                            help="compute and store the pages' expensive results for the current data (预先计算)")
    parser.add_argument("--read-times", action="store_true",
                        help="also measure reading each stored result back (CPU ms, what a first view pays)")
    parser.set_defaults(func=cmd_precompute)
