"""Templates of every import kind: Chinese headers (units in brackets) and a note on units, as CSV and XLSX.

`python -m analysis.store.templates` writes them, with one example row, to docs/templates/ (committed, linked from
docs/IMPORT.md); a test loads every one through the import path, so a template can never drift from the format.
The import page offers the same templates blank (`example=False`): a clerk fills in rows under the header. The
XLSX has a second sheet, 填表说明, with each column's meaning, unit, whether it is required and an example; the
CSV has the unit note as a title row above the header (the reader skips it). The example ID numbers are fake (the
18th character checks out; no such person exists).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import xlsxwriter

from analysis.config import PROJECT_ROOT
from analysis.store import formats as F

FOLDER = PROJECT_ROOT / "docs" / "templates"
EXAMPLE_ID = "620121198001010016"   # fake: a valid check character, nobody's number
MEMBER_ID = "620121201001010029"
EXAMPLES: dict[str, dict[str, object]] = {
    "households": {"household_id": "H0001", "village_code": "620121101201", "household_type": "脱贫户", "members": 4,
                   "labor_count": 2, "relocated": "否", "monitored_since": "2023-05-01", "risk_eliminated_on": "",
                   "risk_cause": "因病", "head_name": "王大明", "id_number": EXAMPLE_ID},
    "income": {"household_id": "H0001", "year": 2024, "wage_income": 20000, "crop_income": 5000,
               "livestock_income": 3000, "other_operating_income": 0, "property_income": 500, "transfer_income": 2400,
               "medical_expense": 1200, "education_expense": 800, "cattle_sold": 2, "sheep_sold": 10, "hogs_sold": 0},
    "prices": {"date": "2024-03-01", "commodity": "活牛", "region_code": "620000", "price": 28.5},
    "disasters": {"event_id": "D2024-001", "hazard": "洪涝", "county_code": "620121", "start_date": "2024-07-20",
                  "end_date": "2024-07-25", "severity": 2, "affected_people": 3200, "crop_damage_ha": 150,
                  "direct_loss": 800000},
    "employment": {"county_code": "620121", "month": "2024-04", "migrant_workers": 12000, "target": 11500,
                   "returned": 300, "public_welfare_jobs": 450},
    "thresholds": {"year": 2024, "province_code": "620000", "monitoring_line": 7500},
    "members": {"household_id": "H0001", "id_number": MEMBER_ID, "name": "王小红", "relation": "子女",
                "labour_capacity": "无劳动能力"},
    "medical": {"id_number": EXAMPLE_ID, "household_id": "", "name": "", "period": "2024-03",
                "inpatient_oop": 12000, "outpatient_oop": 300},
    "education": {"id_number": MEMBER_ID, "household_id": "", "name": "", "school_year": 2024, "stage": "高中",
                  "fees_paid": 6000, "status": "在读"},
    "civil_affairs": {"id_number": EXAMPLE_ID, "household_id": "", "name": "", "year": 2024, "status": "低保",
                      "amount": 7200, "approved_on": "2024-03-15"},
    "emergency": {"id_number": EXAMPLE_ID, "household_id": "", "name": "", "date": "2024-07-21", "hazard": "洪涝",
                  "loss": 18000},
    "housing": {"id_number": EXAMPLE_ID, "household_id": "", "name": "", "appraised_on": "2024-05-10",
                "grade": "C级", "safe_water": "是"},
    "disability": {"id_number": MEMBER_ID, "household_id": "", "name": "", "certified_on": "2024-02-01",
                   "category": "肢体", "grade": "三级"},
    "human_resources": {"id_number": EXAMPLE_ID, "household_id": "", "name": "", "month": "2024-04",
                        "status": "返乡"},
    "cases": {"household_id": "H0001", "warning_date": "2024-03-01", "source": "医保",
              "verified_on": "2024-03-04", "village_reviewed_on": "2024-03-08", "township_reviewed_on": "2024-03-12",
              "county_decided_on": "2024-03-20", "decision": "纳入", "closed_on": ""},
    "measures": {"household_id": "H0001", "measure_type": "健康帮扶", "started_on": "2024-03-10",
                 "amount": 3000},
}


UNITS = {F.MONEY: "元", F.PRICE: "元/公斤", F.AREA: "公顷"}
NOTE = ("填表说明：金额单位为元（表头写“万元”则按万元换算）；价格为元/公斤；日期写 2024-03-01、2024/3/1 或 2024年3月1日，"
        "月份写 2024-03；户编号、区划代码和身份证号请按文本填写（保留前导零）；身份证号和姓名导入时只保存加密散列和掩码。"
        "从表头下一行起每行一条记录，不要合并单元格。")
_TYPE_NOTES = {
    F.TEXT: "文本", F.NAME: "人名，导入时只保存掩码", F.ID_NUMBER: "18位身份证号，文本（只保存加密散列和掩码）",
    F.VILLAGE: "12位村级区划代码，文本", F.COUNTY: "6位县级区划代码，文本", F.PROVINCE: "6位省级区划代码，文本（000000 = 全国）",
    F.REGION: "6位区划代码，文本（000000 = 全国）", F.INT: "整数", F.BIGINT: "整数", F.NUMBER: "数字",
    F.MONEY: "金额，元（表头写“万元”则按万元换算）", F.PRICE: "价格，元/公斤（表头写“元/斤”则按斤换算）", F.AREA: "面积，公顷",
    F.YEAR: "年度，如 2024", F.DATE: "日期，如 2024-03-01", F.MONTH: "月份，如 2024-03", F.BOOL: "是 或 否",
    F.SEVERITY: "1–4 或 一般、较大、重大、特别重大",
}


def template_rows(kind: str) -> tuple[list[str], list[object]]:
    """Chinese headers (with the unit of money, prices and areas) and the example row of a kind."""
    spec = F.KINDS[kind]
    headers = [f"{c.zh}({UNITS[c.type]})" if c.type in UNITS else c.zh for c in spec.columns]
    return headers, [EXAMPLES[kind][c.name] for c in spec.columns]


def column_notes(kind: str) -> list[list[str]]:
    """The 填表说明 sheet: header, meaning and unit, required, example."""
    headers, example = template_rows(kind)
    rows = [["表头", "内容和单位", "是否必填", "示例"]]
    for header, column, value in zip(headers, F.KINDS[kind].columns, example, strict=True):
        rows.append([header, _type_note(column), "必填" if column.required else "选填", str(value)])
    return rows + [[], [NOTE]]


def _type_note(column: F.Column) -> str:
    if column.type == F.CHOICE:
        return "可选：" + "、".join(dict.fromkeys(w.upper() if w.endswith("级") and w[:1].isascii() else w
                                              for w in (column.choices or {}) if not w.isascii()))
    return _TYPE_NOTES[column.type]


def template_csv(kind: str, *, example: bool = True) -> bytes:
    """UTF-8 with BOM (Excel opens it right); the unit note as a title row, the header, the example row."""
    headers, row = template_rows(kind)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([[NOTE], headers] + ([row] if example else []))
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(kind: str, *, example: bool = True) -> bytes:
    """The header in row 1 (every cell formatted as text, so codes and ID numbers keep their digits when
    someone fills the sheet in) and a 填表说明 sheet."""
    headers, row = template_rows(kind)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(F.KINDS[kind].zh)
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True, "num_format": "@"})
    sheet.set_column(0, len(headers) - 1, 18, text)
    for c, (header, value) in enumerate(zip(headers, row, strict=True)):
        sheet.write_string(0, c, header, bold)
        if example and value != "":
            sheet.write_string(1, c, str(value), text)
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("填表说明")
    notes.set_column(0, 0, 24)
    notes.set_column(1, 1, 60)
    notes.set_column(2, 3, 14)
    for r, cells in enumerate(column_notes(kind)):
        for c, cell in enumerate(cells):
            notes.write_string(r, c, cell)
    book.close()
    return buffer.getvalue()


def write_templates(folder: Path = FOLDER) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in EXAMPLES:
        for suffix, build in ((".csv", template_csv), (".xlsx", template_xlsx)):
            path = folder / f"{kind}{suffix}"
            path.write_bytes(build(kind))
            written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_templates():
        print(written_path.relative_to(PROJECT_ROOT))
