"""Price family timings: a what-if over every household (demo and 30 million), alerts and forecast on the demo."""
from __future__ import annotations

from pathlib import Path

from analysis.bench import YEAR, BenchContext, ms, timed
from analysis.prices import meeting_alerts, pass_through, price_forecast
from analysis.simulate import example_scenarios, scenario_from_toml, simulate
from analysis.store.connection import Database

SCENARIO = "beef_mutton_slump.toml"  # two shocks and two responses: the heaviest example


def simulation_timings(db_path: Path, label: str, repeat: int) -> list[tuple[str, str]]:
    scenario = scenario_from_toml(example_scenarios()[SCENARIO])
    db = Database(db_path)
    with db.cursor() as cur:
        county = cur.execute("SELECT county_code FROM households LIMIT 1").fetchone()[0]
        households = cur.execute("SELECT count(*) FROM income WHERE year = $y", {"y": YEAR}).fetchone()[0]
    rows = [(f"simulate {label}: households in {YEAR}", f"{households:,}")]
    for code in ("000000", county[:2] + "0000", county):
        def run(code=code):
            with db.cursor() as cur:
                simulate(cur, code, YEAR, scenario)
        rows.append(ms(f"simulate {label} region={code}", timed(run, repeat=repeat)))
    db.close()
    return rows


def price_timings(db_path: Path) -> list[tuple[str, str]]:
    db = Database(db_path)
    rows = []
    for name, fn in (("price alerts table, 7 commodities", lambda cur: meeting_alerts(cur, "620000")),
                     ("forecast + 36-origin backtest, live cattle", lambda cur: price_forecast(cur, "620000", "live_cattle")),
                     ("pass-through, 3 pairs", lambda cur: pass_through(cur, "620000"))):
        def run(fn=fn):
            with db.cursor() as cur:
                fn(cur)
        rows.append(ms(f"demo {name}", timed(run, repeat=3)))
    db.close()
    return rows


def run(ctx: BenchContext) -> list[tuple[str, str]]:
    return (simulation_timings(ctx.demo, "demo", repeat=5) + price_timings(ctx.demo)
            + (simulation_timings(ctx.large, f"national [{ctx.large_income_rows:,} income rows]", repeat=1)
               if ctx.large else []))
