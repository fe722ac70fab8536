"""Follow-through deadlines at their boundaries, and the check before closing, on a world loaded from files."""
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis import cases, closing
from analysis.department_warnings import load_warning_rules
from tests.helpers_departments import HOUSEHOLD_HEADER, INCOME_HEADER, household, income_row, load, person
from tests.helpers_ingest import make_db

WARNING = np.datetime64("2024-01-02")
CASE_HEADER = ["户编号", "预警日期", "县级审定日期", "认定结果", "风险消除日期"]
MEASURE_HEADER = ["户编号", "帮扶措施类型", "落实日期"]


def working_day(n: int) -> str:
    """The date `n` working days after the warning."""
    return str(np.busday_offset(WARNING, n, roll="forward"))


def build_world(db: Path) -> Path:
    make_db(db)
    monitored = "边缘易致贫户"
    households = [household(h, monitored, since="2024-01-02") for h in ("C1", "C2", "C3", "C4", "C5")]
    households += [
        household("K1", monitored, since="2023-01-05", closed="2024-06-30", head=41),
        household("K2", monitored, since="2023-01-05", closed="2024-05-01", head=42),
        household("K3", monitored, since="2023-01-05", closed="2024-05-01", head=43),
        household("K4", monitored, since="2023-01-05", head=44),
        household("K5", monitored, since="2023-01-05", labour=0, head=45),
        household("K6", monitored, since="2023-01-05", head=46),
        household("K7", monitored, since="2022-01-05", closed="2023-05-01", head=47),
        household("K8", monitored, since="2023-01-05", closed="2024-03-01", head=48),
    ]
    income = [income_row(h[0], year, 9000) for h in households for year in (2023, 2024) if h[0] != "K2"]
    income += [income_row("K2", 2023, 9000), income_row("K2", 2024, 7000)]
    income = [row for row in income if not (row[0] == "K7" and row[1] == 2024)] + [income_row("K7", 2024, 5000)]
    load(db, {
        "thresholds.csv": (["年度", "省级区划代码", "监测标准"], [[2023, "000000", 7000], [2024, "000000", 7400]]),
        "households.csv": (HOUSEHOLD_HEADER, households),
        "income.csv": (INCOME_HEADER, income),
        "members.csv": (["户编号", "身份证号"], [["K6", person(60)]]),
        "cases.csv": (CASE_HEADER, [
            ["C1", str(WARNING), working_day(20), "纳入", ""], ["C2", str(WARNING), working_day(21), "纳入", ""],
            ["C3", str(WARNING), working_day(5), "纳入", ""], ["C4", str(WARNING), "", "", ""],
            ["C5", str(WARNING), working_day(3), "不纳入", ""], ["K2", "2023-01-01", "2023-01-20", "纳入", ""]]),
        "measures.csv": (MEASURE_HEADER, [
            ["C1", "就业帮扶", "2024-01-17"], ["C2", "产业帮扶", "2024-01-10"], ["C3", "健康帮扶", "2024-01-18"],
            ["C3", "产业帮扶", "2024-03-01"], ["K1", "产业帮扶", "2024-06-01"]]),
        "housing.csv": (["户主身份证号", "鉴定日期", "房屋安全等级"], [[person(43), "2024-03-01", "C"]]),
        "education.csv": (["学生身份证号", "学年", "学段", "就学状态"], [[person(60), 2024, "初中", "辍学"]]),
        "medical.csv": (["身份证号", "结算月份", "住院个人自付"], [[person(48), "2024-07", 50_000]]),
    })
    return db


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = build_world(tmp_path_factory.mktemp("cases") / "c.duckdb")
    with duckdb.connect(str(db), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def follow(con):
    return cases.follow_through(con, "000000", cases.load_deadlines()).set_index("household_id")


def test_decision_deadline_is_20_working_days(follow):
    assert follow.loc["C1", "working_days_to_decision"] == 20 and not follow.loc["C1", "decision_overdue"]
    assert follow.loc["C2", "working_days_to_decision"] == 21 and follow.loc["C2", "decision_overdue"]


def test_support_deadline_is_15_days(follow):
    assert follow.loc["C1", "days_to_support"] == 15 and not follow.loc["C1", "support_overdue"]
    assert follow.loc["C3", "days_to_support"] == 16 and follow.loc["C3", "support_overdue"]
    assert follow.loc["C2", "days_to_support"] == 8


def test_waiting_cases_are_judged_at_the_export_date(con, follow):
    assert str(cases.export_date(con)) == "2024-06-01"
    assert follow.loc["C4", "support_overdue"] and follow.loc["C4", "decision_overdue"]
    assert not follow.loc["C5", "support_overdue"] and not follow.loc["C5", "open"]  # decided not to enrol
    assert follow.loc["K2", "support_overdue"]  # enrolled, never supported


def test_totals_and_townships(con, follow):
    frame = cases.follow_through(con, "000000", cases.load_deadlines())
    totals = cases.case_totals(frame)
    assert (totals.cases, totals.overdue, totals.open) == (6, 4, 5)
    assert totals.median_days_to_support == pytest.approx(np.median([15, 8, 16]))
    townships = cases.overdue_by_township(frame)
    assert townships["overdue"].sum() == 4
    by_type = cases.measures_by_type(con, "000000").set_index("measure_type")
    assert by_type.loc["industry", "measures"] == 3


@pytest.fixture(scope="module")
def check(con):
    return closing.closing_check(con, "000000", 2024, load_warning_rules(), cases.load_deadlines()).set_index(
        "household_id")


def test_each_criterion_and_its_failures(check):
    assert check.loc["K1", "all_ok"]
    assert check.loc["K2", "failing"] == "income"
    assert set(check.loc["K3", "failing"].split(";")) == {"housing", "no_warning"}
    assert set(check.loc["K6", "failing"].split(";")) == {"education", "no_warning"}
    assert check.loc["K8", "all_ok"]  # the hospital bill came after the case was closed


def test_closing_lists(check):
    frame = check.reset_index()
    assert set(closing.closed_failing(frame)["household_id"]) == {"K2", "K3"}
    assert set(closing.review_for_closing(frame)["household_id"]) >= {"K4"}
    assert "K5" not in set(closing.review_for_closing(frame)["household_id"])
    assert set(closing.continued_support(frame)["household_id"]) == {"K5"}


def test_closed_failing_matches_a_plain_recount(check):
    frame = check.reset_index()
    recount = frame[(frame["closed_on"].dt.year == 2024) & ~frame[list(closing.CRITERIA)].all(axis=1)]
    assert sorted(recount["household_id"]) == sorted(closing.closed_failing(frame)["household_id"])
    assert pd.api.types.is_bool_dtype(frame["all_ok"])
