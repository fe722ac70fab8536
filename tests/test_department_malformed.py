"""Malformed files of each department kind are refused with file, row, column and reason (zh and en)."""
import pytest

from analysis.store.ingest import format_problems, ingest_files
from tests.helpers_departments import person
from tests.helpers_ingest import TODAY, csv_bytes, file_digest, make_db, xlsx_bytes

BAD_CHECK = person(5)[:-1] + ("0" if person(5)[-1] != "0" else "1")

# (id, file name, bytes, row, column as written, reason fragment zh, reason fragment en)
CASES = [
    ("members_id_check", "m.csv", csv_bytes(["户编号", "身份证号"], [["H001", BAD_CHECK]]), 2, "身份证号",
     "校验位不符", "fails its check character"),
    ("members_unknown_household", "m.csv", csv_bytes(["户编号", "身份证号"], [["H404", person(1)]]), 2, "户编号",
     "户编号在农户表中不存在", "household_id not found"),
    ("medical_negative", "med.csv", csv_bytes(["身份证号", "结算月份", "住院个人自付"], [[person(1), "2024-03", -5]]),
     2, "住院个人自付", "不能为负数", "must not be negative"),
    ("medical_english_bad_month", "med.csv", csv_bytes(["id_number", "period", "inpatient_oop"],
                                                        [[person(1), "2024-13", 5]]),
     2, "period", "无法识别的月份", "not a month"),
    ("education_stage", "edu.xlsx", xlsx_bytes(["学生身份证号", "学年", "学段", "就学状态"],
                                               [[person(1), 2024, "大学预科", "在读"]]),
     2, "学段", "不在可选值之内", "not one of the accepted values"),
    ("civil_affairs_future_year", "civ.csv", csv_bytes(["身份证号", "年度", "救助类别"], [[person(1), 2030, "低保"]]),
     2, "年度", "年度晚于今年", "year is in the future"),
    ("emergency_bad_date", "loss.csv", csv_bytes(["户主身份证号", "受灾日期", "户直接经济损失"],
                                                  [[person(1), "七月", 100]]),
     2, "受灾日期", "无法识别的日期", "not a date"),
    ("housing_grade", "house.csv", csv_bytes(["户主身份证号", "鉴定日期", "房屋安全等级"], [[person(1), "2024-01-02", "E"]]),
     2, "房屋安全等级", "不在可选值之内", "not one of the accepted values"),
    ("disability_missing_grade", "dis.csv", csv_bytes(["身份证号", "发证日期", "残疾类别"], [[person(1), "2024-01-02", "肢体"]]),
     1, "残疾等级", "缺少必需的列", "required column 'grade' is missing"),
    ("human_resources_duplicate", "jobs.csv", csv_bytes(["身份证号", "月份", "就业状态"],
                                                         [[person(1), "2024-03", "失业"], [person(1), "2024/3", "就业"]]),
     3, "身份证号", "与第 2 行重复", "duplicates row 2"),
    ("cases_out_of_order", "cases.csv", csv_bytes(["户编号", "预警日期", "入户核实日期"], [["H001", "2024-03-05", "2024-03-01"]]),
     2, "入户核实日期", "入户核实日期早于预警日期", "verified_on is before warning_date"),
    ("measures_missing_date", "m.csv", csv_bytes(["户编号", "帮扶措施类型", "落实日期"], [["H001", "产业帮扶", ""]]),
     2, "落实日期", "必填项为空", "required value is missing"),
]


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path / "d.duckdb")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_malformed_department_file_is_refused(db, case):
    _, name, data, row, column, zh, en = case
    before = file_digest(db)
    report = ingest_files(db, [(name, data)], today=TODAY)
    assert file_digest(db) == before and not report.ok
    assert any((p.file, p.row, p.column) == (name, row, column) and zh in p.reason_zh and en in p.reason_en
               for p in report.problems), format_problems(report.problems)
    assert all(person(1) not in line for line in format_problems(report.problems).splitlines())


def test_every_template_loads_through_the_import_path(db):
    from analysis.store import templates
    from tests.helpers_departments import HOUSEHOLD_HEADER, household

    households = ("households.csv", csv_bytes(HOUSEHOLD_HEADER, [household("H0001", head=1)]))
    files = [households] + [(path.name, path.read_bytes()) for path in sorted(templates.FOLDER.iterdir())
                            if path.suffix == ".csv"]
    report = ingest_files(db, files, today=TODAY)
    assert report.ok, format_problems(report.problems)
    xlsx = [(path.name, path.read_bytes()) for path in sorted(templates.FOLDER.glob("*.xlsx"))]
    for name, data in xlsx:  # the same rows again: already there, so nothing is refused
        single = ingest_files(db, [(name, data)], today=TODAY)
        assert single.ok, format_problems(single.problems)
    assert {p.name for p in templates.FOLDER.iterdir()} == {f"{k}{s}" for k in templates.EXAMPLES
                                                            for s in (".csv", ".xlsx")}
    assert templates.template_csv("medical") == (templates.FOLDER / "medical.csv").read_bytes()
