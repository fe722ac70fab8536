"""Every number a page shows in a table is on a shared formatting kind (analysis.formatting).

Streamlit shows a numeric column without a format as it comes: 10642500, 174956, 0.12345, unrounded yuan.
This walks every page through AppTest and fails on a numeric dataframe column shown without a format, or whose
numbers reach five digits and whose format does not group thousands, so that a new table cannot slip past.
Pages give formats through `shell.table(frame, kinds)` (analysis.formatting kinds: rounded once, the kind's printf).
"""
from __future__ import annotations

import json

import pytest

from tests.test_pages import PAGES

PROVINCE = "620000"
GROUPED_FROM = 10_000  # 2024 (a year) may read without a separator; 10642500 may not


def unformatted(element) -> list[str]:
    """Numeric columns of a shown dataframe without a format, or with five-digit numbers not grouped."""
    frame = element.value
    config = json.loads(element.proto.columns or "{}")
    wrong = []
    for position, column in enumerate(frame.columns):
        if frame[column].dtype.kind not in "iuf":
            continue
        settings = config.get(str(column)) or config.get(f"_pos:{position}") or {}
        shown = settings.get("type_config", {}).get("format")
        large = bool((frame[column].abs() >= GROUPED_FROM).any())  # all-missing columns are not large
        if not shown or (large and "," not in shown and shown not in ("localized", "compact")):
            wrong.append(f"{settings.get('label') or column}: {shown or 'no format'}")
    return wrong


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_numeric_table_column_on_every_page_has_a_formatting_kind(open_app, lang):
    problems = {}
    at = open_app(lang=lang, region=PROVINCE)
    for page in PAGES:
        at.switch_page(page).run()
        assert [e.value for e in at.exception] == [], page
        wrong = [column for element in at.dataframe for column in unformatted(element)]
        if wrong:
            problems[page] = wrong
    assert problems == {}


def test_the_check_catches_a_raw_number():
    """The walk above would pass on no tables at all: the check itself must see a bare column."""
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd
        import streamlit as st

        from analysis import formatting

        frame = pd.DataFrame({"name": ["a"], "households": [174956], "income": [10642500.0], "people": [12345]})
        st.dataframe(formatting.for_display(frame, {"income": "yuan"}), column_config={
            "income": st.column_config.NumberColumn(format=formatting.printf("yuan", "zh")),
            "people": st.column_config.NumberColumn(format="%d")})

    at = AppTest.from_function(page).run()
    assert unformatted(at.dataframe[0]) == ["households: no format", "people: %d"]
