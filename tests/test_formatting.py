"""Server-side number formatting: 万 / 亿 for Chinese, separators and millions for English."""
import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import formatting


@pytest.mark.parametrize(("value", "zh", "en"), [
    (0, "0", "0"),
    (7, "7", "7"),
    (9_999, "9,999", "9,999"),
    (10_000, "1.00万", "10,000"),
    (12_345, "1.23万", "12,345"),
    (12_355, "1.24万", "12,355"),           # half-up on the decimal value, not float rounding
    (99_995, "10.00万", "99,995"),
    (1_234_567, "123.46万", "1.2 million"),
    (99_999_999, "1.00亿", "100.0 million"),  # rounds up into the next unit instead of "10000.00万"
    (123_456_789, "1.23亿", "123.5 million"),
    (3_277_900_000, "32.78亿", "3.3 billion"),
    (-12_345, "-1.23万", "-12,345"),
    (-123_456_789, "-1.23亿", "-123.5 million"),
    (-0.4, "0", "0"),                       # never "-0"
])
def test_count(value, zh, en):
    assert formatting.count(value, "zh") == zh
    assert formatting.count(value, "en") == en


@pytest.mark.parametrize("missing", [None, math.nan])
def test_missing_values_show_a_dash(missing):
    for text in (formatting.count(missing), formatting.yuan(missing), formatting.yuan_total(missing),
                 formatting.percent(missing), formatting.signed_percent(missing)):
        assert text == formatting.MISSING


def test_yuan_per_capita_in_full():
    assert formatting.yuan(14_342) == "14,342 元"
    assert formatting.yuan(14_342.5) == "14,343 元"
    assert formatting.yuan(14_342, "en") == "14,342 yuan"
    assert formatting.yuan(-250.4) == "-250 元"
    assert formatting.yuan(0) == "0 元"


def test_yuan_totals_are_compact():
    assert formatting.yuan_total(95_811_000_000) == "958.11亿元"
    assert formatting.yuan_total(123_456_789, "en") == "123.5 million yuan"
    assert formatting.yuan_total(8_000) == "8,000元"


def test_percentages():
    assert formatting.percent(0.1234) == "12.3%"
    assert formatting.percent(0.12345, decimals=2) == "12.35%"
    assert formatting.percent(0) == "0.0%"
    assert formatting.signed_percent(0.052) == "+5.2%"
    assert formatting.signed_percent(-0.031) == "-3.1%"
    assert formatting.signed_percent(-0.0001) == "0.0%"
    assert formatting.signed_percent(0.0004) == "0.0%"


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_chinese_counts_read_back_close_to_the_value(value):
    """Whatever the unit, the text means the value to within half a unit of its last digit."""
    text = formatting.count(value, "zh")
    units = {"亿": 10**8, "万": 10**4}
    size = next((units[u] for u in units if text.endswith(u)), 1)
    number = Decimal(text.rstrip("万亿").replace(",", ""))  # exact: a float product misses the half-unit bound at 54750
    assert abs(number * size - value) <= (Decimal("0.005") * size if size > 1 else Decimal("0.5"))
    assert size == 1 or abs(value) >= 9_999.5  # small counts are never put in 万


def test_chinese_count_on_a_rounding_boundary_reads_back_within_half_a_unit():
    """54750 -> 5.48万 sits exactly half a unit off; float arithmetic once made that flaky."""
    assert formatting.count(54_750, "zh") in {"5.47万", "5.48万"}
    test_chinese_counts_read_back_close_to_the_value.hypothesis.inner_test(54_750)


def test_a_range_whose_ends_agree_is_one_value():
    assert formatting.value_range("21", "21") == "21"
    assert formatting.value_range("18", "24") == "18–24"


def test_tables_round_half_up_as_the_cards_do():
    import pandas as pd

    assert formatting.half_up(14_416.5) == 14_417 and formatting.yuan(14_416.5) == "14,417 元"
    shown = formatting.for_display(pd.DataFrame({"income": [14_416.5], "share": [0.12345]}),
                                   {"income": "yuan", "share": "percent"})
    assert shown["income"][0] == 14_417 and shown["share"][0] == 12.3


def test_count_axes_are_labelled_in_wan():
    ticks = formatting.axis_ticks(123_456, "zh")
    assert ticks["ticktext"][:3] == ["0", "2.5万", "5万"] and ticks["tickvals"][-1] >= 123_456
    assert formatting.axis_ticks(123_456, "en")["ticktext"][2] == "50,000"


def test_a_parameter_reads_as_its_file_writes_it():
    assert [formatting.as_written(v) for v in (10_000, 0.30, 4, 2000.0, None, float("nan"))] == \
        ["10,000", "0.3", "4", "2,000", "—", "—"]


def test_table_cells_scaled_to_percent_read_as_the_cards_read():
    """Map and drill-down tables show shares in %; each half-way share (x.x5%) must round as `percent` does."""
    shares = [k / 20_000 for k in range(20_001)]  # every 0.005 of a percent, half-way points included
    cells = formatting.scaled_half_up(shares, 100)
    assert [f"{cell:.1f}%" for cell in cells] == [formatting.percent(share) for share in shares]
    assert formatting.scaled_half_up([None, float("nan"), 1.25], 1) == [None, None, 1.3]


@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                          st.integers(-10**6, 10**6).map(lambda k: k / 200),     # exact ties: x.xx5
                          st.integers(-10**9, 10**9).map(lambda k: k / 1000)),   # ties as decimal text only
                min_size=1, max_size=40),
       st.sampled_from(sorted(formatting.KINDS)))
def test_whole_columns_round_exactly_as_each_value_rounds(values, kind):
    """rounded_array (vectorised, for national tables) gives what half_up and scaled_half_up give value by value."""
    import numpy as np
    import pandas as pd

    decimals = formatting.KINDS[kind] + (2 if kind == "percent" else 0)
    expected = [math.nan if r is None else r for r in (formatting.half_up(v, decimals) for v in values)]
    np.testing.assert_array_equal(formatting.rounded_array(pd.Series(values, dtype="float64"), kind), expected)
    shown = formatting.scaled_half_up(values, 100, formatting.KINDS[kind])
    np.testing.assert_array_equal(formatting.rounded_array(pd.Series(values, dtype="float64"), kind, 100),
                                  [math.nan if r is None else r for r in shown])


def test_columns_of_integers_missing_values_and_text_round_as_values_do():
    import numpy as np
    import pandas as pd

    np.testing.assert_array_equal(formatting.rounded_array(pd.Series([1, None, 3], dtype="Int64"), "count"),
                                  [1.0, math.nan, 3.0])
    np.testing.assert_array_equal(formatting.rounded_array(pd.Series(["2.675", None, 1.005]), "price"),
                                  [2.68, math.nan, 1.01])  # an object column goes value by value, on the text
    assert formatting.rounded_array(pd.Series([2.675, 1.005, 2**60 + 0.5]), "price").tolist() == \
        [2.68, 1.01, float(2**60)]  # stored below the tie, rounded on the decimal text as the cards are


def test_every_kind_has_a_rounding_a_screen_format_and_an_excel_format():
    assert set(formatting.KINDS) == set(formatting.PRINTF) == set(formatting.EXCEL_FORMATS)


@pytest.mark.parametrize(("kind", "value", "text", "cell", "csv"), [
    ("rank", 12_345, "12345", "%d", "12345"),            # a position: never "1.23万", never "12,345"
    ("sequence", 1_024, "1024", "%d", "1024"),           # a log entry's number
    ("multiple", 1.235, "1.24×", "%.2f×", "1.24"),       # half-up on the decimal value (float 1.235 < 1.235)
    ("odds_ratio", 1.2345, "1.235", "%.3f", "1.235"),
    ("per_mille", 12.35, "12.4‰", "%.1f‰", "12.4"),
])
def test_positions_multiples_estimates_and_rates_read_alike_on_screen_in_csv_and_excel(kind, value, text, cell, csv):
    """The kinds the map, drill-down, income, risk-model and audit tables use: one rounding for every path."""
    import io
    import re
    import zipfile

    import pandas as pd

    from analysis import tables

    frame = pd.DataFrame({"x": [value]})
    assert formatting.as_text(value, kind) == text
    assert formatting.printf(kind) == cell and cell % formatting.for_display(frame, {"x": kind})["x"][0] == text
    assert tables.to_csv_bytes(frame, {"x": kind}).decode("utf-8-sig").splitlines() == ["x", csv]
    with zipfile.ZipFile(io.BytesIO(tables.to_excel_bytes({"s": frame}, kinds={"x": kind}))) as book:
        styles = book.read("xl/styles.xml").decode()
    expected = formatting.EXCEL_FORMATS[kind]
    assert expected in {"0", "0.000"} or re.sub("&quot;", '"', styles).count(expected) == 1
