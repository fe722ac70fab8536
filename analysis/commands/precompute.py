"""`python -m analysis precompute`: compute and store the expensive results for the live data version.

Every write starts it in the background (analysis.precompute.after_write); run it by hand after copying a
database in, or to see what it costs.
"""
from __future__ import annotations

import argparse
import sys

from analysis.commands import emit


def cmd_precompute(args: argparse.Namespace) -> int:
    from analysis import precompute

    report = precompute.run(args.db, progress=None if args.json else lambda line: print(line, file=sys.stderr,
                                                                                          flush=True))
    slowest = sorted(report.timings, key=lambda item: -item[1])[:5]
    payload = {"version": report.version, "stored": report.stored, "not_stored": report.failed,
               "seconds": round(report.seconds, 2), "skipped": report.skipped,
               "slowest": [{"call": name, "seconds": round(seconds, 2)} for name, seconds in slowest]}
    text = (f"not computed: {report.skipped}" if report.skipped else
            f"stored {report.stored} results for data version {report.version} in {report.seconds:.1f} s"
            + (f" ({report.failed} not stored: not enough data)" if report.failed else ""))
    emit(args, payload, text)
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("precompute", parents=[common],
                            help="compute and store the pages' expensive results for the current data (预先计算)")
    parser.set_defaults(func=cmd_precompute)
