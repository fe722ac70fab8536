"""Income-trend timings: the income page's one scan, the trend fit, growth decompositions and county
scatter computed from it, income bands and employment, for a province and the nation, on the demo
and national worlds; plus the fitted growth and projection found there."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import employment, trends
from analysis.bench import YEAR, BenchContext, ms, timed
from analysis.regioncodes import region_level
from analysis.store.connection import Database

PROVINCE = "620000"


def _from_sums(sums: pd.DataFrame, region: str) -> None:
    """The computing part of income_view once the scan is done."""
    level = region_level(region)
    series = trends.per_capita(sums, level)
    trends.fit_trend(series["year"], series["income_per_capita"])
    trends.growth_decomposition(series)
    trends.growth_decomposition(trends.per_capita(sums, trends.CHILD_LEVEL[level]), by="code")
    trends.county_growth(trends.per_capita(sums, "county"), pd.Series({"000000": 7400.0}), YEAR, 3)


def _region(cur, region: str, label: str, repeat: int) -> list[tuple[str, str]]:
    sums = trends.income_sums(cur, region, YEAR)
    steps = {
        "income page scan (sums by county, year, source)": lambda: trends.income_sums(cur, region, YEAR),
        "trend + decomposition + county scatter (income_view, scan included)":
            lambda: trends.income_view(cur, region, YEAR),
        "  of which computing from the sums": lambda: _from_sums(sums, region),
        "income bands by household type": lambda: trends.income_bands(cur, region, YEAR),
        "employment by county and month": lambda: employment.county_months(cur, region, YEAR),
    }
    rows = [ms(f"{name} {label} region={region}", timed(step, repeat=repeat)) for name, step in steps.items()]
    fit = trends.income_view(cur, region, YEAR).fit
    return rows + [
        (f"fitted growth {label} region={region}", f"{fit.growth:+.2%} [{fit.growth_low:+.2%}, {fit.growth_high:+.2%}]"),
        (f"projection {fit.next_year} {label} region={region} (yuan)",
         f"{fit.projection:,.0f} [{fit.projection_low:,.0f}, {fit.projection_high:,.0f}]"),
    ]


def _world(path: Path, label: str, repeat: int) -> list[tuple[str, str]]:
    db = Database(path)
    with db.cursor() as cur:
        rows = _region(cur, PROVINCE, label, repeat) + _region(cur, "000000", label, repeat)
    db.close()
    return rows


def run(ctx: BenchContext) -> list[tuple[str, str]]:
    return (_world(ctx.demo, "demo", repeat=5)
            + (_world(ctx.large, f"national [{ctx.large_income_rows:,} rows]", repeat=3) if ctx.large else []))
