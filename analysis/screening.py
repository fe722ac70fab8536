"""Yearly screening (应纳尽纳): which households the rules in data/screening_rules.toml flag, and why.

Rules are data. Each rule has a kind; the kind's SQL condition lives here (a whitelist), and the
rule's parameter values are bound as `$r<index>_<name>` parameters, never formatted into SQL.
A household is *enrolled* when its type is a monitored type (脱贫不稳定户, 边缘易致贫户,
突发严重困难户) and its 纳入监测日期 is unknown or on or before the end of the year; it is
*eliminated* when its 风险消除日期 is on or before the end of the year.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analysis.config import DATA_DIR
from analysis.i18n import household_type, t
from analysis.overview import MONITORED_TYPES
from analysis.regioncodes import below_county, region_where
from analysis.rulefile import RulesError, rule_header, text_field

RULES_FILE = DATA_DIR / "screening_rules.toml"
# Household lists are for visits and checks: more flagged households than this (a whole country) are listed
# per province or county instead. Well under Excel's 1,048,576 rows, and a list stays a few seconds' work.
LIST_LIMIT = 200_000


@dataclass(frozen=True)
class Kind:
    """A kind of rule: its SQL condition with `{param}` placeholders, and each parameter's allowed range."""
    condition: str
    params: dict[str, tuple[float, float]]


KINDS: dict[str, Kind] = {
    "below_line": Kind("per_capita < {line_multiple} * line", {"line_multiple": (0.1, 10)}),
    "edge_band": Kind("per_capita >= line AND per_capita < (1 + {band}) * line", {"band": (0, 5)}),
    "income_drop": Kind("prev_per_capita > 0 AND per_capita < (1 - {drop_share}) * prev_per_capita",
                        {"drop_share": (0, 1)}),
    "rigid_spending": Kind("rigid_spending > {income_share} * greatest(net_income, 0) "
                           "OR medical_expense > {medical_amount}",
                           {"income_share": (0, 100), "medical_amount": (0, 1e9)}),
    "disaster": Kind("disaster_severity >= {min_severity} AND per_capita < {line_multiple} * line",
                     {"min_severity": (1, 4), "line_multiple": (0.1, 100)}),
    "relocated_low_income": Kind("relocated AND per_capita < {line_multiple} * line", {"line_multiple": (0.1, 10)}),
    "eliminated_income_falling": Kind(
        "eliminated AND prev_per_capita > 0 AND per_capita < (1 - {fall_share}) * prev_per_capita",
        {"fall_share": (0, 1)}),
}


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    name_zh: str
    name_en: str
    params: tuple[tuple[str, float], ...]   # (name, value) in the kind's order
    units: tuple[str, ...]
    sources: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def _param(entry: dict, name: str, bounds: tuple[float, float], where: str) -> tuple[float, str, str]:
    spec = entry.get("params", {}).get(name)
    if not isinstance(spec, dict):
        raise RulesError(f"{where}: parameter `{name}` is missing (give value, unit and source)")
    value = spec.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RulesError(f"{where}: parameter `{name}` needs a numeric `value`, not {value!r}")
    low, high = bounds
    if not low <= value <= high:
        raise RulesError(f"{where}: parameter `{name}` = {value} is outside {low} … {high}")
    return float(value), text_field(spec, "unit", f"{where}, parameter `{name}`"), \
        text_field(spec, "source", f"{where}, parameter `{name}`")


def _rule(entry: object, position: int) -> Rule:
    rule_id, kind, where = rule_header(entry, position, {name: k.params for name, k in KINDS.items()})
    spec = KINDS[kind]
    params = [_param(entry, name, bounds, where) for name, bounds in spec.params.items()]
    return Rule(rule_id, kind, text_field(entry, "name_zh", where), text_field(entry, "name_en", where),
                tuple(zip(spec.params, (p[0] for p in params), strict=True)),
                tuple(p[1] for p in params), tuple(p[2] for p in params))


def parse_rules(document: dict) -> tuple[Rule, ...]:
    """Rules from a parsed TOML document, checked whole; raises RulesError naming the problem."""
    if document.get("schema") != 1:
        raise RulesError("`schema = 1` is required at the top of the rules file")
    entries = document.get("rules")
    if not isinstance(entries, list) or not entries:
        raise RulesError("no [[rules]] entries")
    rules = tuple(_rule(entry, position) for position, entry in enumerate(entries, start=1))
    ids = [rule.id for rule in rules]
    duplicated = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicated:
        raise RulesError(f"rule ids used twice: {', '.join(duplicated)}")
    return rules


def load_rules(path: Path | str | None = None) -> tuple[Rule, ...]:
    """The screening rules of a TOML file (default data/screening_rules.toml), validated."""
    try:
        document = tomllib.loads(Path(path or RULES_FILE).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{Path(path or RULES_FILE).name} is not valid TOML: {exc}") from None
    return parse_rules(document)


def rules_table(rules: tuple[Rule, ...], lang: str) -> pd.DataFrame:
    """One row per rule parameter: rule, parameter, value, unit, source (for the page and exports)."""
    return pd.DataFrame([
        {"rule": rule.name(lang), "rule_id": rule.id, "parameter": name, "value": value, "unit": unit,
         "source": source}
        for rule in rules
        for (name, value), unit, source in zip(rule.params, rule.units, rule.sources, strict=True)
    ])


# One row per household of the region with income in $year: the columns the rule conditions use.
_BASE = """
WITH now AS (
    SELECT i.household_id, i.county_code, i.village_code, i.medical_expense, i.education_expense,
           i.net_income, i.per_capita_net_income AS per_capita
    FROM income_net i
    WHERE {region_i} AND i.year = $year
), before AS (  -- narrow on purpose: a join of two wide household-years tables is what costs at scale
    SELECT i.household_id, i.per_capita_net_income AS per_capita
    FROM income_net i
    WHERE {region_i} AND i.year = $year - 1
), disaster AS (
    SELECT county_code, max(severity) AS severity
    FROM disasters
    WHERE start_date BETWEEN $year_start AND $year_end
    GROUP BY county_code
), base AS (
    SELECT c.household_id, c.county_code, c.village_code, h.head_name_masked, h.household_type, h.members,
           c.per_capita, c.net_income,
           pl.monitoring_line AS line,
           b.per_capita AS prev_per_capita,
           coalesce(c.medical_expense, 0) AS medical_expense,
           coalesce(c.education_expense, 0) AS education_expense,
           coalesce(c.medical_expense, 0) + coalesce(c.education_expense, 0) AS rigid_spending,
           coalesce(d.severity, 0) AS disaster_severity,
           coalesce(h.relocated, FALSE) AS relocated,
           coalesce(h.risk_eliminated_on <= $year_end, FALSE) AS eliminated,
           h.household_type IN $monitored_types
             AND coalesce(h.monitored_since <= $year_end, TRUE) AS enrolled
    FROM now c
    JOIN households h ON h.household_id = c.household_id AND {region_h}
    LEFT JOIN before b ON b.household_id = c.household_id
    LEFT JOIN province_lines pl ON pl.year = $year AND pl.province_code = substr(c.county_code, 1, 2) || '0000'
    LEFT JOIN disaster d ON d.county_code = c.county_code
), flags AS (
    SELECT base.*, {rule_columns}
    FROM base
)
"""


def _flags_sql(region_code: str, year: int, rules: tuple[Rule, ...]) -> tuple[str, dict, list[str]]:
    """The WITH … flags clause, its bound parameters and the flag column of each rule (r0, r1, …)."""
    params: dict = {"year": year, "year_start": date(year, 1, 1), "year_end": date(year, 12, 31),
                    "monitored_types": list(MONITORED_TYPES)}
    regions = {}
    for alias in ("i", "h"):
        regions[f"region_{alias}"], region_params = region_where(region_code, alias)
        params |= region_params
    columns, names = [], []
    for index, rule in enumerate(rules):
        kind = KINDS[rule.kind]
        placeholders = {name: f"$r{index}_{name}" for name in kind.params}
        params |= {f"r{index}_{name}": value for name, value in rule.params}
        names.append(f"r{index}")
        columns.append(f"coalesce({kind.condition.format(**placeholders)}, FALSE) AS r{index}")
    sql = _BASE.format(rule_columns=", ".join(columns), **regions)
    return sql, params, names


def _check_rules(rules: tuple[Rule, ...]) -> None:
    if not rules:
        raise RulesError("no rules to screen with")


_HOUSEHOLDS = """
SELECT household_id, county_code, village_code, v.name AS village_name, head_name_masked, household_type, members,
       per_capita AS per_capita_income, line AS monitoring_line, prev_per_capita AS prev_per_capita_income,
       medical_expense, education_expense, disaster_severity, relocated, enrolled, eliminated, {names}
FROM flags f LEFT JOIN regions v ON v.code = f.village_code
WHERE {any_flag}
ORDER BY county_code, village_code, household_id
"""


def flagged_households(cur: duckdb.DuckDBPyConnection, region_code: str, year: int,
                       rules: tuple[Rule, ...]) -> pd.DataFrame:
    """Every household of the region flagged by at least one rule in `year`, with all its reasons.

    Columns: household_id, county_code, village_code, village_name, head_name_masked, household_type, members,
    per_capita_income, monitoring_line, prev_per_capita_income, medical_expense, education_expense,
    disaster_severity, relocated, enrolled, eliminated, one boolean column per rule id, `reasons`
    (rule ids joined by ";") and `n_reasons`.
    """
    _check_rules(rules)
    sql, params, names = _flags_sql(region_code, year, rules)
    query = sql + _HOUSEHOLDS.format(names=", ".join(names), any_flag=" OR ".join(names))
    frame = cur.execute(query, params).df().rename(columns={n: r.id for n, r in zip(names, rules, strict=True)})
    ids = [rule.id for rule in rules]
    flags = frame[ids].astype(bool)
    joined = np.full(len(frame), "", dtype=object)
    for rule_id in ids:
        joined = joined + np.where(flags[rule_id].to_numpy(), rule_id + ";", "")
    frame["reasons"] = pd.Series(joined, index=frame.index, dtype=object).str.rstrip(";")
    frame["n_reasons"] = flags.sum(axis=1).astype("int64")
    return frame


def should_enrol(flagged: pd.DataFrame) -> pd.DataFrame:
    """Flagged households that are not (yet) monitored: the 应纳未纳 list."""
    return flagged[~flagged["enrolled"]].reset_index(drop=True)


def check_before_closing(flagged: pd.DataFrame) -> pd.DataFrame:
    """Flagged households whose risk is marked eliminated: check them before the case stays closed."""
    return flagged[flagged["eliminated"]].reset_index(drop=True)


_COUNTS = """
, counts AS (  -- count first, name after: a few thousand counties, not 30 million households, meet regions
    SELECT {unit},
           count(*) AS households,
           count(*) FILTER (WHERE {any_flag}) AS flagged,
           count(*) FILTER (WHERE ({any_flag}) AND NOT enrolled) AS not_enrolled,
           count(*) FILTER (WHERE ({any_flag}) AND eliminated) AS check_before_closing,
           {per_rule}
    FROM flags
    GROUP BY {unit}
)
SELECT c.{unit}, coalesce(n.name, c.{unit}) AS name, n.name_en, c.* EXCLUDE ({unit})
FROM counts c LEFT JOIN regions n ON n.code = c.{unit}
ORDER BY c.{unit}
"""


def screening_counts(cur: duckdb.DuckDBPyConnection, region_code: str, year: int,
                     rules: tuple[Rule, ...]) -> pd.DataFrame:
    """Counts by county: county_code, name, name_en, households, flagged, not_enrolled,
    check_before_closing and one column per rule id (households flagged by that rule; a household
    with several reasons counts under each). Below a county, by village: village_code instead of county_code."""
    _check_rules(rules)
    sql, params, names = _flags_sql(region_code, year, rules)
    per_rule = ", ".join(f"count(*) FILTER (WHERE {name}) AS {name}" for name in names)
    unit = "village_code" if below_county(region_code) else "county_code"  # whitelisted identifiers
    query = sql + _COUNTS.format(any_flag=" OR ".join(names), per_rule=per_rule, unit=unit)
    return cur.execute(query, params).df().rename(columns={n: r.id for n, r in zip(names, rules, strict=True)})


@dataclass(frozen=True)
class ScreeningTotals:
    """The region's totals, as the command line prints them."""
    households: int
    households_flagged: int
    not_enrolled: int
    check_before_closing: int
    by_reason: dict[str, int]

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def screening_totals(counts: pd.DataFrame, rules: tuple[Rule, ...]) -> ScreeningTotals:
    """Sum of `screening_counts` over the counties."""
    def total(column: str) -> int:
        return int(counts[column].sum())
    return ScreeningTotals(total("households"), total("flagged"), total("not_enrolled"),
                           total("check_before_closing"), {rule.id: total(rule.id) for rule in rules})


def ranked(flagged: pd.DataFrame, scores: pd.DataFrame | None) -> pd.DataFrame:
    """Flagged households with `risk_score` (NaN without scores), highest risk first, then most reasons."""
    if scores is None:
        scores = pd.DataFrame({"household_id": pd.Series(dtype="string"), "risk_score": pd.Series(dtype=float)})
    frame = flagged.merge(scores, how="left", on="household_id")
    return frame.sort_values(["risk_score", "n_reasons", "household_id"], ascending=[False, False, True],
                             na_position="last", ignore_index=True)


def household_list(frame: pd.DataFrame, rules: tuple[Rule, ...], lang: str) -> pd.DataFrame:
    """A list for village teams with headers and reasons in `lang`: masked personal data only."""
    names = {rule.id: rule.name(lang) for rule in rules}
    separator = "; " if lang == "en" else "；"
    columns = {
        "screen_household_id": frame["household_id"],
        "screen_village": frame["village_name"].fillna(frame["village_code"]),
        "screen_head": frame["head_name_masked"],
        "household_type": [household_type(name, lang) for name in frame["household_type"]],
        "screen_members": frame["members"],
        "screen_income": frame["per_capita_income"],
        "screen_prev_income": frame["prev_per_capita_income"],
        "screen_line": frame["monitoring_line"],
        "screen_rigid": frame["medical_expense"] + frame["education_expense"],
        "screen_reasons": [separator.join(names[r] for r in text.split(";")) for text in frame["reasons"]],
        "screen_n_reasons": frame["n_reasons"],
        "screen_score": frame.get("risk_score", np.nan),
    }
    return pd.DataFrame({t(key, lang): values for key, values in columns.items()})


LIST_KINDS = {"screen_members": "count", "screen_income": "yuan", "screen_prev_income": "yuan", "screen_line": "yuan",
              "screen_rigid": "yuan", "screen_n_reasons": "count", "screen_score": "percent"}


def list_kinds(lang: str) -> dict[str, str]:
    """analysis.formatting kinds of `household_list`'s columns, by their headers in `lang`."""
    return {t(key, lang): kind for key, kind in LIST_KINDS.items()}

