"""A small world for department warnings, cases and the closing check, loaded through the real import path.

Every household, person and department row goes in as CSV through analysis.store.ingest, so ID numbers are
hashed exactly as for real files. `person(n)` is the n-th fake ID number (valid check character).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from analysis.privacy import ID_CHECK, id_check_index
from analysis.store.ingest import format_problems, ingest_files
from tests.helpers_ingest import csv_bytes

TODAY = date(2025, 6, 30)
YEAR = 2024
GANSU_VILLAGE, NINGXIA_VILLAGE = "620121101201", "640104001002"
GANSU_TOWNSHIP_2 = "620121102201"


def person(n: int) -> str:
    """The n-th fake ID number: 620121 1980-01-01, sequence n, a valid check character."""
    body = f"62012119800101{n:03d}"
    digits = np.array([[int(c) for c in body]])
    return body + ID_CHECK[int(id_check_index(digits)[0])]


HOUSEHOLD_HEADER = ["户编号", "村级区划代码", "户类型", "家庭人口", "劳动力人数", "纳入监测日期", "风险消除日期",
                    "身份证号"]
INCOME_HEADER = ["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "财产性收入", "转移性收入",
                 "医疗支出", "教育支出"]


def household(hid: str, kind: str = "一般农户", *, village: str = GANSU_VILLAGE, members: int = 2,
              labour: int = 1, since: str = "", closed: str = "", head: int | None = None) -> list[object]:
    return [hid, village, kind, members, labour, since, closed, person(head) if head is not None else ""]


def load(db: Path, files: dict[str, tuple[list[str], list[list[object]]]], kind: str | None = None) -> None:
    """Ingest CSV files built from (header, rows); fail loudly with the problems if refused."""
    batch = [(name, csv_bytes(header, rows)) for name, (header, rows) in files.items()]
    report = ingest_files(db, batch, kind=kind, today=TODAY)
    assert report.ok, format_problems(report.problems)


def income_row(hid: str, year: int, per_capita: float, members: int = 2, medical: float = 0,
               education: float = 0) -> list[object]:
    return [hid, year, per_capita * members, 0, 0, 0, 0, medical, education]
