"""`flood-effect`: what a flood does to per-capita net income in a region, with its interval."""
from __future__ import annotations

import argparse

from analysis.commands import EXIT_REFUSED, CommandError, emit, region_code


def _line(row: dict) -> str:
    return f"{row['effect']:+.1%} [{row['ci_low']:+.1%}, {row['ci_high']:+.1%}]"


def cmd_flood_effect(args: argparse.Namespace) -> int:
    from analysis.floods.estimate import effect_by_income_mix, flood_models
    from analysis.floods.labels import status_message
    from analysis.floods.panel import check_estimation_region
    from analysis.store.connection import connect_read_only

    try:
        check_estimation_region(args.region)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    with connect_read_only(args.db) as con:
        models = flood_models(con, args.region)
        pooled = models.main
        details = [models.severity, effect_by_income_mix(con, args.region)] if args.detail and pooled.ok else []
    counts = {key: getattr(pooled, key) for key in ("n_obs", "n_households", "n_clusters", "n_prefectures",
                                                    "n_flooded_prefectures", "n_flooded_counties", "n_flooded")}
    if not pooled.ok:
        message = status_message(pooled.status, "en", region=args.region, clusters=pooled.n_clusters,
                                 flooded=pooled.n_flooded_counties)
        emit(args, {"region": args.region, "status": pooled.status, "message": message, "effect": None,
                    "ci_low": None, "ci_high": None, "effects_by_year": [], **counts, "method": pooled.method,
                    "inference": None}, message)
        return EXIT_REFUSED
    row = pooled.term("flood")
    payload = {"region": args.region, "status": pooled.status, "effect": row["effect"], "ci_low": row["ci_low"],
               "ci_high": row["ci_high"], "p_value": row["p_value"], "effects_by_year": pooled.effects_by_year(),
               **counts, "pretrend_p": pooled.pretrend_p, "method": pooled.method, "inference": pooled.inference}
    text = [f"flood-year effect on per-capita net income, region {args.region}: {_line(row)} "
            f"(n_obs={pooled.n_obs} county-years, {pooled.n_clusters} counties, {pooled.n_flooded_counties} "
            f"flooded counties)"]
    text += [f"  year +{r['event_time']}: {_line(r)}" for r in pooled.effects_by_year() if r["event_time"] > 0]
    if pooled.pretrend_p is not None:
        text.append(f"  placebo one year before the flood: randomization p = {pooled.pretrend_p:.3f}")
    for estimate in details:
        payload[estimate.model] = estimate.to_dict()
        text += [f"  {estimate.model} {r['term']}: {_line(r)}" for r in estimate.effects.to_dict("records")
                 if r.get("ci_low") == r.get("ci_low") and r.get("ci_low") is not None]
    text += [f"method: {pooled.method}", f"inference: {pooled.inference}"]
    emit(args, payload, "\n".join(text))
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    effect = sub.add_parser("flood-effect", parents=[common],
                            help="measured effect of floods on per-capita net income (imputation estimator, staggered floods)")
    effect.add_argument("--region", type=region_code, default="000000", help="county, city, province or 000000")
    effect.add_argument("--detail", action="store_true", help="also by severity and income mix")
    effect.set_defaults(func=cmd_flood_effect)
