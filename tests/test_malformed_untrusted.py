"""Untrusted files, built in code (bombs generated on the fly): each refused clearly, or loaded correctly, never a
traceback, never partial data, and the database byte-for-byte unchanged when refused (issue 12)."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

import pytest
import xlsxwriter

from analysis.store import formats
from analysis.store.ingest import format_problems, ingest_files, prepare_file
from analysis.store.readers import read_table
from analysis.store.sandbox import Limits, parse_size
from tests.helpers_ingest import TODAY, csv_bytes, file_digest, make_db, rows_of, xlsx_bytes

HH = ["户编号", "村级区划代码", "户类型", "家庭人口"]
INCOME = ["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "财产性收入", "转移性收入"]
PRICES = ["日期", "品种", "区划代码", "价格"]
SMALL = Limits(memory_bytes=parse_size("1GB"), seconds=60, max_bytes=50_000_000)


def income_row(wage: str = "12000", household: str = "H001") -> list[str]:
    return [household, "2023", wage, "0", "0", "0", "3000"]


def workbook(write) -> bytes:
    """XLSX bytes from a function that fills a worksheet (xlsxwriter)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    write(book)
    book.close()
    return buffer.getvalue()


def far_cell_workbook() -> bytes:
    """1.7 KB-class workbook whose one cell sits at XFD1048576 (made the parser ask for 512 GiB and abort)."""
    def write(book):
        sheet = book.add_worksheet("数据")
        sheet.write_row(0, 0, HH)
        sheet.write(1_048_575, 16_383, "x")
    return workbook(write)


def zip_bomb(inflated: int = 400_000_000) -> bytes:
    """A valid workbook whose sheet XML inflates to `inflated` bytes of whitespace (ratio ≈ 1000:1)."""
    base = zipfile.ZipFile(io.BytesIO(xlsx_bytes(HH, [["H9", "620121101201", "脱贫户", "3"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in base.infolist():
            data = base.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                    head, tail = data.split(b"<sheetData>")
                    sheet.write(head + b"<sheetData>")
                    block = b" " * 8_000_000
                    for _ in range(inflated // len(block)):
                        sheet.write(block)
                    sheet.write(tail)
            else:
                bomb.writestr(item, data)
    return out.getvalue()


def raw_workbook(sheet_xml: bytes, workbook_extra: bytes = b"", sheets: bytes | None = None,
                 more_sheets: dict[str, bytes] | None = None) -> bytes:
    """An XLSX written by hand, to hold what spreadsheet libraries will not write (formulas without values...)."""
    sheets = sheets or b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
    ns = (b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
    rels = b"".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'worksheet" Target="worksheets/sheet{i}.xml"/>'.encode() for i in range(1, 2 + len(more_sheets or {})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml",
                      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                      '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                      'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                      'officedocument.spreadsheetml.sheet.main+xml"/>'
                      + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
                                'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                                for i in range(1, 2 + len(more_sheets or {}))) + "</Types>")
        book.writestr("_rels/.rels",
                      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                      'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                      'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        book.writestr("xl/workbook.xml", b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + ns + b"><sheets>"
                      + sheets + b"</sheets>" + workbook_extra + b"</workbook>")
        book.writestr("xl/_rels/workbook.xml.rels",
                      b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                      b'package/2006/relationships">' + rels + b"</Relationships>")
        book.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for i, xml in enumerate((more_sheets or {}).values(), start=2):
            book.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return out.getvalue()


def sheet_xml(rows: list[list[tuple[str, str]]]) -> bytes:
    """Sheet XML from rows of (cell kind, content): 's' inline text, 'n' number, 'f' formula without a value."""
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, (kind, value) in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if kind == "s":
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
            elif kind == "n":
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><f>{value}</f></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            f'2006/main"><sheetData>{"".join(out)}</sheetData></worksheet>').encode()


def employment_sheet(workers: tuple[str, str]) -> bytes:
    return sheet_xml([[("s", "县级区划代码"), ("s", "月份"), ("s", "务工人数")],
                      [("s", "620121"), ("s", "2024-03"), workers]])


@dataclass
class Case:
    id: str
    files: list[tuple[str, bytes]]
    row: int | None
    column: str | None
    zh: str
    en: str
    options: dict = field(default_factory=dict)


def one(name: str, data: bytes) -> list[tuple[str, bytes]]:
    return [(name, data)]


CASES = [
    # 1. Files that would take the server down: refused before or while the parser runs, in a child process.
    Case("cell_at_xfd1048576", one("far.xlsx", far_cell_workbook()), None, None, "声明了 1,048,576 行 × 16,384 列",
         "spans 1,048,576 rows × 16,384 columns"),
    Case("zip_bomb", one("bomb.xlsx", zip_bomb()), None, None, "压缩比", "compressed"),
    Case("too_many_bytes", one("big.csv", csv_bytes(HH, [["H9", "620121101201", "脱贫户", "3"]] * 20)), None, None,
         "文件过大", "file too large", {"limits": Limits(SMALL.memory_bytes, 60, 500)}),
    # 39 MB: a child's libraries take ≈360 MB of the 400 MB, the file's copies the rest and more
    Case("out_of_memory_in_the_child", one("wide.csv", csv_bytes(HH, [["H" + "9" * 30_000, "620121101201", "脱贫户",
                                                                       "3"]] * 1300)),
         None, None, "文件过大或过于复杂", "too large or too complex",
         {"limits": Limits(parse_size("400MB"), 60, 50_000_000)}),
    Case("over_the_time_limit", one("slow.csv", csv_bytes(HH, [[f"T{i}", "620121101201", "脱贫户", "3"]
                                                               for i in range(200_000)])),
         # 0.05 s: an idle machine validates these 200,000 rows within 1 s and would load them
         None, None, "文件过大或过于复杂", "too large or too complex", {"limits": Limits(SMALL.memory_bytes, 0.05, 50_000_000)}),
    Case("dtd_entity_expansion", one("laughs.xlsx", raw_workbook(
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')),
         None, None, "DTD", "DTD"),
    # 2. Text that made a regex backtrack for minutes: bounded work, refused or read.
    Case("header_of_60k_open_brackets", one("h.csv", csv_bytes(HH + ["(" * 60_000], [["H9", "620121101201",
                                                                                      "脱贫户", "3", "x"]])),
         1, None, "表头单元格超过 32,767 个字符", "a header holds more than 32,767 characters"),
    Case("cell_over_32767_characters", one("h.csv", csv_bytes(HH, [["H9", "620121101201", "脱贫户", "3" * 40_000]])),
         2, "家庭人口", "超过 32,767 个字符", "more than 32,767 characters"),
    # 3. Plausibility bounds, and nothing infinite or undefined.
    Case("wage_of_1e308", one("i.csv", csv_bytes(INCOME, [income_row("1e308")])), 2, "工资性收入", "超出合理范围",
         "outside the plausible range"),
    Case("wage_of_1e305_wan_yuan", one("i.csv", csv_bytes(["户编号", "年度", "工资性收入(万元)", "种植业收入", "养殖业收入",
                                                           "财产性收入", "转移性收入"], [income_row("1e305")])),
         2, "工资性收入(万元)", "数值过大", "too large"),
    Case("wage_inf", one("i.csv", csv_bytes(INCOME, [income_row("inf")])), 2, "工资性收入", "应为数字", "must be a number"),
    Case("wage_nan", one("i.csv", csv_bytes(INCOME, [income_row("nan")])), 2, "工资性收入", "应为数字", "must be a number"),
    Case("yuan_under_a_wan_yuan_header", one("i.csv", csv_bytes(
        ["户编号", "年度", "工资性收入（万元）", "种植业收入", "养殖业收入", "财产性收入", "转移性收入"], [income_row("12000")])),
         2, "工资性收入（万元）", "表头写的是「万元」，数值却是以元为单位", "yuan amounts under a 万元"),
    Case("wan_yuan_under_a_yuan_line", one("t.csv", csv_bytes(["年度", "省级区划代码", "监测标准"],
                                                              [["2024", "620000", "0.74"]])),
         2, "监测标准", "以万元为单位，表头却是元", "万元 (10,000 yuan) amounts under a yuan header"),
    Case("a_thousand_members", one("h.csv", csv_bytes(HH, [["H9", "620121101201", "脱贫户", "1e3"]])),
         2, "家庭人口", "超出合理范围（1 到 30", "outside the plausible range (1 to 30"),
    Case("price_of_live_cattle_per_tonne", one("p.csv", csv_bytes(PRICES, [["2024-01-05", "活牛", "620000",
                                                                          "27800"]])),
         2, "价格", "超出合理范围（5 到 200", "outside the plausible range (5 to 200"),
    Case("per_capita_income_of_a_household_of_one", one("i.csv", csv_bytes(INCOME, [
        ["H002", "2023", "1900000", "4000000", "4000000", "0", "0"]])),
         2, "工资性收入", "人均纯收入超出合理范围", "net income per member outside the plausible range"),
    # 4. Nothing lost silently.
    Case("unbalanced_quote_swallows_rows", one("h.csv", (
        "户编号,村级区划代码,户类型,家庭人口\nH1,620121101201,脱贫户,3\n\"H2,620121101201,脱贫户,3\n"
        "H3,620121101201,脱贫户,3\n").encode()), 3, None, "引号", "quote"),
    Case("field_holding_a_line_break", one("h.csv", (
        "户编号,村级区划代码,户类型,家庭人口\nH1,620121101201,脱贫户,3\n\"H\n2\",620121101201,脱贫户,3\n").encode()),
         3, None, "换行", "line break"),
    # 5. Personal data as keys.
    Case("id_number_as_household_id", one("h.csv", csv_bytes(HH, [["62012119800101018X", "620121101201", "脱贫户",
                                                                   "3"]])),
         2, "户编号", "看起来是身份证号", "looks like an ID number"),
    Case("phone_number_as_household_id", one("h.csv", csv_bytes(HH, [["13912345678", "620121101201", "脱贫户", "3"]])),
         2, "户编号", "看起来是手机号码", "looks like a mobile phone number"),
    # 6. XLSX: what the person sees.
    Case("two_visible_data_sheets", one("two.xlsx", xlsx_bytes(HH, [["H9", "620121101201", "脱贫户", "3"]], sheet="新",
                                                                before={"旧": [HH, ["H8", "620121101201", "脱贫户", "2"]]})),
         None, None, "多个数据工作表（旧、新）", "several sheets hold data (旧, 新)"),
    Case("named_sheet_is_hidden", one("hidden.xlsx", raw_workbook(
        employment_sheet(("n", "10")), sheets=b'<sheet name="Sheet1" sheetId="1" r:id="rId1" state="hidden"/>')),
         None, None, "是隐藏的", "is hidden", {"sheet": "Sheet1"}),
    Case("formula_without_a_saved_value", one("f.xlsx", raw_workbook(employment_sheet(("f", "6000*2")))),
         2, None, "C2 是公式", "cells C2 of sheet 'Sheet1' hold formulas"),
    Case("formulas_of_a_program_that_never_calculated", one("f.xlsx", workbook(lambda book: (
        book.add_worksheet("务工").write_row(0, 0, ["县级区划代码", "月份", "务工人数"]),
        book.worksheets()[0].write_row(1, 0, ["620121", "2024-03"]),
        book.worksheets()[0].write_formula(1, 2, "=6000*2")))),
         2, None, "没有保存其计算结果", "without a saved result"),
    Case("household_id_typed_as_a_16_digit_number", one("h.xlsx", xlsx_bytes(HH, [[6201211012010001, "620121101201",
                                                                                  "脱贫户", 3]])),
         2, "户编号", "被存成了数字", "stored as a number"),
    Case("county_code_typed_as_a_number", one("e.xlsx", xlsx_bytes(["县级区划代码", "月份", "务工人数"],
                                                                   [[620121, "2024-03", 10]])),
         2, "县级区划代码", "设为文本格式", "format the column as text"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return make_db(tmp_path_factory.mktemp("untrusted") / "u.duckdb")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_untrusted_file_is_refused_with_file_row_column_and_reason(db, case):
    before = file_digest(db)
    options = {"limits": SMALL} | case.options
    report = ingest_files(db, case.files, today=TODAY, **options)
    assert file_digest(db) == before
    assert not report.ok and {f.status for f in report.files} == {"refused"}
    matches = [p for p in report.problems if (p.file, p.row, p.column) == (case.files[0][0], case.row, case.column)
               and case.zh in p.reason_zh and case.en in p.reason_en]
    assert matches, format_problems(report.problems)
    assert all(p.reason_zh and p.reason_en and "Traceback" not in p.reason_en for p in report.problems)


def test_a_header_of_30k_brackets_is_read_and_reported_not_matched_for_minutes():
    data = csv_bytes(HH + ["(" * 30_000], [["H9", "620121101201", "脱贫户", "3", "x"]])
    prepared = prepare_file("h.csv", data, today=TODAY, limits=SMALL)
    assert prepared.ok and prepared.extra_columns == ["(" * 30_000]


def test_unit_split_is_linear_by_construction():
    """No regex at all: three scans of the text, whatever it holds (a backtracking regex took 287 s on 60 KB)."""
    assert not hasattr(formats, "_UNIT")
    assert formats.split_header("(" * 60_000 + ")") == ("(" * 60_000 + ")", "")
    assert formats.split_header("a" + "(" * 60_000 + "b)") == ("a", "(" * 59_999 + "b")
    assert formats.split_header("直接经济损失（万元）") == ("直接经济损失", "万元")


def test_crlf_cr_only_and_lf_line_endings_read_the_same():
    rows = [["H9", "620121101201", "脱贫户", "3"], ["H10", "620121101201", "脱贫户", "2"]]
    text = "\n".join(",".join(r) for r in [HH, *rows])
    tables = [read_table("h.csv", text.replace("\n", ending).encode()) for ending in ("\n", "\r\n", "\r")]
    assert [t.cells.values.tolist() for t in tables] == [rows] * 3


def test_same_file_names_in_one_batch_are_both_loaded(tmp_path):
    db = make_db(tmp_path / "same.duckdb")
    first = csv_bytes(HH, [["S1", "620121101201", "脱贫户", "3"]])
    second = csv_bytes(HH, [["S2", "620121101201", "一般农户", "2"]])
    report = ingest_files(db, [("农户.csv", first), ("农户.csv", second)], today=TODAY, limits=SMALL)
    assert report.ok and [f.status for f in report.files] == ["loaded", "loaded"]
    assert {h for (h,) in rows_of(db, "households", "household_id", "1")} >= {"S1", "S2"}


def test_rows_read_skipped_and_loaded_add_up(tmp_path):
    db = make_db(tmp_path / "count.duckdb")
    rows = [["C1", "620121101201", "脱贫户", "3"], ["", "", "", ""], ["C2", "620121101201", "脱贫户", "2"],
            ["C3", "620121101201", "一般农户", "4"]]
    data = csv_bytes(HH, rows, title="某县农户", total=["合计", "", "", "9"])
    report = ingest_files(db, [("c.csv", data)], today=TODAY, limits=SMALL)
    (result,) = report.files
    assert report.ok and (result.rows_read, result.rows_skipped, result.rows, result.rows_loaded) == (5, 2, 3, 3)
    assert result.rows_read == result.rows + result.rows_skipped and result.rows == result.inserted + result.replaced
    again = ingest_files(db, [("c2.csv", data + b"\r\n")], today=TODAY, limits=SMALL)  # new digest: replaced
    (result,) = again.files
    assert (result.rows_read, result.rows_skipped, result.rows_loaded, result.replaced) == (6, 3, 3, 3)


def test_problem_reports_show_no_more_of_a_personal_value_than_the_mask(db):
    raw_id, phone = "62012119800101018X", "13912345678"
    data = csv_bytes(HH + ["身份证号"], [[raw_id, "620121101201", "脱贫户", "3", "62012119800101018"],
                                        [phone, "620121101201", "脱贫户", "0", ""]])
    report = ingest_files(db, [("p.csv", data)], today=TODAY, limits=SMALL)
    text = format_problems(report.problems)
    assert raw_id not in text and phone not in text and "62012119800101018" not in text
    assert "620***********018X" in text and "139****5678" in text
    for problem in report.problems:
        shown = "".join(c for c in (problem.value or "") if c.isdigit())
        assert len(shown) <= 7


def test_the_hidden_stale_first_sheet_is_not_read(tmp_path):
    db = make_db(tmp_path / "hidden.duckdb")
    data = raw_workbook(employment_sheet(("n", "99999")), sheets=(
        b'<sheet name="old" sheetId="1" r:id="rId1" state="hidden"/><sheet name="now" sheetId="2" r:id="rId2"/>'),
        more_sheets={"now": employment_sheet(("n", "12000"))})
    report = ingest_files(db, [("e.xlsx", data)], today=TODAY, limits=SMALL)
    assert report.ok, format_problems(report.problems)
    assert rows_of(db, "employment", "migrant_workers", "1") == [(12000,)]
