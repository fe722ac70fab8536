"""Follow-through of warnings (帮扶时效) from the national system's case export, against deadlines as data.

A case is one warning of one household (cases table) with the dates of its steps; its support is the
household's measures (support_measures) started on or after the warning date. Deadlines
(data/case_deadlines.toml): first support within `support_days` calendar days of the warning, the county's
decision within `decision_working_days` working days. Working days are weekdays: public holidays and the
weekend days worked in exchange (调休) are not modelled, so around Spring Festival and National Day a case
can show one to five working days more than it had. Cases still waiting are judged at the export date: the
latest date anywhere in the case export and measures.
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
from analysis.i18n import t
from analysis.regioncodes import region_where

DEADLINES_FILE = DATA_DIR / "case_deadlines.toml"


@dataclass(frozen=True)
class Deadlines:
    support_days: int
    decision_working_days: int
    income_years: int
    rigid_spending_share: float


def load_deadlines(path: Path | str | None = None) -> Deadlines:
    """Deadlines and closing parameters (default data/case_deadlines.toml); ValueError names a bad field."""
    document = tomllib.loads(Path(path or DEADLINES_FILE).read_text(encoding="utf-8"))
    values = {}
    for section, name, kind in (("deadlines", "support_days", int), ("deadlines", "decision_working_days", int),
                                ("closing", "income_years", int), ("closing", "rigid_spending_share", float)):
        spec = document.get(section, {}).get(name, {})
        value = spec.get("value") if isinstance(spec, dict) else None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise ValueError(f"{section}.{name}: needs a numeric value ≥ 0 with unit and source, not {value!r}")
        if not (spec.get("unit") and spec.get("source")):
            raise ValueError(f"{section}.{name}: give `unit` and `source`")
        values[name] = kind(value)
    return Deadlines(**values)


_CASES = """
WITH c AS (
    SELECT c.*, h.county_code, substr(h.village_code, 1, 9) AS township_code, h.village_code,
           h.head_name_masked, h.household_type
    FROM cases c JOIN households h ON h.household_id = c.household_id
    WHERE {region}
)
SELECT c.household_id, c.county_code, c.township_code, c.village_code, t.name AS township_name,
       v.name AS village_name, c.head_name_masked, c.household_type, c.warning_date, c.source, c.verified_on,
       c.village_reviewed_on, c.township_reviewed_on, c.county_decided_on, c.decision, c.closed_on,
       (SELECT min(m.started_on) FROM support_measures m
        WHERE m.household_id = c.household_id AND m.started_on >= c.warning_date) AS first_support_on
FROM c
LEFT JOIN regions t ON t.code = c.township_code
LEFT JOIN regions v ON v.code = c.village_code
ORDER BY c.county_code, c.village_code, c.household_id, c.warning_date
"""


def export_date(cur: duckdb.DuckDBPyConnection) -> date | None:
    """The date the case export describes: its latest date of any step or measure."""
    return cur.execute("""
        SELECT max(d) FROM (
            SELECT greatest(warning_date, verified_on, village_reviewed_on, township_reviewed_on, county_decided_on,
                            closed_on) AS d FROM cases
            UNION ALL SELECT max(started_on) FROM support_measures)""").fetchall()[0][0]


def _working_days(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Weekdays after `start` up to and including `end` (NaN where either is missing)."""
    ok = start.notna() & end.notna()
    out = np.full(len(start), np.nan)
    if ok.any():
        first = start[ok].to_numpy(dtype="datetime64[D]") + 1
        last = end[ok].to_numpy(dtype="datetime64[D]") + 1
        out[ok.to_numpy()] = np.busday_count(first, last)
    return out


def _days(start: pd.Series, end: pd.Series) -> pd.Series:
    return (pd.to_datetime(end) - pd.to_datetime(start)).dt.days


def follow_through(cur: duckdb.DuckDBPyConnection, region_code: str, deadlines: Deadlines) -> pd.DataFrame:
    """Every case of the region with its timings and deadline flags.

    Added columns: days_to_decision, working_days_to_decision, days_to_support (NaN while missing),
    support_overdue (support came late, or is still missing past the deadline at the export date, unless the
    county decided not to enrol), decision_overdue (likewise for the county decision), overdue (either),
    open (not closed and not decided against).
    """
    region, params = region_where(region_code, "h")
    frame = cur.execute(_CASES.format(region=region), params).df()
    as_of = pd.Timestamp(export_date(cur) or date.today())
    for column in ("warning_date", "county_decided_on", "first_support_on", "closed_on"):
        frame[column] = pd.to_datetime(frame[column])
    declined = frame["decision"].eq("not_enrolled").to_numpy()
    frame["days_to_decision"] = _days(frame["warning_date"], frame["county_decided_on"])
    frame["working_days_to_decision"] = _working_days(frame["warning_date"], frame["county_decided_on"])
    frame["days_to_support"] = _days(frame["warning_date"], frame["first_support_on"])
    waited = _days(frame["warning_date"], pd.Series(as_of, index=frame.index))
    waited_working = _working_days(frame["warning_date"], pd.Series(as_of, index=frame.index))
    support_late = frame["days_to_support"].gt(deadlines.support_days).to_numpy()
    support_missing = frame["first_support_on"].isna().to_numpy() & ~declined & (waited > deadlines.support_days)
    frame["support_overdue"] = support_late | support_missing
    decision_late = frame["working_days_to_decision"] > deadlines.decision_working_days
    decision_missing = frame["county_decided_on"].isna().to_numpy() & (waited_working > deadlines.decision_working_days)
    frame["decision_overdue"] = decision_late | decision_missing
    frame["overdue"] = frame["support_overdue"] | frame["decision_overdue"]
    frame["open"] = frame["closed_on"].isna() & ~declined
    return frame


def overdue_by_township(cases: pd.DataFrame) -> pd.DataFrame:
    """Per township: cases, open, overdue (support or decision), each kind of overdue, median days to support."""
    if cases.empty:
        return pd.DataFrame(columns=["township_code", "township_name", "county_code", "cases", "open", "overdue",
                                     "support_overdue", "decision_overdue", "median_days_to_support"])
    grouped = cases.groupby(["township_code"], sort=True)
    out = grouped.agg(township_name=("township_name", "first"), county_code=("county_code", "first"),
                      cases=("household_id", "size"), open=("open", "sum"), overdue=("overdue", "sum"),
                      support_overdue=("support_overdue", "sum"), decision_overdue=("decision_overdue", "sum"),
                      median_days_to_support=("days_to_support", "median"))
    return out.reset_index().sort_values(["overdue", "township_code"], ascending=[False, True], ignore_index=True)


def measures_by_type(cur: duckdb.DuckDBPyConnection, region_code: str) -> pd.DataFrame:
    """Support measures of the region's households by type: measures, households, amount (yuan)."""
    region, params = region_where(region_code, "h")
    return cur.execute(f"""
        SELECT m.measure_type, count(*) AS measures, count(DISTINCT m.household_id) AS households,
               sum(m.amount) AS amount
        FROM support_measures m JOIN households h ON h.household_id = m.household_id
        WHERE {region}
        GROUP BY m.measure_type ORDER BY measures DESC, m.measure_type""", params).df()


@dataclass(frozen=True)
class CaseTotals:
    cases: int
    open: int
    overdue: int
    support_overdue: int
    decision_overdue: int
    median_days_to_decision: float | None
    median_days_to_support: float | None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def case_totals(cases: pd.DataFrame) -> CaseTotals:
    def median(column: str) -> float | None:
        value = cases[column].median()
        return None if pd.isna(value) else float(value)
    return CaseTotals(len(cases), int(cases["open"].sum()), int(cases["overdue"].sum()),
                      int(cases["support_overdue"].sum()), int(cases["decision_overdue"].sum()),
                      median("days_to_decision"), median("days_to_support"))


@dataclass(frozen=True)
class CaseSummary:
    """Aggregates for the page and briefing (no household rows)."""
    totals: CaseTotals
    by_township: pd.DataFrame
    measures: pd.DataFrame
    export_date: date | None


def case_summary(cur: duckdb.DuckDBPyConnection, region_code: str, deadlines: Deadlines) -> CaseSummary:
    frame = follow_through(cur, region_code, deadlines)
    return CaseSummary(case_totals(frame), overdue_by_township(frame), measures_by_type(cur, region_code),
                       export_date(cur))


def case_list(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Cases for township staff (masked): dates, days to decision and support, what is overdue."""
    def day(column: str) -> pd.Series:
        return pd.to_datetime(frame[column]).dt.date

    columns = {
        "dept_col_household": frame["household_id"],
        "dept_col_township": frame["township_name"].fillna(frame["township_code"]),
        "dept_col_village": frame["village_name"].fillna(frame["village_code"]),
        "dept_col_head": frame["head_name_masked"],
        "dept_col_warning_date": day("warning_date"),
        "dept_col_decided": day("county_decided_on"),
        "dept_col_first_support": day("first_support_on"),
        "dept_col_closed": day("closed_on"),
        "dept_col_working_days": frame["working_days_to_decision"],
        "dept_col_days_support": frame["days_to_support"],
        "dept_col_support_overdue": [t("dept_yes" if v else "dept_no", lang) for v in frame["support_overdue"]],
        "dept_col_decision_overdue": [t("dept_yes" if v else "dept_no", lang) for v in frame["decision_overdue"]],
    }
    return pd.DataFrame({t(key, lang): values for key, values in columns.items()})


def by_township_sheets(frame: pd.DataFrame, township_column: str, names: pd.Series) -> dict[str, pd.DataFrame]:
    """One sheet per township (name and code, within Excel's 31 characters), so each township gets its own list."""
    sheets = {}
    for code, rows in frame.groupby(township_column, sort=True):
        name = names.get(code) if names is not None else None
        label = f"{name or ''} {code}".strip()[-31:]
        sheets[label] = rows.drop(columns=[township_column])
    return sheets
