"""Problems of an import as a county clerk reads them: one line per cause, and the full list as Excel.

The validator reports one problem per bad cell (ProblemLog). Here problems are told in the clerk's own
headers and grouped by cause: rows of one file with the same column and the same reason (row numbers and
codes inside a reason aside) are one problem with a count and the first rows. The full list, one row per
cell with file, sheet, spreadsheet row, column, value (personal values masked by the validator) and the
reason in Chinese and English, downloads as Excel through analysis.tables.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from analysis.i18n import t
from analysis.store import formats as F
from analysis.store.sandbox import PreparedFile
from analysis.store.validate import MAX_PROBLEMS, Problem
from analysis.tables import to_excel_bytes

FIRST_ROWS = 10  # row numbers listed with a grouped problem; the full list has them all
GROUP_LIMIT = 200_000  # problems of a file counted into causes (a file lists its first MAX_PROBLEMS only)
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of one cause: same file, column and reason (numbers inside the reason aside)."""
    file: str
    column: str | None
    reason_zh: str
    reason_en: str
    rows: tuple[int, ...]       # spreadsheet rows, ascending (empty for a problem of the whole file)
    value: str | None           # the first row's value (masked as in the problem)
    count: int
    varies: bool                # the reasons differ by row (e.g. "duplicates row 3", "duplicates row 7")

    def reason(self, lang: str) -> str:
        text = self.reason_en if lang == "en" else self.reason_zh
        return text + t("import_reason_varies", lang) if self.varies else text

    def first_rows(self) -> str:
        return ", ".join(str(r) for r in self.rows[:FIRST_ROWS]) + (" …" if len(self.rows) > FIRST_ROWS else "")


def every_problem(prepared: PreparedFile) -> list[Problem]:
    """All problems of a prepared file (up to GROUP_LIMIT), so causes are counted in full, not only among the
    listed ones (≈0.2 s for 25,000 problems)."""
    if prepared.log is None or prepared.log.count <= MAX_PROBLEMS:
        return list(prepared.problems)
    return prepared.log.problems(limit=min(prepared.log.count, GROUP_LIMIT))


def in_own_headers(problems: Sequence[Problem], headers: dict[str, str]) -> list[Problem]:
    """Reasons name a column by the file's own header: English ones instead of the internal name
    (household_id, end_date ...), Chinese ones instead of the format's Chinese header (结束日期 ...);
    `headers` maps internal names to the headers as written."""
    english = {n: h for n, h in headers.items() if "_" in n and h != n}
    chinese = {zh: h for n, h in headers.items() for zh in _STANDARD_ZH.get(n, ()) if zh != h}
    if not english and not chinese:
        return list(problems)
    rename_en, rename_zh = _renamer(english, word=True), _renamer(chinese)
    return [replace(p, reason_en=rename_en(p.reason_en), reason_zh=rename_zh(p.reason_zh)) for p in problems]


def _standard_chinese_headers() -> dict[str, frozenset[str]]:
    """Internal column name -> the format's Chinese headers of it (one per kind that has the column)."""
    names: dict[str, set[str]] = {}
    for kind in F.KINDS.values():
        for column in kind.columns:
            names.setdefault(column.name, set()).add(column.zh)
    return {name: frozenset(zh) for name, zh in names.items()}


_STANDARD_ZH = _standard_chinese_headers()


def _renamer(names: dict[str, str], word: bool = False) -> Callable[[str], str]:
    """Replaces each key of `names` in a text by its value, longest first. An own header already in the text
    stays as it is (结束日期(实际) is not renamed inside), hence own headers are matched too."""
    if not names:
        return lambda text: text
    terms = sorted(names.keys() | set(names.values()), key=len, reverse=True)
    edge = r"\b" if word else ""
    pattern = re.compile(edge + "(" + "|".join(map(re.escape, terms)) + ")" + edge)
    return lambda text: pattern.sub(lambda m: names.get(m.group(1), m.group(1)), text)


def group_problems(problems: Sequence[Problem]) -> list[ProblemGroup]:
    """One group per cause, in the order of each cause's first row."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        cause = (p.file, p.column, _NUMBERS.sub("#", p.reason_zh), _NUMBERS.sub("#", p.reason_en), p.row is None)
        groups.setdefault(cause, []).append(p)
    out = []
    for members in groups.values():
        first = members[0]
        rows = tuple(sorted({p.row for p in members if p.row is not None}))
        varies = len({p.reason_en for p in members}) > 1
        out.append(ProblemGroup(first.file, first.column, first.reason_zh, first.reason_en, rows, first.value,
                                len(members), varies))
    return out


def groups_frame(groups: Sequence[ProblemGroup], lang: str) -> pd.DataFrame:
    """The grouped problems as the page lists them; empty cells are blank, never None."""
    return pd.DataFrame({
        t("file", lang): [g.file for g in groups],
        t("column", lang): [g.column or "" for g in groups],
        t("reason", lang): [g.reason(lang) for g in groups],
        t("import_cells", lang): [g.count for g in groups],
        t("import_first_rows", lang): [g.first_rows() for g in groups],
        t("import_example_value", lang): [g.value or "" for g in groups],
    })


def problems_frame(problems: Sequence[Problem], lang: str, sheets: dict[str, str | None] | None = None) -> pd.DataFrame:
    """One row per problem cell: file, sheet, spreadsheet row, column, value, reason in Chinese and English."""
    sheets = sheets or {}
    return pd.DataFrame({
        t("file", lang): [p.file for p in problems],
        t("import_sheet", lang): [sheets.get(p.file) or "" for p in problems],
        t("row", lang): pd.array([p.row for p in problems], dtype="Int64"),
        t("column", lang): [p.column or "" for p in problems],
        t("value", lang): [p.value or "" for p in problems],
        t("import_reason_zh", lang): [p.reason_zh for p in problems],
        t("import_reason_en", lang): [p.reason_en for p in problems],
    })


def problem_workbook(problems: Sequence[Problem], lang: str, sheets: dict[str, str | None] | None = None) -> bytes:
    """The full problem list as an .xlsx (one sheet; personal values stay masked, formulas neutralised)."""
    frame = problems_frame(problems, lang, sheets)
    return to_excel_bytes({t("import_problem_sheet", lang): frame}, note=t("import_problem_note", lang))
