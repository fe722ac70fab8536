"""Warm app queries beside a hand-written DuckDB query doing the same work, and the ratio (issue 17: at most 2×).

Three paths the issue measured: the price what-if for a scenario without responses (county totals and income
deciles, as the page's headline, county table and decile chart), a county's drill-down (its villages and
townships) and the `riskmap` command's data (a province's counties, ranked and classed). Each hand-written
query gives the same rows and columns as the app (checked while writing them; a number of each is printed
beside, so a mismatch shows), written directly for the case measured: one scenario's species, one metric.
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

# The what-if's output by hand: every county's totals with its name (livestock households: any species sold),
# and the income deciles as the app makes them, from 2%-wide buckets of baseline per-capita income whose
# households are shared out to the tenths they straddle. Only cattle prices change in this scenario, so only
# cattle sales enter the change of income.
_RAW_WHAT_IF = """
WITH live AS (
    SELECT region_code, avg(price) AS price FROM prices
    WHERE commodity = 'live_cattle' AND date BETWEEN $start AND $end GROUP BY region_code
), hh AS (
    SELECT i.county_code, i.net_income / i.members AS pc0, i.members,
           coalesce(i.cattle_sold, 0) > 0 OR coalesce(i.sheep_sold, 0) > 0 OR coalesce(i.hogs_sold, 0) > 0 AS livestock,
           coalesce(pl.monitoring_line, '-infinity'::DOUBLE) AS line,
           $delta * coalesce(i.cattle_sold, 0) * $weight * coalesce(pp.price, pn.price, $fallback) AS delta
    FROM income_net i
    LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
    LEFT JOIN live pp ON pp.region_code = substr(i.county_code, 1, 2) || '0000'
    LEFT JOIN live pn ON pn.region_code = '000000'
    WHERE i.year = $year
), after AS (
    SELECT *, pc0 + delta / members AS pc1,
           floor(ln(least(greatest(pc0, 1), 1e300)) * 50)::BIGINT AS bucket
    FROM hh
), sums AS MATERIALIZED (  -- read twice: computed once
    SELECT county_code, bucket, GROUPING(county_code) = 1 AS by_bucket,
           count(*) AS households, sum(members) AS people, count(*) FILTER (WHERE livestock) AS livestock_households,
           sum(pc0 * members) AS baseline_income, -sum(delta) AS income_loss,
           count(*) FILTER (WHERE pc0 < line) AS baseline_below_line,
           count(*) FILTER (WHERE pc1 < line) AS scenario_below_line,
           count(*) FILTER (WHERE pc0 >= line AND pc1 < line) AS newly_below_line,
           sum(members) FILTER (WHERE pc0 >= line AND pc1 < line) AS newly_below_people,
           count(*) FILTER (WHERE pc1 >= line AND pc1 < $near * line AND NOT (pc0 < $near * line)) AS newly_near_line,
           sum(members) FILTER (WHERE pc1 >= line AND pc1 < $near * line AND NOT (pc0 < $near * line))
               AS newly_near_people,
           count(*) FILTER (WHERE pc0 < line AND pc1 >= line) AS lifted_above_line
    FROM after GROUP BY GROUPING SETS ((county_code), (bucket))
), edges AS (
    SELECT *, (sum(households) OVER (ORDER BY bucket) - households) / sum(households) OVER () AS lo,
           sum(households) OVER (ORDER BY bucket) / sum(households) OVER () AS hi
    FROM sums WHERE by_bucket
), deciles AS (
    SELECT d AS decile, sum(w * households) AS households, sum(w * people) AS people,
           sum(w * livestock_households) AS livestock_households, sum(w * baseline_income) AS baseline_income,
           sum(w * income_loss) AS income_loss, sum(w * newly_below_line) AS newly_below_line
    FROM (SELECT *, greatest(least(hi, d / 10) - greatest(lo, (d - 1) / 10), 0) / greatest(hi - lo, 1e-12) AS w
          FROM edges, range(1, 11) r(d))
    GROUP BY d
)
SELECT s.* EXCLUDE (bucket, by_bucket), n.name, n.name_en
FROM sums s LEFT JOIN regions n ON n.code = s.county_code WHERE NOT by_bucket
UNION ALL BY NAME
SELECT * FROM deciles
"""

# The drill-down's output by hand: the county's villages and townships (one grouping each), named, with every
# metric and the below, edge and eliminated shares shrunk toward the county's (method-of-moments beta prior per
# level: pooled share, spread beyond binomial noise, strength capped at 1e6).
_RAW_COUNTY_UNITS = """
WITH flooded AS (
    SELECT DISTINCT county_code FROM disasters WHERE hazard = 'flood' AND start_date BETWEEN $start AND $end
), hh AS (
    SELECT i.village_code, substr(i.village_code, 1, 9) AS township, i.year = $year AS cur, h.members,
           i.net_income, i.livestock_income, i.per_capita_net_income AS pc, pl.monitoring_line AS line,
           h.household_type IN $types AND coalesce(h.monitored_since <= $end, TRUE) AS mon,
           h.risk_eliminated_on <= $end AS elim, f.county_code IS NOT NULL AS flood
    FROM income_net i
    JOIN households h ON h.household_id = i.household_id AND h.county_code = $county
    LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
    LEFT JOIN flooded f ON f.county_code = i.county_code AND i.year = $year
    WHERE i.county_code = $county AND i.year IN ($year, $year - 1)
), sums AS (
    SELECT coalesce(village_code, township) AS code,
           count(*) FILTER (WHERE cur) AS households, coalesce(sum(members) FILTER (WHERE cur), 0) AS people,
           count(*) FILTER (WHERE cur AND pc < line) AS below,
           count(*) FILTER (WHERE cur AND pc >= line AND pc < 1.1 * line) AS edge,
           coalesce(sum(net_income) FILTER (WHERE cur), 0) AS net_income,
           coalesce(sum(net_income) FILTER (WHERE NOT cur), 0) AS previous_net_income,
           coalesce(sum(members) FILTER (WHERE NOT cur), 0) AS previous_people,
           coalesce(sum(livestock_income) FILTER (WHERE cur), 0) AS livestock_income,
           count(*) FILTER (WHERE cur AND mon) AS monitored, count(*) FILTER (WHERE cur AND mon AND elim) AS eliminated,
           count(*) FILTER (WHERE cur AND flood) AS flood_households
    FROM hh GROUP BY GROUPING SETS ((township, village_code), (township))
), metrics AS MATERIALIZED (
    SELECT s.code, coalesce(n.name, s.code) AS name, coalesce(n.name_en, n.name, s.code) AS name_en,
           s.* EXCLUDE (code), length(s.code) AS width,
           net_income / nullif(people, 0) AS income_per_capita,
           previous_net_income / nullif(previous_people, 0) AS previous_per_capita,
           below / households AS below_share, edge / households AS edge_share,
           income_per_capita / nullif(previous_per_capita, 0) - 1 AS growth,
           monitored * 1000 / households AS monitored_per_1000, eliminated / nullif(monitored, 0) AS eliminated_share,
           livestock_income / nullif(net_income, 0) AS livestock_share, flood_households / households AS flood_share
    FROM sums s LEFT JOIN regions n ON n.code = s.code WHERE s.households > 0
), pooled AS (
    SELECT width, count(*) AS n, sum(households) AS t, sum(below) / sum(households) AS pb,
           sum(edge) / sum(households) AS pe, count(*) FILTER (WHERE monitored > 0) AS nm, sum(monitored) AS tm,
           sum(eliminated) / nullif(sum(monitored), 0) AS pm
    FROM metrics GROUP BY width
), spread AS (
    SELECT width, sum(households * (below_share - pb) ** 2) AS sb, sum(households * (edge_share - pe) ** 2) AS se,
           sum(monitored * (eliminated_share - pm) ** 2) FILTER (WHERE monitored > 0) AS sm
    FROM metrics JOIN pooled USING (width) GROUP BY width
), priors AS (  -- x: spread of the shares beyond binomial noise
    SELECT *, sb / t - pb * (1 - pb) * n / t AS xb, se / t - pe * (1 - pe) * n / t AS xe,
           sm / tm - pm * (1 - pm) * nm / tm AS xm
    FROM pooled JOIN spread USING (width)
), strengths AS (
    SELECT width, pb, pe, pm,
           CASE WHEN n < 2 OR pb IN (0, 1) OR xb <= 0 THEN 1e6 ELSE least(greatest(pb * (1 - pb) / xb - 1, 0), 1e6) END AS kb,
           CASE WHEN n < 2 OR pe IN (0, 1) OR xe <= 0 THEN 1e6 ELSE least(greatest(pe * (1 - pe) / xe - 1, 0), 1e6) END AS ke,
           CASE WHEN nm < 2 OR pm IN (0, 1) OR xm <= 0 THEN 1e6 ELSE least(greatest(pm * (1 - pm) / xm - 1, 0), 1e6) END AS km
    FROM priors
)
SELECT m.* EXCLUDE (width), (below + pb * kb) / (households + pb * kb + (1 - pb) * kb) AS below_share_shrunk,
       (edge + pe * ke) / (households + pe * ke + (1 - pe) * ke) AS edge_share_shrunk,
       CASE WHEN monitored > 0 THEN (eliminated + pm * km) / (monitored + pm * km + (1 - pm) * km) END
           AS eliminated_share_shrunk
FROM metrics m JOIN strengths USING (width)
ORDER BY code
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
            frame = cur.execute(_RAW_WHAT_IF, bound).df()
            out["raw"] = int(frame.loc[frame["decile"].isna(), "newly_below_line"].sum())

    return _ratio_rows(f"{label} what-if {SCENARIO} (no responses), every household", app, raw,
                       lambda: f"newly below {out['app']} / {out['raw']}", repeat=3)


def county_drilldown(db: Database, label: str) -> list[tuple[str, str]]:
    with db.cursor() as cur:
        county = cur.execute("SELECT county_code FROM county_year WHERE year = $y ORDER BY households DESC LIMIT 1",
                             {"y": YEAR}).fetchone()[0]
    bound = {"year": YEAR, "county": county, "start": date(YEAR, 1, 1), "end": date(YEAR, 12, 31),
             "types": list(MONITORED_TYPES)}
    out = {}

    def app() -> None:
        with db.cursor() as cur:
            out["app"] = int(riskmap.county_units(cur, county, YEAR)["village"]["below"].sum())

    def raw() -> None:
        with db.cursor() as cur:
            frame = cur.execute(_RAW_COUNTY_UNITS, bound).df()
            out["raw"] = int(frame.loc[frame["code"].str.len() == 12, "below"].sum())

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
