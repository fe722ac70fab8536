"""Reading CSV and XLSX files into a grid of text, the way a person sees the spreadsheet.

Every cell is read as text (codes keep their leading zeros; the validator converts types). The
header is the row, among the first few, that names the most known columns: title rows above it
are skipped, and so are 合计 (total) rows and a lone note line at the bottom. Each data row keeps
its spreadsheet row number (1-based, counting title and header rows) for problem reports.
"""
from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import python_calamine

from analysis.store import workbook
from analysis.store.errors import ReadError
from analysis.store.formats import HEADER_INDEX, split_header, vocabulary_key

HEADER_SEARCH_ROWS = 20
DELIMITERS = (",", "\t", ";")
TOTAL_PREFIXES = ("合计", "总计", "total")
NOTE_PREFIXES = ("注", "备注", "说明", "填表", "填报", "制表", "审核", "数据来源", "note")
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

__all__ = ["RawTable", "ReadError", "decode", "is_workbook", "known_header_count", "read_table"]


@dataclass
class RawTable:
    headers: list[str]        # as written, one per column
    cells: pd.DataFrame       # text cells ('' when empty), columns 0..n-1, one row per data row
    rows: np.ndarray          # spreadsheet row number of each data row
    header_row: int           # spreadsheet row number of the header
    encoding: str | None      # CSV only
    sheet: str | None         # XLSX only
    numeric: pd.DataFrame | None = None  # XLSX: True where the cell holds a number (not text)
    rows_read: int = 0        # rows below the header, blank and total rows included
    rows_skipped: int = 0     # of those, blank rows, 合计 rows and a closing note: read but not data


def known_header_count(cells: list[str]) -> int:
    """How many cells name a column of some kind (used to find the header row)."""
    return sum(1 for c in cells if vocabulary_key(split_header(c)[0]) in HEADER_INDEX)


def is_workbook(data: bytes) -> bool:
    return data.startswith(_ZIP) or data.startswith(_OLE)


def read_table(name: str, data: bytes, sheet: str | None = None) -> RawTable:
    """CSV or workbook bytes -> RawTable; ReadError when there is no table to read."""
    if not data.strip():
        raise ReadError("文件为空", "the file is empty")
    if is_workbook(data):
        grid, numeric, used_sheet = _workbook_grid(data, sheet)
        table = _from_grid(grid, numeric, sheet=used_sheet)
    else:
        if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
            raise ReadError("不是有效的 Excel 工作簿", "not a valid Excel workbook")
        table = _read_csv(data)
    table.rows_read = len(table.rows)
    table = _drop_footer(_drop_empty(table))
    table.rows_skipped = table.rows_read - len(table.rows)
    _check_cell_length(table)
    return table


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM or not), else GB18030 (which covers GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError("不支持 UTF-16 编码，请另存为 UTF-8 或 GBK 的 CSV",
                        "UTF-16 is not supported: save the CSV as UTF-8 or GBK")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text, encoding
    raise ReadError("无法识别文件编码，请使用 UTF-8 或 GBK 的 CSV，或 XLSX",
                    "cannot decode the file: use a UTF-8 or GBK CSV, or XLSX")


def _read_csv(data: bytes) -> RawTable:
    text, encoding = decode(data)
    if "\r" in text:  # Windows and old Mac line endings as Unix ones (a search costs less than two replaces)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    header_index, delimiter = _find_csv_header(lines)
    offset = sum(len(line) + 1 for line in lines[:header_index])
    header_row = header_index + 1
    grid = _fast_grid(text[offset:], delimiter, lines[header_index] if header_index < len(lines) else "")
    if grid is None:
        grid = _careful_grid(text[offset:], delimiter, header_index)
    return RawTable(
        headers=[str(h).strip() for h in grid.iloc[0].tolist()],
        cells=grid.iloc[1:].reset_index(drop=True).set_axis(range(grid.shape[1]), axis=1),
        rows=np.arange(header_row + 1, header_row + len(grid), dtype=np.int64),
        header_row=header_row, encoding=encoding, sheet=None,
    )


def _fast_grid(body: str, delimiter: str, header_line: str) -> pd.DataFrame | None:
    """The usual file parsed by pyarrow's CSV reader: every line with the header's number of fields and no
    line break inside a field. Anything else is None, for the careful parser whose errors name the line."""
    try:
        width = len(next(csv.reader([header_line], delimiter=delimiter)))
    except (csv.Error, StopIteration):
        return None
    names = [str(i) for i in range(width)]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body.encode("utf-8")),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                              newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=[],
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowException:
        return None
    if '"' in body and any(pc.any(pc.match_substring(column, "\n")).as_py() for column in table.columns):
        return None  # only a quoted field can hold a line break
    return table.to_pandas().set_axis(range(width), axis=1)


def _careful_grid(body: str, delimiter: str, header_index: int) -> pd.DataFrame:
    """pandas' parser, for files the fast one refused: extra fields and unbalanced quotes become errors with
    the line, short rows are filled with empty cells, line breaks inside fields are refused."""
    try:
        grid = pd.read_csv(io.StringIO(body), header=None, dtype=str, sep=delimiter,
                           keep_default_na=False, skip_blank_lines=False, quotechar='"')
    except pd.errors.ParserError as exc:
        raise _parser_error(exc, header_index) from None
    except pd.errors.EmptyDataError:
        raise ReadError("文件为空", "the file is empty") from None
    grid = grid.fillna("")
    _refuse_line_breaks(grid, header_index + 1)
    return grid


def _find_csv_header(lines: list[str]) -> tuple[int, str]:
    """(line index, delimiter) of the header among the first lines; first non-empty line if none names columns."""
    best = (0, -1, ",")  # (score, -index, delimiter)
    first_nonempty = next((i for i, line in enumerate(lines) if line.strip(" ,;\t\r")), 0)
    for index, line in enumerate(lines):
        for delimiter in DELIMITERS:
            try:
                cells = next(csv.reader([line.rstrip("\r")], delimiter=delimiter), [])
            except csv.Error:  # a field over the csv module's limit (128 KB) cannot be a header
                continue
            score = known_header_count(cells)
            if score > best[0]:
                best = (score, -index, delimiter)
    if best[0] < 2:
        return first_nonempty, ","
    return -best[1], best[2]


def _refuse_line_breaks(grid: pd.DataFrame, header_row: int) -> None:
    """A quoted field holding a line break, or an unbalanced quote that swallowed the lines after it,
    changes which line is which row: refused with the line where it starts, rather than merging rows."""
    broken = np.zeros(len(grid), dtype=bool)
    for column in grid.columns:
        broken |= grid[column].str.contains("\n", regex=False).to_numpy(dtype=bool)
    if broken.any():
        line = header_row + int(np.argmax(broken))
        raise ReadError("该行的某个字段包含换行或不成对的引号（\"），会使行数错乱：请删除单元格内的换行、补全引号后重新导出",
                        "a field in this line holds a line break or an unbalanced quote (\"), which would merge rows: "
                        "remove line breaks inside cells and balance the quotes, then export again", row=line)


def _check_cell_length(table: RawTable) -> None:
    """No cell longer than a spreadsheet cell can be (32,767 characters)."""
    for position in table.cells.columns:
        most_bytes = pc.max(pc.binary_length(pa.array(table.cells[position].astype("str")))).as_py()
        if (most_bytes or 0) <= MAX_CELL_CHARS:
            continue  # no cell has more bytes than the limit has characters: the usual column, not counted
        lengths = table.cells[position].astype("str").str.len().to_numpy()
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            index = int(np.argmax(lengths > MAX_CELL_CHARS))
            raise ReadError(f"单元格超过 {MAX_CELL_CHARS:,} 个字符（{int(lengths[index]):,} 个）",
                            f"a cell holds more than {MAX_CELL_CHARS:,} characters ({int(lengths[index]):,})",
                            row=int(table.rows[index]), column=table.headers[position][:60])
    long_headers = [h for h in table.headers if len(h) > MAX_CELL_CHARS]
    if long_headers:
        raise ReadError(f"表头单元格超过 {MAX_CELL_CHARS:,} 个字符", f"a header holds more than {MAX_CELL_CHARS:,} characters",
                        row=table.header_row)


def _parser_error(exc: Exception, header_index: int) -> ReadError:
    eof = re.search(r"EOF inside string starting at row (\d+)", str(exc))
    if eof:
        return ReadError("引号不成对：从该行开始的引号（\"）直到文件末尾都没有结束",
                         "unbalanced quote: the quote (\") opened in this line is never closed",
                         row=header_index + int(eof.group(1)) + 1)
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
    if not match:
        return ReadError(f"CSV 格式错误：{exc}", f"malformed CSV: {exc}")
    expected, line, saw = (int(g) for g in match.groups())
    return ReadError(f"该行有 {saw} 个字段，多于表头的 {expected} 列",
                     f"this row has {saw} fields, more than the {expected} columns of the header",
                     row=header_index + line)


def _workbook_grid(data: bytes, sheet: str | None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(text grid, numeric-cell grid, sheet name): the sheet checked for size and formulas before calamine reads it."""
    book = None
    if data.startswith(_ZIP):
        book = workbook.open_zip(data)
    try:
        excel = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise ReadError("无法读取 Excel 工作簿", f"cannot read the workbook ({type(exc).__name__})") from None
    used = _choose_sheet(book, excel, sheet) if book is not None else _named_or_first(excel, sheet)
    text, numeric = _sheet_cells(excel, used)
    return text, numeric, used


def _sheet_cells(excel: python_calamine.CalamineWorkbook, sheet: str, rows: int | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(text of every cell, True where the cell holds a number), from A1 (row 0 = spreadsheet row 1), read by
    calamine directly and converted a column at a time."""
    try:
        cells = excel.get_sheet_by_name(sheet).to_python(skip_empty_area=False, **({"nrows": rows} if rows else {}))
    except Exception as exc:  # calamine's errors for a damaged sheet
        raise ReadError("无法读取 Excel 工作簿", f"cannot read the workbook ({type(exc).__name__})") from None
    if not cells or not cells[0]:
        return pd.DataFrame(), pd.DataFrame()
    width = max(map(len, cells))
    grid = np.empty((len(cells), width), dtype=object)
    try:
        grid[:] = cells
    except ValueError:  # rows of different lengths: never from calamine, kept safe anyway
        grid[:] = [list(row) + [""] * (width - len(row)) for row in cells]
    columns = [_column_cells(grid[:, i]) for i in range(grid.shape[1])]
    text = pa.table([c[0] for c in columns], names=[str(i) for i in range(len(columns))]).to_pandas()
    numeric = pd.DataFrame({i: c[1] for i, c in enumerate(columns)})
    return text.set_axis(range(len(columns)), axis=1), numeric


_NUMBER, _TEXT, _OTHER = 0, 1, 2
_CELL_KINDS = {float: _NUMBER, int: _NUMBER, str: _TEXT}  # by exact type: a boolean is not a number here


def _column_cells(cells: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """One sheet column as (text, is-a-number): its numbers, its text and its other cells (dates, booleans and
    the like, cell by cell) each converted in bulk, then put back in sheet order. A header above numbers
    makes most columns mixed: no cell becomes a Python string that was not one."""
    kind = np.fromiter(map(_CELL_KINDS.get, map(type, cells), itertools.repeat(_OTHER)), dtype=np.int8,
                       count=len(cells))
    masks = [kind == k for k in (_NUMBER, _TEXT, _OTHER)]
    parts = [_number_text(cells[masks[0]].astype("float64")), pa.array(cells[masks[1]], pa.string()),
             pa.array([_other_text(value) for value in cells[masks[2]]], pa.string())]
    order = np.empty(len(cells), dtype=np.int64)
    start = 0
    for mask, part in zip(masks, parts, strict=True):
        order[mask] = np.arange(start, start + len(part))
        start += len(part)
    return pa.concat_arrays(parts).take(pa.array(order)), masks[0]


def _number_text(numbers: np.ndarray) -> pa.Array:
    """Numbers as a spreadsheet shows them: whole numbers without '.0'. Numbers of 16 digits or more lost
    digits in the spreadsheet (an ID number typed as a number): they are shown in scientific notation so
    that validation refuses them."""
    with np.errstate(invalid="ignore"):
        imprecise = ~(np.abs(numbers) < 1e15)  # NaN and inf too
        whole = ~imprecise & (np.floor(numbers) == numbers)
    as_whole = pc.cast(pa.array(np.where(whole, numbers, 0).astype(np.int64)), pa.string())
    if whole.all():
        return as_whole
    text = as_whole.to_numpy(zero_copy_only=False)
    fraction = ~whole & ~imprecise
    text[fraction] = list(map(float.__repr__, numbers[fraction].tolist()))
    text[imprecise] = [f"{value:.15E}" if np.isfinite(value) else repr(value) for value in numbers[imprecise].tolist()]
    return pa.array(text, pa.string())


def _other_text(value: object) -> str:
    """Dates as 2023-07-31 00:00:00 (the validator reads that form), anything else as Python writes it."""
    if isinstance(value, datetime.datetime):
        return str(value)
    if isinstance(value, datetime.date):
        return str(datetime.datetime.combine(value, datetime.time()))
    if isinstance(value, datetime.timedelta):
        return str(pd.Timedelta(value))
    return str(value)


def _named_or_first(excel: python_calamine.CalamineWorkbook, sheet: str | None) -> str:
    names = [str(n) for n in excel.sheet_names]
    if sheet is not None and sheet not in names:
        raise _sheet_not_found(sheet, names)
    return sheet if sheet is not None else names[0]


def _sheet_not_found(sheet: str, names: list[str]) -> ReadError:
    return ReadError(f"找不到工作表「{sheet}」（现有：{'、'.join(names)}）",
                     f"sheet {sheet!r} not found (sheets: {', '.join(names)})")


def _checked(book, listed: workbook.Sheet) -> workbook.Sheet:
    """A sheet whose size is in proportion and whose formulas have saved results, else ReadError."""
    shape = workbook.sheet_shape(book, listed)
    workbook.check_proportion(listed, shape)
    if shape.formulas:
        stale = workbook.formulas_recalculated_on_open(book)
        cells = workbook.formulas_without_values(book, listed, every_formula=stale)
        if cells:
            shown = "、".join(cells[:5]) + ("等" if len(cells) > 5 else "")
            raise ReadError(
                f"工作表「{listed.name}」的 {shown} 是公式，文件中没有保存其计算结果（多为程序生成的文件）："
                "请在 Excel 或 WPS 中打开并保存，或把公式粘贴为数值后再导入",
                f"cells {', '.join(cells[:5])} of sheet {listed.name!r} hold formulas without a saved result (usually a "
                "file written by a program): open and save it in Excel or WPS, or paste the formulas as values",
                row=workbook.row_of(cells[0]))
    return listed


def _choose_sheet(book, excel: python_calamine.CalamineWorkbook, sheet: str | None) -> str:
    """The visible sheet named, or the only visible sheet with a header of the import format."""
    listed = workbook.sheets(book)
    names = [s.name for s in listed]
    if sheet is not None:
        named = next((s for s in listed if s.name == sheet), None)
        if named is None:
            raise _sheet_not_found(sheet, names)
        if not named.visible:
            raise ReadError(f"工作表「{sheet}」是隐藏的：请取消隐藏并核对后再导入",
                            f"sheet {sheet!r} is hidden: unhide and check it before importing")
        return _checked(book, named).name
    visible = [s for s in listed if s.visible]
    if not visible:
        raise ReadError("工作簿中没有可见的工作表", "the workbook has no visible sheet")
    if len(visible) == 1:
        return _checked(book, visible[0]).name
    with_header = [s for s in visible if _names_columns(excel, _checked(book, s).name)]
    if len(with_header) > 1:
        shown = "、".join(s.name for s in with_header)
        raise ReadError(f"工作簿中有多个数据工作表（{shown}），请指定要导入的工作表",
                        f"several sheets hold data ({', '.join(s.name for s in with_header)}): name the sheet to import")
    return (with_header or visible)[0].name


def _names_columns(excel: python_calamine.CalamineWorkbook, sheet: str) -> bool:
    top, _ = _sheet_cells(excel, sheet, rows=HEADER_SEARCH_ROWS)
    return any(known_header_count(top.iloc[i].tolist()) >= 2 for i in range(len(top)))


def _from_grid(grid: pd.DataFrame, numeric: pd.DataFrame, sheet: str | None) -> RawTable:
    """Workbook grid (row 0 = spreadsheet row 1) -> RawTable with the header located."""
    if grid.empty:
        raise ReadError("文件为空", "the file is empty")
    top = grid.head(HEADER_SEARCH_ROWS).astype(str)
    scores = [known_header_count(top.iloc[i].tolist()) for i in range(len(top))]
    nonempty = [i for i in range(len(top)) if any(str(v).strip() for v in top.iloc[i])]
    best = int(np.argmax(scores))
    index = best if scores[best] >= 2 else (nonempty[0] if nonempty else 0)
    return RawTable(
        headers=[str(h).strip() for h in grid.iloc[index].tolist()],
        cells=grid.iloc[index + 1:].reset_index(drop=True),
        rows=np.arange(index + 2, len(grid) + 1, dtype=np.int64),
        header_row=index + 1, encoding=None, sheet=sheet,
        numeric=numeric.iloc[index + 1:].reset_index(drop=True),
    )


def _drop_empty(table: RawTable) -> RawTable:
    """Drop blank rows, and columns with neither a header nor any value (trailing commas, empty sheet area)."""
    filled = np.zeros((len(table.cells), len(table.cells.columns)), dtype=bool)
    for i, column in enumerate(table.cells.columns):
        filled[:, i] = _filled(table.cells[column])
    keep_cols = [i for i, h in enumerate(table.headers) if h or filled[:, i].any()]
    keep_rows = filled[:, keep_cols].any(axis=1) if keep_cols else np.zeros(len(filled), dtype=bool)
    if not keep_rows.all() or len(keep_cols) < len(table.headers):  # the usual file keeps all: no copy
        cells = table.cells.iloc[keep_rows, keep_cols]
        table.cells = cells.reset_index(drop=True).set_axis(range(len(keep_cols)), axis=1)
        if table.numeric is not None:
            numeric = table.numeric.iloc[keep_rows, keep_cols]
            table.numeric = numeric.reset_index(drop=True).set_axis(range(len(keep_cols)), axis=1)
        table.headers = [table.headers[i] for i in keep_cols]
        table.rows = table.rows[keep_rows]
    cells = table.cells
    if not table.headers:
        raise ReadError("文件为空", "the file is empty")
    if cells.empty:
        raise ReadError("文件没有数据行", "the file has no data rows", row=table.header_row)
    return table


def _filled(column: pd.Series) -> np.ndarray:
    """Cells holding more than whitespace: what str.strip() != "" says (a missing cell counts as filled, as
    there), without building the stripped strings (a third of the time of a 200k-row column)."""
    values = pa.array(column.astype("str"), type=pa.string())
    blank = pc.or_(pc.equal(pc.utf8_length(values), 0), pc.utf8_is_space(values))
    return ~pc.fill_null(blank, False).to_numpy(zero_copy_only=False)


def _is_footer(cells: list[str]) -> bool:
    keys = [vocabulary_key(c) for c in cells if c.strip()]
    if any(k.startswith(TOTAL_PREFIXES) for k in keys):
        return True
    return len(keys) == 1 and keys[0].startswith(NOTE_PREFIXES)


def _drop_footer(table: RawTable) -> RawTable:
    """Drop 合计/总计 rows and a lone note line at the bottom (never in the middle of the data)."""
    end = len(table.cells)
    while end > 0 and _is_footer([str(v) for v in table.cells.iloc[end - 1].tolist()]):
        end -= 1
    if end == 0:
        raise ReadError("文件没有数据行", "the file has no data rows", row=table.header_row)
    table.cells, table.rows = table.cells.iloc[:end], table.rows[:end]
    if table.numeric is not None:
        table.numeric = table.numeric.iloc[:end]
    return table
