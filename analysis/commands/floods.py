"""`flood-effect`: what a flood does to per-capita net income in a region, with its interval."""
from __future__ import annotations

import argparse

from analysis.commands import EXIT_REFUSED, CommandError, emit, region_code


def _line(row: dict) -> str:
    return f"{row['effect']:+.1%} [{row['ci_low']:+.1%}, {row['ci_high']:+.1%}]"


def cmd_flood_effect(args: argparse.Namespace) -> int:
    from analysis.floods.estimate import effect_by_income_mix, effect_by_severity, event_study, flood_effect
    from analysis.floods.labels import status_message
    from analysis.floods.panel import check_estimation_region
    from analysis.store.connection import connect_read_only

    try:
        check_estimation_region(args.region)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    with connect_read_only(args.db) as con:
        pooled = flood_effect(con, args.region)
        details = [model(con, args.region) for model in (effect_by_severity, event_study, effect_by_income_mix)
                   ] if args.detail and pooled.ok else []
    counts = {key: getattr(pooled, key) for key in ("n_obs", "n_households", "n_clusters", "n_flooded_counties",
                                                    "n_flooded")}
    if not pooled.ok:
        message = status_message(pooled.status, "en", region=args.region, clusters=pooled.n_clusters,
                                 flooded=pooled.n_flooded_counties)
        emit(args, {"region": args.region, "status": pooled.status, "message": message, "effect": None,
                    "ci_low": None, "ci_high": None, **counts, "method": pooled.method}, message)
        return EXIT_REFUSED
    row = pooled.term("flood")
    payload = {"region": args.region, "status": pooled.status, "effect": row["effect"], "ci_low": row["ci_low"],
               "ci_high": row["ci_high"], "p_value": row["p_value"], **counts, "method": pooled.method}
    text = [f"flood effect on per-capita net income, region {args.region}: {_line(row)} "
            f"(n_obs={pooled.n_obs} county-years, {pooled.n_clusters} counties, {pooled.n_flooded} flooded)"]
    for estimate in details:
        payload[estimate.model] = estimate.to_dict()
        text += [f"  {estimate.model} {r['term']}: {_line(r)}" for r in estimate.effects.to_dict("records")
                 if r.get("ci_low") == r.get("ci_low") and r.get("ci_low") is not None]
        if estimate.pretrend_p is not None:
            text.append(f"  pre-trend joint test p = {estimate.pretrend_p:.3f}")
    text.append(f"method: {pooled.method}")
    emit(args, payload, "\n".join(text))
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    effect = sub.add_parser("flood-effect", parents=[common],
                            help="measured effect of floods on per-capita net income (TWFE DiD, county-clustered)")
    effect.add_argument("--region", type=region_code, default="000000", help="county, city, province or 000000")
    effect.add_argument("--detail", action="store_true", help="also by severity, event study and income mix")
    effect.set_defaults(func=cmd_flood_effect)
