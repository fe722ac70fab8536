"""Command of the risk map: `riskmap` prints a metric per unit with its rank and class, as the map shows it."""
from __future__ import annotations

import argparse

from analysis import riskmetrics
from analysis.commands import CommandError, emit, latest_year, region_code


def cmd_riskmap(args: argparse.Namespace) -> int:
    from analysis import riskmap
    from analysis.dataset import needs_refresh
    from analysis.store.connection import connect_read_only

    with connect_read_only(args.db) as con:
        if needs_refresh(con):
            raise CommandError("the county sums are missing or outdated: run `python -m analysis refresh` first "
                               "/ 县级汇总缺失或过期：请先运行 `python -m analysis refresh`")
        year = args.year or latest_year(con)
        if args.level in ("township", "village"):
            basis = riskmap.county_values(con, year, args.metric)  # the pages' class basis: every county
            units = riskmap.ranked(riskmap.unit_metrics(con, args.region, year, args.level), args.metric)
            rows = units.sort_values(["rank", "code"])[["code", "name", "households", "value", "rank"]]
            rows = rows.to_dict("records")
        else:  # province, city or county: summed and ranked from the county sums, as the map page shows them
            rows, basis = riskmap.ranked_from_counties(con, args.region, year, args.level, args.metric)
    if not rows:
        raise CommandError(f"no households in {args.region} in {year} / 该地区该年度没有农户数据")
    settings = riskmap.MapSettings(args.metric, args.method, args.classes, args.thresholds or (), level=args.level)
    breaks = settings.breaks({args.metric: basis})
    classes = riskmap.classify([row["value"] for row in rows], breaks)
    rows = [{**row, "class": int(c)} for row, c in zip(rows, classes, strict=True)]
    payload = {"region": args.region, "year": year, "level": args.level, "metric": args.metric,
               "method": args.method, "breaks": list(breaks), "units": rows}
    text = "\n".join(f"{r['rank']:>5.0f}  {r['code']}  {r['name']:<12} {r['value']:10.4f}  class {r['class']}"
                     for r in rows)
    emit(args, payload, f"{args.metric} {year}, breaks {[round(b, 4) for b in breaks]}\n{text}")
    return 0


def _thresholds(value: str) -> tuple[float, ...]:
    from analysis.riskmap import parse_thresholds

    parsed = parse_thresholds(value)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"thresholds like 2,5,10: {value!r}")
    return parsed


def register(sub, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("riskmap", parents=[common], help="a risk-map metric per unit, ranked and classed")
    parser.add_argument("--region", type=region_code, default="000000")
    parser.add_argument("--level", choices=tuple(riskmetrics.CHILD_LEVEL.values()), default="county")
    parser.add_argument("--metric", choices=tuple(riskmetrics.METRICS), default="below_share")
    parser.add_argument("--method", choices=riskmetrics.METHODS, default="quantile")
    parser.add_argument("--classes", type=int, default=riskmetrics.DEFAULT_CLASSES,
                        choices=range(riskmetrics.CLASS_RANGE[0], riskmetrics.CLASS_RANGE[1] + 1))
    parser.add_argument("--thresholds", type=_thresholds, help="with --method manual: e.g. 2,5,10 (percent)")
    parser.add_argument("--year", type=int)
    parser.set_defaults(func=cmd_riskmap)
