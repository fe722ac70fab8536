"""Templates of the department import kinds: Chinese headers and one example row, as CSV and XLSX.

`python -m analysis.store.templates` writes them to docs/templates/ (committed, linked from docs/IMPORT.md); a test
loads every one through the import path, so a template can never drift from the format. The example ID numbers
are fake (the 18th character checks out; no such person exists).
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


def template_rows(kind: str) -> tuple[list[str], list[object]]:
    """Chinese headers (with 元 on money) and the example row of a kind."""
    spec = F.KINDS[kind]
    headers = [f"{c.zh}(元)" if c.type == F.MONEY else c.zh for c in spec.columns]
    return headers, [EXAMPLES[kind][c.name] for c in spec.columns]


def template_csv(kind: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(template_rows(kind))
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(kind: str) -> bytes:
    """Every cell as text, so codes and ID numbers keep their digits when someone fills the sheet in."""
    headers, row = template_rows(kind)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(F.KINDS[kind].zh)
    text = book.add_format({"num_format": "@"})
    sheet.set_column(0, len(headers) - 1, 18, text)
    for c, (header, value) in enumerate(zip(headers, row, strict=True)):
        sheet.write_string(0, c, header)
        if value != "":
            sheet.write_string(1, c, str(value), text)
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
