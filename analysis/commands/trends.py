"""Commands of the income-trend and employment pages: `trend` and `employment`."""
from __future__ import annotations

import argparse
import math

from analysis.commands import CommandError, emit, latest_year, region_code


def cmd_trend(args: argparse.Namespace) -> int:
    from analysis.precompute import command_reader
    from analysis.trends import SOURCES, income_view

    with command_reader(args.db) as (con, fetch):
        year = args.year or latest_year(con)
        view = fetch(income_view, args.region, year)
    if view.series.empty:
        raise CommandError(f"no income data for region {args.region} up to {year} / 该地区没有收入数据")
    yearly = view.series.merge(view.lines, on="year", how="left")
    parts = view.decomposition.set_index("year")
    payload = {
        "region": args.region,
        "yearly": [{"year": int(row.year), "income_per_capita": float(row.income_per_capita),
                    "monitoring_line": None if math.isnan(row.monitoring_line) else float(row.monitoring_line),
                    "growth_pp_by_source": None if row.year not in parts.index else {
                        key: float(parts.at[row.year, key]) for key in (*SOURCES, "total_pp")}}
                   for row in yearly.itertuples()],
        "trend": None if view.fit is None else view.fit.to_dict(),
        "low_and_slow_counties": view.counties.loc[view.counties["low_and_slow"], "code"].tolist(),
    }
    emit(args, payload, _trend_text(payload))
    return 0


def _trend_text(payload: dict) -> str:
    rows = [f"region {payload['region']}", "year  income/person  line"]
    rows += [f"{r['year']}  {r['income_per_capita']:>12,.0f}  {r['monitoring_line'] or float('nan'):>6,.0f}"
             for r in payload["yearly"]]
    fit = payload["trend"]
    if fit is None:
        return "\n".join([*rows, "trend: fewer than 3 years, not fitted"])
    level = f"{fit['confidence']:.0%}"
    if fit["growth_low"] is None:
        rows.append(f"average annual growth {fit['growth']:+.2%} (no interval with {fit['n']} years; {fit['method']})")
        rows.append(f"projection {fit['next_year']}: {fit['projection']:,.0f} (no prediction interval)")
        return "\n".join(rows)
    rows.append(f"average annual growth {fit['growth']:+.2%} ({level} interval {fit['growth_low']:+.2%} to "
                f"{fit['growth_high']:+.2%}; {fit['method']}, n={fit['n']})")
    if fit["latest_downweighted"]:
        rows.append(f"the robust trend line down-weighted {fit['years'][-1]}; growth and projection start from it")
    rows.append(f"projection {fit['next_year']}: {fit['projection']:,.0f} ({level} prediction interval "
                f"{fit['projection_low']:,.0f} to {fit['projection_high']:,.0f}, width {fit['projection_width']:,.0f})")
    return "\n".join(rows)


def cmd_employment(args: argparse.Namespace) -> int:
    from analysis.employment import county_months, county_status, national_target
    from analysis.overview import employment_by_month
    from analysis.store.connection import connect_read_only

    with connect_read_only(args.db) as con:
        year = args.year or latest_year(con)
        monthly = employment_by_month(con, args.region, year)
        status = county_status(county_months(con, args.region, year))
    if monthly.empty:
        raise CommandError(f"no employment data for region {args.region} in {year} / 该地区该年没有务工数据")
    last = monthly.iloc[-1]
    short = status[status["below_target"]]
    payload = {
        "region": args.region, "year": year, "national_target": national_target(),
        "monthly": [{"month": str(row.month)[:7], "migrant_workers": int(row.migrant_workers),
                     "target": None if math.isnan(row.target) else int(row.target)} for row in monthly.itertuples()],
        "latest_share_of_target": float(last["migrant_workers"] / last["target"]) if last["target"] else None,
        "counties": int(status["share"].notna().sum()),
        "counties_below_target": short["code"].tolist(),
        "counties_short_in_some_month": status.loc[status["months_below"] > 0, "code"].tolist(),
    }
    share = payload["latest_share_of_target"]
    text = "\n".join([f"region {args.region}, {year}",
                      *(f"{m['month']}  workers {m['migrant_workers']:>10,}  target {m['target'] or 0:>10,}"
                        for m in payload["monthly"]),
                      f"latest share of target: {'—' if share is None else f'{share:.1%}'}",
                      f"counties below target now: {len(short)} of {payload['counties']}; short in some month: "
                      f"{len(payload['counties_short_in_some_month'])}"])
    emit(args, payload, text)
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    trend = sub.add_parser("trend", parents=[common],
                           help="yearly per-capita income, fitted growth and next year's projection")
    trend.add_argument("--region", type=region_code, default="000000")
    trend.add_argument("--year", type=int, help="last year of the series (default: latest)")
    trend.set_defaults(func=cmd_trend)

    jobs = sub.add_parser("employment", parents=[common], help="migrant workers against target by month")
    jobs.add_argument("--region", type=region_code, default="000000")
    jobs.add_argument("--year", type=int, help="default: latest income year")
    jobs.set_defaults(func=cmd_employment)
