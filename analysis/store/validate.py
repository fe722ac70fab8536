"""Checking a read table against import format v1, a column at a time (no loops over rows).

Every problem is collected (up to MAX_PROBLEMS per file) with the spreadsheet row, the header as
written, the offending value and a reason in Chinese and English. Personal values are masked in
problems too, and leave validation only masked or hashed.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.privacy import (
    hash_id_numbers,
    id_check_matches,
    mask_id_number,
    mask_id_numbers,
    mask_names,
    mask_personal_text,
    personal_kinds,
)
from analysis.store import bounds as B
from analysis.store import formats as F
from analysis.store.readers import RawTable

MAX_PROBLEMS = 1000
EARLIEST_YEAR = 1949
_NUMERIC = (F.INT, F.BIGINT, F.NUMBER, F.MONEY, F.PRICE, F.AREA, F.YEAR, F.SEVERITY)
_DATE_RE = (r"^(?:(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})日?(?:[ T][\d:.]+)?"
            r"|(\d{4})(\d{2})(\d{2}))$")
_MONTH_RE = r"^(?:(\d{4})(?:[-/.]|年)(\d{1,2})月?|(\d{4})(\d{2}))$"


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None        # spreadsheet row (1-based, counting title and header rows)
    column: str | None     # header as written in the file
    value: str | None
    reason_zh: str
    reason_en: str

    def to_dict(self) -> dict:
        return asdict(self)

    def line(self, lang: str = "both") -> str:
        """One line: where, what, why (lang: 'zh', 'en' or 'both')."""
        where = {"zh": f" 第{self.row}行", "en": f" row {self.row}",
                 "both": f" 第{self.row}行/row {self.row}"}[lang] if self.row is not None else ""
        column = f" [{self.column}]" if self.column else ""
        value = f' = "{self.value}"' if self.value not in (None, "") else ""
        reason = {"zh": self.reason_zh, "en": self.reason_en,
                  "both": f"{self.reason_zh} / {self.reason_en}"}[lang]
        return f"{self.file}{where}{column}{value}: {reason}"


def format_problems(problems: Sequence[Problem], lang: str = "both") -> str:
    """One line per problem, in Chinese, English or both."""
    return "\n".join(p.line(lang) for p in problems)


class ProblemLog:
    """Collects problems in vectorised batches; materialises at most `limit`, sorted by row then column.

    One problem per cell: a cell that already has a problem gets no second one from a later check (a
    member count of 0 is "must be at least 1", not also "less than the labour count"), so every bad cell
    is counted once. Checks run from the most basic (the value itself) to the derived ones.
    """

    def __init__(self, file: str):
        self.file = file
        self.count = 0
        self._batches: list[tuple[np.ndarray, int, str | None, np.ndarray, object, object]] = []
        self._cells: dict[str, list[np.ndarray]] = {}  # column -> rows already holding a problem

    def add(self, row: int | None, column: str | None, value: str | None, zh: str, en: str,
            position: int = -1) -> None:
        self.add_rows(np.array([-1 if row is None else row]), column, [value], zh, en, position)

    def add_rows(self, rows, column: str | None, values, zh, en, position: int = -1) -> None:
        """Problems for many rows at once; zh/en are one reason or one per row."""
        rows = np.asarray(rows, dtype=np.int64)
        values = np.asarray(values, dtype=object)
        if column is not None and len(rows):
            new = self._new_cells(column, rows)
            if not new.all():
                rows, values = rows[new], values[new]
                zh = zh if isinstance(zh, str) else np.asarray(zh)[new]
                en = en if isinstance(en, str) else np.asarray(en)[new]
        if len(rows):
            self._batches.append((rows, position, column, values, zh, en))
            self.count += len(rows)

    def _new_cells(self, column: str, rows: np.ndarray) -> np.ndarray:
        """True for rows of `column` without a problem yet (rows below 0 stand for the whole file)."""
        seen = self._cells.setdefault(column, [])
        new = (rows < 0) | ~np.isin(rows, np.concatenate(seen)) if seen else np.ones(len(rows), dtype=bool)
        seen.append(rows[new])
        return new

    def problems(self, limit: int = MAX_PROBLEMS) -> list[Problem]:
        if not self._batches:
            return []
        rows = np.concatenate([b[0] for b in self._batches])
        positions = np.concatenate([np.full(len(b[0]), b[1]) for b in self._batches])
        batch = np.concatenate([np.full(len(b[0]), i) for i, b in enumerate(self._batches)])
        within = np.concatenate([np.arange(len(b[0])) for b in self._batches])
        order = np.lexsort((within, batch, positions, rows))[:limit]
        out = [self._problem(int(batch[i]), int(within[i])) for i in order]
        if self.count > limit:
            more = self.count - limit
            out.append(Problem(self.file, None, None, None, f"另有 {more} 个问题未列出", f"and {more} more problems"))
        return out

    def _problem(self, b: int, i: int) -> Problem:
        rows, _, column, values, zh, en = self._batches[b]
        value = values[i]
        return Problem(
            self.file, None if rows[i] < 0 else int(rows[i]), column,
            None if value is None or (isinstance(value, float) and np.isnan(value)) else _shown_value(str(value)),
            zh if isinstance(zh, str) else str(zh[i]), en if isinstance(en, str) else str(en[i]),
        )


SHOWN_CHARS = 60


def _shown_value(text: str) -> str:
    """A value as a problem report may print it: ID and phone numbers masked, long text cut."""
    text = mask_personal_text(text[:SHOWN_CHARS * 4])
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


@dataclass(frozen=True)
class Mapped:
    column: F.Column
    position: int
    header: str
    factor: float


@dataclass
class Validated:
    kind: str | None
    frame: pd.DataFrame
    extra_columns: list[str]
    headers: dict[str, str]       # English column -> header as written


def detect_kind(headers: Sequence[str]) -> str | None:
    """The kind whose required columns are all present and which names the most columns; None if unclear."""
    matched: dict[str, set[str]] = {k: set() for k in F.KINDS}
    for header in headers:
        for kind, column in F.HEADER_INDEX.get(F.vocabulary_key(F.split_header(header)[0]), []):
            matched[kind].add(column.name)

    def complete(kind: str) -> bool:
        return all(c.name in matched[kind] for c in F.KINDS[kind].columns if c.required)

    best = sorted(F.KINDS, key=lambda k: (complete(k), len(matched[k])), reverse=True)[0]
    return best if complete(best) or len(matched[best]) >= 2 else None


def validate_table(table: RawTable, log: ProblemLog, kind: str | None, today: date,
                   key: bytes | None = None) -> Validated:
    """Typed frame (English columns, index = spreadsheet row) and problems logged; kind None if unknown."""
    kind = kind or detect_kind(table.headers)
    if kind is None:
        log.add(table.header_row, None, None,
                "无法识别数据类型：表头不符合任何一种导入格式（农户、收入、价格、灾情、务工、监测标准）",
                "cannot tell what the file holds: its headers match none of the import formats "
                "(households, income, prices, disasters, employment, thresholds)")
        return Validated(None, pd.DataFrame(index=pd.Index(table.rows, name="row")), list(table.headers), {})
    spec = F.KINDS[kind]
    mapped, extras = _map_headers(table, spec, log)
    frame = pd.DataFrame(index=pd.RangeIndex(len(table.rows)))
    for column in spec.columns:
        if column.name in mapped:
            frame[column.name] = _check_column(table, mapped[column.name], log, today)
        else:
            frame[column.name] = _empty(column, len(frame))
    _check_cross(spec, frame, mapped, table, log)
    _check_plausible(spec, frame, mapped, table, log)
    _check_unique(spec, frame, mapped, table, log)
    frame = _protect_personal(spec, frame, key)
    frame.index = pd.Index(table.rows, name="row")
    return Validated(kind, frame, extras, {name: m.header for name, m in mapped.items()})


def _map_headers(table: RawTable, spec: F.Kind, log: ProblemLog) -> tuple[dict[str, Mapped], list[str]]:
    by_key = {F.vocabulary_key(h): c for c in spec.columns for h in c.headers}
    mapped: dict[str, Mapped] = {}
    extras: list[str] = []
    chinese = 0
    for position, header in enumerate(table.headers):
        base, unit = F.split_header(header)
        column = by_key.get(F.vocabulary_key(base))
        if column is None:
            extras.append(header or f"(未命名列/unnamed column {position + 1})")
            continue
        chinese += not header.isascii()
        if column.name in mapped:
            log.add(table.header_row, header, None, f"列重复（与「{mapped[column.name].header}」相同）",
                    f"duplicate column (same as {mapped[column.name].header!r})", position)
            continue
        factor = F.unit_factor(column, unit)
        if factor is None:
            log.add(table.header_row, header, unit, f"无法识别的单位「{unit}」", f"unit {unit!r} not understood",
                    position)
        mapped[column.name] = Mapped(column, position, header, factor or 1.0)
    in_chinese = chinese * 2 >= len(mapped) if mapped else True
    for column in spec.columns:
        if column.required and column.name not in mapped:
            log.add(table.header_row, column.zh if in_chinese else column.name, None,
                    f"缺少必需的列「{column.zh}」", f"required column {column.name!r} is missing")
    return mapped, extras


def _clean(raw: pd.Series) -> pd.Series:
    """NFKC (full-width digits, letters, spaces) and surrounding spaces removed."""
    text = raw.astype("str").fillna("")
    wide = ~text.str.isascii()
    if wide.any():
        text = text.mask(wide, text[wide].str.normalize("NFKC"))
    return text.str.strip()


def _shown(raw: pd.Series, column: F.Column) -> pd.Series:
    """Values as they may appear in problem reports (personal ones masked)."""
    if column.type == F.ID_NUMBER:
        return raw.map(mask_id_number)
    if column.type == F.NAME:
        return raw.map(lambda v: "*" if v else v)
    return raw


# Amounts, counts and free text are mostly distinct: hashing them costs more than converting every cell.
# Codes, dates, years and choices repeat a lot and cost more per value: they are converted once per distinct value.
_EVERY_CELL = (F.INT, F.BIGINT, F.NUMBER, F.MONEY, F.PRICE, F.AREA, F.TEXT, F.NAME)


def _distinct(raw: pd.Series, column: F.Column) -> tuple[np.ndarray | None, pd.Series]:
    """(codes, values): the column's distinct values and each cell's code, or every cell and no codes."""
    if column.type in _EVERY_CELL:
        return None, raw
    codes, uniques = pd.factorize(raw)
    return codes, pd.Series(uniques, dtype="str")


def _per_cell(values: np.ndarray, codes: np.ndarray | None) -> np.ndarray:
    return values if codes is None else values[codes]


def _check_column(table: RawTable, m: Mapped, log: ProblemLog, today: date) -> pd.Series:
    """Convert and check one column."""
    raw = table.cells[m.position].astype("str").fillna("")
    codes, distinct = _distinct(raw, m.column)
    text = _clean(distinct)
    values, issues = CONVERTERS[m.column.type](text, m, today)
    if m.column.type in _NUMERIC:
        issues += _range_issues(values, m.column)
    if m.column.required:
        issues.append(((text == "").to_numpy(), "必填项为空", "required value is missing"))
    if m.column.type == F.TEXT:
        issues += _personal_key_issues(text, m)
    for mask, zh, en in issues:
        rows = _per_cell(np.asarray(mask, dtype=bool), codes)
        if rows.any():
            log.add_rows(table.rows[rows], m.header, _shown(raw[rows], m.column).to_numpy(),
                         zh if isinstance(zh, str) else _per_cell(np.asarray(zh), codes)[rows],
                         en if isinstance(en, str) else _per_cell(np.asarray(en), codes)[rows], m.position)
    values = (values if codes is None else values.take(codes)).reset_index(drop=True)
    _check_typed_as_number(table, m, values, log)
    if m.column.default is not None:
        values = values.fillna(m.column.default)
    return values


_IDENTIFIERS = (F.TEXT, F.VILLAGE, F.COUNTY, F.PROVINCE, F.REGION, F.ID_NUMBER)


def _check_typed_as_number(table: RawTable, m: Mapped, values: pd.Series, log: ProblemLog) -> None:
    """Codes and identifiers held as numbers in a workbook lose leading zeros and digits beyond 15:
    refused with the fix even where the number still looks right."""
    if table.numeric is None or m.column.type not in _IDENTIFIERS:
        return
    numeric = table.numeric[m.position].to_numpy(dtype=bool) & values.notna().to_numpy()
    if numeric.any():
        log.add_rows(table.rows[numeric], m.header, _shown(table.cells[m.position][numeric], m.column).to_numpy(),
                     "编号或代码被存成了数字（会丢失前导零和15位以后的数字）：请把该列设为文本格式后重新录入",
                     "a code or identifier stored as a number (leading zeros and digits after the 15th are lost): "
                     "format the column as text and enter it again", m.position)


def _personal_key_issues(text: pd.Series, m: Mapped) -> Issues:
    """Free-text keys must not be ID or phone numbers: they are stored and shown unmasked."""
    kinds = personal_kinds(text, unless=r"\d[eE][+-]?\d")  # numbers: see below
    return [
        (kinds == "id", f"「{m.header}」看起来是身份证号：身份证号不能用作编号，请改用户编号等非个人信息",
         f"{m.column.name} looks like an ID number: personal numbers cannot serve as keys; use a non-personal code"),
        (kinds == "phone", f"「{m.header}」看起来是手机号码：手机号不能用作编号，请改用非个人信息的编号",
         f"{m.column.name} looks like a mobile phone number: personal numbers cannot serve as keys"),
    ]


Issues = list[tuple[np.ndarray, object, object]]


def _numbers(text: pd.Series) -> pd.Series:
    """Numbers with or without thousands separators; NaN where empty or not a number."""
    every_one = _all_numbers(text)
    if every_one is not None:
        return every_one
    cleaned = text.str.replace(",", "", regex=False).str.replace(" ", "", regex=False)
    return pd.to_numeric(cleaned.mask(cleaned == ""), errors="coerce").astype("float64")


def _all_numbers(text: pd.Series) -> pd.Series | None:
    """The usual column, where every value is a number or empty, converted by pyarrow in one cast (another
    after removing thousands separators and spaces); None when any value is not a number (pandas finds which)."""
    values = pa.array(text, type=pa.string())
    values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
    try:
        numbers = pc.cast(values, pa.float64())
    except pa.ArrowInvalid:
        try:
            numbers = pc.cast(pc.replace_substring(pc.replace_substring(values, ",", ""), " ", ""), pa.float64())
        except pa.ArrowInvalid:
            return None
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")


def _to_number(text: pd.Series, m: Mapped, today: date) -> tuple[pd.Series, Issues]:
    number = _numbers(text)
    bad = (text != "").to_numpy() & ~np.isfinite(number.to_numpy())
    with np.errstate(over="ignore"):
        scaled = number * m.factor
    overflow = ~bad & (text != "").to_numpy() & ~np.isfinite(scaled.to_numpy())
    return scaled.where(~bad & ~overflow), [(bad, "应为数字", "must be a number"),
                                            (overflow, "数值过大", "the number is too large")]


def _to_int(text: pd.Series, m: Mapped, today: date) -> tuple[pd.Series, Issues]:
    number = _numbers(text).to_numpy()
    whole = np.isfinite(number) & (np.abs(number) < 2**53)
    whole[whole] = number[whole] == np.round(number[whole])
    bad = (text != "").to_numpy() & ~whole
    values = pd.Series(np.where(whole, number, np.nan), index=text.index).astype("Int64")
    return values, [(bad, "应为整数", "must be a whole number")]


def _to_year(text: pd.Series, m: Mapped, today: date) -> tuple[pd.Series, Issues]:
    values, issues = _to_int(text.str.removesuffix("年"), m, today)
    year = values.to_numpy(dtype="float64", na_value=np.nan)
    issues.append((year > today.year, f"年度晚于今年（{today.year}）", f"year is in the future (after {today.year})"))
    issues.append((year < EARLIEST_YEAR, f"年度不合理（早于{EARLIEST_YEAR}）",
                   f"implausible year (before {EARLIEST_YEAR})"))
    return values, issues


def _to_severity(text: pd.Series, m: Mapped, today: date) -> tuple[pd.Series, Issues]:
    words = text.map(F.SEVERITY_WORDS)
    return _to_int(text.mask(words.notna(), words.astype("str")), m, today)


def _date_parts(parts: pd.DataFrame, day: pd.Series | None = None) -> pd.Series:
    numbers = parts.apply(pd.to_numeric)
    frame = pd.DataFrame({"year": numbers[0], "month": numbers[1],
                          "day": numbers[2] if day is None else day})
    return pd.to_datetime(frame, errors="coerce")


def _date_issues(values: pd.Series, text: pd.Series, latest: pd.Timestamp, zh: str, en: str,
                 future: tuple[str, str] = ("日期晚于今天", "date is in the future")) -> Issues:
    bad = (text != "").to_numpy() & values.isna().to_numpy()
    return [
        (bad, zh, en),
        ((values > latest).to_numpy(), *future),
        ((values.dt.year < EARLIEST_YEAR).to_numpy(), f"日期不合理（早于{EARLIEST_YEAR}年）",
         f"implausible date (before {EARLIEST_YEAR})"),
    ]


def _parse_dates(text: pd.Series) -> pd.Series:
    parts = text.str.extract(_DATE_RE)
    parts = pd.DataFrame({i: parts[i].fillna(parts[i + 3]) for i in range(3)})
    return _date_parts(parts)


def _to_date(text: pd.Series, m: Mapped, today: date) -> tuple[pd.Series, Issues]:
    values = _parse_dates(text)
    return values, _date_issues(values, text, pd.Timestamp(today),
                                "无法识别的日期（可用 2023-07-31、2023/7/31、2023年7月31日）",
                                "not a date (use 2023-07-31, 2023/7/31 or 2023年7月31日)")


def _to_month(text: pd.Series, m: Mapped, today: date) -> tuple[pd.Series, Issues]:
    parts = text.str.extract(_MONTH_RE)
    parts = pd.DataFrame({0: parts[0].fillna(parts[2]), 1: parts[1].fillna(parts[3])})
    values = _date_parts(parts, day=pd.Series(1, index=text.index))
    full_dates = _parse_dates(text.where(values.isna(), ""))
    values = values.fillna(full_dates.dt.to_period("M").dt.to_timestamp())
    return values, _date_issues(values, text, pd.Timestamp(today.replace(day=1)),
                                "无法识别的月份（可用 2023-07、2023年7月）", "not a month (use 2023-07 or 2023年7月)",
                                ("月份晚于本月", "month is in the future"))


def _to_bool(text: pd.Series, m: Mapped, today: date) -> tuple[pd.Series, Issues]:
    values = text.str.lower().map(F.BOOL_WORDS).astype("boolean")
    bad = (text != "").to_numpy() & values.isna().to_numpy()
    return values, [(bad, "应为 是 或 否", "must be yes or no (是/否)")]


def _to_choice(text: pd.Series, m: Mapped, today: date) -> tuple[pd.Series, Issues]:
    choices = m.column.choices or {}
    keys = text.str.lower().str.replace(r"[\s_\-]+", "", regex=True)
    values = keys.map(choices).astype("str")
    bad = (text != "").to_numpy() & values.isna().to_numpy()
    zh = "、".join(k for k in choices if not k.isascii())
    en = ", ".join(dict.fromkeys(choices.values()))
    return values, [(bad, f"不在可选值之内（{zh}）", f"not one of the accepted values ({en})")]


def _to_text(text: pd.Series, m: Mapped, today: date) -> tuple[pd.Series, Issues]:
    return text.mask(text == ""), []


def _to_id_number(text: pd.Series, m: Mapped, today: date) -> tuple[pd.Series, Issues]:
    upper = text.str.upper()
    bad = (text != "").to_numpy() & ~upper.str.fullmatch(r"\d{17}[\dX]").to_numpy(dtype=bool)
    reason_zh, reason_en = _with_hints(text, 18, bad, "身份证号应为18位（17位数字加1位数字或X）",
                                       "ID number must be 18 characters: 17 digits then a digit or X")
    shaped = (text != "").to_numpy() & ~bad
    wrong_check = np.zeros(len(text), dtype=bool)
    wrong_check[shaped] = ~id_check_matches(upper[shaped])
    return upper.mask((upper == "") | bad | wrong_check), [
        (bad, reason_zh, reason_en),
        (wrong_check, "身份证号校验位不符（GB 11643），多为录入错误，请核对",
         "ID number fails its check character (GB 11643), usually a typing error: please check it"),
    ]


def _code_issues(text: pd.Series, width: int, zh: str, en: str) -> tuple[np.ndarray, object, object]:
    """Shape check of a code of `width` digits."""
    bad = (text != "").to_numpy() & ~text.str.fullmatch(rf"\d{{{width}}}").to_numpy(dtype=bool)
    return bad, *_with_hints(text, width, bad, zh, en)


def _with_hints(text: pd.Series, width: int, bad: np.ndarray, zh: str, en: str) -> tuple[object, object]:
    """Reasons with a hint where a spreadsheet mangled a code: lost leading zeros, scientific notation."""
    if not bad.any():
        return zh, en
    short = text.str.fullmatch(r"\d+").to_numpy(dtype=bool) & (text.str.len().to_numpy() < width)
    scientific = text.str.contains(r"\d[eE]\+?\d", regex=True).to_numpy(dtype=bool)
    hint_zh = np.where(scientific, "（被存成了数字或科学计数法，位数已丢失，请把该列设为文本后重新录入）",
                       np.where(short, "（可能丢失了前导零，请把该列设为文本）", ""))
    hint_en = np.where(scientific, " (stored as a number in scientific notation, digits lost: format the column "
                                   "as text and enter it again)",
                       np.where(short, " (leading zeros lost? format the column as text)", ""))
    return np.char.add(zh, hint_zh.astype(str)), np.char.add(en, hint_en.astype(str))


def _code(width: int, zh: str, en: str, level=None, *, in_county: bool = False):
    """Converter for codes of `width` digits starting with a province (or 000000, the country).

    `level` = (test on the code, reason_zh, reason_en) for codes that must be of one level.
    `in_county`: the first six digits must be a county-level unit of China, and not a code retired since.
    """
    def convert(text: pd.Series, m: Mapped, today: date) -> tuple[pd.Series, Issues]:
        bad, reason_zh, reason_en = _code_issues(text, width, zh, en)
        given = (text != "").to_numpy() & ~bad
        known = (text.str[:2].isin(F.PROVINCE_PREFIXES) | (text == F.NATIONAL)).to_numpy(dtype=bool)
        issues: Issues = [(bad, reason_zh, reason_en),
                          (given & ~known, "前两位不是有效的省级代码", "the first two digits are not a province of China")]
        bad = bad | (given & ~known)
        if level is not None:
            test, level_zh, level_en = level
            wrong = given & known & ~test(text).to_numpy(dtype=bool)
            issues.append((wrong, level_zh, level_en))
            bad = bad | wrong
        if in_county:
            county_issues = _county_issues(text.str[:6], given & ~bad)
            issues += county_issues
            bad = bad | np.logical_or.reduce([mask for mask, _, _ in county_issues])
        return text.mask((text == "") | bad), issues
    return convert


_county_reference: tuple[frozenset[str], dict[str, tuple[str, str]]] | None = None


def county_reference() -> tuple[frozenset[str], dict[str, tuple[str, str]]]:
    """(current county-level codes, retired code -> (new code, name)): given, or from analysis.regions."""
    return _county_reference or _regions_reference()


@functools.cache
def _regions_reference() -> tuple[frozenset[str], dict[str, tuple[str, str]]]:
    from analysis.regions import county_level_codes, retired_codes  # heavy: import children never need it

    return county_level_codes(), retired_codes()


def use_county_reference(reference: tuple[frozenset[str], dict[str, tuple[str, str]]]) -> None:
    """Check codes against these (an import child gets them from its parent rather than rebuilding them)."""
    global _county_reference
    _county_reference = reference


def _county_issues(county: pd.Series, checked: np.ndarray) -> Issues:
    """Counties that were renamed (say which code replaced them) or that China does not have."""
    current, retired = county_reference()
    old = checked & county.isin(retired).to_numpy(dtype=bool)
    unknown = checked & ~old & ~county.isin(current).to_numpy(dtype=bool)
    new = county.map(lambda code: retired.get(code, ("", ""))[0])
    name = county.map(lambda code: retired.get(code, ("", ""))[1])
    return [
        (old, ("县级代码 " + county + " 已变更为 " + new + "（" + name + "），请改用新代码").to_numpy(),
         ("county code " + county + " was changed to " + new + " (" + name + "): use the new code").to_numpy()),
        (unknown, ("前6位 " + county + " 不是现行的县级区划代码").to_numpy(),
         ("the first six digits " + county + " are not a current county-level code of China").to_numpy()),
    ]


CONVERTERS = {
    F.TEXT: _to_text, F.NAME: _to_text, F.ID_NUMBER: _to_id_number,
    F.VILLAGE: _code(12, "村级区划代码应为12位数字", "village code must be 12 digits", in_county=True),
    F.COUNTY: _code(6, "县级区划代码应为6位数字", "county code must be 6 digits",
                    (lambda t: ~t.str.endswith("0000"), "应为县级代码（不能是省级或全国代码）",
                     "must be a county-level code, not a province or the country"), in_county=True),
    F.PROVINCE: _code(6, "省级区划代码应为6位数字", "province code must be 6 digits",
                      (lambda t: t.str.endswith("0000"), "应为省级代码（如 620000）或 000000（全国）",
                       "must be a province code (like 620000) or 000000 for the whole country")),
    F.REGION: _code(6, "区划代码应为6位数字（000000 = 全国）", "region code must be 6 digits (000000 = national)"),
    F.INT: _to_int, F.BIGINT: _to_int, F.SEVERITY: _to_severity, F.YEAR: _to_year,
    F.NUMBER: _to_number, F.MONEY: _to_number, F.PRICE: _to_number, F.AREA: _to_number,
    F.DATE: _to_date, F.MONTH: _to_month, F.BOOL: _to_bool, F.CHOICE: _to_choice,
}


def _bound(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _range_issues(values: pd.Series, column: F.Column) -> Issues:
    number = values.to_numpy(dtype="float64", na_value=np.nan)
    issues: Issues = []
    low, high = column.low, column.high
    if low is not None and high is not None and high < F.INT32_MAX:
        outside = (number < low) | (number > high)
        return [(outside, f"应在 {_bound(low)} 到 {_bound(high)} 之间", f"must be between {_bound(low)} and {_bound(high)}")]
    if low is not None and column.low_open:
        issues.append((number <= low, f"应大于 {_bound(low)}", f"must be greater than {_bound(low)}"))
    elif low == 0:
        issues.append((number < 0, "不能为负数", "must not be negative"))
    elif low is not None:
        issues.append((number < low, f"应不小于 {_bound(low)}", f"must be at least {_bound(low)}"))
    if high is not None:
        issues.append((number > high, f"应不大于 {_bound(high)}", f"must be at most {_bound(high)}"))
    return issues


def _empty(column: F.Column, n: int) -> pd.Series:
    if column.default is not None:
        return pd.Series(column.default, index=pd.RangeIndex(n), dtype="float64")
    dtype = {F.INT: "Int64", F.BIGINT: "Int64", F.YEAR: "Int64", F.SEVERITY: "Int64", F.BOOL: "boolean",
             F.NUMBER: "float64", F.MONEY: "float64", F.PRICE: "float64", F.AREA: "float64",
             F.DATE: "datetime64[ns]", F.MONTH: "datetime64[ns]"}.get(column.type, "str")
    return pd.Series(None, index=pd.RangeIndex(n), dtype=dtype)  # a scalar: no list of n Nones to convert


def _check_cross(spec: F.Kind, frame: pd.DataFrame, mapped: dict[str, Mapped], table: RawTable,
                 log: ProblemLog) -> None:
    """Rules across columns, reported at the first column: it must not be smaller than the second."""
    for kind, column, other, zh, en in F.ORDER_RULES:
        if kind != spec.name or column not in mapped or other not in mapped:
            continue
        wrong = (frame[column] < frame[other]).fillna(False).to_numpy(dtype=bool)
        m = mapped[column]
        log.add_rows(table.rows[wrong], m.header, table.cells[m.position][wrong].to_numpy(), zh, en, m.position)


def _check_unique(spec: F.Kind, frame: pd.DataFrame, mapped: dict[str, Mapped], table: RawTable,
                  log: ProblemLog) -> None:
    """Each key at most once per file; later copies point at the first."""
    if not all(k in mapped for k in spec.key):
        return
    keys = frame[list(spec.key)]
    complete = keys.notna().all(axis=1).to_numpy()
    present = keys[complete]
    duplicate = present.duplicated(keep="first").to_numpy()
    if not duplicate.any():
        return
    rows = table.rows[complete]
    first = present.assign(_row=rows).groupby(list(spec.key), sort=False)["_row"].transform("first").to_numpy()
    first_key = mapped[spec.key[0]]
    shown = _shown(table.cells[first_key.position][complete], first_key.column)  # an ID key shows masked
    for k in spec.key[1:]:
        shown = shown + " / " + _shown(table.cells[mapped[k].position][complete], mapped[k].column)
    headers_zh = "、".join(mapped[k].header for k in spec.key)
    first_rows = first[duplicate].astype(str)
    log.add_rows(rows[duplicate], first_key.header, shown.to_numpy()[duplicate],
                 np.char.add(np.char.add("与第 ", first_rows), f" 行重复（{headers_zh}）"),
                 np.char.add(np.char.add("duplicates row ", first_rows), f" (key: {', '.join(spec.key)})"),
                 first_key.position)


def _check_plausible(spec: F.Kind, frame: pd.DataFrame, mapped: dict[str, Mapped], table: RawTable,
                     log: ProblemLog) -> None:
    """Values within the hard rules but outside data/plausibility_bounds.toml, with a 万元/元 hint."""
    for name, m in mapped.items():
        bound = B.column_bound(spec.name, name)
        if bound is not None:
            _log_implausible(frame[name], bound, m, table, log, m.header)
    if spec.name == "income":
        components = [c for c in B.NET_INCOME_COMPONENTS if c in mapped]
        if components:
            net = pd.Series(B.net_income(frame, components), index=frame.index)
            each_plausible = np.logical_and.reduce([B.column_bound("income", c).holds(frame[c]) for c in components])
            first = mapped[components[0]]
            _log_implausible(net.where(each_plausible), B.column_bound("income", "net_income"), first, table, log,
                             first.header, show_number=True, hard=False)
    if spec.name == "prices" and {"price", "commodity"} <= set(mapped):
        for commodity, bound in B.price_bounds().items():
            price = frame["price"].where(frame["commodity"] == commodity)
            _log_implausible(price, bound, mapped["price"], table, log, mapped["price"].header)


def _log_implausible(values: pd.Series, bound: B.Bound, m: Mapped, table: RawTable, log: ProblemLog,
                     header: str, show_number: bool = False, hard: bool = True) -> None:
    number = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    hard_low = -np.inf if m.column.low is None or not hard else m.column.low
    hard_high = np.inf if m.column.high is None or not hard else m.column.high
    checked = np.isfinite(number) & (number >= hard_low) & (number <= hard_high)  # hard rules reported already
    outside = checked & ((number < bound.low) | (number > bound.high))
    if not outside.any():
        return
    zh, en = B.reasons(bound, number[outside], m.factor)
    shown = ([f"{v:,.0f}" for v in number[outside]] if show_number
             else table.cells[m.position].to_numpy()[outside])
    log.add_rows(table.rows[outside], header, shown, zh, en, m.position)


def _protect_personal(spec: F.Kind, frame: pd.DataFrame, key: bytes | None) -> pd.DataFrame:
    """Households: raw name and ID number replaced by masks and a keyed hash; region codes derived.

    Other kinds that name a person keep the same hash as `person_hash` and masks only.
    """
    if spec.name != "households":
        return _protect_person(frame, key) if "id_number" in frame else frame
    ids, names = frame.pop("id_number"), frame.pop("head_name")
    frame["county_code"] = frame["village_code"].str[:6]
    frame["head_name_masked"] = mask_names(names)
    frame["id_number_masked"] = mask_id_numbers(ids)
    frame["id_number_hash"] = hash_id_numbers(ids, key) if key is not None else pd.Series(None, index=frame.index,
                                                                                          dtype="str")
    return frame


def _protect_person(frame: pd.DataFrame, key: bytes | None) -> pd.DataFrame:
    ids = frame.pop("id_number")
    if "name" in frame:
        frame["name_masked"] = mask_names(frame.pop("name"))
    frame["person_masked"] = mask_id_numbers(ids)
    frame["person_hash"] = hash_id_numbers(ids, key) if key is not None else pd.Series(None, index=frame.index,
                                                                                       dtype="str")
    return frame
