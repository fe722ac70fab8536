"""Command line: `python -m analysis <command> [--db PATH] [--json]`.

Calls the same functions as the pages. Results go to stdout (text, or JSON with --json);
errors go to stderr with a non-zero exit. Each module in this package adds its commands with
`register(sub, common)`; `common` carries --db and --json.
"""
from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from collections.abc import Callable

from analysis.config import resolve_db_path
from analysis.regioncodes import is_region_code, region_where

EXIT_REFUSED = 1
EXIT_ERROR = 2


class CommandError(Exception):
    """A user-facing failure: printed to stderr, exit code 2."""


def progress_printer(enabled: bool) -> Callable[[float, str], None] | None:
    if not enabled:
        return None

    def report(fraction: float, message: str) -> None:
        print(f"\r[{fraction:6.1%}] {message[:70]:<70}", end="", file=sys.stderr, flush=True)
        if fraction >= 1:
            print(file=sys.stderr)

    return report


def emit(args: argparse.Namespace, payload: dict, text: str) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2, default=str) if args.json else text)


def region_code(value: str) -> str:
    if not is_region_code(value):
        raise argparse.ArgumentTypeError(f"not a region code (6, 9 or 12 digits): {value!r}")
    return value


def latest_year(cur) -> int:
    """The latest year with income data, the default of every command that takes --year."""
    row = cur.execute("SELECT max(year) FROM income").fetchone()
    if row[0] is None:
        raise CommandError("no income data loaded / 尚未导入收入数据")
    return int(row[0])


def require_income(cur, region: str, year: int) -> None:
    """Refuse a region without household income in `year`: a summary of nothing would print zeros."""
    where, params = region_where(region, "i")
    found = cur.execute(f"SELECT EXISTS (SELECT 1 FROM income i WHERE year = $year AND {where})",
                        {"year": year, **params}).fetchone()[0]
    if not found:
        raise CommandError(f"no household income data for region {region} in {year} "
                           f"/ 地区 {region} 在 {year} 年没有农户收入数据")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=resolve_db_path, default=None,
                        help="database file (default: $INCOMEWATCH_DB or data/incomewatch.duckdb)")
    common.add_argument("--json", action="store_true", help="print JSON")

    parser = argparse.ArgumentParser(prog="python -m analysis", description="Income Watch 增收监测")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{module.name}").register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.db = args.db or resolve_db_path()
    try:
        return args.func(args)
    except (CommandError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
