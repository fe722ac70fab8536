"""The import as a county clerk sees it (issue 16): one problem per bad cell, problems grouped by cause and
told in the file's own headers, the problem list as Excel, the preview in the file's terms, blank templates."""
from __future__ import annotations

import collections
import io

import pytest
from python_calamine import CalamineWorkbook

from analysis.store import formats as F
from analysis.store import templates
from analysis.store.ingest import format_problems, ingest_files
from analysis.store.preview import preview_frame, problem_cells
from analysis.store.problem_report import (
    FIRST_ROWS,
    every_problem,
    group_problems,
    groups_frame,
    in_own_headers,
    problem_workbook,
)
from analysis.store.readers import known_header_count
from analysis.store.sandbox import prepare_here
from analysis.store.validate import Problem
from tests.helpers_ingest import TODAY, csv_bytes, make_db, xlsx_bytes

HOUSEHOLD_HEADERS = ["户编号", "村级区划代码", "户类型", "家庭人口", "劳动力人数", "纳入监测日期", "户主姓名", "身份证号"]
VILLAGE = "620121101201"


def household(hid: str, members: object = 3, labour: object = 1, kind: str = "脱贫户", name: str = "",
              id_number: str = "", since: str = "") -> list[object]:
    return [hid, VILLAGE, kind, members, labour, since, name, id_number]


def cells(problems: list[Problem]) -> collections.Counter:
    return collections.Counter((p.file, p.row, p.column) for p in problems if p.row is not None)


def prepared(name: str, data: bytes, kind: str | None = None):
    return prepare_here(name, data, kind, None, TODAY, None)


@pytest.mark.parametrize("case", [
    # (what, kind, column, bad value): each counted twice before (a basic reason and a derived one)
    ("members 0 is below 1 and below the labour count", "households", "members", 0),
    ("members -5", "households", "members", -5),
    ("price 0 is not > 0 and below the plausible range", "prices", "price", 0),
    ("monitoring line 0", "thresholds", "monitoring_line", "0"),
    ("a phone number as a household id, stored as a number", "income", "household_id", 13812345678),
    ("a phone number as an event id, stored as a number", "disasters", "event_id", 13812345678),
], ids=lambda c: c[0] if isinstance(c, tuple) else None)
@pytest.mark.parametrize("maker", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_one_bad_cell_is_one_problem(case, maker):
    _, kind, column, bad = case
    spec = F.KINDS[kind]
    headers, example = templates.template_rows(kind)
    row = [bad if c.name == column else value for c, value in zip(spec.columns, example, strict=True)]
    item = prepared(f"{kind}.x", maker(headers, [row]))
    header = headers[spec.column_names.index(column)]
    mine = [p for p in item.problems if (p.row, p.column) == (2, header)]
    assert len(mine) == 1, format_problems(item.problems)
    assert item.log.count == len(item.problems)


@pytest.mark.parametrize("kind", list(F.KINDS))
def test_no_cell_of_any_kind_gets_two_problems(kind):
    """Every column of every kind, a few kinds of bad value, CSV and XLSX: never two problems on one cell."""
    spec = F.KINDS[kind]
    headers, example = templates.template_rows(kind)
    rows = []
    for i in range(len(spec.columns)):
        for bad in ("abc", "0", "-5", "2099-01-01", 13812345678, 1e20):
            rows.append([bad if j == i else value for j, value in enumerate(example)])
    for maker in (csv_bytes, xlsx_bytes):
        item = prepared(f"{kind}.file", maker(headers, rows), kind)
        twice = [cell for cell, n in cells(item.problems).items() if n > 1]
        assert twice == [], format_problems([p for p in item.problems if (p.file, p.row, p.column) in twice])


def test_an_implausible_income_is_one_problem_when_loading(tmp_path):
    """The net income and the net income per member both fell on the first component's cell."""
    db = make_db(tmp_path / "w.duckdb")  # H001 has 4 members
    header = ["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "财产性收入", "转移性收入"]
    report = ingest_files(db, [("收入.csv", csv_bytes(header, [["H001", 2024, 2_000_000, 5_000_000, 5_000_000, 0, 0]]))],
                          today=TODAY)
    assert not report.ok
    assert cells(report.problems) == {("收入.csv", 2, "工资性收入"): 1}, format_problems(report.problems)


def test_problems_group_by_cause_with_count_and_first_rows():
    rows = [household(f"H{i:03d}", kind="穷户") for i in range(25)] + [household("H900", members=0)]
    rows += [household("D1"), household("D1"), household("D2"), household("D2")]  # two keys twice
    item = prepared("农户.csv", csv_bytes(HOUSEHOLD_HEADERS, rows, title="某县农户信息表"))
    groups = {(g.column, g.reason_en.split(" (")[0]): g for g in group_problems(item.problems)}
    choice = groups[("户类型", "not one of the accepted values")]
    assert choice.count == 25 and choice.rows == tuple(range(3, 28)) and choice.value == "穷户"
    assert choice.first_rows() == ", ".join(str(r) for r in range(3, 3 + FIRST_ROWS)) + " …"
    assert not choice.varies
    duplicate = next(g for g in groups.values() if "duplicates row" in g.reason_en)
    assert duplicate.count == 2 and duplicate.varies and len(groups) == 3
    table = groups_frame(group_problems(item.problems), "zh")
    assert list(table.columns) == ["文件", "列", "原因", "处数", "行号（前 10 个）", "示例值"]
    assert table["处数"].sum() == len(item.problems) == 28
    assert "见完整清单" in table.loc[table["处数"] == 2, "原因"].iloc[0]


def test_reasons_name_columns_by_the_files_own_headers():
    problems = [Problem("a.csv", 3, "结束时间", "2024-01-01", "结束日期早于开始日期", "end_date is before start_date"),
                Problem("a.csv", 4, "户编号", "x", "户编号在农户表中不存在", "household_id not found in households"),
                Problem("a.csv", 5, "年度", "x", "年度晚于今年", "year is in the future")]
    named = in_own_headers(problems, {"end_date": "结束时间", "start_date": "开始时间", "household_id": "户编号",
                                      "year": "年度"})
    assert [p.reason_en for p in named] == ["结束时间 is before 开始时间", "户编号 not found in households",
                                            "year is in the future"]  # plain words stay words
    assert [p.reason_zh for p in named] == ["结束时间早于开始时间", "户编号在农户表中不存在", "年度晚于今年"]


@pytest.mark.parametrize("own", [("起始日期", "终止日期"), ("开始日期(实际)", "结束日期(实际)")],
                         ids=["aliases", "standard-inside-own"])
def test_chinese_reasons_of_a_file_name_its_own_headers(own):
    """A cross-column rule found by the validator reads in the clerk's headers in both languages; an own
    header that holds the standard one (结束日期(实际)) is not renamed inside."""
    start, end = own
    headers, example = templates.template_rows("disasters")
    headers = [start if h == "开始日期" else end if h == "结束日期" else h for h in headers]
    row = [("2024-07-30" if h == start else v) for h, v in zip(headers, example, strict=True)]
    item = prepared("灾情.csv", csv_bytes(headers, [row]))
    [problem] = in_own_headers(item.problems, item.headers)
    assert problem.column == end
    assert problem.reason_zh == f"{end}早于{start}"
    assert problem.reason_en == f"{end} is before {start}"
    assert "开始日期" not in groups_frame(group_problems([problem]), "zh").to_string().replace(start, "")


def test_preview_uses_own_headers_blank_cells_and_masks():
    rows = [household("H001", since="2023/5/1", name="张三", id_number="620121198001010016"),
            household("H002", members=0), household("H003", kind="穷户")]
    data = xlsx_bytes(HOUSEHOLD_HEADERS + ["备注"], [r + [""] for r in rows], title="某县农户信息表")
    item = prepared("农户.xlsx", data)
    for lang, row_label in (("zh", "行号"), ("en", "Row")):
        preview = preview_frame(item, lang, 20)
        assert list(preview.columns) == [row_label, *HOUSEHOLD_HEADERS]  # 备注 is not in the format: not loaded
        text = preview.to_string()
        assert "None" not in text and "nan" not in text.lower() and "<NA>" not in text and "NaT" not in text
        assert preview[row_label].tolist() == ["3", "4", "5"]  # Excel rows: title 1, header 2
        first = preview.iloc[0]
        assert first["纳入监测日期"] == "2023-05-01" and first["户主姓名"] == "张*"
        assert first["身份证号"] == "620***********0016" and preview.iloc[1]["纳入监测日期"] == ""
        assert preview.iloc[1]["家庭人口"] == "0" and preview.iloc[2]["户类型"] == "穷户"  # problem cells: as written
        flagged = problem_cells(preview, item, lang)
        assert flagged.sum().sum() == 2 and flagged.loc[1, "家庭人口"] and flagged.loc[2, "户类型"]
    assert "620121198001010016" not in preview_frame(item, "zh", 20).to_string()


def test_preview_words_follow_the_language():
    header, example = templates.template_rows("disasters")
    item = prepared("灾情.csv", csv_bytes(header, [example]))
    assert preview_frame(item, "zh", 5).iloc[0]["灾种"] == "洪涝"
    assert preview_frame(item, "en", 5).iloc[0]["灾种"] == "flood"
    assert preview_frame(item, "zh", 5).iloc[0]["直接经济损失(元)"] == "800,000"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_problem_list_downloads_as_excel_with_rows_columns_and_both_reasons(lang):
    rows = [household("H001", members=0), household("H002", kind="穷户", id_number="620121198001010017")]
    item = prepared("农户.xlsx", xlsx_bytes(HOUSEHOLD_HEADERS, rows, title="某县农户信息表"))
    data = problem_workbook(item.problems, lang, {item.name: item.sheet})
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    header = sheet[2]  # row 1: the note; row 3: the header
    assert len(header) == 7 and ("行号" in header if lang == "zh" else "Row" in header)
    body = [dict(zip(header, line, strict=True)) for line in sheet[3:]]
    row, column = ("行号", "列") if lang == "zh" else ("Row", "Column")
    found = {(int(r[row]), r[column]) for r in body}
    assert found == {(3, "家庭人口"), (4, "户类型"), (4, "身份证号")}
    assert all(r["工作表" if lang == "zh" else "Sheet"] == "Sheet1" for r in body)
    reasons = {r[column]: (r["原因（中文）" if lang == "zh" else "Reason (Chinese)"],
                           r["原因（英文）" if lang == "zh" else "Reason (English)"]) for r in body}
    assert reasons["家庭人口"] == ("应不小于 1", "must be at least 1")
    assert "620121198001010017" not in str(sheet)  # the ID number shows masked only


@pytest.mark.parametrize("kind", list(F.KINDS))
def test_every_kind_has_a_blank_template_with_chinese_headers_and_notes(kind):
    headers, _ = templates.template_rows(kind)
    assert all(not h.isascii() for h in headers)
    book = CalamineWorkbook.from_filelike(io.BytesIO(templates.template_xlsx(kind, example=False)))
    assert book.sheet_names == [F.KINDS[kind].zh, "填表说明"]
    assert book.get_sheet_by_index(0).to_python() == [headers]
    notes = book.get_sheet_by_index(1).to_python()
    assert [row[0] for row in notes[1:len(headers) + 1]] == headers
    assert all(known_header_count([str(c) for c in row]) < 2 for row in notes)  # never taken for the data sheet
    assert any("万元" in str(row[0]) for row in notes[-1:])
    text = templates.template_csv(kind, example=False).decode("utf-8-sig").splitlines()
    assert text[0].startswith("填表说明") and text[1].split(",") == headers and len(text) == 2


def test_filled_templates_import(tmp_path):
    """The blank templates, filled with a few rows as a clerk would, load through the import path."""
    db = make_db(tmp_path / "w.duckdb")
    files = []
    for kind in ("households", "income", "thresholds", "medical"):
        example = templates.template_rows(kind)[1]
        rows = [example] if kind != "households" else [example, ["H0002", *example[1:-1], ""]]
        blank = templates.template_csv(kind, example=False).decode("utf-8-sig")
        filled = blank + "".join(",".join(str(v) for v in row) + "\r\n" for row in rows)
        files.append((f"{kind}.csv", filled.encode("utf-8-sig")))
    report = ingest_files(db, files, today=TODAY)
    assert report.ok, format_problems(report.problems)
    assert {f.name: f.rows_loaded for f in report.files} == {"households.csv": 2, "income.csv": 1,
                                                             "thresholds.csv": 1, "medical.csv": 1}


def test_causes_are_counted_over_every_problem_not_only_the_listed_ones():
    rows = [household(f"H{i:05d}", kind="穷户") for i in range(1500)] + [household("H99999", members=0)]
    item = prepared("农户.csv", csv_bytes(HOUSEHOLD_HEADERS, rows))
    assert len(item.problems) == 1001 and item.log.count == 1501  # 1,000 listed and a line saying 501 more
    groups = group_problems(every_problem(item))
    assert sorted((g.column, g.count) for g in groups) == [("家庭人口", 1), ("户类型", 1500)]
    assert next(g for g in groups if g.column == "家庭人口").rows == (1502,)
