"""The check before closing a case (风险消除): for each monitored household, which closing criterion fails.

Criteria in a year Y (parameters in data/case_deadlines.toml [closing]):
- income: per-capita net income at or above the monitoring line in each of the latest `income_years` years to Y;
- rigid_spending: medical + education spending in Y at most `rigid_spending_share` of the year's net income;
- education (义务教育): no pupil of the household dropped out of compulsory school in school year Y;
- medical (基本医疗): no medical warning in Y, unless a health measure (健康帮扶) started in Y;
- housing (住房安全): the latest house appraisal up to the end of Y is not C or D;
- water (饮水安全): the latest appraisal does not record unsafe drinking water;
- no_warning: no department warning in Y (for a case closed in Y: none dated on or before its closure).
A criterion without data counts as holding, except income (no income row: it fails). Households without labour
capacity (labor_count 0, or family members all recorded 无劳动能力) are listed for continued support instead of
closing. A case's closure date is the households file's 风险消除日期, else the latest in the case export.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from analysis.cases import Deadlines
from analysis.department_warnings import Fetch, WarningRule, department_warnings, fetched
from analysis.i18n import household_type, t
from analysis.overview import MONITORED_TYPES
from analysis.regioncodes import region_where
from analysis.store.department_formats import COMPULSORY_STAGES

CRITERIA = ("income", "rigid_spending", "education", "medical", "housing", "water", "no_warning")
CRITERION_LABELS = {"income": "dept_criterion_income", "rigid_spending": "dept_criterion_rigid_spending",
                    "education": "dept_criterion_education", "medical": "dept_criterion_medical",
                    "housing": "dept_criterion_housing", "water": "dept_criterion_water",
                    "no_warning": "dept_criterion_no_warning"}
MEDICAL_RULE_KINDS = ("inpatient_year", "outpatient_month")

_MONITORED = """
WITH m AS MATERIALIZED (
    SELECT h.household_id, h.county_code, substr(h.village_code, 1, 9) AS township_code, h.village_code,
           h.head_name_masked, h.household_type, h.members, h.labor_count,
           coalesce(h.risk_eliminated_on, (SELECT max(c.closed_on) FROM cases c
                                           WHERE c.household_id = h.household_id)) AS closed_on
    FROM households h
    WHERE {region} AND h.household_type IN $monitored AND coalesce(h.monitored_since <= $year_end, TRUE)
), income_years AS (
    SELECT i.household_id, count(*) FILTER (WHERE i.per_capita_net_income >= pl.monitoring_line) AS years_above
    FROM income_net i
    JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
    WHERE i.year BETWEEN $year - $income_years + 1 AND $year AND i.household_id IN (SELECT household_id FROM m)
    GROUP BY i.household_id
), now AS (
    SELECT household_id, per_capita_net_income, net_income,
           coalesce(medical_expense, 0) + coalesce(education_expense, 0) AS rigid_spending
    FROM income_net WHERE year = $year AND household_id IN (SELECT household_id FROM m)
), ph AS MATERIALIZED (  -- person_households for these households only (the view is every person's)
    SELECT person_hash, any_value(household_id) AS household_id FROM persons
    WHERE household_id IN (SELECT household_id FROM m) GROUP BY person_hash
    UNION ALL
    SELECT id_number_hash, any_value(household_id) FROM households
    WHERE household_id IN (SELECT household_id FROM m) AND id_number_hash IS NOT NULL
      AND id_number_hash NOT IN (SELECT person_hash FROM persons)
    GROUP BY id_number_hash
), person_rows AS (  -- department rows with their household
    SELECT 'house' AS what, coalesce(d.household_id, ph.household_id) AS household_id, d.appraised_on AS on_date,
           d.grade, d.safe_water, NULL AS stage, NULL AS status
    FROM house_safety d LEFT JOIN ph ON ph.person_hash = d.person_hash
    WHERE d.appraised_on <= $year_end
    UNION ALL
    SELECT 'school', coalesce(d.household_id, ph.household_id), NULL, NULL, NULL, d.stage, d.status
    FROM education_records d LEFT JOIN ph ON ph.person_hash = d.person_hash
    WHERE d.school_year = $year
), house AS (
    SELECT household_id, arg_max(grade, on_date) AS house_grade, arg_max(safe_water, on_date) AS safe_water
    FROM person_rows WHERE what = 'house' GROUP BY household_id
), dropout AS (
    SELECT DISTINCT household_id FROM person_rows
    WHERE what = 'school' AND stage IN $compulsory AND status = 'dropped_out'
), health AS (
    SELECT DISTINCT household_id FROM support_measures
    WHERE measure_type = 'health' AND started_on BETWEEN $year_start AND $year_end
), capacity AS (
    SELECT household_id, count(labour_capacity) AS known,
           count(*) FILTER (WHERE labour_capacity IN ('able', 'weak')) AS able
    FROM persons WHERE household_id IN (SELECT household_id FROM m) GROUP BY household_id
)
SELECT m.*, v.name AS village_name, n.per_capita_net_income, pl.monitoring_line,
       coalesce(iy.years_above, 0) >= $income_years AS income,
       coalesce(n.rigid_spending <= $rigid_share * greatest(n.net_income, 0), TRUE) AS rigid_spending,
       d.household_id IS NULL AS education,
       hs.house_grade, coalesce(hs.house_grade NOT IN ('C', 'D'), TRUE) AS housing,
       coalesce(hs.safe_water, TRUE) AS water,
       he.household_id IS NOT NULL AS health_measure,
       coalesce(m.labor_count = 0, FALSE) OR coalesce(cp.known > 0 AND cp.able = 0, FALSE) AS no_labour
FROM m
LEFT JOIN regions v ON v.code = m.village_code
LEFT JOIN now n ON n.household_id = m.household_id
LEFT JOIN province_lines pl ON pl.year = $year AND pl.province_code = substr(m.county_code, 1, 2) || '0000'
LEFT JOIN income_years iy ON iy.household_id = m.household_id
LEFT JOIN dropout d ON d.household_id = m.household_id
LEFT JOIN house hs ON hs.household_id = m.household_id
LEFT JOIN health he ON he.household_id = m.household_id
LEFT JOIN capacity cp ON cp.household_id = m.household_id
ORDER BY m.county_code, m.village_code, m.household_id
"""


def closing_check(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, rules: tuple[WarningRule, ...],
                  deadlines: Deadlines, *, fetch: Fetch | None = None) -> pd.DataFrame:
    """One row per monitored household of the region in `year`: each criterion (True = holds), `failing`
    (the criteria that fail, joined by ';'), all_ok, no_labour, closed_on, closed_in_year, closed_by_year_end."""
    region, params = region_where(region_code, "h")
    params |= {"year": year, "year_start": date(year, 1, 1), "year_end": date(year, 12, 31),
               "monitored": list(MONITORED_TYPES), "compulsory": list(COMPULSORY_STAGES),
               "income_years": deadlines.income_years, "rigid_share": deadlines.rigid_spending_share}
    frame = cur.execute(_MONITORED.format(region=region), params).df()
    frame["closed_on"] = pd.to_datetime(frame["closed_on"])
    end = pd.Timestamp(year, 12, 31)
    frame["closed_by_year_end"] = frame["closed_on"].le(end)
    frame["closed_in_year"] = frame["closed_by_year_end"] & frame["closed_on"].ge(pd.Timestamp(year, 1, 1))
    _warning_criteria(frame, fetched(cur, fetch, department_warnings, region_code, year, rules), rules)
    checks = frame[list(CRITERIA)].astype(bool)
    frame["all_ok"] = checks.all(axis=1)
    frame["failing"] = checks.apply(lambda row: ";".join(c for c in CRITERIA if not row[c]), axis=1) \
        if len(frame) else pd.Series(dtype=str)
    return frame


def _warning_criteria(frame: pd.DataFrame, warnings: pd.DataFrame, rules: tuple[WarningRule, ...]) -> None:
    """medical and no_warning from the year's department warnings (before closure for cases closed that year)."""
    kinds = {rule.id: rule.kind for rule in rules}
    warned = warnings.merge(frame[["household_id", "closed_on", "closed_in_year"]], on="household_id")
    relevant = warned[~warned["closed_in_year"] | (pd.to_datetime(warned["event_date"]) <= warned["closed_on"])]
    medical = set(relevant.loc[relevant["rule_id"].map(kinds).isin(MEDICAL_RULE_KINDS), "household_id"])
    frame["medical"] = ~frame["household_id"].isin(medical) | frame["health_measure"]
    frame["no_warning"] = ~frame["household_id"].isin(set(relevant["household_id"]))


def closed_failing(check: pd.DataFrame) -> pd.DataFrame:
    """Closed in the year although a criterion fails: closures to review (疑似“被消除”)."""
    return check[check["closed_in_year"] & ~check["all_ok"]].reset_index(drop=True)


def review_for_closing(check: pd.DataFrame) -> pd.DataFrame:
    """Still open at the year's end, every criterion holds, and able to work: could be reviewed for closing."""
    return check[~check["closed_by_year_end"] & check["all_ok"] & ~check["no_labour"]].reset_index(drop=True)


def continued_support(check: pd.DataFrame) -> pd.DataFrame:
    """Open households without labour capacity: keep supporting (兜底保障) rather than close."""
    return check[~check["closed_by_year_end"] & check["no_labour"]].reset_index(drop=True)


@dataclass(frozen=True)
class ClosingSummary:
    """Aggregates for the page and briefing (no household rows)."""
    monitored: int
    closed_in_year: int
    closed_failing: int
    review_for_closing: int
    continued_support: int
    by_criterion: pd.DataFrame   # criterion, failing (monitored households), failing_closed (closed in the year)
    by_township: pd.DataFrame    # township_code, name, households (monitored), closed_failing, review, continued


def closing_summary(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, rules: tuple[WarningRule, ...],
                    deadlines: Deadlines, *, fetch: Fetch | None = None) -> ClosingSummary:
    check = fetched(cur, fetch, closing_check, region_code, year, rules, deadlines)
    failing, review, continued = closed_failing(check), review_for_closing(check), continued_support(check)
    closed = check[check["closed_in_year"]]
    by_criterion = pd.DataFrame({"criterion": list(CRITERIA),
                                 "failing": [int((~check[c].astype(bool)).sum()) for c in CRITERIA],
                                 "failing_closed": [int((~closed[c].astype(bool)).sum()) for c in CRITERIA]})
    by_township = check.groupby("township_code").size().rename("households").to_frame()
    for name, part in (("closed_failing", failing), ("review", review), ("continued", continued)):
        by_township[name] = part.groupby("township_code").size()
    by_township = by_township.fillna(0).astype("int64").reset_index()
    names = cur.execute("SELECT code AS township_code, name FROM regions WHERE list_contains($codes, code)",
                        {"codes": by_township["township_code"].tolist()}).df()
    by_township = by_township.merge(names, how="left", on="township_code")
    return ClosingSummary(len(check), len(closed), len(failing), len(review), len(continued), by_criterion,
                          by_township.sort_values(["closed_failing", "township_code"], ascending=[False, True],
                                                  ignore_index=True))


def closing_list(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A closing-check list (masked): the household, when it was closed, which criteria fail."""
    failing = [("；" if lang != "en" else "; ").join(t(CRITERION_LABELS[c], lang) for c in text.split(";") if c)
               for text in frame["failing"]]
    columns = {
        "dept_col_household": frame["household_id"],
        "dept_col_village": frame["village_name"].fillna(frame["village_code"]),
        "dept_col_head": frame["head_name_masked"],
        "household_type": [household_type(name, lang) for name in frame["household_type"]],
        "dept_col_labour": frame["labor_count"],
        "dept_col_income": frame["per_capita_net_income"].round(0),
        "dept_col_line": frame["monitoring_line"],
        "dept_col_closed": pd.to_datetime(frame["closed_on"]).dt.date,
        "dept_col_failing": failing,
    }
    return pd.DataFrame({t(key, lang): values for key, values in columns.items()})
