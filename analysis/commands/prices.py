"""Commands of the price family: `simulate` (a what-if scenario file) and `price-alerts` (current alerts)."""
from __future__ import annotations

import argparse
from pathlib import Path

from analysis.commands import CommandError, emit, latest_year, region_code


def cmd_simulate(args: argparse.Namespace) -> int:
    from analysis.simulate import ScenarioError, scenario_from_toml, simulate
    from analysis.simulate.summary import region_label, summary_sentence
    from analysis.store.connection import connect_read_only

    path = Path(args.scenario)
    if not path.is_file():
        raise CommandError(f"scenario file not found / 情景文件不存在: {path}")
    try:
        scenario = scenario_from_toml(path.read_bytes())
    except ScenarioError as exc:
        raise CommandError("invalid scenario / 情景有误:\n  " + "\n  ".join(
            f"{zh} / {en}" for zh, en in zip(exc.messages("zh"), exc.messages("en"), strict=True))) from exc
    with connect_read_only(args.db) as con:
        year = args.year or latest_year(con)
        result = simulate(con, args.region, year, scenario)
        if not result.totals["households"]:
            raise CommandError(f"no households with income in {args.region} for {year} / 该地区该年度没有农户收入数据")
        name = region_label(con, args.region, args.lang)
    payload = result.to_dict()
    text = summary_sentence(result, args.lang, name) + "\n" + "\n".join(
        f"{key}: {payload[key]}" for key in ("baseline_below_line", "scenario_below_line", "newly_below_line",
                                             "newly_near_line", "income_loss", "newly_below_with_responses"))
    emit(args, payload, text)
    return 0


def cmd_price_alerts(args: argparse.Namespace) -> int:
    from analysis.prices import meeting_alerts, price_region
    from analysis.store.connection import connect_read_only

    with connect_read_only(args.db) as con:
        frame = meeting_alerts(con, args.region)
        frame = frame if args.all else frame[frame["told"]]
        series = price_region(con, args.region)
    frame = frame.assign(date=frame["date"].dt.strftime("%Y-%m"), through=frame["through"].dt.strftime("%Y-%m-%d"))
    rows = [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            for row in frame.to_dict("records")]
    text = f"price series {series}\n" + ("\n".join(
        f"{r['commodity']:<12} {r['date']}{' (to date, through ' + r['through'] + ')' if r['to_date'] else ''} "
        f"price={r['price']:.2f} score={r['score']:+.2f} {r['band']} {r['direction']}"
        f"{'' if r['hurts'] else ' (not the direction that hurts)'}"
        for r in rows) or "no commodity in stress or worse in the direction that hurts / 当前没有不利方向关注及以上的品种")
    emit(args, {"region": args.region, "price_series": series, "alerts": rows}, text)
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    sim = sub.add_parser("simulate", parents=[common], help="run a price what-if scenario (TOML) against the baseline")
    sim.add_argument("--scenario", required=True, help="scenario file (TOML), e.g. data/scenarios/cattle_minus20_6m.toml")
    sim.add_argument("--year", type=int, default=None, help="income year (default: latest)")
    sim.add_argument("--region", type=region_code, default="000000")
    sim.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the text summary")
    sim.set_defaults(func=cmd_simulate)

    alerts = sub.add_parser("price-alerts", parents=[common], help="commodities whose latest price is in stress or worse")
    alerts.add_argument("--region", type=region_code, default="000000")
    alerts.add_argument("--all", action="store_true", help="list every commodity's latest score, not only alerts")
    alerts.set_defaults(func=cmd_price_alerts)
