"""Exported tables: no executable cells, BOM for Excel, leading zeros kept, raw personal data refused."""
from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from analysis import tables

RISKY = pd.DataFrame({
    "village_code": ["620121101201", "620121101202"],
    "head_name_masked": ["张*明", "=HYPERLINK(\"http://x\")"],
    "note": ["+1 cmd|' /C calc'!A0", "@SUM(A1:A2)"],
    "id_number_masked": ["620121********123X", "-2+3"],
    "income": [12345.5, 6789.0],
})


def test_neutralise_prefixes_formula_starts_only():
    assert tables.neutralise("=1+1") == "'=1+1"
    assert tables.neutralise("-5") == "'-5"
    assert tables.neutralise("\t=x") == "'\t=x"
    assert tables.neutralise("张*明") == "张*明"
    assert tables.neutralise(3.5) == 3.5


def test_excel_has_no_formula_and_keeps_codes_as_text():
    data = tables.to_excel_bytes({"名单 list": RISKY}, note="演示数据 · synthetic demo data")
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_name("名单 list").to_python()
    assert rows[0][0] == "演示数据 · synthetic demo data"
    header, body = rows[2], rows[3:]
    assert header[0] == "village_code" and body[0][0] == "620121101201"
    cells = [str(c) for row in body for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    with pd.ExcelFile(io.BytesIO(data), engine="calamine") as workbook:
        assert workbook.sheet_names == ["名单 list"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula element anywhere


def test_csv_has_bom_and_neutralised_cells():
    data = tables.to_csv_bytes(RISKY)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig")
    assert back.loc[1, "head_name_masked"].startswith("'=")
    assert back.loc[0, "village_code"] == "620121101201"


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"id_number": ["620121199001011234"]}),
    pd.DataFrame({"remark": ["身份证 62012119900101123X"]}),
    pd.DataFrame({"contact": ["13912345678"]}),
])
def test_raw_personal_data_is_refused(frame):
    with pytest.raises(ValueError):
        tables.to_csv_bytes(frame)
    with pytest.raises(ValueError):
        tables.to_excel_bytes({"x": frame})
