"""Every number a page shows in a table is on a shared formatting kind (analysis.formatting).

Streamlit shows a numeric column without a format as it comes: 10642500, 174956, 0.12345, unrounded yuan.
This walks every page through AppTest and fails on a numeric dataframe column shown without a format, or with a
format of its own ("%.1f" on a share, "%d" on a count, "localized"), so that a new table cannot slip past.
Pages give formats through `shell.table(frame, kinds)` (analysis.formatting kinds: rounded once, the kind's printf).
"""
from __future__ import annotations

import json
import re

import pytest

from analysis import formatting
from tests.test_pages import PAGES

PROVINCE = "620000"
# The formats of the formatting kinds, in both languages, plain and signed (a change: +5.2%)
KIND_FORMATS = {formatting.printf(kind, lang, signed=signed)
                for kind in formatting.PRINTF for lang in ("zh", "en") for signed in (False, True)}


def unformatted(element) -> list[str]:
    """Numeric columns of a shown dataframe without a format, or with one that is not a formatting kind's."""
    frame = element.value
    config = json.loads(element.proto.columns or "{}")
    wrong = []
    for position, column in enumerate(frame.columns):
        if frame[column].dtype.kind not in "iuf":
            continue
        settings = config.get(str(column)) or config.get(f"_pos:{position}") or {}
        shown = settings.get("type_config", {}).get("format")
        if shown not in KIND_FORMATS:
            wrong.append(f"{settings.get('label') or column}: {shown or 'no format'}")
    return wrong


# Latin letters a Chinese header may hold: names of measures that Chinese reports write so (MAPE, R², p 值).
ABBREVIATIONS = re.compile(r"MAPE|R²|\bp\b")


def headers(element) -> list[str]:
    """A shown dataframe's column headers as the reader sees them (a column_config label, else the name)."""
    config = json.loads(element.proto.columns or "{}")
    return [(config.get(str(column)) or config.get(f"_pos:{position}") or {}).get("label") or str(column)
            for position, column in enumerate(element.value.columns)]


def english_headers(element) -> list[str]:
    """Headers with Latin words in them (internal names such as rule_id, or untranslated labels)."""
    return [header for header in headers(element) if re.search("[A-Za-z]", ABBREVIATIONS.sub("", header))]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_numeric_table_column_on_every_page_has_a_formatting_kind(open_app, lang):
    """No exceptions: ranks, multiples, odds ratios, per mille and log numbers have kinds of their own; the rules'
    thresholds (units differ by row) are text as their files write them. In Chinese, no table has an English header."""
    problems, english = {}, {}
    at = open_app(lang=lang, region=PROVINCE)
    for page in PAGES:
        at.switch_page(page).run()
        assert [e.value for e in at.exception] == [], page
        if wrong := [column for element in at.dataframe for column in unformatted(element)]:
            problems[page] = wrong
        if lang == "zh" and (latin := [header for element in at.dataframe for header in english_headers(element)]):
            english[page] = latin
    assert problems == {}
    assert english == {}


def test_the_check_catches_a_raw_number():
    """The walk above would pass on no tables at all: the check itself must see a bare column."""
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd
        import streamlit as st

        from analysis import formatting

        frame = pd.DataFrame({"name": ["a"], "households": [174956], "income": [10642500.0], "people": [12345],
                              "share": [0.123], "change": [0.052]})
        st.dataframe(formatting.for_display(frame, {"income": "yuan", "share": "percent", "change": "percent"}),
                     column_config={"income": st.column_config.NumberColumn(format=formatting.printf("yuan", "zh")),
                                    "people": st.column_config.NumberColumn(format="%.0f"),
                                    "share": st.column_config.NumberColumn(format="%.1f"),
                                    "change": st.column_config.NumberColumn(
                                        format=formatting.printf("percent", signed=True))})

    at = AppTest.from_function(page).run()
    assert unformatted(at.dataframe[0]) == ["households: no format", "people: %.0f", "share: %.1f"]


def test_the_scenario_comparison_downloads_numbers_with_the_kinds_excel_formats(demo_con):
    """Side by side on screen as text; in the files as numbers whose Excel formats say how to show them."""
    import io
    import re
    import zipfile

    import pandas as pd

    from analysis import formatting, tables
    from analysis.simulate import example_scenarios, scenario_from_toml, simulate
    from analysis.simulate.summary import comparison_frame, comparison_table

    results = [simulate(demo_con, PROVINCE, 2024, scenario_from_toml(text))
               for text in list(example_scenarios().values())[:2]]
    numbers, kinds = comparison_frame(results, "zh")
    assert len(numbers) == 2 and set(kinds.values()) == {"count", "yuan_total"}
    shown = comparison_table(results, "zh")
    assert shown.iloc[:, 0].tolist() == [formatting.as_text(numbers.loc[0, c], k, "zh") for c, k in kinds.items()]
    data = tables.to_excel_bytes({"comparison": numbers}, kinds=kinds)
    sheet = pd.read_excel(io.BytesIO(data), engine="calamine")
    assert all(sheet[column].dtype.kind in "iuf" for column in kinds)  # numbers, not text
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert set(re.findall(r'formatCode="([^"]+)"', book.read("xl/styles.xml").decode())) == {"#,##0"}


def test_the_household_card_table_is_on_kinds(open_app, demo_con):
    """The walk above opens provinces; the card is one household's years (a link opens it)."""
    household = demo_con.execute("SELECT min(household_id) FROM households WHERE county_code LIKE '62%'").fetchone()[0]
    at = open_app("pages/drilldown.py", lang="en", household=household)
    assert [e.value for e in at.exception] == []
    assert at.dataframe and [column for element in at.dataframe for column in unformatted(element)] == []


def test_the_header_check_catches_english_in_a_chinese_table():
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd
        import streamlit as st

        st.dataframe(pd.DataFrame({"规则": ["a"], "rule_id": ["b"], "回测误差（MAPE）": [1.0], "p 值": [0.1]}),
                     column_config={"规则": st.column_config.TextColumn("Rule")})

    at = AppTest.from_function(page).run()
    assert english_headers(at.dataframe[0]) == ["Rule", "rule_id"]
