"""The one enforcement point between a user's scope and the data: arguments, rows and small cells.

`run_scoped(cur, query, args, scope, min_cell)` is what the page shell runs for every query:
1. every argument that names a place or a household (a digit string of 6+ digits, also inside tuples)
   must lie inside the scope, else `OutOfScope` before any SQL runs;
2. household-level queries need the `households` permission, else `NotPermitted`;
3. in the result (a frame, or frames inside a dataclass, list or dict), rows whose county_code,
   township_code, village_code or household_id lie outside the scope are dropped (a `code` column may also name the
   user's own wider areas, for names and monitoring lines); household rows are dropped for roles
   without `households`; and aggregate rows of fewer than `min_cell` households are suppressed for them.

Below a county (a township or village scope) a county is wider than the user's area: a row whose only
place is a `county_code` is a county aggregate and is dropped (it sums other townships' households), while
a row that also has a `township_code`, `village_code` or `household_id` inside the area is kept when its
county_code is the area's own county. A wider area in a `code` column is kept there only to be named (NAME_COLUMNS), never
with figures. Pages say that county-only views are not available at that level
(`analysis.regioncodes.below_county`) rather than showing them empty.
"""
from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from analysis.access.scope import NotPermitted, OutOfScope, Scope, ancestors, is_code_like
from analysis.regioncodes import NATIONAL, below_county, region_prefix

# Queries whose rows are households (checked by name so that refusing happens before the query runs).
HOUSEHOLD_QUERIES = frozenset({
    "analysis.drilldown.village_households",
    "analysis.drilldown.household_card",
    "analysis.screening.flagged_households",
    "analysis.riskmodel.risk_scores",
    "analysis.riskmodel.highest_risk",
    "analysis.department_warnings.department_warnings",
    "analysis.cases.follow_through",
    "analysis.closing.closing_check",
})
ROW_CODE_COLUMNS = ("county_code", "township_code", "village_code", "household_id")
FINER_COLUMNS = ("township_code", "village_code", "household_id")
# Columns that name or locate a place (and its monitoring line) without measuring anything in it.
NAME_COLUMNS = frozenset({"code", "name", "name_en", "level", "parent_code", "year", "monitoring_line",
                          "province_code", "synthetic"})
HOUSEHOLD_COUNT_COLUMN = "households"
SUPPRESSED_COLUMN = "suppressed"


def query_name(query: Callable[..., Any]) -> str:
    return f"{query.__module__}.{query.__qualname__}"


def is_household_query(query: Callable[..., Any]) -> bool:
    return query_name(query) in HOUSEHOLD_QUERIES


def codes_in(value: Any) -> list[str]:
    """Place and household codes among plain arguments (strings, and tuples or lists of them)."""
    if is_code_like(value):
        return [value]
    if isinstance(value, tuple | list | frozenset | set):
        return [code for item in value for code in codes_in(item)]
    return []


def check_arguments(scope: Scope, args: tuple) -> None:
    """Refuse before any SQL runs when an argument names a place or household outside the scope."""
    for code in codes_in(args):
        if not scope.contains(code):
            raise OutOfScope(code)


def _inside(values: pd.Series, scope: Scope, wider: set[str]) -> np.ndarray:
    """Vectorised `code_inside` (a screening list can hold 200,000 rows)."""
    text = values.astype("string").fillna("")
    prefix = scope.region_code[: region_prefix(scope.region_code)]
    return (text.str.startswith(prefix) | text.isin(wider)).to_numpy(dtype=bool)


def _county_inside(values: pd.Series, scope: Scope, finer: bool) -> np.ndarray:
    """county_code test; below a county only rows also located by a finer code (checked too) may pass."""
    if not below_county(scope.region_code):
        return _inside(values, scope, set())
    own = values.astype("string").fillna("") == scope.region_code[:6]
    return (own & finer).to_numpy(dtype=bool)


def in_scope_rows(frame: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The rows of `frame` that lie inside the scope (all rows for a frame without code columns)."""
    if scope.region_code == NATIONAL:
        return frame
    keep = np.ones(len(frame), dtype=bool)
    for column in FINER_COLUMNS:
        if column in frame.columns:
            keep &= _inside(frame[column], scope, set())
    if "county_code" in frame.columns:
        keep &= _county_inside(frame["county_code"], scope, any(c in frame.columns for c in FINER_COLUMNS))
    if "code" in frame.columns:
        named_only = set(frame.columns) <= NAME_COLUMNS
        keep &= _inside(frame["code"], scope, ancestors(scope.region_code) if named_only else _measurable(scope))
    return frame if keep.all() else frame[keep].reset_index(drop=True)


def _measurable(scope: Scope) -> set[str]:
    """Wider areas whose figures a scope may see: none below a county (they include other townships)."""
    return set() if below_county(scope.region_code) else ancestors(scope.region_code)


def suppress_small_cells(frame: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Blank every figure of rows counting fewer than `min_cell` households (the count itself stays).

    Rows are kept (a map still outlines the area) with `suppressed` = True, so no single household's
    income, type or status can be read off a map or table.
    """
    if HOUSEHOLD_COUNT_COLUMN not in frame.columns or frame.empty:
        return frame
    counts = pd.to_numeric(frame[HOUSEHOLD_COUNT_COLUMN], errors="coerce")
    small = (counts < min_cell).to_numpy()
    if not small.any():
        return frame
    out = frame.copy()
    figures = [c for c in out.columns if c != HOUSEHOLD_COUNT_COLUMN and pd.api.types.is_numeric_dtype(out[c])
               and not pd.api.types.is_bool_dtype(out[c])]
    for column in figures:
        out[column] = out[column].astype("float64").mask(small)
    out[SUPPRESSED_COLUMN] = small
    return out


def scoped_frame(frame: pd.DataFrame, scope: Scope, min_cell: int) -> pd.DataFrame:
    frame = in_scope_rows(frame, scope)
    if scope.allows("households"):
        return frame
    if "household_id" in frame.columns:
        return frame.iloc[0:0]
    return suppress_small_cells(frame, min_cell)


def scoped_result(value: Any, scope: Scope, min_cell: int) -> Any:
    """`value` with every frame inside it scoped (frames, dataclasses, lists, tuples and dict values).

    A dataclass field declared with metadata {"frameless": True} is not read: a stored briefing's charts build
    their plotly figure only when read, which for a national flood map cost seconds of a page's first view.
    """
    if isinstance(value, pd.DataFrame):
        return scoped_frame(value, scope, min_cell)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = copy.copy(value)
        for field in dataclasses.fields(value):
            if field.metadata.get("frameless"):
                continue
            inner = getattr(value, field.name)
            scoped = scoped_result(inner, scope, min_cell)
            if scoped is not inner:
                object.__setattr__(out, field.name, scoped)
        return out
    if isinstance(value, list | tuple) and any(isinstance(v, pd.DataFrame) or dataclasses.is_dataclass(v)
                                               for v in value):
        return type(value)(scoped_result(v, scope, min_cell) for v in value)
    if isinstance(value, dict) and any(isinstance(v, pd.DataFrame) for v in value.values()):
        return {k: scoped_result(v, scope, min_cell) for k, v in value.items()}
    return value


def run_scoped(cur: Any, query: Callable[..., Any], args: tuple, scope: Scope, min_cell: int) -> Any:
    """`query(cur, *args)` as `scope` may see it (the single enforcement point; see the module docstring)."""
    scope.require("aggregates", query_name(query))
    check_arguments(scope, args)
    if is_household_query(query) and not scope.allows("households"):
        raise NotPermitted(query_name(query), "households")
    return scoped_result(query(cur, *args), scope, min_cell)
