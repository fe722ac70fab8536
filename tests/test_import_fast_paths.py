"""The import's fast paths agree with the careful ones they stand in for (issue 17).

CSV files whose every line is regular are parsed by pyarrow, the rest by pandas; whole numeric columns are cast
by pyarrow, the rest by pandas. Each pair must give the same cells and numbers, and every import reports where
its time went (`make bench` prints it; no timing is asserted here).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from analysis.store import readers, workbook
from analysis.store.ingest import ingest_files
from analysis.store.validate import _all_numbers, _numbers
from tests.helpers_ingest import TODAY, make_db

REGULAR = [
    "户编号,年度,工资性收入\nH1,2024,100\nH2,2024,200\n",
    '户编号,年度,工资性收入\n"H1",2024,"1,200"\n"H""2",2024," 3 "\n',
    "户编号;年度;工资性收入\nH1;2024;100\n\nH2;2024;\n",
    "户编号\t年度\t工资性收入\nH1\t2024\t100\n",
    "户编号,年度,工资性收入,\nH1,2024,100,\n,,,\n合计,,100,\n",
    '户编号,年度,工资性收入\nH1,2024,ab"c\n',
]


@pytest.mark.parametrize("text", REGULAR)
def test_pyarrow_reads_regular_csv_as_pandas_does(text):
    header = text.split("\n", 1)[0]
    delimiter = readers._find_csv_header([header])[1]
    fast = readers._fast_grid(text, delimiter, header)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, readers._careful_grid(text, delimiter, 0), check_dtype=False)


@pytest.mark.parametrize("text", [
    "户编号,年度,工资性收入\nH1,2024,100,7\n",          # more fields than the header
    "户编号,年度,工资性收入\nH1,2024\n",                # fewer
    '户编号,年度,工资性收入\nH1,"20\n24",100\n',         # a line break inside a field
    '户编号,年度,工资性收入\nH1,"2024,100\nH2,2024,1\n',  # an unbalanced quote
])
def test_irregular_csv_is_left_to_the_careful_parser(text):
    header = text.split("\n", 1)[0]
    assert readers._fast_grid(text, ",", header) is None


def test_an_irregular_line_is_still_refused_with_its_line():
    with pytest.raises(readers.ReadError) as error:
        readers.read_table("a.csv", "户编号,年度,工资性收入\nH1,2024,1\nH2,2024,1,9\n".encode())
    assert error.value.row == 3


@pytest.mark.parametrize("values", [
    ["1", "2.5", "-3", "", "1,234", "1 000", "1e3", ".5", "+5"],
    ["1_000", "0x10", "5"],
    ["12", "abc", ""],
    ["nan", "inf", "7"],
    ["", ""],
])
def test_numbers_cast_by_pyarrow_equal_pandas(values):
    text = pd.Series(values, dtype="str")
    cleaned = text.str.replace(",", "", regex=False).str.replace(" ", "", regex=False)
    careful = pd.to_numeric(cleaned.mask(cleaned == ""), errors="coerce").astype("float64")
    pd.testing.assert_series_equal(_numbers(text), careful)
    fast = _all_numbers(text)
    if fast is not None:
        pd.testing.assert_series_equal(fast, careful)


def test_an_import_reports_where_its_time_went(tmp_path):
    db = make_db(tmp_path / "t.duckdb")
    report = ingest_files(db, [("thresholds.csv", "年度,省级区划代码,监测标准\n2024,620000,7600\n".encode())],
                          today=TODAY)
    assert report.ok, report.problems
    assert {"read", "validate", "start", "transfer", "check", "copy", "load", "summaries", "commit_swap"} <= set(
        report.timings)
    assert all(seconds >= 0 for seconds in report.timings.values())
    assert {"read", "validate", "child", "prepare", "check", "copy", "load", "summaries", "commit_swap"} <= set(
        report.cpu)
    assert all(seconds >= 0 for seconds in report.cpu.values()) and report.cpu["child"] > 0


def _cell_text(value: object) -> str:
    """A workbook cell as text, one cell at a time: what the column-wise conversion must give."""
    if type(value) is str:
        return value
    if type(value) in (float, int):
        return readers._number_text(np.array([float(value)])).to_pylist()[0]
    return readers._other_text(value)


@pytest.mark.parametrize("cells", [
    ["工资性收入", 1.0, 2.5, -3, 12000.0, "", "1,200", 1e16, 0.1 + 0.2],
    ["户编号", "H01", 620102001.0, True, datetime(2024, 7, 31, 8, 30), date(2024, 7, 31), timedelta(days=2), ""],
    ["年度", 2024.0, 2024.0],
    ["", ""],
    [3.0, 4],
])
def test_workbook_columns_convert_in_bulk_as_cell_by_cell(cells):
    column = np.empty(len(cells), dtype=object)
    column[:] = cells
    text, numeric = readers._column_cells(column)
    assert text.to_pylist() == [_cell_text(value) for value in cells]
    assert numeric.tolist() == [type(value) in (float, int) for value in cells]


def _widest_by_regex(piece: bytes) -> int:
    """The definition: the largest column letters of any whitespace-preceded r="..." attribute."""
    return max((workbook.column_number(m.group(1)) for m in re.finditer(rb'[ \t\r\n]r="([A-Z]{1,3})', piece)),
               default=0)


@pytest.mark.parametrize("piece", [
    b'<c r="XFD1048576"/>', b'<c\tr="AB3"><v>1</v></c>', b'<row r="5"><c\nr="Z5"/><c\rr="C5"/></row>',
    b'x r="A1"', b' r="', b"", b'<c r="a1">', b' r="ZZZ9"', b'<c r="B2"/>' * 1000 + b'<c r="AA2"/>', b'r="Q1"',
])
def test_the_widest_column_found_in_bulk_equals_the_regex(piece):
    assert workbook._widest_column(piece) == _widest_by_regex(piece)
