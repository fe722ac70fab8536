"""Flood timings: the estimates, the what-if and the green channel on the demo; estimates on the national world.

On the national world each estimate runs once (a full pass over ≈180M income rows); the household-level
income-mix split is measured on one province only.
"""
from __future__ import annotations

import time
from pathlib import Path

from analysis.bench import YEAR, BenchContext, ms, timed
from analysis.floods import estimate, events, whatif
from analysis.store.connection import Database

MODELS = (estimate.flood_effect, estimate.effect_by_severity, estimate.flood_models,
          estimate.effect_by_income_mix)
PROVINCE = "620000"


def _demo(path: Path) -> list[tuple[str, str]]:
    db = Database(path)
    rows = []
    with db.cursor() as cur:
        for model in MODELS:
            rows.append(ms(f"floods demo {model.__name__} region=000000", timed(lambda m=model: m(cur, "000000"), 3)))
        pooled = estimate.flood_effect(cur, "000000").term("flood")
        effects = (pooled["ci_low"], pooled["effect"], pooled["ci_high"])
        rows.append(("floods demo flood-year effect [interval]",
                     f"{pooled['effect']:+.3f} [{pooled['ci_low']:+.3f}, {pooled['ci_high']:+.3f}]"))
        main = estimate.flood_effect(cur, "000000")
        rows.append(("floods demo effects by event year 0/+1/+2, inference", " / ".join(
            f"{r['effect']:+.3f}" for r in main.effects_by_year()) + f", {main.inference.split(':')[0]}"))
        prone = tuple(whatif.region_counties(cur, "000000", YEAR).county_code.head(3))
        everything = tuple(whatif.region_counties(cur, "000000", YEAR).county_code)
        rows.append(ms("floods demo what-if + green channel, 3 counties",
                       timed(lambda: whatif.green_channel(whatif.what_if(cur, YEAR, prone, effects)))))
        rows.append(ms(f"floods demo what-if + green channel, all {len(everything)} counties",
                       timed(lambda: whatif.green_channel(whatif.what_if(cur, YEAR, everything, effects)), 3)))
        rows.append(ms("floods demo county outlines", timed(lambda: events.region_outlines(cur, "000000"))))
    db.close()
    return rows


def _large(path: Path, income_rows: int) -> list[tuple[str, str]]:
    """One run each: the first query of a region is what a user waits for (cached afterwards per data version)."""
    db = Database(path)
    rows = []
    with db.cursor() as cur:
        for region, models in ((PROVINCE, MODELS), ("000000", (estimate.flood_models,))):
            for model in models:
                start = time.perf_counter()
                result = model(cur, region)
                rows.append(ms(f"floods national world [{income_rows:,} rows] {model.__name__} region={region}",
                               time.perf_counter() - start))
        pooled = result.main.term("flood")
        rows.append(("floods national world effect [interval]",
                     f"{pooled['effect']:+.3f} [{pooled['ci_low']:+.3f}, {pooled['ci_high']:+.3f}]"))
    db.close()
    return rows


def run(ctx: BenchContext) -> list[tuple[str, str]]:
    return _demo(ctx.demo) + (_large(ctx.large, ctx.large_income_rows) if ctx.large else [])
