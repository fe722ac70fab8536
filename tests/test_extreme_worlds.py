"""Every page survives every value the validator accepts: small worlds with extreme accepted values, in code.

Worlds go through the one import path (ingest_files), so only what validation accepts is loaded; the bounds
drawn from are the import format's own (analysis.store.formats) narrowed by the plausibility bounds
(data/plausibility_bounds.toml, analysis.store.bounds).
Every page then runs through AppTest on the county, and the drill-down on a household: no exception.
"""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from analysis import formatting
from analysis.access.settings import SINGLE_USER_ENV
from analysis.config import DB_ENV, PROJECT_ROOT
from analysis.store import formats
from analysis.store.bounds import column_bound
from analysis.store.ingest import ingest_files
from tests.helpers_ingest import csv_bytes

APP = str(PROJECT_ROOT / "app.py")
PAGES = tuple(re.findall(r'^    \("(pages/\w+\.py)"', (PROJECT_ROOT / "app.py").read_text(encoding="utf-8"), re.M))
VILLAGE = "620102101201"  # one village of one county (兰州市城关区)
MONEY = ("wage_income", "crop_income", "livestock_income", "property_income", "transfer_income")
HOUSEHOLDS = ["household_id", "village_code", "household_type", "members"]
INCOME = ["household_id", "year", *MONEY]
BIGGEST = sys.float_info.max


def _bounds(kind: str, name: str) -> tuple[float, float]:
    """The accepted range: the format's hard rule narrowed by the plausibility bound (data file) if any."""
    column = next(c for c in formats.KINDS[kind].columns if c.name == name)
    low, high = -BIGGEST if column.low is None else column.low, BIGGEST if column.high is None else column.high
    plausible = column_bound(kind, name)
    return (low, high) if plausible is None else (max(low, plausible.low), min(high, plausible.high))


def _extreme(kind: str, name: str, *, integer: bool = False) -> st.SearchStrategy:
    """The bounds themselves, zero, one and values in between, all accepted by the format."""
    low, high = _bounds(kind, name)
    if integer:
        low, high = int(low), int(high)
        return st.one_of(st.sampled_from(sorted({low, low + 1, high})), st.integers(low, high))
    edges = sorted({v for v in (low, high, 0.0, 0.01, 1.0, -1.0, high / 3) if low <= v <= high})
    return st.one_of(st.sampled_from(edges), st.floats(low, high, allow_nan=False, allow_infinity=False))


ROW = st.tuples(*(_extreme("income", name) for name in MONEY))
WORLD = st.fixed_dictionaries({
    "members": st.lists(_extreme("households", "members", integer=True), min_size=1, max_size=3),
    "years": st.sets(st.integers(2019, 2024), min_size=1, max_size=3).map(sorted),  # gaps allowed
    "rows": st.lists(ROW, min_size=1, max_size=3),
})


def _at_bounds() -> list[tuple[float, ...]]:
    """One row per income component at each of its bounds (the others zero), kept inside the derived bounds
    of net income and of per-capita income for a one-person household, so every row is accepted."""
    derived = [b for b in (column_bound("income", name) for name in DERIVED) if b is not None]
    net_low, net_high = max([-BIGGEST, *(b.low for b in derived)]), min([BIGGEST, *(b.high for b in derived)])
    rows = []
    for position, name in enumerate(MONEY):
        for bound in _bounds("income", name):
            row = [0.0] * len(MONEY)
            row[position] = min(max(bound, net_low), net_high)
            rows.append(tuple(row))
    return rows


DERIVED = ("net_income", "per_capita_net_income")
HUGE = {"members": [int(_bounds("households", "members")[1]), 1, 2], "years": [2019, 2020, 2022, 2024],
        "rows": _at_bounds(), "accepted": True}
ZERO = {"members": [1], "years": [2024], "rows": [(0.0,) * len(MONEY)], "accepted": True}


def _household(i: int) -> str:
    return f"{VILLAGE}{i:04d}"  # 16 digits: the drill-down's household links take this shape


def _load(path: Path, world: dict) -> bool:
    years, rows = world["years"], world["rows"]
    households = csv_bytes(HOUSEHOLDS, [[_household(i), VILLAGE, "脱贫户", m] for i, m in enumerate(world["members"])])
    income = csv_bytes(INCOME, [[_household(i), year, *map(repr, rows[(i + j) % len(rows)])]
                                for i in range(len(world["members"])) for j, year in enumerate(years)])
    lines = csv_bytes(["year", "province_code", "monitoring_line"], [[year, "620000", 7000] for year in years])
    report = ingest_files(path, [("lines.csv", lines), ("households.csv", households), ("income.csv", income)])
    return report.ok


def _every_page(path: Path) -> list[str]:
    """Exceptions (and error-id messages) of every page on the county, then the drill-down on one household."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(region="620102")
    at.run()
    found = []
    for page in PAGES:
        at.switch_page(page).run()
        found += [f"{page}: {e.value}" for e in at.exception]
        found += [f"{page}: {e.value}" for e in at.error if "Error id" in e.value]
    card = AppTest.from_file(APP, default_timeout=120)
    card.query_params.update(region="620102", village=VILLAGE, household=_household(0))
    card.run().switch_page("pages/drilldown.py").run()
    return found + [f"drill-down household: {e.value}" for e in card.exception]


@pytest.fixture
def db_env(monkeypatch):
    """Points the app at each example's own database (real data: served to one local user, no sign-in)."""
    monkeypatch.setenv(SINGLE_USER_ENV, "1")

    def point(path: Path) -> None:
        monkeypatch.setenv(DB_ENV, str(path))
    return point


@settings(max_examples=2, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(world=WORLD)
@example(world=HUGE)
@example(world=ZERO)
def test_every_page_survives_every_accepted_world(db_env, world):
    with tempfile.TemporaryDirectory(prefix="incomewatch-extreme-") as folder:
        path = Path(folder) / "world.duckdb"
        if not _load(path, world):
            assert not world.get("accepted"), "a world inside every bound was refused"
            return  # refused by validation: nothing reaches a page (the refusal is tested elsewhere)
        db_env(path)
        assert _every_page(path) == []


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), None, 1e308, -1e308, 5e-324])
def test_numbers_that_overflowed_format_without_failing(value):
    for lang in ("zh", "en"):
        shown = [formatting.count(value, lang), formatting.yuan(value, lang), formatting.yuan_total(value, lang),
                 formatting.percent(value), formatting.signed_percent(value)]
        if value is None or value != value or abs(value) == float("inf"):
            assert set(shown) == {formatting.MISSING}
        else:
            assert formatting.MISSING not in shown
    assert formatting.axis_ticks(float("inf")) == {} and formatting.nice_ticks(float("nan")) == []
