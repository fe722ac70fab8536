"""Import happy paths: every kind, encoding and format; idempotence; replace by key; privacy; atomicity."""
from datetime import date

import duckdb
import pandas as pd
import pytest

from analysis.privacy import hash_id_number, id_key, legacy_salt_path
from analysis.store.ingest import format_problems, ingest_files, prepare_file
from analysis.store.sandbox import prepare_here
from analysis.store.validate import MAX_PROBLEMS
from tests.helpers_ingest import (
    TODAY,
    all_text,
    csv_bytes,
    file_digest,
    make_db,
    rows_of,
    xlsx_bytes,
)

RAW_ID, RAW_NAME, RAW_PHONE = "62012119800101018X", "王小明", "13912345678"

# kind -> (Chinese headers, English headers, data rows, expected table rows ordered by key)
SAMPLES = {
    "households": (
        ["户编号", "村级区划代码", "户类型", "家庭人口", "劳动力人数", "易地搬迁", "纳入监测日期", "风险消除日期",
         "主要风险类型", "户主姓名", "身份证号"],
        ["household_id", "village_code", "household_type", "members", "labor_count", "relocated",
         "monitored_since", "risk_eliminated_on", "risk_cause", "head_name", "id_number"],
        [["0003", "620121101203", "边缘易致贫户", "5", "2", "是", "2023/7/31", "2024年1月5日", "因病", RAW_NAME, RAW_ID],
         ["0004", "640104001002", "一般农户", "1", "0", "否", "", "", "", "", ""]],
        [("0003", "620121101203", "620121", "边缘易致贫户", 5, 2, True, date(2023, 7, 31), date(2024, 1, 5), "因病",
          "王*明", "620***********018X"),
         ("0004", "640104001002", "640104", "一般农户", 1, 0, False, None, None, None, None, None)],
    ),
    "income": (
        ["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "其他经营性收入", "财产性收入", "转移性收入",
         "医疗支出", "教育支出", "出栏牛(头)", "出栏羊(只)", "出栏猪(头)"],
        ["household_id", "year", "wage_income", "crop_income", "livestock_income", "other_operating_income",
         "property_income", "transfer_income", "medical_expense", "education_expense", "cattle_sold",
         "sheep_sold", "hogs_sold"],
        [["H001", "2023", "12,000.5", "-300", "2000", "", "100", "3000", "500", "", "2", "0", "1"],
         ["H002", "2024", "8000", "0", "0", "150", "0", "2500", "", "800", "", "", ""]],
        [("H001", 2023, "620121", "620121101201", 4, 12000.5, -300.0, 2000.0, 0.0, 100.0, 3000.0, 500.0, None, 2, 0, 1),
         ("H002", 2024, "640104", "640104001002", 2, 8000.0, 0.0, 0.0, 150.0, 0.0, 2500.0, None, 800.0, None, None,
          None)],
    ),
    "prices": (
        ["日期", "品种", "区划代码", "价格(元/公斤)"],
        ["date", "commodity", "region_code", "price"],
        [["2024-01-05", "活牛", "620000", "27.8"], ["2024/1/12", "beef", "000000", "76.04"],
         ["2024年1月12日", "玉米", "620121", "2.3"]],
        [(date(2024, 1, 5), "live_cattle", "620000", 27.8), (date(2024, 1, 12), "beef", "000000", 76.04),
         (date(2024, 1, 12), "maize", "620121", 2.3)],
    ),
    "disasters": (
        ["灾害编号", "灾种", "县级区划代码", "开始日期", "结束日期", "灾情等级", "受灾人口", "农作物受灾面积(公顷)",
         "直接经济损失(万元)"],
        ["event_id", "hazard", "county_code", "start_date", "end_date", "severity", "affected_people",
         "crop_damage_ha", "Direct_Loss (万元)"],
        [["D2023-01", "洪涝", "130681", "2023年7月27日", "2023年8月2日", "4", "133913", "1200.5", "958.11"],
         ["D2023-02", "hail", "620121", "2023/6/1", "", "一般", "", "", ""]],
        [("D2023-01", "flood", "130681", date(2023, 7, 27), date(2023, 8, 2), 4, 133913, 1200.5, 9581100.0),
         ("D2023-02", "hail", "620121", date(2023, 6, 1), None, 1, None, None, None)],
    ),
    "employment": (
        ["县级区划代码", "月份", "务工人数", "目标任务数", "返乡回流人数", "公益性岗位人数"],
        ["county_code", "month", "migrant_workers", "target", "returned", "public_welfare_jobs"],
        [["620121", "2024-03", "15230", "15000", "120", "300"], ["620121", "2024年4月", "15400", "", "", ""]],
        [("620121", date(2024, 3, 1), 15230, 15000, 120, 300), ("620121", date(2024, 4, 1), 15400, None, None, None)],
    ),
    "thresholds": (
        ["年度", "省级区划代码", "监测标准(元/人·年)"],
        ["year", "province_code", "monitoring_line"],
        [["2024", "000000", "7400"], ["2024", "620000", "7,600"]],
        [(2024, "000000", 7400.0), (2024, "620000", 7600.0)],
    ),
}
KEY_ORDER = {"households": "household_id", "income": "household_id, year", "prices": "date, commodity, region_code",
             "disasters": "event_id", "employment": "county_code, month", "thresholds": "year, province_code"}
TABLE_COLUMNS = {"households": "* EXCLUDE (id_number_hash)"}
FORMATS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "xlsx"]


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path / "t.duckdb")


def sample_file(kind: str, fmt: str, *, english: bool = False, framed: bool = True) -> tuple[str, bytes]:
    """The kind's sample as a file; `framed` adds a title row above and a 合计 row below."""
    zh, en, rows, _ = SAMPLES[kind]
    header = en if english else zh
    frame = {"title": f"2024年某县{kind}数据表", "total": ["合计"] + [""] * (len(header) - 1)} if framed else {}
    if fmt == "xlsx":
        return f"{kind}.xlsx", xlsx_bytes(header, rows, **frame)
    return f"{kind}.csv", csv_bytes(header, rows, encoding=fmt, **frame)


def loaded(db, kind):
    return rows_of(db, kind, TABLE_COLUMNS.get(kind, "*"), KEY_ORDER[kind])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_kind_loads_from_every_encoding_and_format_with_chinese_headers(db, kind, fmt):
    report = ingest_files(db, [sample_file(kind, fmt)], today=TODAY)
    assert report.ok, format_problems(report.problems)
    (result,) = report.files
    assert (result.kind, result.rows, result.status) == (kind, len(SAMPLES[kind][2]), "loaded")
    expected = SAMPLES[kind][3]
    if kind == "households":
        expected = sorted(expected + [_known(h) for h in ("H001", "H002")])
    assert loaded(db, kind) == expected


def _known(household_id):
    village = {"H001": "620121101201", "H002": "640104001002"}[household_id]
    kind, members = {"H001": ("脱贫户", 4), "H002": ("边缘易致贫户", 2)}[household_id]
    return (household_id, village, village[:6], kind, members, None, None, None, None, None, None, None)


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_english_headers_without_title_or_total_row(db, kind):
    report = ingest_files(db, [sample_file(kind, "utf-8", english=True, framed=False)], today=TODAY)
    assert report.ok, format_problems(report.problems)
    assert set(SAMPLES[kind][3]) <= set(loaded(db, kind))


def test_kind_is_detected_and_reported_per_file(db):
    for kind in SAMPLES:
        prepared = prepare_file(*sample_file(kind, "utf-8"), today=TODAY)
        assert prepared.kind == kind, format_problems(prepared.problems)


def test_the_child_gives_back_the_frame_it_prepared():
    """The frame through the pipe equals the one prepared in this process: the columns the file lacks (sent as
    name and type only) come back in their place, with their type and missing values; and so does a column
    the file has but left empty."""
    header = ["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "财产性收入", "转移性收入", "医疗支出"]
    data = csv_bytes(header, [["H001", "2024", "12000", "3000", "-500", "200", "4100", ""],
                              ["H002", "2024", "1", "2", "3", "4", "5", ""]])
    here = prepare_here("i.csv", data, None, None, TODAY, b"k" * 32)
    isolated = prepare_file("i.csv", data, today=TODAY, key=b"k" * 32)
    assert isolated.ok and here.frame["cattle_sold"].isna().all(), format_problems(isolated.problems)
    assert here.headers.get("medical_expense") == "医疗支出" and here.frame["medical_expense"].isna().all()
    pd.testing.assert_frame_equal(isolated.frame, here.frame, check_exact=True)


def test_kind_argument_overrides_detection_and_accepts_chinese_names(db):
    name, data = sample_file("thresholds", "utf-8")
    assert prepare_file(name, data, kind="监测标准", today=TODAY).ok
    wrong = prepare_file(name, data, kind="prices", today=TODAY)
    assert wrong.kind == "prices" and not wrong.ok
    assert any("required column 'price'" in p.reason_en for p in wrong.problems)
    with pytest.raises(ValueError, match="unknown kind"):
        prepare_file(name, data, kind="weather")


def test_title_and_total_rows_are_skipped_and_rows_keep_spreadsheet_numbers():
    prepared = prepare_file(*sample_file("prices", "gbk"), today=TODAY)
    assert prepared.rows == 3
    assert list(prepared.frame.index) == [3, 4, 5]  # title row 1, header row 2
    assert prepared.encoding == "gb18030"


def test_headers_ignore_case_spaces_and_full_width_characters_and_values_are_nfkc():
    data = csv_bytes(["　ＨＯＵＳＥＨＯＬＤ＿ＩＤ　", " Year ", "WAGE INCOME", "Crop-Income", "livestock_income",
                      "property_income", "transfer_income（万元）"],
                     [["Ｈ００１", "２０２３", "１，２００", "0", "0", "0", "0.25"]])
    prepared = prepare_file("wide.csv", data, today=TODAY)
    assert prepared.ok, format_problems(prepared.problems)
    row = prepared.frame.iloc[0]
    assert (row.household_id, row.year, row.wage_income, row.transfer_income) == ("H001", 2023, 1200.0, 2500.0)


def test_wan_yuan_headers_are_converted_to_yuan_and_plain_headers_are_yuan():
    header = ["event_id", "hazard", "county_code", "start_date", "severity", "direct_loss"]
    plain = prepare_file("a.csv", csv_bytes(header, [["E1", "flood", "620121", "2023-07-01", "2", "95.5"]]), today=TODAY)
    wan = prepare_file("b.csv", csv_bytes(header[:-1] + ["直接经济损失（万元）"],
                                          [["E1", "flood", "620121", "2023-07-01", "2", "95.5"]]), today=TODAY)
    assert plain.frame.direct_loss.iloc[0] == 95.5
    assert wan.frame.direct_loss.iloc[0] == 955_000.0


def test_price_per_jin_becomes_price_per_kg():
    data = csv_bytes(["日期", "品种", "区划代码", "价格(元/斤)"], [["2024-01-05", "猪肉", "620000", "12.5"]])
    assert prepare_file("p.csv", data, today=TODAY).frame.price.iloc[0] == 25.0


@pytest.mark.parametrize("text", ["2023-07-31", "2023/7/31", "2023年7月31日", "20230731", "2023-07-31 00:00:00",
                                  date(2023, 7, 31)])
def test_all_date_forms(text):
    header = ["户编号", "村级区划代码", "户类型", "家庭人口", "纳入监测日期"]
    rows = [["H9", "620121101201", "脱贫户", "3", text]]
    data = xlsx_bytes(header, rows) if isinstance(text, date) else csv_bytes(header, rows)
    prepared = prepare_file("d.xlsx" if isinstance(text, date) else "d.csv", data, today=TODAY)
    assert prepared.ok, format_problems(prepared.problems)
    assert prepared.frame.monitored_since.iloc[0].date() == date(2023, 7, 31)


@pytest.mark.parametrize("text", ["2023-07", "2023年7月", "2023/7", "202307", "2023-07-15", date(2023, 7, 1)])
def test_all_month_forms_become_the_first_day_of_the_month(text):
    header = ["县级区划代码", "月份", "务工人数"]
    rows = [["620121", text, "10"]]
    data = xlsx_bytes(header, rows) if isinstance(text, date) else csv_bytes(header, rows)
    prepared = prepare_file("m.xlsx" if isinstance(text, date) else "m.csv", data, today=TODAY)
    assert prepared.ok, format_problems(prepared.problems)
    assert prepared.frame.month.iloc[0].date() == date(2023, 7, 1)


def test_xlsx_with_typed_cells_the_only_data_sheet_and_codes_kept_as_text(db):
    header = ["户编号", "村级区划代码", "户类型", "家庭人口", "易地搬迁", "纳入监测日期"]
    rows = [["0007", "620121101207", "脱贫户", 3, True, date(2022, 3, 1)],
            ["0008", "620121101208", "一般农户", 2.0, "否", "2022-03-02"]]
    data = xlsx_bytes(header, rows, sheet="数据", before={"说明": [["本表说明"]]})
    report = ingest_files(db, [("h.xlsx", data)], today=TODAY)  # the note sheet names no column: 数据 is read
    assert report.ok, format_problems(report.problems)
    got = rows_of(db, "households", "household_id, village_code, members, relocated, monitored_since",
                  "household_id")
    assert got[:2] == [("0007", "620121101207", 3, True, date(2022, 3, 1)),
                       ("0008", "620121101208", 2, False, date(2022, 3, 2))]


def test_a_code_typed_as_a_number_in_xlsx_is_refused_with_the_fix(db):
    header = ["户编号", "村级区划代码", "户类型", "家庭人口"]
    data = xlsx_bytes(header, [["0008", 620121101208, "一般农户", 2]], sheet="数据")
    report = ingest_files(db, [("h.xlsx", data)], today=TODAY, sheet="数据")
    assert [(p.row, p.column) for p in report.problems] == [(2, "村级区划代码")]
    assert "设为文本" in report.problems[0].reason_zh and "format the column as text" in report.problems[0].reason_en


def test_extra_columns_are_reported_and_never_loaded(db):
    zh, _, rows, _ = SAMPLES["households"]
    data = csv_bytes(zh + ["联系电话", "备注"], [r + [RAW_PHONE, "note"] for r in rows])
    report = ingest_files(db, [("h.csv", data)], today=TODAY)
    assert report.ok and report.files[0].extra_columns == ["联系电话", "备注"]
    assert RAW_PHONE not in all_text(db)


def test_personal_data_is_only_stored_masked_and_hashed(db):
    report = ingest_files(db, [sample_file("households", "utf-8")], today=TODAY)
    assert report.ok
    text = all_text(db)
    assert RAW_ID not in text and RAW_ID.lower() not in text and RAW_NAME not in text
    assert RAW_ID[6:14] not in text  # not even the birth date
    stored = {row[0]: row[1:] for row in rows_of(
        db, "households", "household_id, id_number_hash, id_number_masked, head_name_masked")}["0003"]
    assert stored == (hash_id_number(RAW_ID, id_key(db)), "620***********018X", "王*明")
    prepared = prepare_file(*sample_file("households", "utf-8"), today=TODAY)
    assert RAW_ID not in prepared.frame.to_csv() and RAW_NAME not in prepared.frame.to_csv()


def test_second_import_of_the_same_file_changes_nothing(db):
    files = [sample_file(kind, "utf-8") for kind in SAMPLES]
    first = ingest_files(db, files, today=TODAY)
    assert first.ok and {f.status for f in first.files} == {"loaded"}
    contents = {kind: loaded(db, kind) for kind in SAMPLES}
    digest = file_digest(db)
    second = ingest_files(db, files, today=TODAY)
    assert second.ok and {f.status for f in second.files} == {"already_loaded"}
    assert file_digest(db) == digest
    assert {kind: loaded(db, kind) for kind in SAMPLES} == contents
    assert len(rows_of(db, "import_log")) == len(SAMPLES)


def test_same_content_under_another_name_is_already_loaded_and_changed_bytes_replace(db):
    name, data = sample_file("thresholds", "utf-8")
    ingest_files(db, [(name, data)], today=TODAY)
    again = ingest_files(db, [("copy.csv", data)], today=TODAY)
    assert again.files[0].status == "already_loaded"
    resaved = ingest_files(db, [("resaved.csv", data + b"\r\n")], today=TODAY)
    assert (resaved.files[0].status, resaved.files[0].inserted, resaved.files[0].replaced) == ("loaded", 0, 2)
    assert loaded(db, "thresholds") == SAMPLES["thresholds"][3]


def test_corrected_rows_replace_old_ones_by_key_and_income_follows_a_moved_household(db):
    """H001 moves village and grows from 4 to 5 members: its income rows follow both."""
    income = csv_bytes(["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "财产性收入", "转移性收入"],
                       [["H001", "2023", "9000", "0", "0", "0", "0"], ["H001", "2024", "9500", "0", "0", "0", "0"]])
    assert ingest_files(db, [("i.csv", income)], today=TODAY).ok
    fixed = csv_bytes(["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "财产性收入", "转移性收入"],
                      [["H001", "2024", "9600", "0", "0", "0", "0"], ["H002", "2024", "100", "0", "0", "0", "0"]])
    moved = csv_bytes(["户编号", "村级区划代码", "户类型", "家庭人口"], [["H001", "620122100100", "脱贫户", "5"]])
    report = ingest_files(db, [("fixed.csv", fixed), ("moved.csv", moved)], today=TODAY)
    assert report.ok
    by_name = {f.name: (f.inserted, f.replaced) for f in report.files}
    assert by_name == {"fixed.csv": (1, 1), "moved.csv": (0, 1)}
    assert rows_of(db, "income", "household_id, year, wage_income, village_code, county_code, members", "1, 2") == [
        ("H001", 2023, 9000.0, "620122100100", "620122", 5),
        ("H001", 2024, 9600.0, "620122100100", "620122", 5),
        ("H002", 2024, 100.0, "640104001002", "640104", 2),
    ]
    assert rows_of(db, "households", "household_id, members", "1") == [("H001", 5), ("H002", 2)]
    regions = dict(rows_of(db, "regions", "code, level", "1"))
    assert regions["620122100100"] == "village" and regions["620122100"] == "township"
    assert regions["620122"] == "county"


def test_income_may_refer_to_households_in_the_same_batch(db):
    households = csv_bytes(["户编号", "村级区划代码", "户类型", "家庭人口"], [["N1", "620121101209", "一般农户", "2"]])
    income = csv_bytes(["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "财产性收入", "转移性收入"],
                       [["N1", "2024", "100", "0", "0", "0", "0"]])
    report = ingest_files(db, [("i.csv", income), ("h.csv", households)], today=TODAY)  # order does not matter
    assert report.ok, format_problems(report.problems)
    assert rows_of(db, "income", "household_id, village_code", "1") == [("N1", "620121101209")]


def test_a_bad_file_refuses_the_whole_batch(db):
    good = sample_file("prices", "utf-8")
    bad = ("t.csv", csv_bytes(["年度", "省级区划代码", "监测标准"], [["2024", "620000", "-1"]]))
    digest = file_digest(db)
    report = ingest_files(db, [good, bad], today=TODAY)
    assert not report.ok and [f.status for f in report.files] == ["refused", "refused"]
    assert [p.file for p in report.problems] == ["t.csv"]
    assert file_digest(db) == digest
    assert rows_of(db, "prices") == []


def test_demo_marker_is_kept_and_import_log_is_written(tmp_path):
    db = make_db(tmp_path / "demo.duckdb", synthetic=True)
    report = ingest_files(db, [sample_file("employment", "utf-8")], today=TODAY)
    assert report.ok
    assert rows_of(db, "meta", "key, value") == [("dataset", "synthetic_demo")]
    (log,) = rows_of(db, "import_log", "import_id, file_name, kind, rows, inserted, replaced, outcome")
    assert log == (1, "employment.csv", "employment", 2, 2, 0, "loaded")


def test_a_new_database_is_created_by_the_first_import(tmp_path):
    db = tmp_path / "new" / "x.duckdb"
    db.parent.mkdir()
    report = ingest_files(db, [sample_file("thresholds", "xlsx")], today=TODAY)
    assert report.ok and loaded(db, "thresholds") == SAMPLES["thresholds"][3]


def test_progress_reports_reading_validating_and_loading(db):
    seen = []
    ingest_files(db, [sample_file("prices", "utf-8"), sample_file("thresholds", "utf-8")],
                 progress=lambda fraction, message: seen.append((fraction, message)), today=TODAY)
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and fractions[0] == 0
    text = " ".join(m for _, m in seen)
    for word in ("reading and validating prices.csv", "loading thresholds.csv", "读取", "校验", "写入"):
        assert word in text


def test_report_and_problems_serialise_and_format_in_both_languages(db):
    bad = ("t.csv", csv_bytes(["年度", "省级区划代码", "监测标准"], [["2024", "620000", "abc"]]))
    report = ingest_files(db, [bad], today=TODAY)
    payload = report.to_dict()
    assert payload["ok"] is False and payload["files"][0]["status"] == "refused"
    assert payload["problems"] == [{"file": "t.csv", "row": 2, "column": "监测标准", "value": "abc",
                                    "reason_zh": "应为数字", "reason_en": "must be a number"}]
    assert format_problems(report.problems) == 't.csv 第2行/row 2 [监测标准] = "abc": 应为数字 / must be a number'
    assert format_problems(report.problems, lang="en") == 't.csv row 2 [监测标准] = "abc": must be a number'
    assert format_problems(report.problems, lang="zh") == 't.csv 第2行 [监测标准] = "abc": 应为数字'


def test_problem_list_is_capped_with_a_count_of_the_rest():
    rows = [[f"H{i}", "620121101201", "脱贫户", "0"] for i in range(MAX_PROBLEMS + 500)]
    prepared = prepare_file("many.csv", csv_bytes(["户编号", "村级区划代码", "户类型", "家庭人口"], rows), today=TODAY)
    assert len(prepared.problems) == MAX_PROBLEMS + 1
    assert prepared.problems[0].row == 2 and prepared.problems[MAX_PROBLEMS - 1].row == MAX_PROBLEMS + 1
    assert prepared.problems[-1].reason_en == "and 500 more problems"
    assert prepared.problems[-1].reason_zh == "另有 500 个问题未列出"


def test_database_is_readable_while_an_import_replaces_it(db):
    reader = duckdb.connect(str(db), read_only=True)
    try:
        assert ingest_files(db, [sample_file("thresholds", "utf-8")], today=TODAY).ok
        assert reader.execute("SELECT count(*) FROM households").fetchall() == [(2,)]
    finally:
        reader.close()
    assert loaded(db, "thresholds") == SAMPLES["thresholds"][3]


def test_a_refused_file_leaves_nothing_behind(tmp_path):
    db = tmp_path / "new.duckdb"
    bad = csv_bytes(["户编号", "村级区划代码", "户类型", "家庭人口", "身份证号"],
                    [["N1", "620121101209", "一般农户", "0", RAW_ID]])
    assert not ingest_files(db, [("bad.csv", bad)], today=TODAY).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    good = csv_bytes(["户编号", "村级区划代码", "户类型", "家庭人口", "身份证号"],
                     [["N1", "620121101209", "一般农户", "2", RAW_ID]])
    assert ingest_files(db, [("good.csv", good)], today=TODAY).ok
    assert not legacy_salt_path(db).exists()  # no salt, no key beside the database
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.duckdb", "new.duckdb.lock"]
    stored = rows_of(db, "households", "id_number_hash", "1")
    assert stored == [(hash_id_number(RAW_ID, id_key(db)),)]
