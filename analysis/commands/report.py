"""`python -m analysis report`: the briefing for a region and year as Word (.docx) or PowerPoint (.pptx)."""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from analysis.commands import CommandError, emit, latest_year, progress_printer, region_code
from analysis.i18n import LANGS, t


def cmd_report(args: argparse.Namespace) -> int:
    from analysis import briefing, export
    from analysis.precompute import command_reader

    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in briefing.WRITERS:
        raise CommandError(f"--out must end in .docx or .pptx / 输出文件须为 .docx 或 .pptx: {args.out}")
    if not args.out.parent.is_dir():
        raise CommandError(f"folder not found / 目录不存在: {args.out.parent}")
    start, progress = time.perf_counter(), progress_printer(True)
    progress(0.0, t("brief_progress_data", args.lang))
    with command_reader(args.db) as (con, fetch):
        year = args.year or latest_year(con)
        document = fetch(briefing.build_briefing, args.region, year, args.lang)
    if not document.sections:  # before the export browser starts: a refusal never waits on it
        raise CommandError(f"no data for region {args.region} in {year} / 该地区该年度没有数据")
    export.warm_up()
    files = briefing.documents(document, (fmt,), progress=progress)
    args.out.write_bytes(files[fmt])
    charts = len(document.charts)
    payload = {"out": str(args.out), "region": args.region, "year": year, "lang": args.lang,
               "sections": len(document.sections), "charts": charts, "tables": len(document.tables),
               "charts_exported": export.available(), "seconds": round(time.perf_counter() - start, 1)}
    emit(args, payload, f"briefing written to {args.out} ({charts} charts, {payload['seconds']} s)"
         + ("" if export.available() else f"; charts not exported, install: {export.INSTALL_HINT}"))
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    report = sub.add_parser("report", parents=[common],
                            help="briefing for a region and year as .docx or .pptx (by the --out extension)")
    report.add_argument("--region", type=region_code, default="000000")
    report.add_argument("--year", type=int, default=None, help="default: latest year with income data")
    report.add_argument("--out", type=Path, required=True, help="FILE.docx or FILE.pptx")
    report.add_argument("--lang", choices=LANGS, default="zh")
    report.set_defaults(func=cmd_report)
