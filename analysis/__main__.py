"""Command line: `python -m analysis <command> [--db PATH] [--json]`.

Calls the same functions as the pages. Results go to stdout (text, or JSON with --json);
errors go to stderr with a non-zero exit.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from analysis.config import resolve_db_path
from analysis.regioncodes import is_region_code

EXIT_REFUSED = 1
EXIT_ERROR = 2


class CommandError(Exception):
    """A user-facing failure: printed to stderr, exit code 2."""


def _progress_printer(enabled: bool) -> Callable[[float, str], None] | None:
    if not enabled:
        return None

    def report(fraction: float, message: str) -> None:
        print(f"\r[{fraction:6.1%}] {message[:70]:<70}", end="", file=sys.stderr, flush=True)
        if fraction >= 1:
            print(file=sys.stderr)

    return report


def _emit(args: argparse.Namespace, payload: dict, text: str) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2, default=str) if args.json else text)


def _region_code(value: str) -> str:
    if not is_region_code(value):
        raise argparse.ArgumentTypeError(f"not a region code (6, 9 or 12 digits): {value!r}")
    return value


def cmd_demo(args: argparse.Namespace) -> int:
    from analysis.demo import build_demo

    provinces = "all" if args.provinces == "all" else tuple(
        code if len(code) == 6 else code.ljust(6, "0") for code in args.provinces.split(",")
    )
    stats = build_demo(
        args.db, provinces=provinces, households=args.households, seed=args.seed,
        progress=_progress_printer(not args.json),
    )
    payload = {"db": str(args.db), **stats.__dict__}
    _emit(args, payload, f"demo world written to {args.db}: " + ", ".join(f"{k}={v}" for k, v in stats.__dict__.items()))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from analysis.store.ingest import format_problems, ingest_files

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise CommandError("file not found / 文件不存在: " + ", ".join(missing))
    report = ingest_files(args.db, [Path(f) for f in args.files], kind=args.kind,
                          progress=_progress_printer(not args.json))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        for item in report.files:
            print(f"{item.name}: {item.status} kind={item.kind} rows={item.rows} "
                  f"inserted={item.inserted} replaced={item.replaced}")
        if report.problems:
            print(format_problems(report.problems), file=sys.stderr)
    return 0 if report.ok else EXIT_REFUSED


def _latest_year(cur) -> int:
    row = cur.execute("SELECT max(year) FROM income").fetchone()
    if row[0] is None:
        raise CommandError("no income data loaded / 尚未导入收入数据")
    return int(row[0])


def cmd_summary(args: argparse.Namespace) -> int:
    from analysis.store.connection import connect_read_only
    from analysis.summary import region_summary

    with connect_read_only(args.db) as con:
        year = args.year or _latest_year(con)
        summary = region_summary(con, args.region, year)
    payload = summary.to_dict()
    _emit(args, payload, "\n".join(f"{k}: {v}" for k, v in payload.items()))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from analysis.dataset import dataset_info
    from analysis.store.connection import connect_read_only

    with connect_read_only(args.db) as con:
        info = dataset_info(con)
    _emit(args, info, "\n".join(f"{k}: {v}" for k, v in info.items()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=resolve_db_path, default=None,
                        help="database file (default: $INCOMEWATCH_DB or data/incomewatch.duckdb)")
    common.add_argument("--json", action="store_true", help="print JSON")

    parser = argparse.ArgumentParser(prog="python -m analysis", description="Income Watch 增收监测")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", parents=[common], help="build the synthetic demo world")
    demo.add_argument("--provinces", default="62,64", help="comma-separated province codes, or 'all'")
    demo.add_argument("--households", type=int, default=200_000)
    demo.add_argument("--seed", type=int, default=20231)
    demo.set_defaults(func=cmd_demo)

    ingest = sub.add_parser("ingest", parents=[common], help="validate and load files (CSV, XLSX)")
    ingest.add_argument("files", nargs="+")
    ingest.add_argument("--kind", choices=["households", "income", "prices", "disasters", "employment", "thresholds"])
    ingest.set_defaults(func=cmd_ingest)

    summary = sub.add_parser("summary", parents=[common], help="headline figures for a region and year")
    summary.add_argument("--region", type=_region_code, default="000000")
    summary.add_argument("--year", type=int, default=None, help="default: latest year with income data")
    summary.set_defaults(func=cmd_summary)

    info = sub.add_parser("info", parents=[common], help="what is loaded")
    info.set_defaults(func=cmd_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.db = args.db or resolve_db_path()
    try:
        return args.func(args)
    except (CommandError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
