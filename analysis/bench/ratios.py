"""Warm app queries beside a hand-written DuckDB query doing the same work, and the ratio (issue 17: at most 2×).

Three paths the issue measured: the price what-if for a scenario without responses (county totals, as the
page's headline and county table), a county's drill-down (its villages and townships), and the `riskmap`
command's data (a province's counties, ranked). The hand-written queries compute the same numbers (printed
beside, so a mismatch shows) with nothing else: the what-if's county columns without its income deciles, the
villages without shrinkage or names, the counties without classes.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from analysis import riskmap
from analysis.bench import YEAR, BenchContext
from analysis.overview import MONITORED_TYPES
from analysis.prices.params import param, species_params
from analysis.simulate import example_scenarios, scenario_from_toml, simulate
from analysis.simulate.engine import window_share
from analysis.store.connection import Database

SCENARIO = "cattle_minus20_6m.toml"  # the what-if page's default: one change, no responses
PROVINCE = "620000"

_RAW_WHAT_IF = """
WITH live AS (
    SELECT region_code, avg(price) AS price FROM prices
    WHERE commodity = 'live_cattle' AND date BETWEEN $start AND $end GROUP BY region_code
), hh AS (
    SELECT i.county_code, i.net_income / i.members AS pc0, i.members, coalesce(i.cattle_sold, 0) > 0 AS livestock,
           pl.monitoring_line AS line,
           $delta * coalesce(i.cattle_sold, 0) * $weight * coalesce(pp.price, pn.price, $fallback) AS delta
    FROM income_net i
    LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
    LEFT JOIN live pp ON pp.region_code = substr(i.county_code, 1, 2) || '0000'
    LEFT JOIN live pn ON pn.region_code = '000000'
    WHERE i.year = $year
), after AS (SELECT *, pc0 + delta / members AS pc1 FROM hh)
SELECT county_code, count(*) AS households, sum(members) AS people, count(*) FILTER (WHERE livestock) AS livestock,
       sum(pc0 * members) AS baseline_income, -sum(delta) AS income_loss,
       count(*) FILTER (WHERE pc0 < line) AS baseline_below_line,
       count(*) FILTER (WHERE pc1 < line) AS scenario_below_line,
       count(*) FILTER (WHERE pc0 >= line AND pc1 < line) AS newly_below_line,
       sum(members) FILTER (WHERE pc0 >= line AND pc1 < line) AS newly_below_people,
       count(*) FILTER (WHERE pc1 >= line AND pc1 < $near * line AND NOT (pc0 < $near * line)) AS newly_near_line,
       sum(members) FILTER (WHERE pc1 >= line AND pc1 < $near * line AND NOT (pc0 < $near * line)) AS newly_near_people,
       count(*) FILTER (WHERE pc0 < line AND pc1 >= line) AS lifted_above_line
FROM after GROUP BY county_code
"""

_RAW_COUNTY_UNITS = """
SELECT i.village_code, count(*) FILTER (WHERE i.year = $year) AS households,
       count(*) FILTER (WHERE i.year = $year AND i.per_capita_net_income < pl.monitoring_line) AS below,
       sum(i.net_income) FILTER (WHERE i.year = $year) AS net_income,
       sum(i.net_income) FILTER (WHERE i.year = $year - 1) AS previous_net_income,
       count(*) FILTER (WHERE i.year = $year AND h.household_type IN $types
                        AND h.risk_eliminated_on <= $end) AS eliminated
FROM income_net i
JOIN households h ON h.household_id = i.household_id
LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
WHERE i.county_code = $county AND i.year IN ($year, $year - 1)
GROUP BY ROLLUP (substr(i.village_code, 1, 9), i.village_code)
"""

# The command's output for below_share by hand: each county of the province with its name, households, share,
# rank and quantile class (breaks fitted on every county, duplicates and a break at the minimum dropped).
_RAW_RISKMAP = """
WITH shares AS (
    SELECT county_code AS code, households, below / households AS value
    FROM county_year WHERE year = $year AND households > 0
), fitted AS (
    SELECT list_distinct(quantile_cont(value, $quantiles)) AS q, min(value) AS lo, max(value) AS hi FROM shares
), breaks AS (
    SELECT list_filter(q, lambda b: b > lo AND b <= hi) AS b FROM fitted
)
SELECT s.code, coalesce(n.name, s.code) AS name, s.households, s.value,
       rank() OVER (ORDER BY s.value DESC) AS rank, len(list_filter(b, lambda x: x <= s.value)) AS class
FROM shares s CROSS JOIN breaks LEFT JOIN regions n ON n.code = s.code
WHERE starts_with(s.code, $prefix)
ORDER BY rank, s.code
"""

def cpu_and_wall(fn: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    """Median wall and CPU seconds (all threads of this process) of warm runs. On a shared, loaded machine the
    wall time mostly measures waiting for a core; the CPU time is what the work costs."""
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _ratio_rows(label: str, app: Callable[[], object], raw: Callable[[], object], check: Callable[[], str],
                repeat: int = 5) -> list[tuple[str, str]]:
    (app_wall, app_cpu), (raw_wall, raw_cpu) = cpu_and_wall(app, repeat), cpu_and_wall(raw, repeat)
    return [(f"ratio {label}: app / hand-written DuckDB, wall · CPU (ms; {check()})",
             f"{app_wall * 1000:.0f}/{raw_wall * 1000:.0f} = {app_wall / raw_wall:.2f}x · "
             f"{app_cpu * 1000:.0f}/{raw_cpu * 1000:.0f} = {app_cpu / raw_cpu:.2f}x")]


def what_if(db: Database, label: str, region: str = "000000") -> list[tuple[str, str]]:
    scenario = scenario_from_toml(example_scenarios()[SCENARIO])
    cattle = species_params()["cattle"]
    bound = {"year": YEAR, "start": date(YEAR, 1, 1), "end": date(YEAR, 12, 31),
             "delta": float(param("simulation", "pass_to_net")) * window_share(scenario) * scenario.change("live_cattle"),
             "weight": float(cattle["live_weight_kg"]), "fallback": float(cattle["fallback_price"]),
             "near": 1 + float(param("simulation", "near_line_margin"))}
    out = {}

    def app() -> None:
        with db.cursor() as cur:
            out["app"] = simulate(cur, region, YEAR, scenario).totals["newly_below_line"]

    def raw() -> None:
        with db.cursor() as cur:
            out["raw"] = int(cur.execute(_RAW_WHAT_IF, bound).df()["newly_below_line"].sum())

    return _ratio_rows(f"{label} what-if {SCENARIO} (no responses), every household", app, raw,
                       lambda: f"newly below {out['app']} / {out['raw']}", repeat=3)


def county_drilldown(db: Database, label: str) -> list[tuple[str, str]]:
    with db.cursor() as cur:
        county = cur.execute("SELECT county_code FROM county_year WHERE year = $y ORDER BY households DESC LIMIT 1",
                             {"y": YEAR}).fetchone()[0]
    bound = {"year": YEAR, "county": county, "end": date(YEAR, 12, 31), "types": list(MONITORED_TYPES)}
    out = {}

    def app() -> None:
        with db.cursor() as cur:
            out["app"] = int(riskmap.county_units(cur, county, YEAR)["village"]["below"].sum())

    def raw() -> None:
        with db.cursor() as cur:
            frame = cur.execute(_RAW_COUNTY_UNITS, bound).df()
            out["raw"] = int(frame.loc[frame["village_code"].notna(), "below"].sum())

    return _ratio_rows(f"{label} county drill-down {county} (villages and townships)", app, raw,
                       lambda: f"below the line {out['app']} / {out['raw']}")


def riskmap_command(db: Database, label: str) -> list[tuple[str, str]]:
    """What `python -m analysis riskmap --region 620000` computes once the database is open (county level,
    below_share, quantile classes), beside the same rows and classes by hand."""
    out = {}
    settings = riskmap.MapSettings()
    quantiles = [c / settings.classes for c in range(1, settings.classes)]

    def app() -> None:
        with db.cursor() as cur:
            rows, basis = riskmap.ranked_from_counties(cur, PROVINCE, YEAR, "county", settings.metric)
            classes = riskmap.classify([row["value"] for row in rows], settings.breaks({settings.metric: basis}))
            out["app"] = len(rows), int(classes.sum())

    def raw() -> None:
        with db.cursor() as cur:
            rows = cur.execute(_RAW_RISKMAP, {"year": YEAR, "prefix": PROVINCE[:2], "quantiles": quantiles}).fetchall()
            out["raw"] = len(rows), sum(row[-1] for row in rows)

    return _ratio_rows(f"{label} riskmap command data, counties of {PROVINCE}", app, raw,
                       lambda: f"counties, sum of classes {out['app']} / {out['raw']}")

def timings(path: Path, label: str) -> list[tuple[str, str]]:
    db = Database(path)
    try:
        return what_if(db, label) + county_drilldown(db, label) + riskmap_command(db, label)
    finally:
        db.close()


def run(ctx: BenchContext) -> list[tuple[str, str]]:
    rows = timings(ctx.demo, "demo")
    if ctx.large:
        rows += timings(ctx.large, f"national [{ctx.large_income_rows:,} rows]")
    return rows
