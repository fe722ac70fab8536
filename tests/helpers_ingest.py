"""Builders for import tests: CSV and XLSX bytes made in code, and a small database."""
from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, datetime
from pathlib import Path

import duckdb
import xlsxwriter

from analysis.store.connection import connect_read_only, write_transaction

TODAY = date(2025, 6, 30)  # injected as `today`, so "not in the future" does not depend on the clock

# Households already in the test database (the rest of a batch may refer to them).
KNOWN_HOUSEHOLDS = (
    ("H001", "620121101201", "620121", "脱贫户", 4),
    ("H002", "640104001002", "640104", "边缘易致贫户", 2),
)


def csv_bytes(header: list[str], rows: list[list[object]], *, encoding: str = "utf-8",
              title: str | None = None, total: list[object] | None = None) -> bytes:
    """A CSV as a spreadsheet would save it; `title` is a one-cell row above the header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if title is not None:
        writer.writerow([title])
    writer.writerow(header)
    writer.writerows(rows)
    if total is not None:
        writer.writerow(total)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(header: list[str], rows: list[list[object]], *, title: str | None = None,
               total: list[object] | None = None, sheet: str = "Sheet1",
               before: dict[str, list[list[object]]] | None = None) -> bytes:
    """An XLSX workbook; str cells are written as text, numbers as numbers, dates as dates.

    `before` adds sheets (name -> rows) ahead of the data sheet.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, extra_rows in (before or {}).items():
        _write_rows(book.add_worksheet(name), extra_rows, date_format)
    lines = ([[title]] if title is not None else []) + [header] + rows + ([total] if total is not None else [])
    _write_rows(book.add_worksheet(sheet), lines, date_format)
    book.close()
    return buffer.getvalue()


def _write_rows(sheet, rows: list[list[object]], date_format) -> None:
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, (date, datetime)):
                moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
                sheet.write_datetime(r, c, moment, date_format)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))


def make_db(path: Path, *, synthetic: bool = False) -> Path:
    """A fresh database holding KNOWN_HOUSEHOLDS (and the demo marker if `synthetic`)."""
    with write_transaction(path, fresh=True) as con:
        for household_id, village, county, kind, members in KNOWN_HOUSEHOLDS:
            con.execute("INSERT INTO households (household_id, village_code, county_code, household_type, members)"
                        " VALUES (?, ?, ?, ?, ?)", [household_id, village, county, kind, members])
        if synthetic:
            con.execute("INSERT INTO meta VALUES ('dataset', 'synthetic_demo')")
    return path


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def rows_of(db: Path, table: str, columns: str = "*", order: str = "1") -> list[tuple]:
    """All rows of a table (test-owned identifiers only)."""
    with connect_read_only(db) as con:  # a database kept in province files too
        return con.execute(f"SELECT {columns} FROM {table} ORDER BY {order}").fetchall()


def all_text(db: Path) -> str:
    """Every VARCHAR value of every table, joined: for checking that personal data never reaches the file."""
    with duckdb.connect(str(db), read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE data_type = 'VARCHAR' AND table_schema = 'main'"
            " AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE')"
        ).fetchall()
        values = []
        for table, column in columns:
            values += [v for (v,) in con.execute(f'SELECT "{column}" FROM "{table}"').fetchall() if v]
    return "\n".join(values)
