"""A corpus of malformed files, each refused with the right row, column and reason, database untouched."""
from dataclasses import dataclass, field

import pytest

from analysis.store.ingest import format_problems, ingest_files
from tests.helpers_ingest import TODAY, csv_bytes, file_digest, make_db, xlsx_bytes

HH = ["户编号", "村级区划代码", "户类型", "家庭人口"]
INCOME = ["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "财产性收入", "转移性收入"]
PRICES = ["日期", "品种", "区划代码", "价格"]
DISASTERS = ["灾害编号", "灾种", "县级区划代码", "开始日期", "结束日期", "灾情等级"]
EMPLOYMENT = ["县级区划代码", "月份", "务工人数"]
THRESHOLDS = ["年度", "省级区划代码", "监测标准"]


@dataclass
class Case:
    id: str
    files: list[tuple[str, bytes]]
    row: int | None                 # spreadsheet row of the expected problem
    column: str | None              # header as written
    zh: str                         # fragment of reason_zh
    en: str                         # fragment of reason_en
    file: str | None = None         # file of the expected problem (default: the first)
    options: dict = field(default_factory=dict)


def one(name: str, data: bytes) -> list[tuple[str, bytes]]:
    return [(name, data)]


def household(**changes: str) -> list[str]:
    row = {"户编号": "H9", "村级区划代码": "620121101201", "户类型": "脱贫户", "家庭人口": "3"} | changes
    return list(row.values())


def disaster(start: str = "2023-07-01", end: str = "2023-07-03", severity: str = "2", county: str = "620121"):
    return ["E1", "洪涝", county, start, end, severity]


CASES = [
    Case("missing_required_column", one("h.csv", csv_bytes(HH[:3], [household()[:3]])),
         1, "家庭人口", "缺少必需的列「家庭人口」", "required column 'members' is missing"),
    Case("unknown_household_type", one("h.csv", csv_bytes(HH, [household(户类型="贫困户")])),
         2, "户类型", "不在可选值之内", "not one of the accepted values"),
    Case("village_code_11_digits", one("h.csv", csv_bytes(HH, [household(村级区划代码="62012110120")])),
         2, "村级区划代码", "村级区划代码应为12位数字", "village code must be 12 digits"),
    Case("code_lost_its_leading_zeros", one("p.xlsx", xlsx_bytes(PRICES, [["2024-01-05", "活牛", 0, 27.5]])),
         2, "区划代码", "可能丢失了前导零", "leading zeros lost"),
    Case("code_in_scientific_notation", one("h.csv", csv_bytes(HH, [household(村级区划代码="6.20121E+11")])),
         2, "村级区划代码", "科学计数法", "scientific notation"),
    Case("village_code_outside_china", one("h.csv", csv_bytes(HH, [household(村级区划代码="990121101201")])),
         2, "村级区划代码", "前两位不是有效的省级代码", "not a province of China"),
    Case("duplicate_household_id", one("h.csv", csv_bytes(HH, [household(), household(户编号="H10"), household()])),
         4, "户编号", "与第 2 行重复", "duplicates row 2"),
    Case("members_zero", one("h.csv", csv_bytes(HH, [household(家庭人口="0")])),
         2, "家庭人口", "应不小于 1", "must be at least 1"),
    Case("labor_exceeds_members", one("h.csv", csv_bytes(HH + ["劳动力人数"], [household() + ["4"]])),
         2, "家庭人口", "家庭人口少于劳动力人数", "members is less than labor_count"),
    Case("relocated_not_yes_or_no", one("h.csv", csv_bytes(HH + ["易地搬迁"], [household() + ["也许"]])),
         2, "易地搬迁", "应为 是 或 否", "must be yes or no"),
    Case("bad_id_number", one("h.csv", csv_bytes(HH + ["身份证号"], [household() + ["62012119800101002"]])),
         2, "身份证号", "身份证号应为18位", "ID number must be 18 characters"),
    Case("id_number_with_a_wrong_check_character", one("h.csv", csv_bytes(HH + ["身份证号"],
                                                                          [household() + ["620121198001010181"]])),
         2, "身份证号", "校验位不符", "fails its check character"),
    Case("id_number_typed_as_a_number_in_xlsx", one("h.xlsx", xlsx_bytes(HH + ["身份证号"],
                                                                        [household() + [620121198001010020]])),
         2, "身份证号", "被存成了数字", "stored as a number"),
    Case("duplicate_column", one("h.csv", csv_bytes(HH + ["户编号"], [household() + ["H9"]])),
         1, "户编号", "列重复", "duplicate column"),
    Case("non_numeric_income", one("i.csv", csv_bytes(INCOME, [["H001", "2023", "一万", "0", "0", "0", "0"]])),
         2, "工资性收入", "应为数字", "must be a number"),
    Case("negative_wage", one("i.csv", csv_bytes(INCOME, [["H001", "2023", "-5", "-5", "0", "0", "0"]])),
         2, "工资性收入", "不能为负数", "must not be negative"),
    Case("income_for_unknown_household", one("i.csv", csv_bytes(INCOME, [["H001", "2023", "1", "0", "0", "0", "0"],
                                                                          ["H999", "2023", "1", "0", "0", "0", "0"]])),
         3, "户编号", "户编号在农户表中不存在", "household_id not found in households"),
    Case("year_in_the_future", one("t.csv", csv_bytes(THRESHOLDS, [["2026", "620000", "7800"]])),
         2, "年度", "年度晚于今年", "year is in the future"),
    Case("province_column_holds_a_county", one("t.csv", csv_bytes(THRESHOLDS, [["2024", "620121", "7800"]])),
         2, "省级区划代码", "应为省级代码", "must be a province code"),
    Case("unknown_commodity", one("p.csv", csv_bytes(PRICES, [["2024-01-05", "鸡蛋", "620000", "9.5"]])),
         2, "品种", "不在可选值之内", "not one of the accepted values"),
    Case("negative_price", one("p.csv", csv_bytes(PRICES, [["2024-01-05", "活牛", "620000", "-3"]])),
         2, "价格", "应大于 0", "must be greater than 0"),
    Case("unknown_price_unit", one("p.csv", csv_bytes(PRICES[:3] + ["价格(美元/磅)"],
                                                     [["2024-01-05", "活牛", "620000", "3"]])),
         1, "价格(美元/磅)", "无法识别的单位", "not understood"),
    Case("severity_5", one("d.csv", csv_bytes(DISASTERS, [disaster(severity="5")])),
         2, "灾情等级", "应在 1 到 4 之间", "must be between 1 and 4"),
    Case("end_date_before_start_date", one("d.csv", csv_bytes(DISASTERS, [disaster(end="2023-06-30")])),
         2, "结束日期", "结束日期早于开始日期", "end_date is before start_date"),
    Case("unparseable_date", one("d.csv", csv_bytes(DISASTERS, [disaster(start="2023-02-30")])),
         2, "开始日期", "无法识别的日期", "not a date"),
    Case("county_column_holds_a_province", one("d.csv", csv_bytes(DISASTERS, [disaster(county="620000")])),
         2, "县级区划代码", "应为县级代码", "must be a county-level code"),
    Case("county_code_retired_in_2021", one("d.csv", csv_bytes(DISASTERS, [disaster(county="431121")])),
         2, "县级区划代码", "431121 已变更为 431181（祁阳市）", "431121 was changed to 431181 (祁阳市)"),
    Case("village_in_a_county_china_does_not_have", one("h.csv", csv_bytes(HH, [household(村级区划代码="620199101201")])),
         2, "村级区划代码", "620199 不是现行的县级区划代码", "620199 are not a current county-level code"),
    Case("future_month", one("e.csv", csv_bytes(EMPLOYMENT, [["620121", "2025-07", "10"]])),
         2, "月份", "月份晚于本月", "month is in the future"),
    Case("empty_file", one("empty.csv", b""), None, None, "文件为空", "the file is empty"),
    Case("header_without_data", one("h.csv", csv_bytes(HH, [])), 1, None, "文件没有数据行", "no data rows"),
    Case("unknown_kind_headers", one("x.csv", csv_bytes(["姓名", "颜色"], [["a", "b"]])),
         1, None, "无法识别数据类型", "cannot tell what the file holds"),
    Case("row_with_more_fields_than_header", one("h.csv", csv_bytes(HH, [household(), household(户编号="H10") + ["x"]])),
         3, None, "多于表头", "more than the 4 columns"),
    Case("utf16_text", one("h.csv", "户编号,村级区划代码\n".encode("utf-16")), None, None, "UTF-16", "UTF-16"),
    Case("gbk_with_title_row_and_bad_value", one("h.csv", csv_bytes(
        HH + ["主要风险类型"], [household() + ["因病"], household(户编号="H10") + ["因学"],
                                household(户编号="H11") + ["因懒"]], encoding="gbk", title="某县监测户台账")),
         5, "主要风险类型", "不在可选值之内", "not one of the accepted values"),
    Case("xlsx_with_a_bad_cell", one("e.xlsx", xlsx_bytes(EMPLOYMENT, [["620121", "2024-03", 10], ["620121", "2024-04", "很多"]],
                                                         title="务工监测月报")),
         4, "务工人数", "应为整数", "must be a whole number"),
    Case("xlsx_sheet_not_found", one("e.xlsx", xlsx_bytes(EMPLOYMENT, [["620121", "2024-03", 10]])),
         None, None, "找不到工作表「汇总」", "sheet '汇总' not found", options={"sheet": "汇总"}),
    Case("bad_file_refuses_good_file_in_batch",
         [("ok.csv", csv_bytes(PRICES, [["2024-01-05", "活牛", "620000", "27"]])),
          ("bad.csv", csv_bytes(THRESHOLDS, [["2024", "620000", "零"]]))],
         2, "监测标准", "应为数字", "must be a number", file="bad.csv"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return make_db(tmp_path_factory.mktemp("malformed") / "m.duckdb")


def test_corpus_is_large_enough():
    assert len(CASES) >= 15 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_malformed_input_is_refused_with_its_reason_and_the_database_is_unchanged(db, case):
    before = file_digest(db)
    report = ingest_files(db, case.files, today=TODAY, **case.options)
    assert file_digest(db) == before
    assert not report.ok and {f.status for f in report.files} == {"refused"}
    expected_file = case.file or case.files[0][0]
    matches = [p for p in report.problems
               if (p.file, p.row, p.column) == (expected_file, case.row, case.column)
               and case.zh in p.reason_zh and case.en in p.reason_en]
    assert matches, format_problems(report.problems)


def test_personal_values_are_masked_in_problems(db):
    raw = "62012119800101002"
    report = ingest_files(db, one("h.csv", csv_bytes(HH + ["身份证号"], [household() + [raw]])), today=TODAY)
    assert [p.value for p in report.problems] == ["620***********1002"]
    assert raw not in format_problems(report.problems)


def test_every_problem_is_reported_not_just_the_first(db):
    rows = [household(家庭人口="0"), household(户编号="H10", 户类型="贫困户"), household(户编号="H11", 村级区划代码="1")]
    report = ingest_files(db, one("h.csv", csv_bytes(HH, rows)), today=TODAY)
    assert [(p.row, p.column) for p in report.problems] == [(2, "家庭人口"), (3, "户类型"), (4, "村级区划代码")]
