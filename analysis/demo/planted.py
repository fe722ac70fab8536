"""Manipulations planted in the demo world for the credibility audit to find (data/demo_planted.toml).

Applied inside the demo build's write transaction, after households, income and lines are in and before the county
sums are computed. Changes are UPDATEs only (no row is added or removed) and deterministic: a household's draw is a
hash of its id, the year and the kind of manipulation. Places absent from the world (another province, a smaller
world) are skipped.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb

from analysis.config import DATA_DIR

PLANTED_FILE = DATA_DIR / "demo_planted.toml"
AMOUNT_COLUMNS = ("wage_income", "crop_income", "other_operating_income", "property_income", "transfer_income")


def load_planted(path: Path = PLANTED_FILE) -> dict:
    with open(path, "rb") as handle:
        return {section: {k: v["value"] for k, v in entries.items()} for section, entries in tomllib.load(handle).items()}


def _u(tag: str, year: str = "year") -> str:
    """SQL for a uniform draw in [0, 1) from the household id (and year), different for each tag."""
    return f"(hash(household_id || ':' || CAST({year} AS VARCHAR) || ':{tag}') % 1000000) / 1000000.0"


def village_codes(con: duckdb.DuckDBPyConnection, places: list[list]) -> list[str]:
    """Codes of the villages named as [county, rank] that exist in this world."""
    codes = []
    for county, rank, *_ in places:
        row = con.execute("SELECT code FROM (SELECT code, row_number() OVER (ORDER BY code) AS k FROM regions "
                          "WHERE level = 'village' AND parent_code LIKE $county || '%') WHERE k = $rank",
                          {"county": county, "rank": rank}).fetchone()
        if row:
            codes.append(row[0])
    return codes


_LINED = """
    SELECT i.household_id, i.year, i.members, i.per_capita_net_income AS pc, pl.monitoring_line AS line
    FROM income_net i
    JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
"""


def _inflate(con: duckdb.DuckDBPyConnection, spec: dict) -> None:
    low, high = spec["to_ratio"]
    con.execute(f"""
        UPDATE income SET wage_income = wage_income + t.added
        FROM (SELECT household_id, year,
                     round((line * ($low + ($high - $low) * {_u('inflate-to')}) - pc) * members) AS added
              FROM ({_LINED} WHERE list_contains($counties, i.county_code) AND list_contains($years, i.year))
              WHERE pc >= $from * line AND pc < line AND {_u('inflate')} < $share) t
        WHERE income.household_id = t.household_id AND income.year = t.year
    """, {"counties": spec["counties"], "years": spec["years"], "from": spec["from_ratio"],
          "share": spec["share"], "low": low, "high": high})


def _heap(con: duckdb.DuckDBPyConnection, villages: list[str], round_to: dict[str, int]) -> None:
    sets = ", ".join(f"{column} = round({column} / {int(unit)}) * {int(unit)}"
                     for column, unit in round_to.items() if column in AMOUNT_COLUMNS)
    con.execute(f"UPDATE income SET {sets} WHERE list_contains($villages, village_code)", {"villages": villages})


def _invent(con: duckdb.DuckDBPyConnection, villages: list[str], columns: list[str]) -> None:
    """Replace amounts by made-up ones: first digit 1-9 equally likely, same order of magnitude, to 10 yuan."""
    def made_up(column: str) -> str:
        magnitude = f"pow(10, floor(log10({column})))"
        draw = f"(hash(household_id || ':' || CAST(year AS VARCHAR) || ':{column}') % 900000) / 100000.0"
        return (f"{column} = CASE WHEN {column} >= 10 THEN "
                f"round((1 + {draw}) * {magnitude} / 10) * 10 ELSE {column} END")
    sets = ", ".join(made_up(column) for column in columns if column in AMOUNT_COLUMNS)
    con.execute(f"UPDATE income SET {sets} WHERE list_contains($villages, village_code)", {"villages": villages})


def _duplicate(con: duckdb.DuckDBPyConnection, spec: dict) -> None:
    """The first households of target villages take the identity of heads of the source village."""
    source = village_codes(con, [spec["source_village"]])
    if not source:
        return
    donors = con.execute("SELECT household_id FROM households WHERE village_code = $v ORDER BY household_id",
                         {"v": source[0]}).fetchall()
    used = 0
    for target in spec["targets"]:
        codes = village_codes(con, [target])
        if not codes:
            continue
        takers = con.execute("SELECT household_id FROM households WHERE village_code = $v ORDER BY household_id "
                             "LIMIT $n", {"v": codes[0], "n": target[2]}).fetchall()
        for (taker,) in takers:
            if used >= len(donors):
                return
            con.execute("""UPDATE households SET id_number_hash = d.id_number_hash,
                               id_number_masked = d.id_number_masked, head_name_masked = d.head_name_masked
                           FROM (SELECT * FROM households WHERE household_id = $donor) d
                           WHERE households.household_id = $taker""", {"donor": donors[used][0], "taker": taker})
            used += 1


def _lift_by_transfers(con: duckdb.DuckDBPyConnection, spec: dict) -> None:
    low, high = spec["to_ratio"]
    con.execute(f"""
        UPDATE income SET transfer_income = transfer_income + t.added
        FROM (SELECT household_id, year,
                     round((line * ($low + ($high - $low) * {_u('lift-to')}) - pc) * members) AS added
              FROM ({_LINED} WHERE list_contains($counties, i.county_code) AND list_contains($years, i.year))
              WHERE pc < line) t
        WHERE income.household_id = t.household_id AND income.year = t.year
    """, {"counties": spec["counties"], "years": spec["years"], "low": low, "high": high})


def plant_manipulations(con: duckdb.DuckDBPyConnection, spec: dict | None = None) -> None:
    """Apply every planted manipulation of data/demo_planted.toml (or `spec`) to the world in `con`."""
    spec = spec or load_planted()
    _inflate(con, spec["inflated"])
    _heap(con, village_codes(con, spec["heaped"]["villages"]), spec["heaped"]["round_to"])
    _invent(con, village_codes(con, spec["invented"]["villages"]), spec["invented"]["columns"])
    _duplicate(con, spec["duplicated"])
    _lift_by_transfers(con, spec["transfer_lift"])
