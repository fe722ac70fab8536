"""Commands of the screening family: `screen` (rule counts) and `risk` (out-of-year model evaluation)."""
from __future__ import annotations

import argparse
from pathlib import Path

from analysis.commands import CommandError, emit, latest_year, region_code, require_income


def cmd_screen(args: argparse.Namespace) -> int:
    from analysis import screening
    from analysis.precompute import command_reader

    try:
        rules = screening.load_rules(args.rules)
    except (screening.RulesError, FileNotFoundError) as exc:
        raise CommandError(f"screening rules / 筛查规则: {exc}") from None
    with command_reader(args.db) as (con, fetch):
        year = args.year or latest_year(con)
        require_income(con, args.region, year)
        counts = fetch(screening.screening_counts, args.region, year, rules)
    totals = screening.screening_totals(counts, rules)
    payload = {"region": args.region, "year": year, **totals.to_dict()}
    lines = [f"{key}: {value}" for key, value in payload.items() if key != "by_reason"]
    lines += [f"  {rule.id} ({rule.name_zh}): {totals.by_reason[rule.id]}" for rule in rules]
    emit(args, payload, "\n".join(lines))
    return 0


def cmd_risk(args: argparse.Namespace) -> int:
    from analysis import riskmodel
    from analysis.precompute import command_reader

    with command_reader(args.db) as (con, fetch):
        try:
            year = fetch(riskmodel.evaluation_year, args.year or latest_year(con))
            result = fetch(riskmodel.evaluate, args.region, year)
        except riskmodel.NotEnoughData as exc:
            raise CommandError(f"risk model / 风险模型: {exc}") from None
    payload = {
        "region": args.region, "fitted_on_outcomes_through": year, "evaluated_on": f"{year}->{year + 1}",
        "households": result.households, "below_line_next_year": result.positives,
        "visit_list_size": result.list_size, "visit_list_share": result.list_share,
        "rankings": result.table().round(4).to_dict(orient="records"),
        "auc_gain_over_distance": [round(v, 4) for v in (result.auc_gain, result.auc_gain_low, result.auc_gain_high)],
        "fit_observations": result.model.observations,
        "odds_ratios": result.model.odds_ratios().round(4).to_dict(orient="records"),
    }
    emit(args, payload, "\n".join(f"{k}: {v}" for k, v in payload.items() if k not in ("odds_ratios", "rankings"))
         + "\n" + result.table().round(3).to_string(index=False))
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    screen = sub.add_parser("screen", parents=[common], help="screen households by the rules (应纳尽纳)")
    screen.add_argument("--year", type=int, default=None, help="default: latest year with income data")
    screen.add_argument("--region", type=region_code, default="000000")
    screen.add_argument("--rules", type=Path, default=None, help="rules file (default: data/screening_rules.toml)")
    screen.set_defaults(func=cmd_screen)

    risk = sub.add_parser("risk", parents=[common],
                          help="fit the risk model and judge it on the next year, against income ÷ line and the below-line rule")
    risk.add_argument("--year", type=int, default=None,
                      help="last outcome year fitted; judged on year -> year+1 (default: the latest possible)")
    risk.add_argument("--region", type=region_code, default="000000")
    risk.set_defaults(func=cmd_risk)
