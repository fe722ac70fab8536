"""Department warnings (部门筛查预警): which households other departments' extracts warn about, and why.

Rules are data (data/warning_rules.toml): each entry applies to a province (000000 = every other one) and a
span of years. Each kind's SQL lives here (a whitelist); parameter values reach SQL only as bound lists, one
value per province, joined on the household's province. A department row names a person by hash; it belongs to
the household the file gives, else to the one the person_households view knows (family members, heads).
"""
from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from analysis.config import DATA_DIR
from analysis.i18n import household_type, t
from analysis.overview import MONITORED_TYPES
from analysis.regioncodes import region_where
from analysis.rulefile import RulesError, rule_header, text_field
from analysis.store.department_formats import COMPULSORY_STAGES, DEPARTMENTS

SHOWN_ROWS = 500  # rows of a list or table the warnings page shows; its downloads have every row

RULES_FILE = DATA_DIR / "warning_rules.toml"
PRIORITY_TYPES = ("脱贫户", *MONITORED_TYPES)
PROVINCES = ("000000", *(f"{n}0000" for n in range(10, 100)))
_PROVINCE = re.compile(r"^\d{2}0000$")


@dataclass(frozen=True)
class Kind:
    """A kind of warning: its department, its SQL (one row per warned household) and its parameters."""
    department: str
    unit: str            # unit of the measured amount
    sql: str
    params: tuple[str, ...] = ()


# Each SELECT yields household_id, event_date, amount, threshold. `rows` is the department table with `hid` (the
# household), `hh` the households of the region, `p` the rule's parameters for the household's province.
_JOIN = """
    FROM {table} d
    LEFT JOIN ph ON ph.person_hash = d.person_hash
    JOIN hh ON hh.household_id = coalesce(d.household_id, ph.household_id)
    JOIN rp{k} p ON p.province_code = hh.province_code
"""
KINDS: dict[str, Kind] = {
    "inpatient_year": Kind("medical", "yuan", """
        SELECT household_id, min(period) FILTER (WHERE running >= threshold) AS event_date, max(running) AS amount,
               any_value(threshold) AS threshold
        FROM (SELECT hh.household_id, d.period,
                     sum(d.inpatient_oop) OVER (PARTITION BY hh.household_id ORDER BY d.period) AS running,
                     CASE WHEN hh.priority THEN p.amount_priority ELSE p.amount_other END AS threshold
              {join} WHERE d.period BETWEEN $year_start AND $year_end)
        GROUP BY household_id HAVING max(running) >= any_value(threshold)""", ("amount_priority", "amount_other")),
    "outpatient_month": Kind("medical", "yuan", """
        SELECT hh.household_id, min(d.period) AS event_date, max(d.outpatient_oop) AS amount,
               any_value(p.amount) AS threshold
        {join} WHERE d.period BETWEEN $year_start AND $year_end AND d.outpatient_oop >= p.amount
        GROUP BY hh.household_id""", ("amount",)),
    "education_cost": Kind("education", "yuan", """
        SELECT hh.household_id, make_date($year, 9, 1) AS event_date, max(d.fees_paid) AS amount,
               any_value(p.amount) AS threshold
        {join} WHERE d.school_year = $year AND d.stage NOT IN $compulsory AND d.fees_paid >= p.amount
        GROUP BY hh.household_id""", ("amount",)),
    "education_dropout": Kind("education", "students", """
        SELECT hh.household_id, make_date($year, 9, 1) AS event_date, count(*) AS amount, 1.0 AS threshold
        {join} WHERE d.school_year = $year AND d.stage IN $compulsory AND d.status = 'dropped_out'
        GROUP BY hh.household_id"""),
    "assistance_new": Kind("civil_affairs", "yuan", """
        SELECT hh.household_id, min(coalesce(d.approved_on, $year_start)) AS event_date, sum(d.amount) AS amount,
               NULL::DOUBLE AS threshold
        {join} WHERE d.year = $year AND d.status IN ('dibao', 'tekun')
          AND d.person_hash NOT IN (SELECT person_hash FROM assistance
                                    WHERE year = $year - 1 AND status IN ('dibao', 'tekun'))
        GROUP BY hh.household_id"""),
    "disability_new": Kind("disability", "grade", """
        SELECT hh.household_id, min(d.certified_on) AS event_date, min(CAST(d.grade AS INTEGER)) AS amount,
               any_value(p.max_grade) AS threshold
        {join} WHERE d.certified_on BETWEEN $year_start AND $year_end AND CAST(d.grade AS INTEGER) <= p.max_grade
        GROUP BY hh.household_id""", ("max_grade",)),
    "house_unsafe": Kind("housing", "grade", """
        SELECT hh.household_id, min(d.appraised_on) AS event_date,
               max(CASE d.grade WHEN 'C' THEN 3 ELSE 4 END) AS amount, 3.0 AS threshold
        {join} WHERE d.appraised_on BETWEEN $year_start AND $year_end AND d.grade IN ('C', 'D')
        GROUP BY hh.household_id"""),
    "disaster_loss_share": Kind("emergency", "yuan", """
        SELECT household_id, event_date, amount, threshold FROM (
            SELECT hh.household_id, min(d.date) AS event_date, sum(d.loss) AS amount,
                   any_value(p.income_share) * greatest(any_value(coalesce(n.net_income, b.net_income)), 0)
                       AS threshold
            {join}
            LEFT JOIN income_net n ON n.household_id = hh.household_id AND n.year = $year
            LEFT JOIN income_net b ON b.household_id = hh.household_id AND b.year = $year - 1
            WHERE d.date BETWEEN $year_start AND $year_end
            GROUP BY hh.household_id)
        WHERE amount > 0 AND amount >= threshold""", ("income_share",)),
    "job_lost": Kind("human_resources", "months", """
        SELECT household_id, min(first_month) AS event_date, max(months) AS amount, any_value(threshold) AS threshold
        FROM (SELECT hh.household_id, d.person_hash, min(d.month) AS first_month, count(*) AS months,
                     any_value(p.min_months) AS threshold
              {join} WHERE d.month BETWEEN $year_start AND $year_end AND d.status IN ('unemployed', 'returned')
              GROUP BY hh.household_id, d.person_hash HAVING count(*) >= any_value(p.min_months))
        GROUP BY household_id""", ("min_months",)),
}
KIND_TABLE = {"medical": "medical_claims", "education": "education_records", "civil_affairs": "assistance",
              "disability": "disabilities", "housing": "house_safety", "emergency": "household_losses",
              "human_resources": "job_status"}


@dataclass(frozen=True)
class WarningRule:
    """One entry of the rules file: a rule for a province (000000 = the rest) over a span of years."""
    id: str
    kind: str
    province: str
    first_year: int
    last_year: int
    source: str
    name_zh: str
    name_en: str
    params: tuple[tuple[str, float], ...]
    units: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def department(self) -> str:
        return KINDS[self.kind].department

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def applies(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise RulesError(f"{where}: needs a number ≥ 0, not {value!r}")
    return float(value)


def _param(entry: dict, name: str, where: str) -> tuple[float, str, str]:
    spec = entry.get("params", {}).get(name)
    where = f"{where}, parameter `{name}`"
    if not isinstance(spec, dict):
        raise RulesError(f"{where} is missing (give value, unit and source)")
    return _number(spec.get("value"), where), text_field(spec, "unit", where), text_field(spec, "source", where)


def _years(entry: dict, where: str) -> tuple[int, int]:
    years = entry.get("years")
    if (not isinstance(years, list) or len(years) != 2 or not all(isinstance(y, int) for y in years)
            or years[0] > years[1]):
        raise RulesError(f"{where}: `years` must be [first, last] with first ≤ last, not {years!r}")
    return years[0], years[1]


def _rule(entry: object, position: int) -> WarningRule:
    rule_id, kind, where = rule_header(entry, position, {name: k.params for name, k in KINDS.items()})
    province = entry.get("province")
    if not isinstance(province, str) or not _PROVINCE.match(province):
        raise RulesError(f"{where}: `province` must be a 6-digit province code or 000000, not {province!r}")
    params = [_param(entry, name, where) for name in KINDS[kind].params]
    return WarningRule(rule_id, kind, province, *_years(entry, where), text_field(entry, "source", where),
                       text_field(entry, "name_zh", where), text_field(entry, "name_en", where),
                       tuple(zip(KINDS[kind].params, (p[0] for p in params), strict=True)),
                       tuple(p[1] for p in params), tuple(p[2] for p in params))


def _check_overlaps(rules: tuple[WarningRule, ...]) -> None:
    for i, a in enumerate(rules):
        for b in rules[i + 1:]:
            if (a.id, a.province) == (b.id, b.province) and a.first_year <= b.last_year and b.first_year <= a.last_year:
                raise RulesError(f"rule {a.id}: two entries for province {a.province} share years")
            if a.id == b.id and a.kind != b.kind:
                raise RulesError(f"rule {a.id}: entries of different kinds ({a.kind}, {b.kind})")


def parse_warning_rules(document: dict) -> tuple[WarningRule, ...]:
    """Rules from a parsed TOML document, checked whole; raises RulesError naming the problem."""
    if document.get("schema") != 1:
        raise RulesError("`schema = 1` is required at the top of the rules file")
    entries = document.get("rules")
    if not isinstance(entries, list) or not entries:
        raise RulesError("no [[rules]] entries")
    rules = tuple(_rule(entry, position) for position, entry in enumerate(entries, start=1))
    _check_overlaps(rules)
    return rules


def load_warning_rules(path: Path | str | None = None) -> tuple[WarningRule, ...]:
    """The department warning rules of a TOML file (default data/warning_rules.toml), validated."""
    path = Path(path or RULES_FILE)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path.name} is not valid TOML: {exc}") from None
    return parse_warning_rules(document)


def rules_table(rules: tuple[WarningRule, ...], lang: str) -> pd.DataFrame:
    """One row per entry and parameter: rule, department, province, years, parameter, value, unit, source."""
    rows = []
    for rule in rules:
        department = DEPARTMENTS[rule.department][1 if lang == "en" else 0]
        base = {"rule": rule.name(lang), "rule_id": rule.id, "department": department, "province": rule.province,
                "years": f"{rule.first_year}–{rule.last_year}"}
        for (name, value), unit, source in zip(rule.params, rule.units, rule.sources, strict=True):
            rows.append(base | {"parameter": name, "value": value, "unit": unit, "source": source})
        if not rule.params:
            rows.append(base | {"parameter": "", "value": None, "unit": "", "source": rule.source})
    return pd.DataFrame(rows)


def _effective(rules: tuple[WarningRule, ...], year: int) -> dict[str, dict[str, WarningRule]]:
    """rule id -> province -> the entry that applies in `year` (a province's own, else 000000's)."""
    out: dict[str, dict[str, WarningRule]] = {}
    for rule in rules:
        if rule.applies(year):
            out.setdefault(rule.id, {})[rule.province] = rule
    return {rule_id: {p: by.get(p, by.get("000000")) for p in PROVINCES if by.get(p, by.get("000000"))}
            for rule_id, by in out.items()}


_HH = """
WITH hh AS MATERIALIZED (  -- read once, not once per rule
    SELECT h.household_id, h.county_code, h.village_code, substr(h.county_code, 1, 2) || '0000' AS province_code,
           h.household_type IN $priority_types AS priority, h.id_number_hash
    FROM households h
    WHERE {region}
), ph AS MATERIALIZED (  -- person_households for the region's households only: the view is every person's
    SELECT person_hash, any_value(household_id) AS household_id FROM persons
    WHERE household_id IN (SELECT household_id FROM hh) GROUP BY person_hash
    UNION ALL
    SELECT id_number_hash, any_value(household_id) FROM hh
    WHERE id_number_hash IS NOT NULL AND id_number_hash NOT IN (SELECT person_hash FROM persons)
    GROUP BY id_number_hash
){params}
"""


def _warnings_sql(region_code: str, year: int, rules: tuple[WarningRule, ...]) -> tuple[str, dict]:
    region, params = region_where(region_code, "h")
    params |= {"year": year, "year_start": date(year, 1, 1), "year_end": date(year, 12, 31),
               "priority_types": list(PRIORITY_TYPES), "compulsory": list(COMPULSORY_STAGES)}
    ctes, selects = [], []
    for k, (rule_id, by_province) in enumerate(_effective(rules, year).items()):
        kind = KINDS[next(iter(by_province.values())).kind]
        provinces = sorted(by_province)
        columns = [f"unnest($rp{k}_province) AS province_code"]
        params[f"rp{k}_province"] = provinces
        for name in kind.params:
            params[f"rp{k}_{name}"] = [dict(by_province[p].params)[name] for p in provinces]
            columns.append(f"unnest($rp{k}_{name}) AS {name}")
        ctes.append(f", rp{k} AS (SELECT {', '.join(columns)})")
        params[f"rule{k}"] = rule_id
        table = KIND_TABLE[kind.department]
        selects.append(f"SELECT $rule{k} AS rule_id, * FROM ({kind.sql.format(join=_JOIN.format(table=table, k=k))})")
    if not selects:
        raise RulesError(f"no warning rule applies in {year}")
    return _HH.format(region=region, params="".join(ctes)) + "\nUNION ALL\n".join(selects), params


_COLUMNS = ("household_id", "county_code", "township_code", "village_code", "village_name", "head_name_masked",
            "household_type", "members", "labor_count", "enrolled", "eliminated", "rule_id", "department",
            "event_date", "amount", "threshold")


# fetch(function, *args): function(cur, *args), or its stored result (the precompute job passes its own, so that a
# result asked for by several others is computed once)
Fetch = Callable[..., Any]


def fetched(cur: duckdb.DuckDBPyConnection, fetch: Fetch | None, function: Callable[..., Any], *args: Any) -> Any:
    return fetch(function, *args) if fetch else function(cur, *args)


def department_warnings(cur: duckdb.DuckDBPyConnection, region_code: str, year: int,
                        rules: tuple[WarningRule, ...]) -> pd.DataFrame:
    """One row per warned household and rule in `year`: who, which rule, which department, when, how much.

    Columns: household_id, county_code, township_code, village_code, village_name, head_name_masked,
    household_type, members, labor_count, enrolled (a monitored type enrolled by the year's end), eliminated
    (risk eliminated by then), rule_id, department, event_date, amount (in the kind's unit), threshold.
    """
    sql, params = _warnings_sql(region_code, year, rules)
    query = f"""
        WITH w AS ({sql})
        SELECT w.household_id, h.county_code, substr(h.village_code, 1, 9) AS township_code, h.village_code,
               v.name AS village_name, h.head_name_masked, h.household_type, h.members, h.labor_count,
               h.household_type IN $monitored AND coalesce(h.monitored_since <= $year_end, TRUE) AS enrolled,
               coalesce(h.risk_eliminated_on <= $year_end, FALSE) AS eliminated,
               w.rule_id, w.event_date, w.amount, w.threshold
        FROM w JOIN households h ON h.household_id = w.household_id
        LEFT JOIN regions v ON v.code = h.village_code
        ORDER BY h.county_code, h.village_code, w.household_id, w.rule_id"""
    frame = cur.execute(query, params | {"monitored": list(MONITORED_TYPES)}).df()
    departments = {rule.id: rule.department for rule in rules}
    frame["department"] = frame["rule_id"].map(departments)
    return frame[list(_COLUMNS)]


def warned_households(warnings: pd.DataFrame, rules: tuple[WarningRule, ...], lang: str) -> pd.DataFrame:
    """One row per warned household: its departments and reasons (names in `lang`), earliest warning date."""
    names = {rule.id: rule.name(lang) for rule in rules}
    separator = "; " if lang == "en" else "；"
    grouped = warnings.groupby("household_id", sort=False)
    first = grouped.first()
    out = first[["county_code", "township_code", "village_code", "village_name", "head_name_masked",
                 "household_type", "members", "labor_count", "enrolled", "eliminated"]].copy()
    out["first_warning"] = grouped["event_date"].min()
    department = warnings["department"].map({code: pair[1 if lang == "en" else 0] for code, pair in DEPARTMENTS.items()})
    once = ~warnings.duplicated(["household_id", "department"]).to_numpy()
    out["departments"] = _joined(out.index, warnings["household_id"][once], department[once], separator)
    out["reasons"] = _joined(out.index, warnings["household_id"], warnings["rule_id"].map(names), separator)
    out["n_reasons"] = grouped.size()
    return out.reset_index()


def _joined(households: pd.Index, keys: pd.Series, texts: pd.Series, separator: str) -> list[str]:
    """Each household's texts joined in the order of its rows (one pass: pandas' per-group join took over a
    second for a province's 20,000 warned households)."""
    joined: dict = {}
    for key, text in zip(keys, texts, strict=True):
        joined[key] = text if key not in joined else joined[key] + separator + text
    return [joined[key] for key in households]


@dataclass(frozen=True)
class WarningTotals:
    """A region's department warnings in a year, as the command line prints them."""
    year: int
    warned_households: int
    not_enrolled: int
    warned_after_closing: int
    by_department: dict[str, int]     # households warned by each department
    by_rule: dict[str, int]           # households warned by each rule
    unmatched_persons: dict[str, int]  # department rows of the year whose person is in no household

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def warning_totals(warnings: pd.DataFrame, unmatched: dict[str, int], year: int) -> WarningTotals:
    """Counts of households (each once) overall, per department and per rule."""
    households = warnings.drop_duplicates("household_id")
    return WarningTotals(
        year, len(households), int((~households["enrolled"]).sum()), int(households["eliminated"].sum()),
        {d: int(n) for d, n in warnings.drop_duplicates(["household_id", "department"])["department"]
         .value_counts().sort_index().items()},
        {r: int(n) for r, n in warnings["rule_id"].value_counts().sort_index().items()},
        unmatched)


_UNMATCHED = """
SELECT $department{k} AS department, count(DISTINCT d.person_hash) FROM {table} d
LEFT JOIN ph ON ph.person_hash = d.person_hash
WHERE d.household_id IS NULL AND ph.person_hash IS NULL AND {in_year}
"""
_IN_YEAR = {"medical": "d.period BETWEEN $start AND $end", "education": "d.school_year = $year",
            "civil_affairs": "d.year = $year", "disability": "d.certified_on BETWEEN $start AND $end",
            "housing": "d.appraised_on BETWEEN $start AND $end", "emergency": "d.date BETWEEN $start AND $end",
            "human_resources": "d.month BETWEEN $start AND $end"}


def unmatched_persons(cur: duckdb.DuckDBPyConnection, year: int) -> dict[str, int]:
    """Per department: people in the year's rows who match no household (register them, or load members)."""
    params = {"year": year, "start": date(year, 1, 1), "end": date(year, 12, 31)}
    parts = []
    for k, (department, table) in enumerate(KIND_TABLE.items()):
        parts.append(_UNMATCHED.format(k=k, table=table, in_year=_IN_YEAR[department]))
        params[f"department{k}"] = department
    # one query, so the person_households view (every person) is computed once, not once per department
    sql = "WITH ph AS MATERIALIZED (SELECT person_hash FROM person_households)\n" + "UNION ALL".join(parts)
    found = dict(cur.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).fetchall())
    return {department: int(found[department]) for department in KIND_TABLE if found.get(department)}


def counts_by_unit(warnings: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Warned households per county or township (`unit` = 'county_code' or 'township_code'): total, not enrolled,
    and per department."""
    if unit not in ("county_code", "township_code"):
        raise ValueError(f"unit must be county_code or township_code, not {unit!r}")
    households = warnings.drop_duplicates("household_id")
    base = households.groupby(unit).agg(warned=("household_id", "size"),
                                        not_enrolled=("enrolled", lambda e: int((~e).sum())))
    per_department = (warnings.drop_duplicates(["household_id", "department"])
                      .pivot_table(index=unit, columns="department", values="household_id", aggfunc="count",
                                   fill_value=0))
    return base.join(per_department).fillna(0).astype("int64").reset_index()


@dataclass(frozen=True)
class WarningCounts:
    """Aggregates for the page and briefing (no household rows)."""
    totals: WarningTotals
    by_county: pd.DataFrame    # county_code, name, name_en, households (all), flagged (warned), not_enrolled, departments
    by_township: pd.DataFrame  # township_code, name, county_code, households (warned), not_enrolled, departments


_HOUSEHOLDS_BY_COUNTY = """
SELECT h.county_code, count(*) AS households, any_value(r.name) AS name, any_value(r.name_en) AS name_en
FROM households h LEFT JOIN regions r ON r.code = h.county_code
WHERE {region} GROUP BY h.county_code ORDER BY h.county_code
"""


def warning_counts(cur: duckdb.DuckDBPyConnection, region_code: str, year: int,
                   rules: tuple[WarningRule, ...], *, fetch: Fetch | None = None) -> WarningCounts:
    """Warned households by county (with all households, for shares on a map) and by township, and totals."""
    warnings = fetched(cur, fetch, department_warnings, region_code, year, rules)
    unmatched = unmatched_persons(cur, year) if region_code == "000000" else {}
    region, params = region_where(region_code, "h")
    counties = cur.execute(_HOUSEHOLDS_BY_COUNTY.format(region=region), params).df()
    by_county = counties.merge(counts_by_unit(warnings, "county_code"), how="left", on="county_code")
    by_county = by_county.rename(columns={"warned": "flagged"}).fillna(
        {c: 0 for c in ("flagged", "not_enrolled", *KIND_TABLE)})
    townships = counts_by_unit(warnings, "township_code").rename(columns={"warned": "households"})
    names = cur.execute("SELECT code AS township_code, name FROM regions WHERE list_contains($codes, code)",
                        {"codes": townships["township_code"].tolist()}).df()
    townships = townships.merge(names, how="left", on="township_code")
    townships["county_code"] = townships["township_code"].str[:6]
    return WarningCounts(warning_totals(warnings, unmatched, year), by_county, townships)


def warning_list(warned: pd.DataFrame, income_reasons: pd.Series | None, lang: str) -> pd.DataFrame:
    """The list for village teams (masked): one row per warned household, with `warned_households` columns
    and, where given, the screening rules' reasons for the same household (income_reasons indexed by household)."""
    columns = {
        "dept_col_household": warned["household_id"],
        "dept_col_village": warned["village_name"].fillna(warned["village_code"]),
        "dept_col_head": warned["head_name_masked"],
        "household_type": [household_type(name, lang) for name in warned["household_type"]],
        "dept_col_enrolled": [t("dept_yes" if e else "dept_no", lang) for e in warned["enrolled"]],
        "dept_col_first": pd.to_datetime(warned["first_warning"]).dt.date,
        "dept_col_departments": warned["departments"],
        "dept_col_reasons": warned["reasons"],
        "dept_col_income_rules": (warned["household_id"].map(income_reasons).fillna("")
                                  if income_reasons is not None else ""),
    }
    return pd.DataFrame({t(key, lang): values for key, values in columns.items()})
