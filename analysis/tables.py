"""Tables as files for field teams and reports: Excel and CSV, safe to open.

Every exported table goes through here. Text cells that a spreadsheet would run as a formula
(starting with = + - @, or a tab / carriage return before one) get a leading apostrophe, and the
Excel writer is told never to turn strings into formulas, URLs or numbers, so codes keep their
leading zeros. Frames must already hold masked personal data only (the database stores nothing else);
`assert_no_personal_data` is the last check before bytes leave the server.
"""
from __future__ import annotations

import io
import re

import pandas as pd

from analysis.privacy import ID_MASK

_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_RAW_ID = re.compile(r"\b\d{17}[\dXx]\b")
_PHONE = re.compile(r"\b1[3-9]\d{9}\b")
PERSONAL_COLUMNS = ("id_number", "phone", "name", "head_name")  # raw forms; the masked ones end in _masked


def neutralise(value: object) -> object:
    """A cell value that no spreadsheet will execute."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header neutralised."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def assert_no_personal_data(frame: pd.DataFrame) -> None:
    """Refuse a frame with a raw personal column or anything shaped like an ID or phone number."""
    raw = [c for c in frame.columns if str(c) in PERSONAL_COLUMNS]
    if raw:
        raise ValueError(f"refusing to export unmasked personal columns: {raw}")
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            text = frame[column].dropna().astype(str)
            text = text[~text.str.contains(re.escape(ID_MASK), regex=True)]
            if text.str.contains(_RAW_ID).any() or text.str.contains(_PHONE).any():
                raise ValueError(f"refusing to export column {column!r}: it holds an unmasked ID or phone number")


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel on Chinese Windows opens it correctly."""
    assert_no_personal_data(frame)
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(sheets: dict[str, pd.DataFrame], *, note: str | None = None) -> bytes:
    """An .xlsx with one sheet per frame (sheet names cut to Excel's 31 characters).

    `note` (e.g. the synthetic-data warning and the source) goes in the first row above the header.
    """
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        for name, frame in sheets.items():
            assert_no_personal_data(frame)
            sheet = re.sub(r"[\[\]:*?/\\]", "_", name)[:31]
            start = 2 if note else 0
            safe_frame(frame).to_excel(writer, sheet_name=sheet, index=False, startrow=start)
            worksheet = writer.sheets[sheet]
            if note:
                worksheet.write_string(0, 0, str(neutralise(note)))
            for position, column in enumerate(frame.columns):
                width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)]) + 2
                worksheet.set_column(position, position, min(width, 40))
            worksheet.freeze_panes(start + 1, 0)
    return buffer.getvalue()
