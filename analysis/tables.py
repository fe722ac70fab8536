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

from analysis import formatting
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


Kinds = dict[str, str]  # column -> a kind of analysis.formatting.KINDS (count, yuan, percent, ...)


def rounded_frame(frame: pd.DataFrame, kinds: Kinds | None = None) -> pd.DataFrame:
    """Numbers rounded half-up as the page shows them (shares stay fractions: 0.123 for 12.3%)."""
    out = frame.copy()
    for column, kind in (kinds or {}).items():
        if column in out.columns:
            out[column] = pd.Series(formatting.rounded_array(out[column], kind), index=out.index)
            if formatting.KINDS[kind] == 0 and out[column].notna().all():
                out[column] = out[column].astype("int64")
    return out


def to_csv_bytes(frame: pd.DataFrame, kinds: Kinds | None = None) -> bytes:
    """UTF-8 with BOM, so Excel on Chinese Windows opens it correctly; `kinds` columns rounded as shown."""
    assert_no_personal_data(frame)
    return safe_frame(rounded_frame(frame, kinds)).to_csv(index=False).encode("utf-8-sig")


def _excel_format(frame: pd.DataFrame, column: object, kinds: Kinds) -> str | None:
    """The number format of a column: by its kind, else whole numbers with separators, else two decimals."""
    if column in kinds:
        return formatting.EXCEL_FORMATS[kinds[column]]
    if pd.api.types.is_integer_dtype(frame[column]):
        return "#,##0"
    if pd.api.types.is_float_dtype(frame[column]):
        return "#,##0.00"
    return None


def to_excel_bytes(sheets: dict[str, pd.DataFrame], *, note: str | None = None, kinds: Kinds | None = None) -> bytes:
    """An .xlsx with one sheet per frame (sheet names cut to Excel's 31 characters).

    `note` (e.g. the synthetic-data warning and the source) goes in the first row above the header.
    Numbers stay numbers with a number format (`kinds` by column, else by type), so Excel rounds
    them for display as the page does while sums still work.
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
                number_format = _excel_format(frame, column, kinds or {})
                cell_format = writer.book.add_format({"num_format": number_format}) if number_format else None
                worksheet.set_column(position, position, min(width, 40), cell_format)
            worksheet.freeze_panes(start + 1, 0)
    return buffer.getvalue()
