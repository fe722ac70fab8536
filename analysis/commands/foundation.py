"""Commands of the foundation: build the demo world, import files, headline summary, what is loaded."""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from analysis.commands import (
    EXIT_REFUSED,
    CommandError,
    emit,
    latest_year,
    progress_printer,
    region_code,
    require_income,
)


def cmd_demo(args: argparse.Namespace) -> int:
    from analysis.demo import build_demo

    provinces = "all" if args.provinces == "all" else tuple(
        code if len(code) == 6 else code.ljust(6, "0") for code in args.provinces.split(",")
    )
    stats = build_demo(
        args.db, provinces=provinces, households=args.households, seed=args.seed,
        progress=progress_printer(not args.json),
    )
    payload = {"db": str(args.db), **stats.__dict__}
    emit(args, payload, f"demo world written to {args.db}: " + ", ".join(f"{k}={v}" for k, v in stats.__dict__.items()))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from analysis.access.audit import record_command
    from analysis.privacy import IdKeyError
    from analysis.store.ingest import LegacyHashes, format_problems, ingest_files

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise CommandError("file not found / 文件不存在: " + ", ".join(missing))
    try:
        report = ingest_files(args.db, [Path(f) for f in args.files], kind=args.kind, sheet=args.sheet,
                              progress=progress_printer(not args.json))
    except (LegacyHashes, IdKeyError) as exc:
        raise CommandError(str(exc)) from None
    record_command(args.db, "import", ", ".join(Path(f).name for f in args.files),
                   rows=sum(f.rows or 0 for f in report.files), filters={"ok": report.ok, "kind": args.kind})
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        for item in report.files:
            print(f"{item.name}: {item.status} kind={item.kind} rows read={item.rows_read} "
                  f"skipped={item.rows_skipped} data={item.rows} loaded={item.rows_loaded} "
                  f"(inserted={item.inserted} replaced={item.replaced})")
        if report.problems:
            print(format_problems(report.problems), file=sys.stderr)
    return 0 if report.ok else EXIT_REFUSED


def cmd_summary(args: argparse.Namespace) -> int:
    from analysis.store.connection import connect_read_only
    from analysis.summary import region_summary

    with connect_read_only(args.db) as con:
        year = args.year or latest_year(con)
        require_income(con, args.region, year)
        summary = region_summary(con, args.region, year)
    payload = summary.to_dict()
    emit(args, payload, "\n".join(f"{k}: {v}" for k, v in payload.items()))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from analysis.dataset import dataset_info
    from analysis.store.connection import connect_read_only

    with connect_read_only(args.db) as con:
        info = dataset_info(con)
    emit(args, info, "\n".join(f"{k}: {v}" for k, v in info.items()))
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from analysis.store.connection import write_transaction
    from analysis.store.ingest import upgrade_id_hashes
    from analysis.store.summaries import refresh_county_year

    if not Path(args.db).is_file():
        raise CommandError(f"database not found / 数据库不存在: {args.db}")
    with write_transaction(args.db, extracts=False) as con:  # county sums read no department extract
        refresh_county_year(con)
        counties, years = con.execute("SELECT count(DISTINCT county_code), count(DISTINCT year) FROM county_year"
                                      ).fetchone()
    rekeyed = upgrade_id_hashes(args.db)
    emit(args, {"counties": counties, "years": years, "id_hashes_rekeyed": rekeyed},
         f"county sums rebuilt: {counties} counties × {years} years"
         + (f"; {rekeyed} ID hashes re-keyed with the ID key, salt file removed" if rekeyed else ""))
    return 0


def cmd_partition(args: argparse.Namespace) -> int:
    from analysis.store.connection import partition
    from analysis.store.partitions import parts_dir

    if not Path(args.db).is_file():
        raise CommandError(f"database not found / 数据库不存在: {args.db}")
    files = partition(args.db)
    emit(args, {"provinces": len(files), "folder": str(parts_dir(Path(args.db)))},
         f"household and income rows kept in {len(files)} province files under {parts_dir(Path(args.db))}; "
         "imports now rewrite only the provinces they touch")
    return 0


def cmd_remove_household(args: argparse.Namespace) -> int:
    from analysis.access.audit import record_command
    from analysis.store.ingest import remove_households

    if not Path(args.db).is_file():
        raise CommandError(f"database not found / 数据库不存在: {args.db}")
    removal = remove_households(args.db, args.household_id, actor=args.actor)
    record_command(args.db, "remove_household", ", ".join(removal.household_ids)[:500], rows=removal.households,
                   filters={"actor": removal.actor, "income_rows": removal.income_rows})
    payload = {"removed": list(removal.household_ids), "not_found": list(removal.not_found),
               "households": removal.households, "income_rows": removal.income_rows, "actor": removal.actor,
               "at": removal.at.isoformat()}
    emit(args, payload, f"removed {removal.households} households and {removal.income_rows} income rows"
         + (f"; not found / 未找到: {', '.join(removal.not_found)}" if removal.not_found else ""))
    return 0 if not removal.not_found else EXIT_REFUSED


def register(sub, common: argparse.ArgumentParser) -> None:
    demo = sub.add_parser("demo", parents=[common], help="build the synthetic demo world")
    demo.add_argument("--provinces", default="62,64", help="comma-separated province codes, or 'all'")
    demo.add_argument("--households", type=int, default=200_000)
    demo.add_argument("--seed", type=int, default=20231)
    demo.set_defaults(func=cmd_demo)

    ingest = sub.add_parser("ingest", parents=[common], help="validate and load files (CSV, XLSX)")
    ingest.add_argument("files", nargs="+")
    ingest.add_argument("--kind", choices=["households", "income", "prices", "disasters", "employment", "thresholds"])
    ingest.add_argument("--sheet", help="XLSX sheet to read (default: the only visible sheet with data)")
    ingest.set_defaults(func=cmd_ingest)

    summary = sub.add_parser("summary", parents=[common], help="headline figures for a region and year")
    summary.add_argument("--region", type=region_code, default="000000")
    summary.add_argument("--year", type=int, default=None, help="default: latest year with income data")
    summary.set_defaults(func=cmd_summary)

    refresh = sub.add_parser("refresh", parents=[common],
                             help="upgrade a database written by an older version (added columns and views, ID hashes re-keyed) and rebuild the county sums")
    refresh.set_defaults(func=cmd_refresh)

    split = sub.add_parser("partition", parents=[common],
                           help="keep household and income rows in one file per province, so that an import "
                                "rewrites only the provinces it touches (for large worlds; readers need no change)")
    split.set_defaults(func=cmd_partition)

    remove = sub.add_parser("remove-household", parents=[common],
                            help="remove households and their income rows (recorded in the import log)")
    remove.add_argument("--household-id", action="append", required=True, help="户编号; repeat for several")
    remove.add_argument("--actor", default=getpass.getuser(), help="who asked for the removal (default: this user)")
    remove.set_defaults(func=cmd_remove_household)

    info = sub.add_parser("info", parents=[common], help="what is loaded")
    info.set_defaults(func=cmd_info)
