"""The upload preview in the clerk's own terms: the file's headers, its row numbers, values as read.

A prepared file's frame has internal English columns, typed values and personal values replaced by masks
and hashes. The preview shows the columns the file has, under the headers as written and in their order,
each value as text the way it was understood (dates as dates, 万元 converted to yuan, vocabulary words in
the page's language), personal columns masked, hashes never, and empty cells blank (never None or nan).
"""
from __future__ import annotations

import pandas as pd

from analysis.i18n import t
from analysis.store import formats as F
from analysis.store.sandbox import PreparedFile

# Personal columns are shown by their masks (the raw values never leave validation).
_MASKED = {"households": {"head_name": "head_name_masked", "id_number": "id_number_masked"}}
_PERSON_MASKED = {"name": "name_masked", "id_number": "person_masked"}
_BOOL_WORDS = {"zh": ("否", "是"), "en": ("no", "yes")}


def preview_frame(prepared: PreparedFile, lang: str, rows: int) -> pd.DataFrame:
    """The first `rows` rows: the spreadsheet row number, then each column of the file under its own header.

    A cell with a problem shows the value as the problem report gives it (what the file says, masked where
    personal), since it has no value as read."""
    if prepared.kind is None or prepared.frame.empty:
        return pd.DataFrame()
    spec = F.KINDS[prepared.kind]
    frame = prepared.frame.head(rows)
    masked = _MASKED.get(prepared.kind, _PERSON_MASKED)
    columns = {c.name: c for c in spec.columns}
    out = {t("row", lang): [str(r) for r in frame.index]}
    for name, header in prepared.headers.items():
        source = masked.get(name, name)
        if source in frame:
            out[header] = [_text(v, columns[name], lang) for v in frame[source]]
    preview = pd.DataFrame(out, index=frame.index)
    for (row, header), value in _problem_values(prepared).items():
        if row in preview.index and header in preview:
            preview.loc[row, header] = value
    return preview.reset_index(drop=True)


def problem_cells(preview: pd.DataFrame, prepared: PreparedFile, lang: str) -> pd.DataFrame:
    """True where a preview cell has a problem (the page colours them)."""
    flagged = pd.DataFrame(False, index=preview.index, columns=preview.columns)
    rows = preview[t("row", lang)].astype(int).tolist() if len(preview) else []
    for row, header in _problem_values(prepared):
        if row in rows and header in flagged:
            flagged.loc[rows.index(row), header] = True
    return flagged


def _problem_values(prepared: PreparedFile) -> dict[tuple[int, str], str]:
    return {(p.row, p.column): p.value or "" for p in prepared.problems if p.row is not None and p.column}


def _text(value: object, column: F.Column, lang: str) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if column.type == F.DATE:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if column.type == F.MONTH:
        return pd.Timestamp(value).strftime("%Y-%m")
    if column.type == F.BOOL:
        return _BOOL_WORDS[lang][bool(value)]
    if column.type == F.CHOICE and lang == "zh":
        return _chinese_word(column, str(value))
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if column.type != F.YEAR else str(int(value))
    return str(value)


def _chinese_word(column: F.Column, code: str) -> str:
    """The Chinese word of a stored vocabulary code (flood -> 洪涝); the code itself when it is Chinese."""
    return next((word for word, stored in (column.choices or {}).items() if stored == code and not word.isascii()),
                code)
