"""Looking inside an XLSX before a parser expands it.

An XLSX is a zip of XML files. A small file can declare a huge sheet (one cell at XFD1048576 made the
parser ask for 512 GiB and abort the process) or expand to gigabytes (a zip bomb). So before calamine
reads a sheet we check, cheaply and streaming: the zip (entries, total size, compression ratio, with the
bytes actually inflated counted, not the sizes the zip declares), and each sheet's declared <dimension>
and the extent of its cells against the number of cells it really holds. We also list the sheets with
their visibility, and find formula cells without a saved value (calamine would read them as empty or 0).
Byte patterns are plain or bounded regexes: linear time on any input.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

import numpy as np

from analysis.store.errors import ReadError

MAX_ENTRIES = 2_000
MAX_RATIO = 250                  # inflated / compressed bytes of one entry; spreadsheets stay far below
MAX_INFLATED = 2_000_000_000     # bytes of XML in all; a 500 MB workbook inflates to ≈5 GB at most...
MAX_AREA = 30_000_000            # cells a sheet may span (rows × columns) ...
SPARSE_FACTOR = 20               # ... and at most this many times the cells it holds (above 1 million)
MAX_WORKBOOK_XML = 5_000_000     # workbook.xml and its relations: a list of sheets
CHUNK = 1 << 20
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW_NUMBER = re.compile(rb"<(?:\w{1,10}:)?row\b[^>]{0,200}?\sr=\"(\d{1,9})\"")
_DIMENSION = re.compile(rb"<(?:\w{1,10}:)?dimension\s+ref=\"([A-Z]{1,3})?(\d{1,9})?(?::([A-Z]{1,3})(\d{1,9}))?\"")


@dataclass(frozen=True)
class Sheet:
    name: str
    path: str        # its XML inside the zip
    visible: bool


@dataclass(frozen=True)
class SheetShape:
    cells: int       # <c> elements present
    rows: int        # last row number declared or used
    columns: int     # last column number declared or used
    formulas: bool   # any <f> element


def _too_big(zh: str, en: str) -> ReadError:
    return ReadError(f"工作簿过大或结构异常（{zh}），已拒绝读取；请另存为普通的 XLSX 或 CSV 后重试",
                     f"workbook refused as too large or malformed ({en}): save it again as a plain XLSX or CSV")


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The workbook's zip, refused when it has too many entries or would inflate out of proportion."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        entries = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ReadError("不是有效的 Excel 工作簿（压缩包已损坏）", "not a valid Excel workbook (damaged zip)") from None
    if len(entries) > MAX_ENTRIES:
        raise _too_big(f"压缩包内有 {len(entries):,} 个文件", f"{len(entries):,} entries in the zip")
    declared = sum(e.file_size for e in entries)
    if declared > MAX_INFLATED:
        raise _too_big(f"解压后约 {declared / 1e9:.1f} GB", f"{declared / 1e9:.1f} GB once inflated")
    for entry in entries:
        if entry.file_size > 1_000_000 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise _too_big(f"「{entry.filename[:80]}」压缩比 {entry.file_size // max(entry.compress_size, 1):,}:1",
                           f"{entry.filename[:80]!r} compressed {entry.file_size // max(entry.compress_size, 1):,}:1")
    return book


def _read_small(book: zipfile.ZipFile, name: str) -> bytes:
    try:
        with book.open(name) as handle:
            data = handle.read(MAX_WORKBOOK_XML + 1)
    except KeyError:
        raise ReadError("不是有效的 Excel 工作簿（缺少 " + name + "）",
                        f"not a valid Excel workbook ({name} is missing)") from None
    if len(data) > MAX_WORKBOOK_XML:
        raise _too_big(f"{name} 过大", f"{name} is too large")
    return data


def _xml(data: bytes, name: str) -> ElementTree.Element:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # no DTDs in OOXML: refuse entity expansion outright
        raise _too_big(f"{name} 含有 DTD", f"{name} holds a DTD")
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise ReadError(f"不是有效的 Excel 工作簿（{name} 无法解析）", f"not a valid Excel workbook ({name})") from None


def sheets(book: zipfile.ZipFile) -> list[Sheet]:
    """Sheets in workbook order, with their XML path and whether they are visible."""
    workbook = _xml(_read_small(book, "xl/workbook.xml"), "workbook.xml")
    rels = _xml(_read_small(book, "xl/_rels/workbook.xml.rels"), "workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL_NS}Relationship")}
    out = []
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{_REL_NS}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        out.append(Sheet(sheet.get("name", ""), path, sheet.get("state", "visible") == "visible"))
    return out


def formulas_recalculated_on_open(book: zipfile.ZipFile) -> bool:
    """Written by a tool without a calculation engine: the saved formula results are placeholders."""
    workbook = _read_small(book, "xl/workbook.xml")
    return re.search(rb"<(?:\w{1,10}:)?calcPr\b[^>]{0,500}?fullCalcOnLoad=\"(?:1|true)\"", workbook) is not None


def _has_formula(piece: bytes, prefix: bytes) -> bool:
    """An <f> element (formula) anywhere in the piece."""
    tag = b"<" + prefix + b"f"
    at = piece.find(tag)
    while at >= 0:
        if piece[at + len(tag):at + len(tag) + 1] in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
            return True
        at = piece.find(tag, at + 1)
    return False


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _chunks(book: zipfile.ZipFile, path: str):
    """The sheet's XML in pieces cut after a '>', counting the bytes actually inflated."""
    inflated, rest = 0, b""
    try:
        handle = book.open(path)
    except KeyError:
        raise ReadError(f"工作簿缺少工作表文件 {path}", f"the workbook lacks the sheet file {path}") from None
    with handle:
        while chunk := handle.read(CHUNK):
            if not inflated and (b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk):
                raise _too_big("工作表含有 DTD", "a sheet holds a DTD")
            inflated += len(chunk)
            if inflated > MAX_INFLATED:
                raise _too_big("工作表解压后过大", "a sheet inflates too far")
            data = rest + chunk
            cut = data.rfind(b">") + 1
            rest = data[cut:]
            yield data[:cut]
    if rest:
        yield rest


def sheet_shape(book: zipfile.ZipFile, sheet: Sheet) -> SheetShape:
    """Cells, extent (declared or used, whichever is larger) and formulas of one sheet, streaming.

    Cells are counted with bytes.count (an element <c ...> or <x:c ...> with the sheet's prefix); the used
    columns from the widest cell reference.
    """
    cells = rows = columns = 0
    formulas = False
    prefix = None
    for piece in _chunks(book, sheet.path):
        if prefix is None:
            root = re.search(rb"<(\w{1,10}:)?worksheet[\s>]", piece)
            prefix = (root.group(1) or b"") if root else b""
        cells += piece.count(b"<" + prefix + b"c ") + piece.count(b"<" + prefix + b"c>")
        formulas = formulas or _has_formula(piece, prefix)
        dimension = piece.find(b"<" + prefix + b"dimension")
        match = _DIMENSION.match(piece, dimension) if dimension >= 0 else None
        if match:
            first_col, first_row, last_col, last_row = match.groups()
            rows = max(rows, int(last_row or first_row or 0))
            columns = max(columns, column_number(last_col or first_col or b""))
        last_row = _ROW_NUMBER.search(piece, max(piece.rfind(b"<" + prefix + b"row "), 0))
        if last_row:  # rows come in order: the last one of the piece is the furthest so far
            rows = max(rows, int(last_row.group(1)))
        columns = max(columns, _widest_column(piece))
    return SheetShape(cells, rows, columns, formulas)


_IS_LETTER = np.zeros(256, dtype=bool)
_IS_LETTER[ord("A"):ord("Z") + 1] = True
_IS_SPACE = np.zeros(256, dtype=bool)
_IS_SPACE[list(b" \t\r\n")] = True
_R_QUOTE = int.from_bytes(b'\0r="', "little")  # r=" after any first byte (a word's lowest byte)


def _widest_column(piece: bytes) -> int:
    """The largest column among the cell references (r="XFD12") in this piece, found with numpy over the bytes:
    every 4 bytes read as one word, so whitespace, r, = and the quote are matched in one pass.

    Any attribute r="..." counts (a row's holds digits only, so 0): an overstatement at worst, never less.
    """
    n = len(piece)
    if n < 4:
        return 0
    raw = np.frombuffer(piece + b"\0\0\0\0\0\0\0\0", dtype=np.uint8)
    words = np.ndarray((n - 3,), dtype="<u4", buffer=raw, strides=(1,))  # the 4 bytes from each position
    at = np.flatnonzero((words & 0xFFFFFF00) == _R_QUOTE)
    at = at[_IS_SPACE[raw[at]]] + 4
    if not len(at):
        return 0
    first, second, third = (raw[at + i].astype(np.int64) for i in range(3))
    one = _IS_LETTER[first]
    two = one & _IS_LETTER[second]
    three = two & _IS_LETTER[third]
    number = np.where(three, (first - 64) * 676 + (second - 64) * 26 + third - 64,
                      np.where(two, (first - 64) * 26 + second - 64, np.where(one, first - 64, 0)))
    return int(number.max())


def check_proportion(sheet: Sheet, shape: SheetShape) -> None:
    """Refuse a sheet that spans far more cells than it holds (the parser allocates the span)."""
    area = shape.rows * shape.columns
    if area > MAX_AREA or (area > 1_000_000 and area > SPARSE_FACTOR * max(shape.cells, 1)):
        raise _too_big(f"工作表「{sheet.name}」声明了 {shape.rows:,} 行 × {shape.columns:,} 列，实际只有 {shape.cells:,} 个单元格",
                       f"sheet {sheet.name!r} spans {shape.rows:,} rows × {shape.columns:,} columns but holds "
                       f"{shape.cells:,} cells")


def row_of(reference: str) -> int | None:
    digits = "".join(c for c in reference if c.isdigit())
    return int(digits) if digits else None


def formulas_without_values(book: zipfile.ZipFile, sheet: Sheet, *, every_formula: bool = False,
                            limit: int = 20) -> list[str]:
    """References of formula cells whose saved result is missing (or of every formula cell when the saved
    results are placeholders), at most `limit`, streaming."""
    found: list[str] = []
    stream = io.BufferedReader(_ChunkReader(_chunks(book, sheet.path)))
    for _, element in ElementTree.iterparse(stream, events=("end",)):
        if element.tag.endswith("}c") or element.tag == "c":
            children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
            saved = children.get("v") is not None and (children["v"].text or "").strip()
            if "f" in children and (every_formula or not saved):
                found.append(element.get("r", "?"))
                if len(found) >= limit:
                    break
            element.clear()
        elif element.tag.endswith("}row"):
            element.clear()
    return found


class _ChunkReader(io.RawIOBase):
    """A file-like view of the chunk generator (for iterparse)."""

    def __init__(self, pieces):
        self._pieces, self._rest = pieces, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._rest:
            self._rest = next(self._pieces, b"")
            if not self._rest:
                return 0
        n = min(len(buffer), len(self._rest))
        buffer[:n], self._rest = self._rest[:n], self._rest[n:]
        return n
