"""Department warnings: each rule fires exactly at its threshold; people are matched by hashed ID only."""
from pathlib import Path

import pytest

from analysis import department_warnings as dw
from analysis.privacy import hash_id_number, id_key
from tests.helpers_departments import (
    GANSU_TOWNSHIP_2,
    HOUSEHOLD_HEADER,
    INCOME_HEADER,
    NINGXIA_VILLAGE,
    YEAR,
    household,
    income_row,
    load,
    person,
)
from tests.helpers_ingest import all_text, make_db

PERSON = ["身份证号", "户编号"]
# (household, rule) pairs the world below must warn about in 2024, and nothing else.
EXPECTED = {
    ("M1", "inpatient_year"), ("M3", "inpatient_year"), ("M5", "inpatient_year"), ("X1", "inpatient_year"),
    ("O1", "outpatient_month"), ("E1", "education_cost"), ("E3", "education_dropout"), ("A1", "assistance_new"),
    ("D1", "disability_new"), ("U1", "house_unsafe"), ("U3", "house_unsafe"), ("L1", "disaster_loss_share"),
    ("J1", "job_lost"),
}


def build_world(db: Path) -> Path:
    make_db(db)
    households = [
        household("M1", "脱贫户", head=1), household("M2", "脱贫户", head=3), household("M3", head=4),
        household("M4", head=5), household("M5", village=NINGXIA_VILLAGE, head=6),
        household("M6", village=NINGXIA_VILLAGE, head=7), household("X1"),
        household("O1", head=8), household("O2", head=9),
        household("E1", head=10), household("E2", head=12), household("E3", head=15), household("E4", head=17),
        household("A1", head=19), household("A2", head=20), household("A3", head=21),
        household("D1", head=22), household("D2", head=23),
        household("U1", head=24), household("U2", head=25), household("U3", village=GANSU_TOWNSHIP_2, head=26),
        household("L1", head=27), household("L2", head=28), household("J1", head=29), household("J2", head=30),
    ]
    load(db, {
        "thresholds.csv": (["年度", "省级区划代码", "监测标准"], [[2023, "000000", 7000], [YEAR, "000000", 7400]]),
        "households.csv": (HOUSEHOLD_HEADER, households),
        "income.csv": (INCOME_HEADER, [income_row(h[0], YEAR, 5000) for h in households]),
        "members.csv": (["户编号", "身份证号", "与户主关系"],
                        [["M1", person(2), "配偶"], ["E1", person(11), "子女"], ["E2", person(13), "子女"],
                         ["E2", person(14), "子女"], ["E3", person(16), "子女"], ["E4", person(18), "子女"]]),
    })
    medical = [[person(1), "", "2024-03", 6000, 0], [person(2), "", "2024-05", 4000, 0],
               [person(3), "", "2024-02", 9999.99, 0], [person(4), "", "2024-07", 20000, 0],
               [person(5), "", "2024-07", 19999, 0], [person(5), "", "2023-07", 50000, 0],
               [person(6), "", "2024-08", 15000, 0], [person(7), "", "2024-08", 14999, 0],
               [person(97), "X1", "2024-09", 25000, 0], [person(99), "", "2024-09", 30000, 0],
               [person(8), "", "2024-04", 0, 2000], [person(9), "", "2024-04", 0, 1999],
               [person(9), "", "2024-05", 0, 1999]]
    load(db, {"medical.csv": (PERSON + ["结算月份", "住院个人自付", "门诊个人自付"], medical)})
    load(db, {
        "education.csv": (["学生身份证号", "学年", "学段", "自付教育费用", "就学状态"], [
            [person(11), YEAR, "高中", 8000, "在读"], [person(13), YEAR, "高中", 7999, "在读"],
            [person(14), YEAR, "小学", 9000, "在读"], [person(16), YEAR, "初中", 0, "辍学"],
            [person(18), YEAR, "高中", 0, "辍学"]]),
        "civil.csv": (["身份证号", "年度", "救助类别", "年度救助金额"], [
            [person(19), YEAR, "低保", 4000], [person(20), 2023, "低保", 4000], [person(20), YEAR, "低保", 4000],
            [person(21), YEAR, "临时救助", 1000]]),
        "disability.csv": (["身份证号", "发证日期", "残疾等级"], [
            [person(22), "2024-01-01", "四级"], [person(23), "2023-12-31", "一级"]]),
        "housing.csv": (["户主身份证号", "鉴定日期", "房屋安全等级"], [
            [person(24), "2024-04-01", "C级"], [person(25), "2024-04-01", "B"], [person(26), "2024-06-01", "D级"]]),
        "losses.csv": (["户主身份证号", "受灾日期", "户直接经济损失"], [
            [person(27), "2024-07-20", 3000], [person(28), "2024-07-20", 2999]]),
        "jobs.csv": (["身份证号", "月份", "就业状态"], [
            [person(29), f"2024-{m:02d}", "失业"] for m in (3, 4, 5)] + [
            [person(30), f"2024-{m:02d}", "失业"] for m in (3, 4)] + [[person(30), "2024-05", "就业"]]),
    })
    return db


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    return build_world(tmp_path_factory.mktemp("departments") / "w.duckdb")


@pytest.fixture(scope="module")
def warnings(world):
    import duckdb
    with duckdb.connect(str(world), read_only=True) as con:
        rules = dw.load_warning_rules()
        yield dw.department_warnings(con, "000000", YEAR, rules), dw.unmatched_persons(con, YEAR), rules


def test_each_rule_fires_exactly_at_its_threshold(warnings):
    frame, _, _ = warnings
    assert set(zip(frame["household_id"], frame["rule_id"], strict=True)) == EXPECTED


def test_warnings_name_department_amount_and_date(warnings):
    frame, _, _ = warnings
    row = frame[(frame.household_id == "M1")].iloc[0]
    assert (row.department, row.amount, row.threshold) == ("medical", 10000, 10000)
    assert str(row.event_date)[:10] == "2024-05-01"  # the month the running total crossed
    ningxia = frame[frame.household_id == "M5"].iloc[0]
    assert ningxia.threshold == 15000  # the province's own entry for 2024
    assert frame.set_index("household_id").loc["L1", "threshold"] == pytest.approx(3000)


def test_totals_count_households_once(warnings):
    frame, unmatched, _ = warnings
    totals = dw.warning_totals(frame, unmatched, YEAR)
    assert totals.warned_households == len({h for h, _ in EXPECTED})
    assert totals.by_department["medical"] == 5 and totals.by_department["housing"] == 2
    assert totals.not_enrolled == 13  # M1 is 脱贫户, not a monitored type: every warned household is not enrolled
    assert unmatched == {"medical": 1}
    by_township = dw.counts_by_unit(frame, "township_code")
    assert by_township.set_index("township_code").loc["620121102", "warned"] == 1


def test_a_region_gets_the_national_warnings_of_its_households(world, warnings):
    """Province and county queries look people up among their own households only (much cheaper on a national
    world); they must warn exactly the national query's households of that area."""
    import duckdb
    national, _, rules = warnings
    with duckdb.connect(str(world), read_only=True) as con:
        for code in sorted({c[:2] + "0000" for c in national["county_code"]} | set(national["county_code"])):
            region = dw.department_warnings(con, code, YEAR, rules)
            cut = national[national["county_code"].str.startswith(code[:2] if code.endswith("0000") else code)]
            assert region.reset_index(drop=True).equals(cut.reset_index(drop=True)), code


def test_matching_uses_the_hash_and_never_stores_raw_ids(world):
    import duckdb
    key = id_key(world)
    with duckdb.connect(str(world), read_only=True) as con:
        stored = {h for (h,) in con.execute("SELECT person_hash FROM medical_claims").fetchall()}
        head = con.execute("SELECT id_number_hash FROM households WHERE household_id = 'M3'").fetchall()[0][0]
    assert hash_id_number(person(4), key) == head and head in stored
    text = all_text(world)
    assert not any(person(n) in text for n in range(1, 100))
    assert "620***********" in text


def test_rules_file_mistakes_are_named():
    good = {"schema": 1, "rules": [{"id": "x", "kind": "house_unsafe", "province": "000000", "years": [2020, 2024],
                                    "source": "s", "name_zh": "a", "name_en": "b"}]}
    dw.parse_warning_rules(good)
    twice = {"schema": 1, "rules": good["rules"] * 2}
    with pytest.raises(dw.RulesError, match="share years"):
        dw.parse_warning_rules(twice)
    missing = {"schema": 1, "rules": [good["rules"][0] | {"kind": "job_lost"}]}
    with pytest.raises(dw.RulesError, match="min_months"):
        dw.parse_warning_rules(missing)
