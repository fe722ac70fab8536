"""Drill-down 逐级查看: a county's townships and villages, a village's households, one household's card.

The path below a county lives in the link as township= (9 digits), village= (12) and household= (village
code + 4 digits). `drill_path` checks their shape and that they nest; `units_exist` checks the data.
Personal data: only the masked name and masked ID number are read, never anything else about a person.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from analysis.overview import MONITORED_TYPES, income_by_source
from analysis.regioncodes import province_of, region_level, region_where

DRILL_PARAMS = ("township", "village", "household")
_SHAPES = {"township": re.compile(r"\d{9}"), "village": re.compile(r"\d{12}"), "household": re.compile(r"\d{16}")}


@dataclass(frozen=True)
class DrillPath:
    """The codes below the shell's region that a link names ('' where none); problems are (param, value)."""
    township: str = ""
    village: str = ""
    household: str = ""
    problems: tuple[tuple[str, str], ...] = field(default=())

    @property
    def deepest(self) -> str:
        return self.household or self.village or self.township

    @property
    def county(self) -> str:
        return self.deepest[:6]


def drill_path(params: Mapping[str, str]) -> DrillPath:
    """township/village/household from a link: malformed or non-nesting values become problems and are dropped.

    A deeper code implies its parents (household 6201021012010001 → village 620102101201 → township 620102101).
    """
    codes, problems = {}, []
    for name in DRILL_PARAMS:
        value = params.get(name, "")
        if value and not _SHAPES[name].fullmatch(value):
            problems.append((name, value))
        elif value:
            codes[name] = value
    household = codes.get("household", "")
    village = codes.get("village", "") or household[:12]
    if household and not household.startswith(village):
        problems.append(("household", household))
        household = ""
    township = codes.get("township", "") or village[:9]
    if village and not village.startswith(township):
        problems.append(("village", village))
        village, household = "", ""
    return DrillPath(township, village, household, tuple(problems))


def inside(code: str, region_code: str) -> bool:
    """Whether `code` (any level) lies in `region_code` (000000, a province, city or county)."""
    level = region_level(region_code)
    if level == "national":
        return True
    width = {"province": 2, "city": 4}.get(level, len(region_code))
    return code[:width] == region_code[:width]


_HAS_HOUSEHOLDS = "SELECT count(*) > 0 FROM (SELECT 1 FROM households h WHERE {region} LIMIT 1)"
_HOUSEHOLD_EXISTS = "SELECT count(*) > 0 FROM households h WHERE {region} AND household_id = $household_id"


def units_exist(cur: duckdb.DuckDBPyConnection, codes: tuple[str, ...]) -> tuple[bool, ...]:
    """For each code (township, village or household id): does the data have households there?"""
    found = []
    for code in codes:
        if len(code) == 16:
            region, params = region_where(code[:12], "h")
            sql, params = _HOUSEHOLD_EXISTS.format(region=region), {**params, "household_id": code}
        else:
            region, params = region_where(code, "h")
            sql = _HAS_HOUSEHOLDS.format(region=region)
        found.append(bool(cur.execute(sql, params).fetchone()[0]))
    return tuple(found)


def unit_names(cur: duckdb.DuckDBPyConnection, codes: tuple[str, ...]) -> pd.DataFrame:
    """code, name, name_en of the given region codes (those the regions table knows)."""
    return cur.execute(
        "SELECT code, name, name_en FROM regions WHERE code IN $codes", {"codes": list(codes)}).df()


_BY_TYPE = """
SELECT h.household_type, count(*) AS households, sum(h.members) AS people
FROM households h JOIN income i ON i.household_id = h.household_id AND i.year = $year AND {income_filter}
WHERE {households_filter}
GROUP BY h.household_type
ORDER BY households DESC
"""


def households_by_type(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> pd.DataFrame:
    """household_type, households, people among the region's households with income in `year`."""
    households_filter, params = region_where(region_code, "h")
    income_filter, _ = region_where(region_code, "i")
    sql = _BY_TYPE.format(income_filter=income_filter, households_filter=households_filter)
    return cur.execute(sql, {**params, "year": year}).df()


_LINES = """
SELECT y.year, pl.monitoring_line
FROM (SELECT unnest($years) AS year) y
LEFT JOIN province_lines pl ON pl.year = y.year AND pl.province_code = $province
ORDER BY y.year
"""


def lines_by_year(cur: duckdb.DuckDBPyConnection, region_code: str, years: list[int]) -> pd.DataFrame:
    """year, monitoring_line that applies to the region (its province's, else the national default)."""
    province = province_of(region_code)  # 000000 (China) for the whole country
    return cur.execute(_LINES, {"years": [int(y) for y in years], "province": province}).df()


def income_trend(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> pd.DataFrame:
    """Per-capita income by source and in total for every year up to `year`, with the monitoring line.

    Columns as `analysis.overview.income_by_source` plus monitoring_line.
    """
    sources = income_by_source(cur, region_code, year)
    lines = lines_by_year(cur, region_code, sources["year"].tolist())
    return sources.merge(lines, on="year", how="left")


_VILLAGE_HOUSEHOLDS = """
WITH flooded AS (
    SELECT DISTINCT county_code FROM disasters
    WHERE hazard = 'flood' AND start_date BETWEEN $year_start AND $year_end
)
SELECT h.household_id, h.head_name_masked, h.household_type, h.members,
       i.per_capita_net_income AS income_per_capita,
       pl.monitoring_line AS monitoring_line,
       h.household_type IN $types AND coalesce(h.monitored_since <= $year_end, TRUE) AS monitored,
       h.risk_eliminated_on <= $year_end AS risk_eliminated,
       coalesce(h.relocated, FALSE) AS relocated,
       f.county_code IS NOT NULL AS flood
FROM households h
JOIN income_net i ON i.household_id = h.household_id AND i.year = $year AND {income_filter}
LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
LEFT JOIN flooded f ON f.county_code = h.county_code
WHERE {households_filter}
ORDER BY h.household_id
"""


def village_households(cur: duckdb.DuckDBPyConnection, village_code: str, year: int) -> pd.DataFrame:
    """The village's households in `year` (masked name only): income per capita, distance to the line, flags.

    distance_to_line = income per capita ÷ line − 1 (negative: below the line); below and edge flags as on
    the map; monitored, risk_eliminated (by 31 Dec), relocated, flood (the county had a flood that year).
    """
    households_filter, params = region_where(village_code, "h")
    income_filter, _ = region_where(village_code, "i")
    frame = cur.execute(
        _VILLAGE_HOUSEHOLDS.format(income_filter=income_filter, households_filter=households_filter),
        {**params, "year": year, "year_start": date(year, 1, 1), "year_end": date(year, 12, 31),
         "types": list(MONITORED_TYPES)}).df()
    distance = frame["income_per_capita"] / frame["monitoring_line"] - 1
    return frame.assign(distance_to_line=distance, below=distance < 0,
                        edge=(distance >= 0) & (distance < 0.1),
                        risk_eliminated=frame["risk_eliminated"].fillna(False).astype(bool))


@dataclass(frozen=True)
class HouseholdCard:
    """One household: its profile row and one row per year (income by source, line, expenses, animals, floods)."""
    profile: dict
    years: pd.DataFrame


_PROFILE = """
SELECT household_id, village_code, county_code, household_type, members, labor_count, relocated,
       monitored_since, risk_eliminated_on, risk_cause, head_name_masked, id_number_masked
FROM households h WHERE {region} AND household_id = $household_id
"""

_YEARS = """
WITH floods AS (
    SELECT year(start_date) AS year, max(severity) AS flood_severity, count(*) AS floods
    FROM disasters WHERE hazard = 'flood' AND county_code = $county
    GROUP BY ALL
)
SELECT i.year, i.wage_income, i.crop_income, i.livestock_income, i.other_operating_income,
       i.property_income, i.transfer_income, i.net_income,
       i.medical_expense, i.education_expense, i.cattle_sold, i.sheep_sold, i.hogs_sold,
       pl.monitoring_line AS monitoring_line,
       coalesce(f.flood_severity, 0) AS flood_severity
FROM income_net i
LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
LEFT JOIN floods f ON f.year = i.year
WHERE {region} AND i.household_id = $household_id
ORDER BY i.year
"""


def household_card(cur: duckdb.DuckDBPyConnection, household_id: str) -> HouseholdCard | None:
    """The household's card, or None when the id is unknown. Per-capita columns divide by today's members."""
    region, params = region_where(household_id[:12], "h")
    found = cur.execute(_PROFILE.format(region=region), {**params, "household_id": household_id}).df()
    if found.empty:
        return None
    profile = found.iloc[0].to_dict()
    income_region, _ = region_where(household_id[:12], "i")
    years = cur.execute(_YEARS.format(region=income_region),
                        {**params, "household_id": household_id, "county": profile["county_code"]}).df()
    members = profile["members"]
    years = years.assign(income_per_capita=years["net_income"] / members)
    for source in ("wage_income", "property_income", "transfer_income"):
        years[f"{source}_per_capita"] = years[source] / members
    years["operating_income_per_capita"] = (years["crop_income"] + years["livestock_income"]
                                            + years["other_operating_income"]) / members
    return HouseholdCard(profile, years)
